"""One exchange with central: seal, upload, verify receipts, then fetch and apply the downlink.

The order of an exchange (docs/protocol.md, "Senders"):

1. pending uplink events are sealed into bounded bundles, each sealed ONCE and stored with its
   bytes before any attempt to send it; then the kiosk tells central where its streams stand
   (:mod:`kiosk_app.positions`): bundles a restored central lost are reopened, documents it
   lacks are given back;
2. every undelivered bundle is uploaded, oldest first; the answer must open as a receipt signed by
   the central key pinned at enrollment and name that very bundle, and only then are its events
   marked delivered (a captive portal's 200 page proves nothing);
3. receipts for downlink bundles that central has not yet taken are posted again;
4. central's bundles after the last one applied are fetched and each is applied with
   :func:`sync.receive_bundle` inside one SQLite transaction, then its receipt is posted;
5. arrived documents are printed, and the ``request.printed`` events go up at once.

Any :class:`sync.errors.SyncError` stops the exchange with nothing lost; the next one resumes.
The transport is any object with HttpTransport's methods (``upload_bundle``, ``fetch_downlink``,
``send_receipt``), so tests inject a fake one. USB carriage is in :mod:`kiosk_app.usb`; the
background loop (backoff, long-poll, SIGTERM) in :mod:`kiosk_app.daemon`.

What the kiosk refuses, and says so (log + the quarantine table the staff panel reads):

- a downlink bundle not signed by the central key pinned at enrollment (or a key central
  announced under it, ``key.rotated``), or one that does not fit the stream held (an older
  bundle under a number already applied): the whole bundle, recorded with its reason;
- a record older than what the kiosk holds (``catalogue.updated`` or ``municipality.updated``
  with a lower version, ``settings.updated`` with an older ``version``): that record,
  quarantined as a rollback.

Central telling the kiosk that it was revoked stops all sending for good (``revoked`` setting);
the data stays, and USB export still works so that the municipality gets everything.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sync import (
    GENESIS,
    Identity,
    Keyring,
    OpenedBundle,
    PublicIdentity,
    ReceiptError,
    RecordNotUnderstood,
    RecordRefused,
    SequenceError,
    SyncError,
    TrustError,
    bundle_id,
    canonical_json,
    check_receipt_for,
    open_receipt,
    receive_bundle,
    seal_bundle,
)
from sync.errors import CentralUnreachableError, RemoteRejectedError, UnknownSenderError
from sync.records import DOWN, UP, Handlers, record_type
from sync.states import PAST_ISSUED
from sync.transport import HttpTransport

from . import bulletins, waiting_room
from . import municipality as municipality_profile
from .catalogue import check_catalogue
from .clock import kiosk_clock
from .config import KioskConfig
from .documents import print_pending_documents, store_issued_document
from .errors import EnrollmentError, KioskError
from .pinned import save_pinned
from .positions import central_answer, report_positions
from .store import KioskStore, enrollment_of, store_for, utc_now
from .store.db import store_behind_error

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
    keyring: Keyring  # central's current key: what downlink bundles must be signed by
    receipt_keyring: Keyring | None = None  # also the keys central rotated away from

    @property
    def kiosk_id(self) -> str:
        return self.identity.party_id


# Central's error codes that mean "this kiosk was revoked" (central_api.errors, sync.errors).
REVOKED_CODES = ("revoked_sender", "kiosk_revoked")


class KioskRevokedError(KioskError):
    """Central revoked this kiosk: it sends nothing any more; its data stays for export."""

    code = "kiosk_revoked"


Progress = Callable[[str, int, int], None] | None


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
    released: list[str] = field(default_factory=list)  # waiting records applied at last
    resent: list[int] = field(default_factory=list)  # bundles central lost, sent again
    given_back: list[str] = field(default_factory=list)  # documents a restored central lacked
    refused_back: list[dict] = field(default_factory=list)
    stream_conflict: str | None = None

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
    # Keys central rotated away from still vouch for receipts they signed before (a replayed
    # upload is answered with the stored receipt, byte for byte); new bundles need the new key.
    receipt_keyring = Keyring()
    for previous in enrollment.get("central_previous") or []:
        receipt_keyring.add(PublicIdentity.from_json(previous))
    receipt_keyring.add(central)
    return Party(identity, central, keyring, receipt_keyring)


def check_not_revoked(store: KioskStore) -> None:
    """Refuse to send anything once central said this kiosk is revoked."""
    revoked = store.get_setting("revoked")
    if revoked:
        raise KioskRevokedError(
            f"Central revoked this kiosk on {revoked.get('at', '?')}: it sends nothing any "
            "more. Its requests stay here; export them with `kiosk-app bundle export` for the "
            "municipality and call the office."
        )


def note_revocation(store: KioskStore, exc: RemoteRejectedError) -> None:
    store.set_setting("revoked", {"at": utc_now(), "message": exc.message})
    log.warning("central revoked this kiosk: %s", exc.message)


def refuse_downlink_bundle(store: KioskStore, data: bytes, exc: SyncError, where: str) -> None:
    """Remember (once per bundle) why a downlink bundle was refused, for the log and staff."""
    identifier = bundle_id(data) if data else GENESIS
    already = store.db.execute(
        "select 1 from quarantine where record_id = ? and direction = 'down' and type = 'bundle'",
        [identifier],
    ).fetchone()
    log.warning("refused a downlink bundle from %s: %s", where, exc.message)
    if already is None:
        with store.transaction():
            store.add_quarantine(
                record_id=identifier,
                direction="down",
                record_type="bundle",
                reason=f"{exc.code}: {exc.message}",
            )


# -- uplink ------------------------------------------------------------------------------


def event_record(event: dict) -> dict:
    """The record of a queued uplink event (its type and body were checked when it was queued,
    KioskStore.add_event)."""
    spec = record_type(event["type"])
    return {
        "id": event["id"],
        "type": event["type"],
        "v": spec.version if spec is not None and spec.direction is UP else 1,
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
    receipt = open_receipt(answer, party.receipt_keyring or party.keyring)
    bundle = store.outbound_bundle(seq if seq is not None else int(receipt.body.get("seq", 0)))
    if bundle is None:
        raise ReceiptError(
            f"The receipt names bundle {receipt.body.get('seq')}, which this kiosk never sent."
        )
    check_receipt_for(receipt, bundle.bundle_id, party.kiosk_id, party.central.party_id)
    if bundle.delivered_at is not None:
        return 0
    return store.mark_bundle_delivered(bundle.seq, receipt.raw, receipt.record_results)


def upload_pending(
    store: KioskStore, party: Party, transport, report: ExchangeReport, progress: Progress = None
) -> None:
    bundles = store.undelivered_bundles()
    for done, bundle in enumerate(bundles, start=1):
        try:
            answer = transport.upload_bundle(bundle.data)
        except CentralUnreachableError:
            if done == 1:
                raise  # the line is down: the caller backs off
            # The line worked a moment ago: most likely central closed the kept-alive
            # connection while this bundle was on its way. Sending it again is a replay at
            # worst, so try once more at once on a fresh connection.
            answer = transport.upload_bundle(bundle.data)
        report.delivered_events += accept_receipt(store, party, answer, seq=bundle.seq)
        report.uploaded.append(bundle.seq)
        if progress:
            progress("upload", done, len(bundles))


# -- downlink ----------------------------------------------------------------------------


def _apply_status_changed(store: KioskStore, body: dict) -> None:
    reference, status = body.get("reference"), body.get("status")
    if not reference or not status:
        raise RecordRefused("request.status_changed lacks a reference or a status")
    request = store.request(reference)
    if request is None:
        raise RecordRefused(f"request {reference} is unknown at this kiosk")
    if status == "issued" and request["status"] in PAST_ISSUED:
        return  # the document already arrived and went further here
    store.update_request(
        reference,
        status=status,
        question=body.get("question") if status == "needs_info" else None,
    )


def _version_number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _refuse_older_catalogue(store: KioskStore, body: dict) -> None:
    held = store.catalogue()
    held_version = _version_number(held["version"]) if held else None
    offered = _version_number(body.get("version"))
    if held_version is not None and (offered is None or offered < held_version):
        raise RecordRefused(
            f"rollback refused: catalogue version {body.get('version')} is older than version "
            f"{held_version} held here"
        )


def _refuse_older_settings(store: KioskStore, body: dict) -> None:
    offered = _version_number(body.get("version"))
    held = _version_number(store.get_setting("central.version"))
    if offered is not None and held is not None and offered < held:
        raise RecordRefused(
            f"rollback refused: settings version {offered} is older than version {held} held here"
        )


def _follow_key_rotation(
    config: KioskConfig, store: KioskStore, opened: OpenedBundle | None, body: dict
) -> None:
    """Pin central's new key, announced in a bundle signed by the key pinned now."""
    try:
        new_key = PublicIdentity.from_json(body["new"])
    except (KeyError, TypeError, SyncError) as exc:
        raise RecordRefused(f"key.rotated does not carry a usable key ({exc})") from exc
    enrollment = dict(enrollment_of(store))
    current = PublicIdentity.from_json(enrollment["central"])
    if opened is None:
        raise RecordRefused(
            "key.rotated is followed only from the bundle that carries it, not from the "
            "quarantine: run `kiosk-app check` or call support"
        )
    if opened.sender.fingerprint != current.fingerprint:
        raise RecordRefused("key.rotated must be signed by the central key pinned now")
    if new_key.party_id != current.party_id:
        raise RecordRefused(f"key.rotated names party {new_key.party_id}, not central")
    if new_key.fingerprint == current.fingerprint:
        return
    enrollment["central_previous"] = [*enrollment.get("central_previous", []), current.to_json()]
    enrollment["central"] = new_key.to_json()
    enrollment["central_fingerprint"] = new_key.display_fingerprint
    store.set_setting("enrollment", enrollment)
    save_pinned(config, enrollment)  # beside the keys too, for `kiosk-app recover`
    log.warning("central rotated its key; now pinned: %s", new_key.display_fingerprint)


def _apply_fee_changed(store: KioskStore, body: dict) -> None:
    """A clerk recorded the fee at central: due (with its amount), paid or exempt."""
    reference = body["reference"]
    request = store.request(reference)
    if request is None:
        raise RecordRefused(f"request {reference} is unknown at this kiosk")
    held = request.get("fee") or {}
    if held.get("status") == "paid" and body["fee"]["status"] == "due":
        return  # paid here meanwhile: our request.fee_paid is on its way to central
    fee = {key: value for key, value in body["fee"].items() if value is not None}
    if "amount_cents" not in fee and held.get("amount_cents") is not None:
        fee["amount_cents"] = held["amount_cents"]
    store.update_request(reference, fee=fee)


def _apply_settings(store: KioskStore, body: dict) -> None:
    _refuse_older_settings(store, body)
    for key, value in body.items():
        if key != "at":
            store.set_setting(f"central.{key}", value)


def _apply_catalogue(store: KioskStore, body: dict) -> None:
    problem = check_catalogue(body)
    if problem:
        raise RecordRefused(f"the catalogue is not usable: {problem}")
    _refuse_older_catalogue(store, body)
    store.set_catalogue(body)


@dataclass(frozen=True)
class Arrival:
    """What a handler of a central → kiosk record works with."""

    config: KioskConfig
    store: KioskStore
    opened: OpenedBundle | None  # None: applied later from the waiting room (no bundle at hand)


# One handler per central → kiosk type of sync/records.py; Handlers refuses any other table.
HANDLERS = Handlers(
    DOWN,
    {
        "request.status_changed": lambda a, body: _apply_status_changed(a.store, body),
        "request.fee_changed": lambda a, body: _apply_fee_changed(a.store, body),
        "document.issued": lambda a, body: store_issued_document(a.config, a.store, body),
        "document.revoked": lambda a, body: bulletins.apply_document_revoked(a.store, body),
        "catalogue.updated": lambda a, body: _apply_catalogue(a.store, body),
        "settings.updated": lambda a, body: _apply_settings(a.store, body),
        "municipality.updated": lambda a, body: municipality_profile.apply_update(a.store, body),
        "key.rotated": lambda a, body: _follow_key_rotation(a.config, a.store, a.opened, body),
        "notice.published": lambda a, body: bulletins.apply_notice(a.config, a.store, body),
        "staff.updated": lambda a, body: bulletins.apply_staff_list(a.store, body),
    },
)


def make_applier(config: KioskConfig, store: KioskStore, report: ExchangeReport):
    """The ``apply_record`` callback for :func:`sync.receive_bundle` on this store.

    Every record is checked against its type in sync/records.py before its handler runs; a
    refused one goes to the quarantine with the reason, and the records behind it still apply.
    """

    def apply_record(opened: OpenedBundle, record: dict) -> str:
        if store.event(record["id"]) is not None:
            report.duplicates += 1
            return "duplicate"
        try:
            with store.db.atomic():  # a savepoint: a refused record leaves no trace but this
                handler, body = HANDLERS.handler_for(record)
                handler(Arrival(config, store, opened), body)
                store.add_downlink_event(record, opened.seq)
        except RecordRefused as refusal:
            report.quarantined += 1
            store.add_quarantine(
                record_id=record["id"],
                direction="down",
                bundle_seq=opened.seq,
                record_type=str(record.get("type"))[:64],
                reason=str(refusal),
                record=record,
                waiting=isinstance(refusal, RecordNotUnderstood),
            )
            raise
        report.applied += 1
        return "applied"

    return apply_record


def release_waiting(config: KioskConfig, store: KioskStore) -> waiting_room.Released:
    """Apply the records kept aside because this software did not know their type, now that it
    does (after an update), in their order (:mod:`kiosk_app.waiting_room`)."""

    def apply(record: dict, bundle_seq: int | None) -> None:
        handler, body = HANDLERS.handler_for(record)
        handler(Arrival(config, store, None), body)
        store.add_downlink_event(record, bundle_seq)

    return waiting_room.release(store, apply)


def apply_inbound(config: KioskConfig, store: KioskStore, party: Party, data: bytes, report):
    """Check and apply one central -> kiosk bundle in one transaction; the Received result."""
    try:
        with store.transaction(immediate=True):
            received = receive_bundle(
                data, party.identity, party.keyring, store, make_applier(config, store, report)
            )
    except (TrustError, SequenceError) as exc:
        refuse_downlink_bundle(store, data, exc, "central")
        raise
    if not received.replayed:
        report.downlink_bundles += 1
    return received


def send_unsent_receipts(store: KioskStore, party: Party, transport, report) -> None:
    for entry in store.unsent_receipts(party.central.party_id):
        transport.send_receipt(entry.receipt)
        store.mark_receipt_sent(party.central.party_id, entry.seq)
        report.receipts_sent += 1


def fetch_downlink(
    config, store: KioskStore, party: Party, transport, report, wait: float = 0
) -> None:
    """Fetch and apply central's bundles; the first request may long-poll ``wait`` seconds."""
    for index in range(MAX_DOWNLINK_BUNDLES_PER_EXCHANGE):
        after = store.last_seq(party.central.party_id)
        if wait and index == 0:
            data = transport.fetch_downlink(party.kiosk_id, after, wait=wait)
        else:
            data = transport.fetch_downlink(party.kiosk_id, after)
        if not data:
            return
        received = apply_inbound(config, store, party, data, report)
        transport.send_receipt(received.receipt)
        store.mark_receipt_sent(party.central.party_id, received.bundle.seq)
        report.receipts_sent += 1
        if received.replayed:
            return  # central sent one we hold: nothing newer is coming in this round
        if received.bundle.records and any(
            record.get("type") == "key.rotated" for record in received.bundle.records
        ):
            party = load_party(config, store)  # the bundles after this one use the new key


# -- the whole exchange ------------------------------------------------------------------


def exchange_with(
    config: KioskConfig,
    store: KioskStore,
    transport,
    *,
    wait: float = 0,
    max_records: int = MAX_RECORDS_PER_BUNDLE,
    progress: Progress = None,
) -> ExchangeReport:
    """Run one exchange on an open store with a given transport.

    ``wait`` lets the downlink request long-poll (central answers as soon as something is
    queued for this kiosk); ``max_records`` bounds each sealed bundle; ``progress(stage, done,
    total)`` hears about each uploaded bundle.
    """
    party = load_party(config, store)
    report = ExchangeReport()
    report.released = release_waiting(config, store).applied
    try:
        check_not_revoked(store)
        store.check_not_behind()  # an older kiosk.db put back: nothing is sent from it
        report.sealed += seal_pending(store, party, max_records=max_records)
        # Where the streams stand: what a restored central lost goes again, documents first.
        healed = report_positions(store, party.kiosk_id, party.central.party_id, transport)
        report.resent, report.given_back = healed["resent"], healed["given_back"]
        report.refused_back, report.stream_conflict = healed["refused"], healed["conflict"]
        try:
            upload_pending(store, party, transport, report, progress)
        except RemoteRejectedError as exc:
            if exc.remote_code != "sequence_conflict":
                raise
            # Central holds another bundle under this number from this kiosk: the store is
            # older than what the kiosk sent (a copy put back). Only a rebuild repairs that.
            raise store_behind_error(
                "central already holds other bundles under these numbers from this kiosk"
            ) from exc
        except ReceiptError as exc:
            if not isinstance(exc.__cause__, UnknownSenderError):
                raise
            # Central may have rotated its key while this kiosk was away: the announcement
            # (signed by the key pinned here) waits in the downlink. Take it, then try again.
            send_unsent_receipts(store, party, transport, report)
            fetch_downlink(config, store, party, transport, report)
            party = load_party(config, store)
            upload_pending(store, party, transport, report, progress)
        send_unsent_receipts(store, party, transport, report)
        fetch_downlink(config, store, party, transport, report, wait=wait)
        party = load_party(config, store)
        report.printed, report.print_errors = print_pending(config, store)
        if report.printed:
            report.sealed += seal_pending(store, party, max_records=max_records)
            upload_pending(store, party, transport, report, progress)
    except RemoteRejectedError as exc:
        if exc.remote_code in REVOKED_CODES:
            note_revocation(store, exc)
        store.set_setting("last_exchange", {"at": utc_now(), "ok": False, "message": exc.message})
        log.info("exchange failed: %s", exc.message)
        raise
    except (SyncError, KioskError) as exc:
        store.set_setting("last_exchange", {"at": utc_now(), "ok": False, "message": exc.message})
        log.info("exchange failed: %s", exc.message)
        raise
    store.set_setting("last_exchange", {"at": utc_now(), "ok": True, "message": ""})
    purge_expired(store, home=config.home)
    drop_old_sent_bytes(config, store)
    return report


@contextlib.contextmanager
def printing_lock(config: KioskConfig):
    """One printer run at a time across processes (the sync service, the app, a USB import):
    two of them picking the same unprinted document would print it twice."""
    config.home.mkdir(parents=True, exist_ok=True)
    with open(config.home / "print.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def print_pending(config: KioskConfig, store: KioskStore) -> tuple[list[str], list[str]]:
    with printing_lock(config):
        return print_pending_documents(config, store)


def check_positions(store: KioskStore, party: Party, transport) -> None:
    """StoreBehindError when central holds more from this kiosk than its store knows of (a
    higher bundle number or reference): an older kiosk.db was put back. The sync loop asks once
    when it starts, before anything is numbered from such a copy and sent (the same stream
    positions every exchange opens with)."""
    answer = central_answer(store, party.central.party_id, party.kiosk_id, transport)
    seq, _ = store.last_outbound()
    counter = int(store.get_setting("reference_counter", 0))
    central_seq, central_counter = (
        answer["uplink"]["central_has"]["seq"],
        answer["reference_counter"],
    )
    if central_seq > seq or central_counter > counter:
        raise store_behind_error(
            f"central holds bundle {central_seq} and reference number {central_counter} from "
            f"this kiosk, this database only {seq} and {counter}"
        )


def retention_days(store: KioskStore) -> int:
    """Central's retention period for a villager's data here (the records schedule's), or 30."""
    return int(store.get_setting("central.retention_days", DEFAULT_RETENTION_DAYS))


def purge_expired(store: KioskStore, now: datetime | None = None, home=None) -> list[str]:
    """Drop the personal data of requests that ended (delivered, rejected, cancelled) longer
    ago than the retention period (kiosk_app.store.retention); files too under ``home``."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days(store))
    return store.purge_personal_data(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), home=home)


def drop_old_sent_bytes(config: KioskConfig, store: KioskStore, now: datetime | None = None) -> int:
    """Forget the bytes of bundles central took more than ``sent_bundle_days`` ago."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=config.sent_bundle_days)
    return store.drop_sent_bytes(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def run_exchange(config: KioskConfig, transport=None, **options) -> ExchangeReport:
    """One full exchange with central over HTTP (or ``transport``). Raises on failure.

    ``options`` are :func:`exchange_with`'s keyword arguments (wait, max_records, progress).
    """
    with store_for(config) as store:
        if transport is None:
            transport = central_transport(config, store)
        return exchange_with(config, store, transport, **options)


def central_transport(config: KioskConfig, store: KioskStore, party: Party | None = None):
    """The HTTP transport to the central this kiosk enrolled with, signing every call with the
    kiosk's key (sync.request_auth) at central's time as measured from its signed answers
    (sync.clock, kiosk_app.clock)."""
    party = party if party is not None else load_party(config, store)
    return HttpTransport(
        enrollment_of(store)["central_url"],
        config.http_timeout,
        identity=party.identity,
        central=party.central,
        clock=kiosk_clock(config, store),
    )
