"""A villager's request: submitting it, and reading its status (staff, the CLI, the look-up).

- ``submit_request(config, service_id, fields, staff=None, fee=None, tier=None) -> str`` —
  the reference; committed (synchronous=FULL) before it returns; works offline.
- ``request_status(config, reference) -> RequestStatus`` (no personal data; staff and CLI)
- ``look_up_request(config, typed_reference, typed_code) -> RequestStatus`` — the villager's
  look-up at the touchscreen: needs the slip's check code as well (``check_code(config, ref)``)
- ``list_requests(config, status=None) -> list[RequestStatus]``
- ``answer_question(config, reference, answer, staff_id=None) -> None``
- ``request_or_fail(store, reference) -> dict`` — the request's row, or
  :class:`~kiosk_app.errors.UnknownReferenceError` (the other action modules use it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from sync.answers import normalize_fields, validate_fields
from sync.catalogue import tier_fee_cents
from sync.deadlines import chosen_tier
from sync.states import HANDOVER_STATES

from . import lookup
from . import municipality as municipality_profile
from .catalogue import find_service
from .clock import central_today, central_utc_now
from .config import KioskConfig
from .errors import InvalidRequestError, NotAllowedError, UnknownReferenceError
from .store import KioskStore, enrollment_of, store_for, utc_now

if TYPE_CHECKING:
    from sync.municipality import Municipality


@dataclass(frozen=True)
class RequestStatus:
    """What a status lookup may show: no fields, no names, no numbers of documents of identity."""

    reference: str
    service: str
    status: str
    submitted_at: str
    updated_at: str
    question: str | None
    uploaded: bool
    document_number: str | None
    document_ready: bool

    def to_json(self) -> dict:
        return asdict(self)


def kiosk_reference_prefix(config: KioskConfig) -> str:
    """This kiosk's references' prefix ("DZH1"), which the status look-up shows already typed."""
    with store_for(config) as store:
        return reference_prefix(enrollment_of(store), municipality_profile.required(store))


def check_code(config: KioskConfig, reference: str) -> str:
    """The check code printed on the slip of ``reference`` ("" for a request made before)."""
    with store_for(config) as store:
        return request_or_fail(store, reference).get("check_code") or ""


def reference_prefix(enrollment: dict, municipality: Municipality) -> str:
    """``DZH1``: the village's abbreviation in the municipality profile and the kiosk's number."""
    abbreviation = municipality.settlement(enrollment["village"]).abbreviation
    return f"{abbreviation}{int(enrollment['kiosk_no'])}"


def submit_request(
    config: KioskConfig,
    service_id: str,
    fields: dict,
    staff: dict | None = None,
    fee: dict | None = None,
    tier: str | None = None,
) -> str:
    """Queue a request and return its reference. Purely local: central may be down.

    ``staff`` is ``{"staff_id", "id_document_number"}`` when staff checked the identity card,
    with ``"authorisation"`` (the power of attorney they saw) for a request about another person;
    ``fee`` is ``{"status": "due"|"paid"|"exempt", "method"?, "receipt_number"?}``.
    The request row and its ``request.submitted`` event commit together before this returns.
    """
    fields = {str(name): value for name, value in fields.items()}
    with store_for(config) as store:
        enrollment = enrollment_of(store)
        catalogue = store.catalogue()
        service = find_service(catalogue, service_id)
        fields = normalize_fields(service, fields)
        problems = validate_fields(service, fields, today=central_today(store))
        if problems:
            details = "; ".join(f"{p.field}: {p.message.get('en', p.code)}" for p in problems)
            raise InvalidRequestError(f"The request is not complete: {details}", problems)
        tier = chosen_tier(service, tier)  # the one the screens showed when nobody chose
        fee = {"amount_cents": tier_fee_cents(service, tier), **(fee or {"status": "due"})}
        at = central_utc_now(store)  # central's clock: what the slip and central show
        # Immediate: the counter is read and the next number written under the write lock, so
        # the sync loop's writes meanwhile make this wait, not fail after the journal took it.
        with store.transaction(immediate=True):
            prefix = reference_prefix(enrollment, municipality_profile.required(store))
            reference = store.allocate_reference(prefix)
            store.add_request(
                reference,
                service_id,
                fields,
                staff=staff,
                fee=fee,
                at=at,
                check_code=lookup.new_check_code(),
            )
            store.add_event(
                "request.submitted",
                {
                    "reference": reference,
                    "service": service_id,
                    "catalogue_version": catalogue.get("version") if catalogue else None,
                    "tier": tier,
                    "village": enrollment["village"],
                    "kiosk_id": enrollment["kiosk_id"],
                    "fields": fields,
                    "submitted_at": at,
                    "staff": staff,
                    "fee": fee,
                },
                reference=reference,
            )
        store.reference_kept(reference)
        return reference


def status_of(store: KioskStore, row: dict) -> RequestStatus:
    documents = store.documents(row["reference"])
    latest = documents[-1] if documents else None
    uploaded = row["status"] != "queued"
    return RequestStatus(
        reference=row["reference"],
        service=row["service"],
        status=row["status"],
        submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
        question=row["question"] if row["status"] == "needs_info" else None,
        uploaded=uploaded,
        document_number=latest["number"] if latest else None,
        document_ready=bool(latest) and row["status"] in HANDOVER_STATES,
    )


def request_or_fail(store: KioskStore, reference: str) -> dict:
    row = store.request(reference.strip().upper())
    if row is None:
        raise UnknownReferenceError(
            f"No request {reference} was made at this kiosk: check the number on the slip."
        )
    return row


def request_status(config: KioskConfig, reference: str) -> RequestStatus:
    with store_for(config) as store:
        return status_of(store, request_or_fail(store, reference))


def look_up_request(config: KioskConfig, typed_reference: str, typed_code: str) -> RequestStatus:
    """A villager's look-up: the reference as typed (kiosk_app.lookup reads "dzh1 42" too) and
    the slip's check code; a wrong code is answered like an unknown reference."""
    with store_for(config) as store:
        prefix = reference_prefix(enrollment_of(store), municipality_profile.required(store))
        return status_of(store, lookup.find_request(store, typed_reference, typed_code, prefix))


def list_requests(config: KioskConfig, status: str | None = None) -> list[RequestStatus]:
    with store_for(config) as store:
        return [status_of(store, row) for row in store.list_requests(status)]


def answer_question(
    config: KioskConfig, reference: str, answer: str, staff_id: str | None = None
) -> None:
    """Queue the villager's answer; ``staff_id`` is the member of staff who helped (their PIN
    was checked on the screen): central records them as the one who answered."""
    with store_for(config) as store:
        row = request_or_fail(store, reference)
        if row["status"] != "needs_info":
            raise NotAllowedError(f"Request {row['reference']} has no open question to answer.")
        with store.transaction():
            store.add_event(
                "request.info_answered",
                {"reference": row["reference"], "answer": answer, "at": utc_now()}
                | ({"staff_id": staff_id} if staff_id else {}),
                reference=row["reference"],
            )
            store.update_request(row["reference"], status="in_review", question=None)
