"""Applying central's notices, staff lists and document revocations at the kiosk.

``notice.published`` adds to the notice board (newest first, a bounded number kept; an attached
PDF is stored beside the store after its hash is checked); ``staff.updated`` replaces the
village's list of mayoralty staff (argon2 PIN hashes only, never PINs); ``document.revoked``
marks a document so that it is neither handed over nor reprinted.
"""

from __future__ import annotations

import base64
import hashlib

from sync import RecordRefused
from sync.stick import write_atomically

from .config import KioskConfig
from .errors import writing
from .store import KioskStore, utc_now

NOTICES_SETTING = "notices"  # read by the staff panel and the notice board
STAFF_SETTING = "staff"
KEEP_NOTICES = 50


def apply_notice(config: KioskConfig, store: KioskStore, body: dict) -> None:
    notice_id = str(body.get("id") or "")
    title, text = body.get("title"), body.get("body")
    if not notice_id or not isinstance(title, dict) or not isinstance(text, dict):
        raise RecordRefused("the notice has no id, title or text")
    notice = {key: body.get(key) for key in ("id", "kind", "date", "published_at", "title", "body")}
    if body.get("pdf_b64"):
        notice["pdf"] = _store_pdf(config, notice_id, body)
    notices = [n for n in store.get_setting(NOTICES_SETTING, []) if n.get("id") != notice_id]
    notices.append(notice)
    notices.sort(key=lambda n: (n.get("date") or "", n.get("published_at") or ""), reverse=True)
    store.set_setting(NOTICES_SETTING, notices[:KEEP_NOTICES])


def _store_pdf(config: KioskConfig, notice_id: str, body: dict) -> str:
    try:
        pdf = base64.b64decode(body["pdf_b64"], validate=True)
    except (ValueError, TypeError) as exc:
        raise RecordRefused("the notice's PDF is not valid base64") from exc
    if hashlib.sha256(pdf).hexdigest() != body.get("pdf_sha256"):
        raise RecordRefused("the notice's PDF does not match its hash")
    path = config.home / "notices" / f"{hashlib.sha256(notice_id.encode()).hexdigest()[:16]}.pdf"
    with writing(f"the notice {notice_id}"):
        write_atomically(path, pdf)
    return str(path)


def apply_staff_list(store: KioskStore, body: dict) -> None:
    staff = body.get("staff")
    if not isinstance(staff, list):
        raise RecordRefused("the staff list is missing")
    members = []
    for member in staff:
        if not isinstance(member, dict) or not str(member.get("pin_hash", "")).startswith(
            "$argon2"
        ):
            raise RecordRefused("a staff member has no argon2 PIN hash")
        members.append(
            {
                "staff_id": str(member["staff_id"]),
                "name": str(member["name"]),
                "pin_hash": member["pin_hash"],
            }
        )
    store.set_setting(STAFF_SETTING, members)


def apply_document_revoked(store: KioskStore, body: dict) -> None:
    number = str(body.get("number") or "")
    if not number:
        raise RecordRefused("the revocation names no document")
    if store.document(number) is None:
        return  # not here yet: the event row keeps the fact; the document is marked on arrival
    store.mark_revoked(number, str(body.get("at") or utc_now()), str(body.get("reason") or ""))
