"""The kiosk's local store (SQLite via sqlite-utils). See :mod:`kiosk_app.store.db`."""

from .access import enrollment_of, has_keys, require_store_file, store_for
from .clock import utc_now
from .db import KioskStore, open_store
from .migrations import migrations
from .streams import OutboundBundle

__all__ = [
    "KioskStore",
    "OutboundBundle",
    "enrollment_of",
    "has_keys",
    "migrations",
    "open_store",
    "require_store_file",
    "store_for",
    "utc_now",
]
