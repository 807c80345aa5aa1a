"""Applying the records a kiosk sends (docs/design.md, "Record types and bodies").

``apply_record(conn, kiosk, bundle_id, record)`` is called once per record, inside the bundle's
transaction and a savepoint of its own. It answers ``"applied"`` or ``"duplicate"`` (the record
id was applied before), or raises :class:`sync.RecordRefused` with a reason a clerk can act on:
the record is then quarantined and the records behind it still flow.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert, select, update

from sync import RecordRefused

from .db import utc_now
from .db.schema import applied_records, kiosks, request_events, requests
from .errors import CentralError
from .kiosks import VILLAGES
from .workflow import get_request, set_fee, transition


def apply_record(conn: Connection, kiosk: dict, bundle_id: str, record: dict) -> str:
    record_id = record["id"]
    if conn.execute(
        select(applied_records.c.record_id).where(applied_records.c.record_id == record_id)
    ).first():
        return "duplicate"
    handler = HANDLERS.get(record["type"])
    if handler is None:
        raise RecordRefused(f"Unknown record type {record['type']!r}: update central's software.")
    body = record.get("body")
    if not isinstance(body, dict):
        raise RecordRefused("The record has no body.")
    try:
        handler(conn, kiosk, record, body)
    except CentralError as exc:
        raise RecordRefused(exc.message) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordRefused(f"The record's body is incomplete or garbled ({exc!r}).") from exc
    conn.execute(
        insert(applied_records).values(
            record_id=record_id,
            sender=kiosk["id"],
            type=record["type"],
            bundle_id=bundle_id,
            applied_at=utc_now(),
        )
    )
    return "applied"


def _own_request(conn: Connection, kiosk: dict, body: dict) -> dict:
    request = get_request(conn, str(body["reference"]), for_update=True)
    if request["kiosk_id"] != kiosk["id"]:
        raise RecordRefused(
            f"Request {request['reference']} belongs to {request['kiosk_id']}, not {kiosk['id']}."
        )
    return request


def submitted_row(
    conn: Connection, kiosk: dict, record: dict, body: dict, reference_taken, catalogue=None
) -> dict:
    """Check a ``request.submitted`` record and return the ``requests`` row it makes, or raise
    RecordRefused. ``reference_taken(reference)`` says whether the reference already exists."""
    reference = str(body["reference"])
    village = body.get("village") or kiosk["village"]
    if village != kiosk["village"] or village not in VILLAGES:
        raise RecordRefused(f"A kiosk of {kiosk['village']} cannot file a request for {village}.")
    prefix = f"{VILLAGES[village][1]}{kiosk['kiosk_no']}-"
    if not reference.startswith(prefix):
        raise RecordRefused(f"Reference {reference} does not belong to kiosk {kiosk['id']}.")
    if reference_taken(reference):
        raise RecordRefused(f"Reference {reference} is already taken by another request.")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise RecordRefused("The request's fields are not a set of name = value pairs.")
    service_id = str(body["service"])
    service = find_service(conn, service_id, catalogue)
    _validate(service, service_id, fields)
    fee = body.get("fee") or {}
    fee_status = fee.get("status", "due")
    if fee_status not in ("due", "paid", "exempt"):
        raise RecordRefused(f"Unknown fee status {fee_status!r}.")
    now = utc_now()
    return dict(
        reference=reference,
        service=service_id,
        catalogue_version=body.get("catalogue_version"),
        tier=body.get("tier"),
        village=village,
        kiosk_id=kiosk["id"],
        fields=json.dumps(fields, ensure_ascii=False, sort_keys=True),
        staff=json.dumps(body["staff"], ensure_ascii=False) if body.get("staff") else None,
        status="received",
        version=1,
        submitted_at=body.get("submitted_at") or record.get("at"),
        created_at=now,
        updated_at=now,
        due_date=_due_date(service, body.get("tier")),
        fee_status=fee_status,
        fee_method=fee.get("method"),
        fee_receipt_number=fee.get("receipt_number"),
    )


def received_event(request_id: int, kiosk: dict, record: dict, at: str) -> dict:
    """The ``request_events`` row of a request's arrival."""
    return dict(
        request_id=request_id,
        at=at,
        from_status=None,
        to_status="received",
        actor=kiosk["id"],
        via="kiosk",
        record_id=record["id"],
    )


def _submitted(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    def taken(reference):
        return conn.execute(select(requests.c.id).where(requests.c.reference == reference)).first()

    row = submitted_row(conn, kiosk, record, body, taken)
    conn.execute(insert(requests).values(**row))
    request = get_request(conn, row["reference"])
    conn.execute(
        insert(request_events).values(
            received_event(request["id"], kiosk, record, row["created_at"])
        )
    )


def _printed(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    request = _own_request(conn, kiosk, body)
    if request["status"] in ("printed", "delivered") and body.get("reprint", True):
        return  # a reprint: the state does not change
    transition(conn, request, "printed", kiosk["id"], "kiosk", record_id=record["id"])


def _delivered(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    request = _own_request(conn, kiosk, body)
    fee = body.get("fee")
    if isinstance(fee, dict) and fee.get("status") in ("paid", "exempt"):
        request = set_fee(
            conn, request, fee["status"], fee.get("method"), fee.get("receipt_number"), kiosk["id"]
        )
    staff = body.get("staff_id")
    transition(
        conn,
        request,
        "delivered",
        str(staff or kiosk["id"]),
        "kiosk",
        record_id=record["id"],
    )


def _info_answered(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    request = _own_request(conn, kiosk, body)
    answer = str(body["answer"])
    transition(
        conn,
        request,
        "in_review",
        kiosk["id"],
        "kiosk",
        reason="answer received",
        record_id=record["id"],
        answer=answer,
    )


def _fee_changed(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    request = _own_request(conn, kiosk, body)
    fee = body["fee"]
    set_fee(conn, request, fee["status"], fee.get("method"), fee.get("receipt_number"), kiosk["id"])


def _health(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    conn.execute(
        update(kiosks)
        .where(kiosks.c.id == kiosk["id"])
        .values(
            health=json.dumps(body, ensure_ascii=False, sort_keys=True),
            software_version=body.get("software_version") or kiosk["software_version"],
        )
    )


HANDLERS = {
    "request.submitted": _submitted,
    "request.printed": _printed,
    "request.delivered": _delivered,
    "request.info_answered": _info_answered,
    "request.fee_changed": _fee_changed,
    "kiosk.health": _health,
}


def find_service(conn: Connection, service_id: str, catalogue: dict | None = None) -> dict | None:
    """The service from the newest published catalogue, else from the default one, else None.
    A caller handling many records passes the ``catalogue`` it already looked up."""
    if catalogue is None:
        from .catalogues import current_catalogue

        catalogue = current_catalogue(conn)
    for service in (catalogue or {}).get("services", []):
        if str(service.get("id")) == service_id:
            return service
    return None


def _validate(service: dict | None, service_id: str, fields: dict) -> None:
    try:
        from sync.catalogue import validate_fields
    except ImportError:  # the catalogue module is not there yet: accept the kiosk's check
        return
    if service is None:
        raise RecordRefused(f"Unknown service {service_id!r}: it is not in the catalogue.")
    problems = validate_fields(service, fields)
    if problems:
        described = []
        for problem in problems:
            message = getattr(problem, "message", None)
            text = message.get("bg") or message.get("en") if isinstance(message, dict) else None
            described.append(f"{getattr(problem, 'field', '?')}: {text or problem}")
        raise RecordRefused("Формулярът не е попълнен правилно: " + "; ".join(described))


def _due_date(service: dict | None, tier: str | None) -> str | None:
    """The due date from the tier's deadline (or the legal one), counted from today at central:
    kiosk clocks are not trusted."""
    if not service:
        return None
    deadline = None
    for option in service.get("tiers") or []:
        if isinstance(option, dict) and option.get("id") == tier:
            deadline = option.get("deadline")
    if deadline is None and isinstance(service.get("legal_deadline_working_days"), int):
        deadline = {"working_days": service["legal_deadline_working_days"]}
    if not isinstance(deadline, dict):
        return None
    now = datetime.now(UTC)
    # Keyed by the hour: a due date depends on the Sofia calendar day, never on the minute.
    return _due_date_for(
        json.dumps(deadline, sort_keys=True), now.replace(minute=0, second=0, microsecond=0)
    )


@functools.lru_cache(maxsize=256)
def _due_date_for(deadline_json: str, hour: datetime) -> str:
    from .deadlines import due_date

    result = due_date(hour, json.loads(deadline_json))
    return result.isoformat() if isinstance(result, date) else str(result)
