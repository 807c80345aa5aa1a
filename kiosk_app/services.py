"""The kiosk's application layer: what the GUI and the CLI may ask of the kiosk.

Plain functions, no Qt, over a kiosk configuration; :class:`kiosk_app.app.KioskApp` binds them
to one configuration for the touchscreen, whose Qt bridge runs them on a worker thread. Each call opens the store for
its own duration (a SQLite connection belongs to one thread), so any thread may call any
function. Errors are :class:`kiosk_app.errors.KioskError` (local problems) or
:class:`sync.errors.SyncError` (central, the network, a bundle); both carry ``.message``.

Public API (stable; the GUI builds on it):

- ``kiosk_info(config) -> KioskInfo`` — id, village, central's address and fingerprint.
- ``is_enrolled(config) -> bool``
- ``list_services(config) -> list[dict]`` — catalogue entries as central sent them.
- ``get_service(config, service_id) -> dict``
- ``validate_request(config, service_id, fields) -> list[problem]`` — problem.field, .code,
  .message {"bg", "en"}; empty when the fields are acceptable.
- ``submit_request(config, service_id, fields, staff=None, fee=None, tier=None) -> str`` —
  the reference; committed (synchronous=FULL) before it returns; works offline.
- ``request_status(config, reference) -> RequestStatus`` (no personal data; staff and CLI)
- ``look_up_request(config, typed_reference, typed_code) -> RequestStatus`` — the villager's
  look-up at the touchscreen: needs the slip's check code as well (``check_code(config, ref)``)
- ``list_requests(config, status=None) -> list[RequestStatus]``
- ``ready_documents(config) -> list[ReadyDocument]`` — arrived, not yet handed over.
- ``answer_question(config, reference, answer, staff_id=None) -> None``
- ``reprint_document(config, reference) -> ReadyDocument``
- ``record_fee_payment(config, reference, method, receipt_number, staff_id) -> dict`` — the fee
  paid here (a ``request.fee_paid`` record for central); an empty cash-receipt number is refused.
- ``mark_delivered(config, reference, staff_id, id_document_number=None) -> None`` — refused
  while the fee is due (``FeeDueError``) or while the villager's signed request form is not on
  file; a request made without staff needs the number of the identity card checked at the
  hand-over (``needs_identity_check``), sent with the record.
- ``record_form_filed(config, reference, staff_id) -> dict`` — staff filed the signed request
  form (a ``request.form_filed`` record for central); ``{"staff_id", "at"}``.
- ``queue_state(config) -> QueueState`` — also: records quarantined, revoked or not, the sync
  loop's state and progress, downlink refused (rollbacks, unknown keys).
- ``personal_data(config) -> dict`` — what the kiosk holds about villagers and for how long
  (the staff panel's line; kiosk_app.store.retention).
- ``personal_data(config) -> dict`` — what the kiosk holds about villagers and for how long
  (the staff panel's line; kiosk_app.store.retention).
- ``quarantined(config) -> list[dict]`` — refused records and bundles, both directions, with
  the reason, newest last (the staff panel's list).
- ``sync_now(config, transport=None, **options) -> ExchangeReport`` — one exchange
  (kiosk_app.exchange; ``options``: wait, max_records, progress).
- ``check_divergence(config, transport=None) -> dict`` — compare digests with central and
  repair (kiosk_app.divergence via kiosk_app.exchange).
- ``check_store(config, repair=True) -> StoreCheck`` — SQLite's integrity check of kiosk.db,
  indexes rebuilt when it finds problems (kiosk_app.store.soundness); local, no network.
- ``recover_store(config, central_url=None, fingerprint=None) -> RecoveryReport`` — rebuild a
  lost, damaged or outdated kiosk.db from central's copy (kiosk_app.recovery).
- ``export_bundles(config, out_dir, progress=None) -> list[Path]``;
  ``import_bundles(config, path, progress=None) -> ImportReport``.
- ``list_notices(config) -> list[dict]`` — the notice board (announcements, the council's
  agendas, drafts under consultation and decisions), newest first.
- ``comment_on_draft(config, notice_id, text, name=None) -> str`` — a villager's comment on a
  council draft under public consultation, queued for central (``council.comment``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sync.answers import normalize_fields, validate_fields
from sync.catalogue import describe_service, guides_of, tier_fee_cents
from sync.deadlines import chosen_tier
from sync.states import CLOSED, FEE_METHODS, HANDOVER_STATES

from . import clock, lookup, request_form
from . import municipality as municipality_profile
from .bulletins import STAFF_SETTING
from .catalogue import find_service, services_of
from .clock import central_today, central_utc_now
from .config import KioskConfig
from .errors import (
    FeeDueError,
    IdentityCheckNeededError,
    InvalidRequestError,
    NotAllowedError,
    UnknownReferenceError,
)
from .store import (
    KioskStore,
    enrollment_of,
    has_keys,
    require_store_file,
    store_for,
    utc_now,
)

if TYPE_CHECKING:
    from sync.municipality import Municipality


@dataclass(frozen=True)
class KioskInfo:
    kiosk_id: str
    kiosk_no: int
    village: str
    central_url: str
    central_fingerprint: str
    catalogue_version: str | None
    # From the municipality profile central sent: {"bg", "en"} each, and the mayoralty's phone.
    village_name: dict = field(default_factory=dict)
    municipality_name: dict = field(default_factory=dict)
    village_phone: str = ""
    municipality_version: int | None = None

    def to_json(self) -> dict:
        return asdict(self)


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


@dataclass(frozen=True)
class QueueState:
    queue_depth: int
    oldest_unsent_at: str | None
    undelivered_bundles: int
    last_exchange: dict | None  # {"at", "ok", "message"} of the last attempt
    quarantined: int = 0  # records (or bundles) refused by either side, see quarantined()
    refused_downlink: int = 0  # of those: what the kiosk refused from central (rollback, key)
    waiting: int = 0  # of those: records of a type this software does not know yet (update it)
    revoked: dict | None = None  # {"at", "message"} once central revoked this kiosk
    sync: dict | None = None  # the sync loop: {"state", "failures", "next_try_at", "progress"}

    def to_json(self) -> dict:
        return asdict(self)


def is_enrolled(config: KioskConfig) -> bool:
    """False on a kiosk that never enrolled; a kiosk whose store was lost is an error
    (StoreMissingError names the recovery), not "not enrolled"."""
    if not config.db_path.is_file() and not has_keys(config):
        return False
    with store_for(config) as store:
        return bool(store.get_setting("enrollment"))


def kiosk_info(config: KioskConfig) -> KioskInfo:
    with store_for(config) as store:
        enrollment = enrollment_of(store)
        catalogue = store.catalogue()
        municipality = municipality_profile.required(store)
        village = municipality.settlement(enrollment["village"])
        return KioskInfo(
            kiosk_id=enrollment["kiosk_id"],
            kiosk_no=int(enrollment["kiosk_no"]),
            village=enrollment["village"],
            central_url=enrollment["central_url"],
            central_fingerprint=enrollment["central_fingerprint"],
            catalogue_version=catalogue["version"] if catalogue else None,
            village_name=village.name.to_json(),
            municipality_name=municipality.official_name.to_json(),
            village_phone=village.phone,
            municipality_version=municipality.version,
        )


def list_services(config: KioskConfig) -> list[dict]:
    with store_for(config) as store:
        return services_of(store.catalogue())


def list_guides(config: KioskConfig) -> list[dict]:
    """The catalogue's guides (what to do when a relative has died…): text only, no request."""
    with store_for(config) as store:
        return guides_of(store.catalogue())


def service_summaries(config: KioskConfig) -> list[dict]:
    """Each service with its tiers and fields (type, required, required_if, options, length):
    ``kiosk-app services --json``, enough for a script to fill in a form (sync.catalogue)."""
    return [describe_service(service) for service in list_services(config)]


def get_service(config: KioskConfig, service_id: str) -> dict:
    with store_for(config) as store:
        return find_service(store.catalogue(), service_id)


def validate_request(config: KioskConfig, service_id: str, fields: dict) -> list:
    """The problems with a form's answers; dates are judged against today by central's clock
    (a birth date of last month is not in the future even if this kiosk's clock is a year
    behind)."""
    with store_for(config) as store:
        service = find_service(store.catalogue(), service_id)
        today = central_today(store)
    return validate_fields(service, normalize_fields(service, fields), today=today)


def clock_state(config: KioskConfig) -> dict:
    """The kiosk's clock against central's, for the staff panel: ``{offset_seconds,
    measured_at, round_trip_seconds, off}`` (``off``: more than five minutes)."""
    with store_for(config) as store:
        return clock.clock_state(store)


def central_now(config: KioskConfig):
    """Now by central's clock, as last measured (kiosk_app.clock): for the slip and the PINs."""
    with store_for(config) as store:
        return clock.central_now(store)


def kiosk_reference_prefix(config: KioskConfig) -> str:
    """This kiosk's references' prefix ("DZH1"), which the status look-up shows already typed."""
    with store_for(config) as store:
        return reference_prefix(enrollment_of(store), municipality_profile.required(store))


def check_code(config: KioskConfig, reference: str) -> str:
    """The check code printed on the slip of ``reference`` ("" for a request made before)."""
    with store_for(config) as store:
        return _request_or_fail(store, reference).get("check_code") or ""


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


def _request_or_fail(store: KioskStore, reference: str) -> dict:
    row = store.request(reference.strip().upper())
    if row is None:
        raise UnknownReferenceError(
            f"No request {reference} was made at this kiosk: check the number on the slip."
        )
    return row


def request_status(config: KioskConfig, reference: str) -> RequestStatus:
    with store_for(config) as store:
        return status_of(store, _request_or_fail(store, reference))


def look_up_request(config: KioskConfig, typed_reference: str, typed_code: str) -> RequestStatus:
    """A villager's look-up: the reference as typed (kiosk_app.lookup reads "dzh1 42" too) and
    the slip's check code; a wrong code is answered like an unknown reference."""
    with store_for(config) as store:
        prefix = reference_prefix(enrollment_of(store), municipality_profile.required(store))
        return status_of(store, lookup.find_request(store, typed_reference, typed_code, prefix))


def list_requests(config: KioskConfig, status: str | None = None) -> list[RequestStatus]:
    with store_for(config) as store:
        return [status_of(store, row) for row in store.list_requests(status)]


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


def answer_question(
    config: KioskConfig, reference: str, answer: str, staff_id: str | None = None
) -> None:
    """Queue the villager's answer; ``staff_id`` is the member of staff who helped (their PIN
    was checked on the screen): central records them as the one who answered."""
    with store_for(config) as store:
        row = _request_or_fail(store, reference)
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


def reprint_document(config: KioskConfig, reference: str) -> ReadyDocument:
    """Print the newest document of ``reference`` again; recorded as a reprint."""
    from .documents import print_stored_document

    with store_for(config) as store:
        row = _request_or_fail(store, reference)
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
        row = _request_or_fail(store, reference)
        _known_staff(store, staff_id)
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


def _known_staff(store: KioskStore, staff_id: str) -> None:
    """Refuse a member of staff this kiosk does not know (central's list, ``staff.updated``)."""
    known = {member["staff_id"] for member in store.get_setting(STAFF_SETTING, []) or []}
    if staff_id not in known:
        raise NotAllowedError(
            f"Служител {staff_id!r} не е в списъка на кметството. / "
            f"{staff_id!r} is not on this mayoralty's staff list."
        )


def _refuse_revoked(document: dict) -> None:
    if document.get("revoked_at"):
        raise NotAllowedError(
            f"Document {document['number']} was revoked by the office "
            f"({document.get('revoke_reason') or 'no reason given'}): do not hand it over; "
            "ask the office for a new one."
        )


def record_form_filed(config: KioskConfig, reference: str, staff_id: str) -> dict:
    """Staff filed the villager's signed request form (kiosk_app.request_form)."""
    return request_form.record_filed(config, reference, staff_id, _known_staff)


def needs_identity_check(config: KioskConfig, reference: str) -> bool:
    """Whether the request was made without staff, so that the identity card is checked (and
    its number recorded) when the document is handed over."""
    with store_for(config) as store:
        return not _request_or_fail(store, reference).get("staff")


def mark_delivered(
    config: KioskConfig, reference: str, staff_id: str, id_document_number: str | None = None
) -> None:
    """Staff hand the document over; refused while the fee is still due or while the signed
    request form is not on file. A request made without staff needs the number of the
    identity card staff checked now."""
    id_document_number = (id_document_number or "").strip().upper()
    with store_for(config) as store:
        row = _request_or_fail(store, reference)
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
        _known_staff(store, staff_id)
        body = {"reference": row["reference"], "at": utc_now(), "staff_id": staff_id}
        if not checked_at_submission:
            body["id_document_number"] = id_document_number
        with store.transaction():
            store.add_event("request.delivered", body, reference=row["reference"])
            store.update_request(row["reference"], status="delivered")


def _id_number_ok(number: str) -> bool:
    return 6 <= len(number) <= 40 and number.isalnum()


def queue_state(config: KioskConfig) -> QueueState:
    with store_for(config) as store:
        counts = store.quarantine_counts()
        return QueueState(
            **store.queue_state(),
            last_exchange=store.get_setting("last_exchange"),
            quarantined=counts["total"],
            refused_downlink=counts["down"],
            waiting=counts["waiting"],
            revoked=store.get_setting("revoked"),
            sync=store.get_setting("sync_daemon"),
        )


def personal_data(config: KioskConfig) -> dict:
    """What the kiosk holds about villagers (the staff panel's line): requests with personal
    data (open, and ended ones waiting for the retention period), purged ones, the oldest, and
    the retention period in days (kiosk_app.store.retention)."""
    from .exchange import retention_days

    with store_for(config) as store:
        return {**store.personal_data_held(), "retention_days": retention_days(store)}


def quarantined(config: KioskConfig, include_released: bool = False) -> list[dict]:
    """Everything refused, with the reason: ``{record_id, direction, type, reason, at, waiting,
    released_at, outcome, ...}``.

    ``direction`` "up": central refused one of this kiosk's records (the receipt said why);
    "down": this kiosk refused a record or a whole bundle from central (``type`` "bundle").
    ``waiting``: a record of a type this software does not know yet, applied after an update
    (then ``released_at`` and ``outcome``; listed only with ``include_released``).
    """
    with store_for(config) as store:
        return store.quarantined(include_released=include_released)


def release_waiting(config: KioskConfig) -> dict:
    """Apply the records kept aside because the kiosk's software did not know their type and
    now does (after an update); ``{"applied", "refused", "still_waiting"}``. Runs at start-up and
    at the start of every exchange (:mod:`kiosk_app.waiting_room`)."""
    from .exchange import release_waiting as release

    if not config.db_path.is_file():
        return {"applied": [], "refused": [], "still_waiting": 0}  # no store, nothing kept
    with store_for(config) as store:
        return release(config, store).to_json()


def sync_now(config: KioskConfig, transport=None, report_health: bool = False, **options):
    """One full exchange with central over HTTP; see :func:`kiosk_app.exchange.run_exchange`.
    ``report_health`` first queues a ``kiosk.health`` report when one is due (kiosk_app.health)."""
    from .exchange import run_exchange

    if report_health:
        queue_health(config)
    return run_exchange(config, transport=transport, **options)


def queue_health(config: KioskConfig):
    """Queue a health report for the fleet page if one is due; its record id or None."""
    from .health import queue_health_report

    with store_for(config) as store:
        return queue_health_report(config, store)


def check_divergence(config: KioskConfig, transport=None, repair: bool = True) -> dict:
    """Compare what this kiosk and central hold, and repair; see kiosk_app.divergence."""
    from .divergence import check_with_central

    return check_with_central(config, transport=transport, repair=repair)


def check_store(config: KioskConfig, repair: bool = True):
    """SQLite's integrity check of kiosk.db, rebuilding the indexes if it finds problems."""
    from .store.soundness import check_store as check

    require_store_file(config)
    return check(config.db_path, repair=repair)


def recover_store(
    config: KioskConfig, central_url: str | None = None, fingerprint: str | None = None,
    transport=None,
):  # fmt: skip
    """Rebuild kiosk.db from central's copy; see :mod:`kiosk_app.recovery`."""
    from .recovery import recover

    return recover(config, transport=transport, central_url=central_url, fingerprint=fingerprint)


def export_bundles(config: KioskConfig, out_dir: Path, progress=None) -> list[Path]:
    """Write every undelivered bundle and unsent receipt to ``out_dir`` (a USB stick).

    ``progress(done, total)`` is called after each file when given.
    """
    from .usb import export_bundles as export

    return export(config, Path(out_dir), progress=progress)


def import_bundles(config: KioskConfig, path: Path, progress=None):
    """Import a .vcb/.vcr file, or every such file in a folder, in sequence order."""
    from .usb import import_path

    return import_path(config, Path(path), progress=progress)


MAX_COMMENT = 4000
CONSULTATION = "council_consultation"


def list_notices(config: KioskConfig) -> list[dict]:
    from .bulletins import NOTICES_SETTING

    with store_for(config) as store:
        return list(store.get_setting(NOTICES_SETTING) or [])


def comment_on_draft(config: KioskConfig, notice_id: str, text: str, name: str | None = None):
    """Queue a villager's comment on a draft under consultation; the record's id."""
    from .bulletins import NOTICES_SETTING

    text, name = (text or "").strip(), (name or "").strip() or None
    if not text:
        raise InvalidRequestError("Напишете коментар. / Write a comment first.")
    if len(text) > MAX_COMMENT or (name and len(name) > 200):
        raise InvalidRequestError(
            "Коментарът е по-дълъг от 4000 знака. / The comment is longer than 4,000 characters."
        )
    with store_for(config) as store:
        notices = {n.get("id"): n for n in store.get_setting(NOTICES_SETTING) or []}
        if notices.get(notice_id, {}).get("kind") != CONSULTATION:
            raise NotAllowedError(
                "Тази обява не е проект за обществено обсъждане. / "
                "This notice is not a draft under public consultation."
            )
        body = {"notice_id": notice_id, "text": text, "name": name, "at": utc_now()}
        return store.add_event("council.comment", body)
