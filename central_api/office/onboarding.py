"""What a newly enrolled kiosk is sent at once: its village's staff list and recent notices.

Without it a kiosk enrolled after the admin set up the staff could not confirm anyone's identity
until somebody pressed "send again" on the fleet page.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..workflow import queue_record
from .notices import record_body
from .staff import staff_list_record
from .tables import office_notices

RECENT_NOTICES = 20


def welcome_new_kiosk(conn: Connection, kiosk_id: str, village: str) -> None:
    """Only what exists is sent: a village with no staff yet gets no (empty) list."""
    staff = staff_list_record(conn, village)
    if staff["staff"]:
        queue_record(conn, kiosk_id, "staff.updated", staff)
    recent = conn.execute(
        select(office_notices).order_by(office_notices.c.published_at.desc()).limit(RECENT_NOTICES)
    ).mappings()
    for row in reversed(list(recent)):  # oldest first, as they were published
        queue_record(conn, kiosk_id, "notice.published", record_body(row))
