"""One exchange with central: seal, upload, verify receipts, then fetch and apply the downlink.

The order of an exchange (docs/protocol.md, "Senders"):

1. pending uplink events are sealed into bounded bundles, each sealed ONCE and stored with its
   bytes before any attempt to send it;
2. every undelivered bundle is uploaded, oldest first; the answer must open as a receipt signed by
   the central key pinned at enrollment and name that very bundle, and only then are its events
   marked delivered (a captive portal's 200 page proves nothing);
3. receipts for downlink bundles that central has not yet taken are posted again;
4. central's bundles after the last one applied are fetched and each is applied with
   :func:`sync.receive_bundle` inside one SQLite transaction, then its receipt is posted;
5. arrived documents are printed, and the ``request.printed`` events go up at once.

Any :class:`sync.errors.SyncError` stops the exchange with nothing lost; the next one resumes.
The transport is any object with HttpTransport's methods (``upload_bundle``, ``fetch_downlink``,
``send_receipt``), so tests inject a fake one. USB carriage is in :mod:`kiosk_app.usb`.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sync import (
    Identity,
    Keyring,
    OpenedBundle,
    PublicIdentity,
    ReceiptError,
    RecordRefused,
    SyncError,
    bundle_id,
    canonical_json,
    check_receipt_for,
    open_receipt,
    receive_bundle,
    seal_bundle,
)
from sync.transport import HttpTransport

from .catalogue import check_catalogue
from .config import KioskConfig
from .documents import print_pending_documents, store_issued_document
from .errors import EnrollmentError, KioskError
from .services import enrollment_of, store_for
from .store import KioskStore, utc_now

log = logging.getLogger(__name__)

CENTRAL = "central"
MAX_RECORDS_PER_BUNDLE = 500
MAX_RECORD_BYTES_PER_BUNDLE = 4 * 1024 * 1024
MAX_DOWNLINK_BUNDLES_PER_EXCHANGE = 1000
DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Party:
    """Who the kiosk is and whom it trusts: its own keys and central's pinned identity."""

    identity: Identity
    central: PublicIdentity
    keyring: Keyring

    @property
    def kiosk_id(self) -> str:
        return self.identity.party_id


@dataclass
class ExchangeReport:
    sealed: list[int] = field(default_factory=list)
    uploaded: list[int] = field(default_factory=list)
    delivered_events: int = 0
    receipts_sent: int = 0
    downlink_bundles: int = 0
    applied: int = 0
    duplicates: int = 0
    quarantined: int = 0
    printed: list[str] = field(default_factory=list)
    print_errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def load_party(config: KioskConfig, store: KioskStore) -> Party:
    enrollment = enrollment_of(store)
    identity = Identity.load(config.keys_dir)
    central = PublicIdentity.from_json(enrollment["central"])
    if central.display_fingerprint != enrollment["central_fingerprint"]:
        raise EnrollmentError(
            "Central's stored key does not match the fingerprint pinned at enrollment: the "
            "kiosk database was altered. Call support before syncing."
        )
    keyring = Keyring()
    keyring.add(central)
    return Party(identity, central, keyring)


# -- uplink ------------------------------------------------------------------------------


def event_record(event: dict) -> dict:
    return {
        "id": event["id"],
        "type": event["type"],
        "at": event["created_at"],
        "body": event["body"],
    }


def seal_pending(
    store: KioskStore,
    party: Party,
    max_records: int = MAX_RECORDS_PER_BUNDLE,
    max_bytes: int = MAX_RECORD_BYTES_PER_BUNDLE,
) -> list[int]:
    """Seal every pending uplink event into bundles of bounded size; the new sequence numbers."""
    sealed = []
    while True:
        with store.transaction(immediate=True):
            events = store.pending_events(limit=max_records)
            if not events:
                return sealed
            records, size = [], 0
            for event in events:
                record = event_record(event)
                record_size = len(canonical_json(record))
                if records and size + record_size > max_bytes:
                    break
                records.append(record)
                size += record_size
            seq, prev = store.last_outbound()
            data = seal_bundle(party.identity, party.central, seq + 1, prev, records)
            store.add_outbound_bundle(seq + 1, bundle_id(data), data, [r["id"] for r in records])
        sealed.append(seq + 1)


def accept_receipt(store: KioskStore, party: Party, answer: bytes, seq: int | None = None) -> int:
    """Verify ``answer`` as central's receipt for one of our bundles and mark it delivered.

    Returns the number of events that left the queue (0 if the bundle was already delivered).
    Raises :class:`sync.errors.ReceiptError` when the answer proves nothing.
    """
    receipt = open_receipt(answer, party.keyring)
    bundle = store.outbound_bundle(seq if seq is not None else int(receipt.body.get("seq", 0)))
    if bundle is None:
        raise ReceiptError(
            f"The receipt names bundle {receipt.body.get('seq')}, which this kiosk never sent."
        )
    check_receipt_for(receipt, bundle.bundle_id, party.kiosk_id, party.central.party_id)
    if bundle.delivered_at is not None:
        return 0
    return store.mark_bundle_delivered(bundle.seq, receipt.raw, receipt.record_results)


def upload_pending(store: KioskStore, party: Party, transport, report: ExchangeReport) -> None:
    for bundle in store.undelivered_bundles():
        answer = transport.upload_bundle(bundle.data)
        report.delivered_events += accept_receipt(store, party, answer, seq=bundle.seq)
        report.uploaded.append(bundle.seq)


# -- downlink ----------------------------------------------------------------------------


def _apply_status_changed(store: KioskStore, body: dict) -> None:
    reference, status = body.get("reference"), body.get("status")
    if not reference or not status:
        raise RecordRefused("request.status_changed lacks a reference or a status")
    request = store.request(reference)
    if request is None:
        raise RecordRefused(f"request {reference} is unknown at this kiosk")
    if status == "issued" and request["status"] in ("printed", "delivered"):
        return  # the document already arrived and went further here
    store.update_request(
        reference,
        status=status,
        question=body.get("question") if status == "needs_info" else None,
    )


def make_applier(config: KioskConfig, store: KioskStore, report: ExchangeReport):
    """The ``apply_record`` callback for :func:`sync.receive_bundle` on this store."""

    def apply_record(opened: OpenedBundle, record: dict) -> str:
        if store.event(record["id"]) is not None:
            report.duplicates += 1
            return "duplicate"
        body = record.get("body")
        try:
            with store.db.atomic():  # a savepoint: a refused record leaves no trace but this
                if not isinstance(body, dict):
                    raise RecordRefused("the record has no body")
                kind = record["type"]
                if kind == "request.status_changed":
                    _apply_status_changed(store, body)
                elif kind == "document.issued":
                    store_issued_document(config, store, body)
                elif kind == "catalogue.updated":
                    problem = check_catalogue(body)
                    if problem:
                        raise RecordRefused(f"the catalogue is not usable: {problem}")
                    store.set_catalogue(body)
                elif kind == "settings.updated":
                    for key, value in body.items():
                        if key != "at":
                            store.set_setting(f"central.{key}", value)
                else:
                    raise RecordRefused(
                        f"record type {kind} is unknown to this kiosk's software; update it"
                    )
                store.add_downlink_event(record, opened.seq)
        except RecordRefused as refusal:
            report.quarantined += 1
            store.add_quarantine(
                record_id=record["id"],
                direction="down",
                bundle_seq=opened.seq,
                record_type=record.get("type"),
                reason=str(refusal),
                record=record,
            )
            raise
        report.applied += 1
        return "applied"

    return apply_record


def apply_inbound(config: KioskConfig, store: KioskStore, party: Party, data: bytes, report):
    """Check and apply one central -> kiosk bundle in one transaction; the Received result."""
    with store.transaction(immediate=True):
        received = receive_bundle(
            data, party.identity, party.keyring, store, make_applier(config, store, report)
        )
    if not received.replayed:
        report.downlink_bundles += 1
    return received


def send_unsent_receipts(store: KioskStore, party: Party, transport, report) -> None:
    for entry in store.unsent_receipts(party.central.party_id):
        transport.send_receipt(entry.receipt)
        store.mark_receipt_sent(party.central.party_id, entry.seq)
        report.receipts_sent += 1


def fetch_downlink(config, store: KioskStore, party: Party, transport, report) -> None:
    for _ in range(MAX_DOWNLINK_BUNDLES_PER_EXCHANGE):
        after = store.last_seq(party.central.party_id)
        data = transport.fetch_downlink(party.kiosk_id, after)
        if not data:
            return
        received = apply_inbound(config, store, party, data, report)
        transport.send_receipt(received.receipt)
        store.mark_receipt_sent(party.central.party_id, received.bundle.seq)
        report.receipts_sent += 1
        if received.replayed:
            return  # central sent one we hold: nothing newer is coming in this round


# -- the whole exchange ------------------------------------------------------------------


def exchange_with(config: KioskConfig, store: KioskStore, transport) -> ExchangeReport:
    """Run one exchange on an open store with a given transport."""
    party = load_party(config, store)
    report = ExchangeReport()
    try:
        report.sealed += seal_pending(store, party)
        upload_pending(store, party, transport, report)
        send_unsent_receipts(store, party, transport, report)
        fetch_downlink(config, store, party, transport, report)
        report.printed, report.print_errors = print_pending_documents(config, store)
        if report.printed:
            report.sealed += seal_pending(store, party)
            upload_pending(store, party, transport, report)
    except (SyncError, KioskError) as exc:
        store.set_setting("last_exchange", {"at": utc_now(), "ok": False, "message": exc.message})
        log.info("exchange failed: %s", exc.message)
        raise
    store.set_setting("last_exchange", {"at": utc_now(), "ok": True, "message": ""})
    purge_expired(store)
    return report


def purge_expired(store: KioskStore, now: datetime | None = None) -> list[str]:
    """Drop personal data of requests delivered longer ago than central's retention period."""
    days = int(store.get_setting("central.retention_days", DEFAULT_RETENTION_DAYS))
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    return store.purge_personal_data(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def run_exchange(config: KioskConfig, transport=None) -> ExchangeReport:
    """One full exchange with central over HTTP (or ``transport``). Raises on failure."""
    with store_for(config) as store:
        if transport is None:
            transport = HttpTransport(enrollment_of(store)["central_url"], config.http_timeout)
        return exchange_with(config, store, transport)
