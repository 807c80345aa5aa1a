"""The kiosk's local store (SQLite via sqlite-utils). See :mod:`kiosk_app.store.db`."""

from .clock import utc_now
from .db import KioskStore, open_store
from .migrations import migrations
from .streams import OutboundBundle

__all__ = ["KioskStore", "OutboundBundle", "migrations", "open_store", "utc_now"]
