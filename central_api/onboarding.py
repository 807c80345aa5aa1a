"""Enrolling a kiosk, and what a newly enrolled kiosk is sent at once: its village's staff list
and the recent notices.

Without the welcome a kiosk enrolled after the admin set up the staff could not confirm anyone's
identity until somebody pressed "send again" on the fleet page. The kiosk API's enrollment and
the demo both enroll through :func:`enroll_kiosk`.
"""

from __future__ import annotations

from sqlalchemy import Connection

from . import kiosks, notices, staff
from .workflow import queue_record

RECENT_NOTICES = 20


def enroll_kiosk(conn: Connection, token: str, identity: dict, software_version=None) -> dict:
    """Spend the invite, register the kiosk's keys (:func:`central_api.kiosks.enroll`) and queue
    its welcome; the new kiosk row."""
    kiosk = kiosks.enroll(conn, token, identity, software_version=software_version)
    welcome_new_kiosk(conn, kiosk["id"], kiosk["village"])
    return kiosk


def welcome_new_kiosk(conn: Connection, kiosk_id: str, village: str) -> None:
    """Only what exists is sent: a village with no staff yet gets no (empty) list."""
    listed = staff.staff_list_record(conn, village)
    if listed["staff"]:
        queue_record(conn, kiosk_id, "staff.updated", listed)
    for body in notices.recent_records(conn, RECENT_NOTICES):  # oldest first, as published
        queue_record(conn, kiosk_id, "notice.published", body)
