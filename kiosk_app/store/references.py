"""The kiosk's journal of references given out, kept beside kiosk.db but not in it.

Every reference the kiosk hands to a villager (on the slip) is appended here, fsynced, before
the request is committed. A number once given is so never given again, whatever becomes of
kiosk.db: a store rebuilt by `kiosk-app recover` or put back from an older copy continues above
the highest number in the journal, and the journal tells how many requests never reached
central (numbers it holds that central does not). A number whose request was rolled back stays
burnt: a gap, never a second paper with the same number.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import writing

FILE_NAME = "references.log"


class ReferenceJournal:
    def __init__(self, path: Path | None):
        self.path = path  # None for a store in memory (tests): nothing is journaled

    @classmethod
    def beside(cls, database_path: str) -> ReferenceJournal:
        if database_path == ":memory:":
            return cls(None)
        return cls(Path(database_path).parent / FILE_NAME)

    def entries(self) -> list[tuple[int, str]]:
        """(counter, reference) of every number given out, in order."""
        if self.path is None or not self.path.is_file():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            counter, _, reference = line.partition(" ")
            if counter.isdigit():  # a line a power cut cut short is not a number given
                found.append((int(counter), reference.strip()))
        return found

    def highest(self) -> int:
        return max((counter for counter, _ in self.entries()), default=0)

    def append(self, counter: int, reference: str) -> None:
        if self.path is None:
            return
        with writing("the journal of references"):
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, f"{counter} {reference}\n".encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
