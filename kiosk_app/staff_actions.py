"""Staff's actions on an issued document: the documents ready, a reprint, the fee, the signed
request form, the hand-over (taking a hand-over back is :mod:`kiosk_app.handover`).

- ``ready_documents(config) -> list[ReadyDocument]`` — arrived, not yet handed over.
- ``reprint_document(config, reference) -> ReadyDocument``
- ``record_fee_payment(config, reference, method, receipt_number, staff_id) -> dict`` — the fee
  paid here (a ``request.fee_paid`` record for central); an empty cash-receipt number is refused.
- ``mark_delivered(config, reference, staff_id, id_document_number=None) -> None`` — refused
  while the fee is due (``FeeDueError``) or while the villager's signed request form is not on
  file; a request made without staff needs the number of the identity card checked at the
  hand-over (``needs_identity_check``), sent with the record.
- ``record_form_filed(config, reference, staff_id) -> dict`` — staff filed the signed request
  form (a ``request.form_filed`` record for central); ``{"staff_id", "at"}``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sync.states import CLOSED, FEE_METHODS, HANDOVER_STATES

from . import request_form
from .config import KioskConfig
from .errors import FeeDueError, IdentityCheckNeededError, NotAllowedError
from .pins import known_staff
from .store import store_for, utc_now
from .submission import request_or_fail


@dataclass(frozen=True)
class ReadyDocument:
    reference: str
    number: str
    path: str
    received_at: str
    printed_at: str | None
    print_count: int
    print_state: str | None  # printed | pending | spooled | failed | None (not yet tried)
    last_print_error: str | None
    fee_status: str | None
    revoked_at: str | None = None  # central revoked it: never printed nor handed over
    fee_amount_cents: int | None = None  # what the villager pays (the tier's fee), when known
    form_filed_at: str | None = None  # the villager's signed request form was filed (or None)
    # False: made without staff, so the identity card is checked (its number typed) at hand-over
    identity_checked: bool = True

    def to_json(self) -> dict:
        return asdict(self)


def ready_documents(config: KioskConfig) -> list[ReadyDocument]:
    """Documents that arrived for requests not yet handed over to the villager; a document the
    office revoked is listed with ``revoked_at`` so that staff see why it is not printed."""
    with store_for(config) as store:
        ready = []
        for row in store.list_requests():
            if row["status"] not in HANDOVER_STATES:
                continue
            for document in store.documents(row["reference"]):
                ready.append(_ready(document, row, request_form.filed(store, row["reference"])))
        return ready


def _ready(document: dict, request: dict, form_filed: dict | None = None) -> ReadyDocument:
    return ReadyDocument(
        reference=document["reference"],
        number=document["number"],
        path=document["path"],
        received_at=document["received_at"],
        printed_at=document["printed_at"],
        print_count=document["print_count"],
        print_state=document.get("print_state"),
        last_print_error=document.get("last_print_error"),
        fee_status=(request.get("fee") or {}).get("status"),
        revoked_at=document.get("revoked_at") or None,
        fee_amount_cents=(request.get("fee") or {}).get("amount_cents"),
        form_filed_at=(form_filed or {}).get("at"),
        identity_checked=bool(request.get("staff")),
    )


def reprint_document(config: KioskConfig, reference: str) -> ReadyDocument:
    """Print the newest document of ``reference`` again; recorded as a reprint."""
    from .documents import print_stored_document

    with store_for(config) as store:
        row = request_or_fail(store, reference)
        documents = store.documents(row["reference"])
        if not documents:
            raise NotAllowedError(f"No document has arrived for {row['reference']} yet.")
        _refuse_revoked(documents[-1])
        print_stored_document(config, store, documents[-1], reprint=True)
        return _ready(
            store.document(documents[-1]["number"]),
            store.request(row["reference"]),
            request_form.filed(store, row["reference"]),
        )


def record_fee_payment(
    config: KioskConfig,
    reference: str,
    method: str,
    receipt_number: str | None,
    staff_id: str,
) -> dict:
    """Staff took the fee at the mayoralty: kept here and sent to central (``request.fee_paid``),
    which then accepts the hand-over. The way of payment, the cash-receipt number and the member
    of staff are required. Returns the request's fee as now held."""
    receipt_number = (receipt_number or "").strip()
    if method not in FEE_METHODS:
        raise NotAllowedError(
            f"Unknown way of payment {method!r}: one of {', '.join(FEE_METHODS)}. / "
            f"Непознат начин на плащане: {', '.join(FEE_METHODS)}."
        )
    if not receipt_number or len(receipt_number) > 40:
        raise NotAllowedError(
            "Въведете номера на касовата бележка (до 40 знака). / "
            "Enter the cash-receipt number (up to 40 characters)."
        )
    with store_for(config) as store:
        row = request_or_fail(store, reference)
        known_staff(store, staff_id)
        fee = dict(row.get("fee") or {"status": "due"})
        if fee.get("status") != "due":
            raise NotAllowedError(
                f"Таксата за {row['reference']} вече е {fee.get('status')}. / "
                f"The fee for {row['reference']} is already {fee.get('status')}."
            )
        if row["status"] in CLOSED:
            raise NotAllowedError(
                f"Request {row['reference']} is '{row['status']}': there is no fee to take."
            )
        at = utc_now()
        paid = {**fee, "status": "paid", "method": method, "receipt_number": receipt_number}
        paid["staff_id"] = staff_id
        body = {
            "reference": row["reference"],
            "method": method,
            "receipt_number": receipt_number,
            "staff_id": staff_id,
            "amount_cents": fee.get("amount_cents"),
            "at": at,
        }
        with store.transaction():
            store.add_event("request.fee_paid", body, reference=row["reference"])
            store.update_request(row["reference"], fee=paid)
        return paid


def _refuse_revoked(document: dict) -> None:
    if document.get("revoked_at"):
        raise NotAllowedError(
            f"Document {document['number']} was revoked by the office "
            f"({document.get('revoke_reason') or 'no reason given'}): do not hand it over; "
            "ask the office for a new one."
        )


def record_form_filed(config: KioskConfig, reference: str, staff_id: str) -> dict:
    """Staff filed the villager's signed request form (kiosk_app.request_form)."""
    return request_form.record_filed(config, reference, staff_id, known_staff)


def needs_identity_check(config: KioskConfig, reference: str) -> bool:
    """Whether the request was made without staff, so that the identity card is checked (and
    its number recorded) when the document is handed over."""
    with store_for(config) as store:
        return not request_or_fail(store, reference).get("staff")


def mark_delivered(
    config: KioskConfig, reference: str, staff_id: str, id_document_number: str | None = None
) -> None:
    """Staff hand the document over; refused while the fee is still due or while the signed
    request form is not on file. A request made without staff needs the number of the
    identity card staff checked now."""
    id_document_number = (id_document_number or "").strip().upper()
    with store_for(config) as store:
        row = request_or_fail(store, reference)
        if row["status"] not in HANDOVER_STATES:
            raise NotAllowedError(
                f"Request {row['reference']} is '{row['status']}': only an issued document "
                "can be handed over."
            )
        if (row.get("fee") or {}).get("status") == "due":
            raise FeeDueError(
                f"Таксата за {row['reference']} още не е платена: първо запишете плащането. / "
                f"The fee for {row['reference']} is still due: record the payment first."
            )
        for document in store.documents(row["reference"]):
            _refuse_revoked(document)
        request_form.require_filed(store, row["reference"])
        checked_at_submission = bool(row.get("staff"))
        if not checked_at_submission and not _id_number_ok(id_document_number):
            raise IdentityCheckNeededError(
                f"{row['reference']} е подадена без служител: проверете личната карта и въведете "
                "номера ѝ (поне 6 букви или цифри). / "
                f"{row['reference']} was made without staff: check the identity card and enter "
                "its number (at least 6 letters or digits)."
            )
        known_staff(store, staff_id)
        body = {"reference": row["reference"], "at": utc_now(), "staff_id": staff_id}
        if not checked_at_submission:
            body["id_document_number"] = id_document_number
        with store.transaction():
            store.add_event("request.delivered", body, reference=row["reference"])
            store.update_request(row["reference"], status="delivered")


def _id_number_ok(number: str) -> bool:
    return 6 <= len(number) <= 40 and number.isalnum()
