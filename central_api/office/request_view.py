"""A request's page: the form as the villager filled it, its history, the kiosk and the member of
staff who took it, its documents, and the actions its state allows.

The actions themselves (POST) are in :mod:`.actions`; this module only reads.
"""

from __future__ import annotations

import json

from flask import render_template
from sqlalchemy import select

from .. import restore
from ..attachments import OPEN_STATES, attachment_list
from ..certificate_facts import place
from ..db import read
from ..db.schema import documents, kiosks, office_staff
from ..documents import default_legal_basis
from ..records import find_service
from ..review import heirs_digest, review_request
from ..workflow import TRANSITIONS, events, get_request
from .auth import engine
from .blueprint import bp
from .common import municipality
from .roles import CLERKS, access


def allowed_actions(request_row: dict, document_rows: list[dict]) -> set[str]:
    """Which buttons the page shows; the server checks each transition again on POST."""
    status = request_row["status"]
    possible = set()
    if status == "received":
        possible.add("review")
    # decisions move a received request into review first, then decide.
    reachable = TRANSITIONS.get(status, set()) | (
        TRANSITIONS["in_review"] if status == "received" else set()
    )
    if "approved" in reachable:
        possible.update({"approve", "preview", "attach"})
    if "rejected" in reachable:
        possible.add("reject")
    if "needs_info" in reachable:
        possible.add("ask")
    if any(not d["revoked_at"] for d in document_rows):
        possible.add("revoke")
    if status not in ("delivered", "rejected", "cancelled"):
        possible.add("fee")
    return possible


def labelled_fields(service: dict | None, fields: dict) -> list[tuple[dict | str, str]]:
    """(label, value) in the catalogue's order; fields the catalogue does not know come last."""
    known = []
    seen = set()
    for spec in (service or {}).get("fields", []):
        name = spec.get("name")
        if name in fields and fields[name] not in ("", None):
            known.append((spec.get("label") or name, _shown(spec, fields[name])))
            seen.add(name)
    for name, value in fields.items():
        if name not in seen and value not in ("", None):
            known.append((name, str(value)))
    return known


def _shown(spec: dict, value) -> str:
    for option in spec.get("options") or spec.get("choices") or []:
        if isinstance(option, dict) and option.get("value") == value:
            from .i18n import name_of

            return name_of(option.get("label")) or str(value)
    return str(value)


def place_label(address) -> str:
    """``с. Горно Примерово, ул. „Васил Левски“ № 12`` for a register address (or "—")."""
    if address is None:
        return "—"
    return ", ".join(
        part
        for part in (place(address.settlement, municipality())["settlement"], address.address)
        if part
    )


def load_request(conn, reference: str) -> dict:
    request_row = get_request(conn, reference)
    fields = json.loads(request_row["fields"] or "{}")
    staff = json.loads(request_row["staff"]) if request_row["staff"] else None
    staff_member = None
    if staff and staff.get("staff_id"):
        staff_member = (
            conn.execute(select(office_staff).where(office_staff.c.staff_id == staff["staff_id"]))
            .mappings()
            .first()
        )
    kiosk = None
    if request_row["kiosk_id"]:
        kiosk = (
            conn.execute(select(kiosks).where(kiosks.c.id == request_row["kiosk_id"]))
            .mappings()
            .first()
        )
    document_rows = [
        dict(row)
        for row in conn.execute(
            select(
                documents.c.number,
                documents.c.issued_at,
                documents.c.issued_by,
                documents.c.sha256,
                documents.c.revoked_at,
                documents.c.revoke_reason,
            )
            .where(documents.c.reference == reference)
            .order_by(documents.c.id)
        ).mappings()
    ]
    service = find_service(conn, request_row["service"])
    tier = next(
        (x for x in (service or {}).get("tiers") or [] if x.get("id") == request_row["tier"]),
        None,
    )
    found = review_request(conn, request_row) if request_row["status"] in OPEN_STATES else None
    actions = allowed_actions(request_row, document_rows)
    return {
        # After a restore of central no number is given until the kiosks reported: say so
        # before a clerk signs in vain (central_api.restore).
        "numbering_paused_for": restore.paused_for(conn) if "approve" in actions else None,
        "review": found,
        "default_legal_basis": default_legal_basis(request_row["service"]),
        "heirs_digest": heirs_digest(found) if found else None,
        "register_place": place_label,
        "attachments": attachment_list(conn, reference),
        "tier": tier,
        "req": request_row,
        "fields": labelled_fields(service, fields),
        "service": service,
        "staff": staff,
        "staff_member": dict(staff_member) if staff_member else None,
        "kiosk": dict(kiosk) if kiosk else None,
        "documents": document_rows,
        "events": events(conn, request_row),
        "actions": actions,
    }


@bp.get("/requests/<reference>")
@access(*CLERKS)
def request_page(reference: str):
    with read(engine()) as conn:
        shown = load_request(conn, reference)
    return render_template("office/request.html", **shown)
