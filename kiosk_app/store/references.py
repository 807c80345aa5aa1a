"""The kiosk's journal of references given out, kept beside kiosk.db but not in it.

Every reference the kiosk hands to a villager (on the slip) is appended here, fsynced, before
the request is committed. A number once given is so never given again, whatever becomes of
kiosk.db: a store rebuilt by `kiosk-app recover` or put back from an older copy continues above
the highest number in the journal, and the journal tells how many requests never reached
central (numbers it holds that central does not). A number whose request was rolled back stays
burnt: a gap, never a second paper with the same number.

Once the request is committed, a second line says so (``N REFERENCE kept``). A number above the
store's counter that was never kept is a submit that did not finish (killed, a power cut): the
store is not an older copy, and goes on above it. A journal older than these lines keeps none;
its numbers count as kept (the line ``CONFIRMING`` marks where keeping began).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import writing

FILE_NAME = "references.log"
CONFIRMING = "# from here each number is followed by a line 'kept' once its request is committed"
KEPT = "kept"


class ReferenceJournal:
    def __init__(self, path: Path | None):
        self.path = path  # None for a store in memory (tests): nothing is journaled

    @classmethod
    def beside(cls, database_path: str) -> ReferenceJournal:
        if database_path == ":memory:":
            return cls(None)
        return cls(Path(database_path).parent / FILE_NAME)

    def _lines(self) -> list[str]:
        if self.path is None or not self.path.is_file():
            return []
        return self.path.read_text(encoding="utf-8").splitlines()

    def entries(self) -> list[tuple[int, str]]:
        """(counter, reference) of every number given out, in order."""
        found = []
        for line in self._lines():
            counter, _, rest = line.partition(" ")
            reference, _, mark = rest.strip().partition(" ")
            # A line a power cut cut short is not a number given; a 'kept' line is no new one.
            if counter.isdigit() and mark != KEPT:
                found.append((int(counter), reference))
        return found

    def never_kept(self) -> set[int]:
        """The numbers given since keeping began whose request was never committed."""
        given, kept, confirming = set(), set(), False
        for line in self._lines():
            if line == CONFIRMING:
                confirming = True
                continue
            counter, _, rest = line.partition(" ")
            if confirming and counter.isdigit():
                (kept if rest.strip().endswith(" " + KEPT) else given).add(int(counter))
        return given - kept

    def highest(self) -> int:
        return max((counter for counter, _ in self.entries()), default=0)

    def append(self, counter: int, reference: str) -> None:
        """Journal a number before its request is committed."""
        lines = [] if CONFIRMING in self._lines() else [CONFIRMING]
        self._write([*lines, f"{counter} {reference}"])

    def keep(self, counter: int, reference: str) -> None:
        """Journal that the request of a number was committed."""
        self._write([f"{counter} {reference} {KEPT}"])

    def _write(self, lines: list[str]) -> None:
        if self.path is None:
            return
        with writing("the journal of references"):
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, "".join(f"{line}\n" for line in lines).encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
