"""Moving a request between its states, checked on the server.

The states and the moves between them are defined once for both sides in :mod:`sync.states`.
A transition is a conditional ``UPDATE ... WHERE version = :seen``: of two clerks deciding the same
request at once one wins and the other gets :class:`ConcurrentChangeError`. Every transition
writes a ``request_events`` row (who, when, via kiosk | clerk | system, why); transitions made at
the office travel to the request's kiosk as a ``request.status_changed`` record.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select, update

from sync.records import DOWN, make_record
from sync.states import FEE_METHODS, FEE_STATUSES, STATES, TRANSITIONS

from .db import lock, utc_now
from .db.schema import outbound_records, request_events, requests
from .downlink_wakeup import announce
from .errors import (
    ConcurrentChangeError,
    FeeDueError,
    FormNotFiledError,
    IllegalTransitionError,
    InvalidInputError,
    NotFoundError,
)

VIAS = ("kiosk", "clerk", "system")


def get_request(conn: Connection, reference: str, for_update: bool = False) -> dict:
    query = select(requests).where(requests.c.reference == reference)
    row = conn.execute(lock(query, conn) if for_update else query).mappings().first()
    if row is None:
        raise NotFoundError(f"No request {reference!r}: check the reference number.")
    return dict(row)


def move(
    conn: Connection,
    request: dict,
    target: str,
    actor: str,
    via: str,
    reason: str | None = None,
    record_id: str | None = None,
    changes: dict | None = None,
) -> str:
    """Write ``request`` (as read, with its version) as ``target``, with ``changes``, and the
    event in its history; the time. No rule is checked here: :func:`transition` checks them,
    a restore's catch-up (:mod:`central_api.restore`) moves by what a document proves."""
    now = utc_now()
    result = conn.execute(
        update(requests)
        .where(requests.c.id == request["id"], requests.c.version == request["version"])
        .values(status=target, version=request["version"] + 1, updated_at=now, **(changes or {}))
    )
    if result.rowcount != 1:
        raise ConcurrentChangeError(
            f"Request {request['reference']} was changed by someone else a moment ago; "
            "reload it and decide again."
        )
    conn.execute(
        insert(request_events).values(
            request_id=request["id"],
            at=now,
            from_status=request["status"],
            to_status=target,
            actor=actor,
            via=via,
            reason=reason,
            record_id=record_id,
        )
    )
    return now


def check_transition(current: str, target: str, reference: str = "") -> None:
    if target not in STATES:
        raise InvalidInputError(f"Unknown status {target!r}: one of {', '.join(STATES)}.")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is closed)"
        raise IllegalTransitionError(
            f"Request {reference} is {current}; it cannot become {target}. "
            f"From {current} it can go to: {allowed}."
        )


def transition(
    conn: Connection,
    request: dict,
    target: str,
    actor: str,
    via: str,
    reason: str | None = None,
    record_id: str | None = None,
    notify: bool | None = None,
    **changes,
) -> dict:
    """Move ``request`` (as read, with its version) to ``target``; the updated row.

    ``changes`` are other columns to set in the same UPDATE. ``notify`` (default: unless the
    kiosk itself made the change) queues a ``request.status_changed`` record for the kiosk.
    """
    if via not in VIAS:
        raise InvalidInputError(f"Unknown channel {via!r}.")
    reference = request["reference"]
    check_transition(request["status"], target, reference)
    if target == "delivered" and request["fee_status"] == "due":
        raise FeeDueError(
            f"The fee for {reference} is still due: take the payment (or record the exemption) "
            "before handing over the document."
        )
    if target == "delivered" and not request["form_filed_at"]:
        raise FormNotFiledError(
            f"Подписаното искане {reference} не е заведено: документът се предава едва след "
            "като служител потвърди, че подписаното искане е заведено. / "
            f"The signed request form of {reference} is not on file: the document is handed "
            "over only after staff confirm it is filed (request.form_filed)."
        )
    now = move(conn, request, target, actor, via, reason, record_id, changes)
    updated = {**request, **changes, "status": target, "version": request["version"] + 1}
    updated["updated_at"] = now
    if (via != "kiosk" if notify is None else notify) and request.get("kiosk_id"):
        body = {"reference": reference, "status": target, "by": actor, "via": via, "at": now}
        if reason:
            body["reason"] = reason
        if target == "needs_info" and changes.get("question"):
            body["question"] = changes["question"]
        queue_record(conn, request["kiosk_id"], "request.status_changed", body)
    return updated


def set_fee(
    conn: Connection,
    request: dict,
    status: str,
    method: str | None = None,
    receipt_number: str | None = None,
    actor: str = "system",
) -> dict:
    """Record the fee as due, paid (with the way and the cash-receipt number) or exempt."""
    if status not in FEE_STATUSES:
        raise InvalidInputError(f"Unknown fee status {status!r}: one of {', '.join(FEE_STATUSES)}.")
    if status == "paid" and not (method and receipt_number):
        raise InvalidInputError("A paid fee needs the way of payment and the cash-receipt number.")
    if status == "paid" and method not in FEE_METHODS:
        raise InvalidInputError(
            f"Unknown way of payment {method!r}: one of {', '.join(FEE_METHODS)}."
        )
    result = conn.execute(
        update(requests)
        .where(requests.c.id == request["id"], requests.c.version == request["version"])
        .values(
            fee_status=status,
            fee_method=method if status == "paid" else None,
            fee_receipt_number=receipt_number if status == "paid" else None,
            version=request["version"] + 1,
            updated_at=utc_now(),
        )
    )
    if result.rowcount != 1:
        raise ConcurrentChangeError(f"Request {request['reference']} changed meanwhile; retry.")
    return get_request(conn, request["reference"])


def events(conn: Connection, request: dict) -> list[dict]:
    rows = conn.execute(
        select(request_events)
        .where(request_events.c.request_id == request["id"])
        .order_by(request_events.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def queue_record(
    conn: Connection, kiosk_id: str, record_type: str, body: dict, subject: str | None = None
) -> str:
    """Queue one central → kiosk record; it leaves in the kiosk's next downlink bundle.

    The type and body are checked against sync/records.py first (RecordBodyError: a bug).
    ``subject`` names what the record is about where central must find it again by that name
    (a ``document.issued`` record: the document's number; see :mod:`central_api.divergence`).
    """
    now = utc_now()
    record = make_record(record_type, body, DOWN, at=now)
    record_id = record["id"]
    conn.execute(
        insert(outbound_records).values(
            kiosk_id=kiosk_id,
            record_id=record_id,
            type=record_type,
            subject=subject,
            record=json.dumps(record, ensure_ascii=False, sort_keys=True),
            created_at=now,
        )
    )
    announce(conn, kiosk_id)  # a kiosk waiting in a long-poll is woken at commit
    return record_id


def describe(request: dict) -> dict:
    """The JSON a script or the kiosk sees of a request."""
    return {
        "reference": request["reference"],
        "service": request["service"],
        "tier": request["tier"],
        "village": request["village"],
        "kiosk_id": request["kiosk_id"],
        "status": request["status"],
        "due_date": request["due_date"],
        "created_at": request["created_at"],
        "submitted_at": request["submitted_at"],
        "updated_at": request["updated_at"],
        "fee": {
            "status": request["fee_status"],
            "method": request["fee_method"],
            "receipt_number": request["fee_receipt_number"],
            "amount_cents": request["fee_amount_cents"],
        },
        "question": request["question"],
        "answer": request["answer"],
        "document_number": request["document_number"],
        # the villager's signed request form, on file at the mayoralty (or None)
        "signed_form": {"filed_at": request["form_filed_at"], "filed_by": request["form_filed_by"]}
        if request["form_filed_at"]
        else None,
    }


def list_requests(conn: Connection, status: str | None = None) -> list[dict]:
    """Requests, overdue and soonest-due first."""
    query = select(requests)
    if status:
        if status not in STATES:
            raise InvalidInputError(f"Unknown status {status!r}: one of {', '.join(STATES)}.")
        query = query.where(requests.c.status == status)
    query = query.order_by(requests.c.due_date.is_(None), requests.c.due_date, requests.c.id)
    return [describe(dict(row)) for row in conn.execute(query).mappings()]
