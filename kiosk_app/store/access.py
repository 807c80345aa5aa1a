"""Opening the store for one piece of work, and the enrollment it holds.

Each caller opens the store for the duration of a ``with`` block (a SQLite connection belongs to
one thread, and the GUI's worker, the sync daemon and the command line each have their own).
"""

from __future__ import annotations

import contextlib

from ..errors import NotEnrolledError
from .db import KioskStore, open_store


@contextlib.contextmanager
def store_for(config):
    """The store of ``config`` (a :class:`kiosk_app.config.KioskConfig`), open for a block."""
    store = open_store(config.db_path)
    try:
        yield store
    finally:
        store.close()


def enrollment_of(store: KioskStore) -> dict:
    """The enrollment setting (kiosk id, number, village, central's key), or NotEnrolledError."""
    enrollment = store.get_setting("enrollment")
    if not enrollment:
        raise NotEnrolledError(
            "This kiosk is not enrolled yet: run `kiosk-app enroll --central URL --token TOKEN` "
            "with an invite token from the central office."
        )
    return enrollment
