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

import orjson
from sqlalchemy import Connection, insert, select, update

from sync import RecordRefused
from sync.answers import FormChecker
from sync.catalogue import tier_fee_cents
from sync.deadlines import deadline_of, due_date
from sync.records import UP, Handlers

from . import restore
from .catalogues import current_catalogue
from .council.consultation import comment_from_kiosk
from .db import utc_now
from .db.schema import applied_records, kiosks, request_events, requests
from .errors import CentralError
from .municipality import current_municipality
from .workflow import get_request, set_fee, transition


def apply_record(conn: Connection, kiosk: dict, bundle_id: str, record: dict) -> str:
    record_id = record["id"]
    if conn.execute(
        select(applied_records.c.record_id).where(applied_records.c.record_id == record_id)
    ).first():
        return "duplicate"
    handler, body = HANDLERS.handler_for(record)
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


class Submissions:
    """Checks ``request.submitted`` records of one kiosk and turns them into ``requests`` rows.

    Made once per bundle: the catalogue, each service's prepared form check, the due date of
    each service and tier, and the time are looked up once for all the bundle's requests.
    """

    def __init__(self, conn: Connection, kiosk: dict, catalogue: dict | None = None):
        self.conn = conn
        self.kiosk = kiosk
        self.catalogue = catalogue if catalogue is not None else current_catalogue(conn)
        self.now = utc_now()
        self.today = date.today()
        municipality = current_municipality(conn)
        village = kiosk["village"]
        self._prefix = (
            f"{municipality.settlement(village).abbreviation}{kiosk['kiosk_no']}-"
            if municipality.has_settlement(village)
            else None
        )
        self._due_dates: dict[tuple[str, str | None], str | None] = {}

    def row(self, record: dict, body: dict, reference_taken) -> dict:
        """The ``requests`` row of a checked record, or RecordRefused with the reason.
        ``reference_taken(reference)`` says whether the reference already exists."""
        kiosk = self.kiosk
        reference = str(body["reference"])
        village = body.get("village") or kiosk["village"]
        if village != kiosk["village"] or self._prefix is None:
            raise RecordRefused(
                f"A kiosk of {kiosk['village']} cannot file a request for {village}."
            )
        if not reference.startswith(self._prefix):
            raise RecordRefused(f"Reference {reference} does not belong to kiosk {kiosk['id']}.")
        if reference_taken(reference):
            raise RecordRefused(f"Reference {reference} is already taken by another request.")
        fields = body.get("fields") or {}
        if not isinstance(fields, dict):
            raise RecordRefused("The request's fields are not a set of name = value pairs.")
        service_id = str(body["service"])
        service, checker = _service_and_checker(self.catalogue, service_id)
        if checker is None:
            raise RecordRefused(f"Unknown service {service_id!r}: it is not in the catalogue.")
        problems = checker.check(fields, today=self.today)
        if problems:
            _refuse(problems)
        fee = body.get("fee") or {}
        fee_status = fee.get("status", "due")
        if fee_status not in ("due", "paid", "exempt"):
            raise RecordRefused(f"Unknown fee status {fee_status!r}.")
        tier = body.get("tier")
        if (service_id, tier) not in self._due_dates:
            self._due_dates[service_id, tier] = _due_date(service, tier)
        return dict(
            reference=reference,
            service=service_id,
            catalogue_version=body.get("catalogue_version"),
            tier=tier,
            village=village,
            kiosk_id=kiosk["id"],
            fields=orjson.dumps(fields, option=orjson.OPT_SORT_KEYS).decode(),
            staff=json.dumps(body["staff"], ensure_ascii=False) if body.get("staff") else None,
            status="received",
            version=1,
            submitted_at=body.get("submitted_at") or record.get("at"),
            created_at=self.now,
            updated_at=self.now,
            due_date=self._due_dates[service_id, tier],
            fee_status=fee_status,
            fee_method=fee.get("method"),
            fee_receipt_number=fee.get("receipt_number"),
            # The amount from central's own catalogue: what the kiosk shows comes back from here.
            fee_amount_cents=tier_fee_cents(service, tier),
        )


ARRIVAL_COLUMNS = ("request_id", "at", "from_status", "to_status", "actor", "via", "record_id")


def arrival(request_id: int, kiosk_id: str, record_id: str, at: str) -> tuple:
    """The ``request_events`` row of a request's arrival, as values of ARRIVAL_COLUMNS."""
    return (request_id, at, None, "received", kiosk_id, "kiosk", record_id)


def received_event(request_id: int, kiosk: dict, record: dict, at: str) -> dict:
    """The ``request_events`` row of a request's arrival."""
    return dict(
        zip(ARRIVAL_COLUMNS, arrival(request_id, kiosk["id"], record["id"], at), strict=True)
    )


def _submitted(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    def taken(reference):
        return conn.execute(select(requests.c.id).where(requests.c.reference == reference)).first()

    row = Submissions(conn, kiosk).row(record, body, taken)
    conn.execute(insert(requests).values(**row))
    request = get_request(conn, row["reference"])
    conn.execute(
        insert(request_events).values(
            received_event(request["id"], kiosk, record, row["created_at"])
        )
    )


def _printed(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    # After a restore the request may be remembered as open while its document was given back.
    request = restore.catch_up_request(conn, _own_request(conn, kiosk, body), kiosk["id"])
    if request["status"] in ("printed", "delivered") and body.get("reprint", True):
        return  # a reprint: the state does not change
    if request["status"] == "rejected":
        return  # the written refusal was printed; a refused request stays refused
    transition(conn, request, "printed", kiosk["id"], "kiosk", record_id=record["id"])


def _delivered(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    request = restore.catch_up_request(conn, _own_request(conn, kiosk, body), kiosk["id"])
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
    staff = body.get("staff_id")  # the member of staff who helped, when the kiosk says
    transition(
        conn,
        request,
        "in_review",
        str(staff or kiosk["id"]),
        "kiosk",
        reason="answer received",
        record_id=record["id"],
        answer=answer,
    )


def _fee_paid(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    """The fee was taken at the mayoralty: central holds it as paid, and the delivery may come."""
    request = _own_request(conn, kiosk, body)
    set_fee(conn, request, "paid", body["method"], body["receipt_number"], str(body["staff_id"]))


def _form_filed(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    """The villager's signed request form is on file at the mayoralty (the kiosk hands the
    document over only after this)."""
    request = _own_request(conn, kiosk, body)
    if request["form_filed_at"]:
        return  # filed once; a record sent again changes nothing
    conn.execute(
        update(requests)
        .where(requests.c.id == request["id"])
        .values(form_filed_at=body["at"], form_filed_by=str(body["staff_id"]))
    )


def _health(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    conn.execute(
        update(kiosks)
        .where(kiosks.c.id == kiosk["id"])
        .values(
            health=json.dumps(body, ensure_ascii=False, sort_keys=True),
            software_version=body.get("software_version") or kiosk["software_version"],
        )
    )


# One handler per kiosk → central type of sync/records.py; Handlers refuses any other table.
HANDLERS = Handlers(
    UP,
    {
        "request.submitted": _submitted,
        "request.printed": _printed,
        "request.fee_paid": _fee_paid,
        "request.form_filed": _form_filed,
        "request.delivered": _delivered,
        "request.info_answered": _info_answered,
        "kiosk.health": _health,
        "council.comment": comment_from_kiosk,
    },
)


def find_service(conn: Connection, service_id: str, catalogue: dict | None = None) -> dict | None:
    """The service from the newest published catalogue, else from the default one, else None.
    A caller handling many records passes the ``catalogue`` it already looked up."""
    if catalogue is None:
        catalogue = current_catalogue(conn)
    return _service_and_checker(catalogue, service_id)[0]


# (id of a catalogue, service id) -> (the catalogue, the service, its prepared check). Catalogues
# are shared and never change within a process (central_api.catalogues); holding each one here
# keeps its id from being reused.
_checkers: dict[tuple[int, str], tuple[dict | None, dict | None, FormChecker | None]] = {}


def _service_and_checker(catalogue: dict | None, service_id: str):
    key = (id(catalogue), service_id)
    if key not in _checkers:
        service = next(
            (
                service
                for service in (catalogue or {}).get("services", [])
                if str(service.get("id")) == service_id
            ),
            None,
        )
        checker = FormChecker(service) if service is not None else None
        _checkers[key] = (catalogue, service, checker)
    return _checkers[key][1:]


def warm_up(conn: Connection) -> None:
    """Prepare the form check and the due dates of every service of the catalogue in force."""
    catalogue = current_catalogue(conn)
    for service in (catalogue or {}).get("services", []):
        _service_and_checker(catalogue, str(service.get("id")))
        for tier in service.get("tiers") or [{}]:
            _due_date(service, tier.get("id") if isinstance(tier, dict) else None)


def _refuse(problems) -> None:
    described = []
    for problem in problems:
        text = problem.message.get("bg") or problem.message.get("en")
        described.append(f"{problem.field}: {text or problem.code}")
    raise RecordRefused("Формулярът не е попълнен правилно: " + "; ".join(described))


def _due_date(service: dict | None, tier: str | None, now: datetime | None = None) -> str | None:
    """The due date (sync.deadlines, the rule the kiosk's slip uses too), counted from ``now``
    at central (default: this moment): kiosk clocks are not trusted."""
    deadline = deadline_of(service, tier)
    if deadline is None:
        return None
    now = now or datetime.now(UTC)
    # Keyed by the hour: a due date depends on the Sofia calendar day, never on the minute.
    return _due_date_for(
        json.dumps(deadline, sort_keys=True), now.replace(minute=0, second=0, microsecond=0)
    )


@functools.lru_cache(maxsize=256)
def _due_date_for(deadline_json: str, hour: datetime) -> str:
    return due_date(hour, json.loads(deadline_json)).isoformat()
