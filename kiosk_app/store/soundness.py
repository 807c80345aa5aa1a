"""`kiosk-app check --store`: is kiosk.db a sound SQLite database, and can SQLite mend it?

SQLite's own checks do the work: ``PRAGMA integrity_check`` reads every page, every row and
every index entry (a flipped byte in an index that hides a reference shows up as "row N missing
from index ..."). When it finds problems, ``REINDEX`` rebuilds every index from its table and
the check runs again: indexes hold nothing of their own, so rebuilding them loses nothing. What
a rebuild cannot mend (a damaged table, a truncated file) is reported as damaged, with the way
back: ``kiosk-app recover`` rebuilds the store from central's copy.

The file is opened with ``mode=rw`` (never created) and without running migrations, so checking
a damaged file changes nothing but what REINDEX repairs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_PROBLEMS = 100  # integrity_check stops after this many; enough to tell what is wrong

SOUND, REPAIRED, DAMAGED = "sound", "repaired", "damaged"


@dataclass(frozen=True)
class StoreCheck:
    """``state``: sound | repaired (REINDEX mended it) | damaged (recover it)."""

    path: str
    state: str
    problems: list[str] = field(default_factory=list)  # what SQLite found first
    remaining: list[str] = field(default_factory=list)  # what is still wrong after a repair
    repair_tried: bool = True

    @property
    def ok(self) -> bool:
        return self.state in (SOUND, REPAIRED)

    def summary(self) -> list[str]:
        if self.state == SOUND:
            return [
                "Базата данни на киоска е здрава. / The kiosk database is sound "
                "(integrity_check: ok)."
            ]
        found = f"{len(self.problems)} problem(s), first: {self.problems[0]}"
        if self.state == REPAIRED:
            return [
                f"SQLite found {found}.",
                "Индексите са изградени наново; базата данни е здрава. / The indexes were "
                "rebuilt (REINDEX) and the check now passes: nothing was lost.",
            ]
        lines = [f"SQLite found {found}."]
        if not self.repair_tried:
            lines.append(
                "Nothing was changed (--no-repair): run `kiosk-app check --store` to rebuild the "
                "indexes, which may mend it."
            )
            return lines
        if self.remaining and self.remaining != self.problems:
            lines.append(f"After rebuilding the indexes: {self.remaining[0]}")
        lines.append(
            "Базата данни е повредена и не може да се поправи на място: спрете киоска и "
            "изпълнете `kiosk-app recover`. / The database is damaged beyond an index rebuild: "
            "stop the kiosk's services and run `kiosk-app recover` (it rebuilds the store from "
            "central's copy; the damaged file is kept beside it)."
        )
        return lines

    def to_json(self) -> dict:
        return {**asdict(self), "ok": self.ok, "summary": self.summary()}


def _problems(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def check_store(path: Path | str, repair: bool = True) -> StoreCheck:
    """Run SQLite's integrity check on ``path`` (which must exist); rebuild the indexes when it
    finds problems and ``repair`` is set, and check again."""
    path = Path(path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        return StoreCheck(str(path), DAMAGED, [f"cannot open: {exc}"])
    try:
        try:
            problems = _problems(conn)
        except sqlite3.DatabaseError as exc:  # not a database at all, or its header is gone
            return StoreCheck(str(path), DAMAGED, [str(exc)], [str(exc)])
        if not problems:
            return StoreCheck(str(path), SOUND)
        if not repair:
            return StoreCheck(str(path), DAMAGED, problems, problems, repair_tried=False)
        try:
            conn.execute("REINDEX")
            conn.commit()
            remaining = _problems(conn)
        except sqlite3.DatabaseError as exc:
            remaining = [f"REINDEX failed: {exc}"]
        return StoreCheck(str(path), DAMAGED if remaining else REPAIRED, problems, remaining)
    finally:
        conn.close()
