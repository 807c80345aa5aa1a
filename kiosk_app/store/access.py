"""Opening the store for one piece of work, and the enrollment it holds.

Each caller opens the store for the duration of a ``with`` block (a SQLite connection belongs to
one thread, and the GUI's worker, the sync daemon and the command line each have their own).

Only enrollment (and ``kiosk-app recover``) creates kiosk.db. Anywhere else a missing file is
:class:`NotEnrolledError` on a kiosk that never enrolled (no keys) and
:class:`StoreMissingError` on one that did: an empty store in its place would hand out
references central already holds. SQLite's errors inside the block leave as the kiosk's own
(:func:`kiosk_app.store.db.translate_error`): damaged, disk full, locked.
"""

from __future__ import annotations

import contextlib
import sqlite3

from ..errors import NotEnrolledError
from .db import KioskStore, open_store, store_missing_error, translate_error

NOT_ENROLLED = (
    "This kiosk is not enrolled yet: run `kiosk-app enroll --central URL --token TOKEN` "
    "with an invite token from the central office."
)


def has_keys(config) -> bool:
    """Whether this kiosk made its keys (it enrolled once), whatever became of its store."""
    return (config.keys_dir / "party-id").is_file()


def require_store_file(config) -> None:
    """Refuse a missing kiosk.db: not enrolled (no keys) or lost (keys, no store)."""
    if not config.db_path.is_file():
        if has_keys(config):
            raise store_missing_error(config.db_path)
        raise NotEnrolledError(NOT_ENROLLED)


@contextlib.contextmanager
def store_for(config, create: bool = False):
    """The store of ``config`` (a :class:`kiosk_app.config.KioskConfig`), open for a block."""
    if not create:
        require_store_file(config)
    store = open_store(config.db_path, create=create)
    try:
        yield store
    except sqlite3.Error as exc:
        raise translate_error(exc, config.db_path) from exc
    finally:
        store.close()


def enrollment_of(store: KioskStore) -> dict:
    """The enrollment setting (kiosk id, number, village, central's key), or NotEnrolledError."""
    enrollment = store.get_setting("enrollment")
    if not enrollment:
        raise NotEnrolledError(NOT_ENROLLED)
    return enrollment
