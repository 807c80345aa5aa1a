"""The kiosk's local store (SQLite via sqlite-utils). See :mod:`kiosk_app.store.db`."""

from .access import enrollment_of, store_for
from .clock import utc_now
from .db import KioskStore, open_store
from .migrations import migrations
from .streams import OutboundBundle

__all__ = [
    "KioskStore",
    "OutboundBundle",
    "enrollment_of",
    "migrations",
    "open_store",
    "store_for",
    "utc_now",
]
