"""Bundles between the kiosks and central: receiving uplink bundles, sealing downlink ones.

Uplink: :func:`receive` opens a kiosk's bundle with :func:`sync.receive_bundle` inside ONE
database transaction, so the applied records, the ledger entry and the receipt commit together.
A replay answers with the stored receipt byte for byte.

Downlink: records queued for a kiosk (``outbound_records``) are sealed into the next bundle of
the central → kiosk stream when the kiosk has everything sealed before; the stream's row lock
(and ``unique(kiosk_id, seq)``) keeps two server processes from sealing the same number twice.
A bundle counts as delivered only when the kiosk's signed receipt for it arrives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from sync import (
    GENESIS,
    MAX_RECORDS,
    Identity,
    LedgerEntry,
    OpenedBundle,
    Received,
    RecordNotUnderstood,
    RecordRefused,
    SyncError,
    bundle_id,
    check_receipt_for,
    open_bundle,
    open_receipt,
    receive_bundle,
    receive_opened,
    seal_bundle,
)

from . import ingest
from . import kiosks as kiosk_registry
from .catalogues import current_catalogue
from .db import lock, read, utc_now, write
from .db.schema import inbound_bundles, kiosks, outbound_bundles, outbound_records
from .db.schema import quarantined_records as quarantine
from .errors import CentralError, NotFoundError
from .records import Submissions, apply_record

# A downlink bundle must stay under sync's 32 MiB; PDFs travel base64-encoded inside.
DOWNLINK_PLAIN_BUDGET = 16 * 1024 * 1024
DOWNLINK_MAX_RECORDS = min(MAX_RECORDS, 1000)


QUARANTINE_KEEPS = 64 * 1024  # bytes of a refused record kept for a person to read


def _kept(record: dict) -> str:
    """The refused record as kept in the quarantine: whole, unless it is absurdly large (a body
    of many MiB refused for its size), then its id and type and how large it was."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    if len(text) <= QUARANTINE_KEEPS:
        return text
    stub = {key: record.get(key) for key in ("id", "type", "at")}
    stub["body"] = {"omitted": f"{len(text):,} characters, too large to keep"}
    return json.dumps(stub, ensure_ascii=False, sort_keys=True, default=str)[:QUARANTINE_KEEPS]


class DatabaseLedger:
    """sync.InboundLedger on the ``inbound_bundles`` table, in the caller's transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._locked: set[str] = set()

    def _lock_stream(self, sender: str) -> None:
        # One writer per kiosk stream on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises.
        if sender not in self._locked:
            self.conn.execute(lock(select(kiosks.c.id).where(kiosks.c.id == sender), self.conn))
            self._locked.add(sender)

    def entry(self, sender: str, seq: int) -> LedgerEntry | None:
        self._lock_stream(sender)
        row = self.conn.execute(
            select(inbound_bundles).where(
                inbound_bundles.c.sender == sender, inbound_bundles.c.seq == seq
            )
        ).first()
        return LedgerEntry(row.seq, row.bundle_id, bytes(row.receipt)) if row else None

    def last_seq(self, sender: str) -> int:
        self._lock_stream(sender)
        return (
            self.conn.execute(
                select(func.max(inbound_bundles.c.seq)).where(inbound_bundles.c.sender == sender)
            ).scalar()
            or 0
        )

    def store(self, sender: str, entry: LedgerEntry) -> None:
        self.conn.execute(
            insert(inbound_bundles).values(
                sender=sender,
                seq=entry.seq,
                bundle_id=entry.bundle_id,
                receipt=entry.receipt,
                received_at=utc_now(),
            )
        )


@dataclass(frozen=True)
class _Prepared:
    """A bundle opened and its new requests checked before the write transaction."""

    opened: OpenedBundle
    checked: ingest.Checked


def receive(engine: Engine, identity: Identity, data: bytes) -> Received:
    """Receive one uplink bundle; the Received (its receipt) or a sync.SyncError."""
    prepared = _prepare(engine, identity, data)
    for attempt in range(3):
        try:
            with write(engine) as conn:
                return _receive_in(conn, identity, data, prepared)
        except (IntegrityError, OperationalError):
            # Another process received the same bundle at the same instant: the retry sees a
            # replay (or the conflict) and answers accordingly.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _prepare(engine: Engine, identity: Identity, data: bytes) -> _Prepared | None:
    """Decrypt the bundle and check its new requests against the catalogue outside the write
    transaction, so that one kiosk's bundle does not hold SQLite's write lock while another's
    is being checked. None when anything is amiss: the transaction then does it all again, and
    gives the error."""
    try:
        with read(engine) as conn:
            opened = open_bundle(data, identity, kiosk_registry.keyring(conn))
            kiosk = kiosk_registry.get_kiosk(conn, opened.sender.party_id)
            submissions = Submissions(conn, kiosk)
    except (SyncError, CentralError, SQLAlchemyError):
        return None
    return _Prepared(opened, ingest.check(submissions, opened.records))


def _receive_in(conn: Connection, identity: Identity, data: bytes, prepared=None) -> Received:
    ledger = DatabaseLedger(conn)
    senders: dict[str, dict] = {}

    def kiosk_of(opened) -> dict:
        sender = opened.sender.party_id
        if sender not in senders:
            senders[sender] = kiosk_registry.get_kiosk(conn, sender)
        return senders[sender]

    if prepared is not None:
        # Still the same kiosk, key and catalogue as when the bundle was opened and checked?
        kiosk = kiosk_of(prepared.opened)
        submissions = prepared.checked.submissions
        if (
            kiosk["revoked_at"]
            or kiosk_registry.public_identity(kiosk) != prepared.opened.sender
            or kiosk["village"] != submissions.kiosk["village"]
            or kiosk["kiosk_no"] != submissions.kiosk["kiosk_no"]
            or current_catalogue(conn) is not submissions.catalogue
        ):
            prepared = None

    def quarantine_record(opened, record, reason: str, waiting: bool = False) -> None:
        conn.execute(
            insert(quarantine).values(
                record_id=record["id"],
                sender=opened.sender.party_id,
                type=str(record.get("type"))[:64],
                bundle_id=opened.bundle_id,
                reason=reason,
                record=_kept(record),
                at=utc_now(),
                waiting=waiting,
            )
        )

    def apply(opened, record):
        savepoint = conn.begin_nested()
        try:
            status = apply_record(conn, kiosk_of(opened), opened.bundle_id, record)
        except RecordRefused as refusal:
            savepoint.rollback()
            quarantine_record(
                opened, record, str(refusal), waiting=isinstance(refusal, RecordNotUnderstood)
            )
            raise
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
        return status

    def apply_all(opened):
        checked = prepared.checked if prepared is not None else None
        return ingest.apply_records(
            conn, kiosk_of(opened), opened, apply, quarantine_record, checked
        )

    if prepared is not None:
        received = receive_opened(prepared.opened, identity, ledger, apply_records=apply_all)
    else:
        keyring = kiosk_registry.keyring(conn)
        received = receive_bundle(data, identity, keyring, ledger, apply_records=apply_all)
    kiosk_registry.touch(conn, received.bundle.sender.party_id)
    return received


def uplink_receipts(conn: Connection, kiosk_id: str, limit: int = 50) -> list[dict]:
    """The receipts of a kiosk's most recent uplink bundles (for a USB export)."""
    rows = conn.execute(
        select(inbound_bundles.c.seq, inbound_bundles.c.receipt)
        .where(inbound_bundles.c.sender == kiosk_id)
        .order_by(inbound_bundles.c.seq.desc())
        .limit(limit)
    )
    return [{"seq": row.seq, "receipt": bytes(row.receipt)} for row in rows]


def _newest_bundle(conn: Connection, kiosk_id: str):
    """The newest downlink bundle's seq, id and acknowledgement (not its bytes), or None."""
    return conn.execute(
        select(
            outbound_bundles.c.seq,
            outbound_bundles.c.bundle_id,
            outbound_bundles.c.acknowledged_at,
        )
        .where(outbound_bundles.c.kiosk_id == kiosk_id)
        .order_by(outbound_bundles.c.seq.desc())
        .limit(1)
    ).first()


def seal_pending(conn: Connection, identity: Identity, kiosk: dict) -> int | None:
    """Seal the kiosk's pending records into the next bundle of its stream; its seq or None.

    The caller holds the kiosk's row lock (see :func:`_lock_kiosk`).
    """
    sealed = _seal_pending(conn, identity, kiosk)
    return sealed[0] if sealed else None


def _seal_pending(conn: Connection, identity: Identity, kiosk: dict, newest=None):
    """:func:`seal_pending`: the new bundle's ``(seq, bytes)`` or None; ``newest`` is the
    newest bundle when the caller has just read it."""
    pending = conn.execute(
        select(outbound_records.c.id, outbound_records.c.record)
        .where(outbound_records.c.kiosk_id == kiosk["id"], outbound_records.c.bundle_seq.is_(None))
        .order_by(outbound_records.c.id)
        .limit(DOWNLINK_MAX_RECORDS)
    ).all()
    if not pending:
        return None
    chosen, size = [], 0
    for row in pending:
        if chosen and size + len(row.record) > DOWNLINK_PLAIN_BUDGET:
            break
        chosen.append(row)
        size += len(row.record)
    if newest is None:
        newest = _newest_bundle(conn, kiosk["id"])
    seq = newest.seq + 1 if newest else 1
    prev = newest.bundle_id if newest else GENESIS
    records = [json.loads(row.record) for row in chosen]
    data = seal_bundle(identity, kiosk_registry.public_identity(kiosk), seq, prev, records)
    conn.execute(
        insert(outbound_bundles).values(
            kiosk_id=kiosk["id"],
            seq=seq,
            bundle_id=bundle_id(data),
            data=data,
            record_count=len(records),
            created_at=utc_now(),
        )
    )
    conn.execute(
        update(outbound_records)
        .where(outbound_records.c.id.in_([row.id for row in chosen]))
        .values(bundle_seq=seq)
    )
    return seq, data


def _lock_kiosk(conn: Connection, kiosk_id: str) -> dict:
    conn.execute(lock(select(kiosks.c.id).where(kiosks.c.id == kiosk_id), conn))
    return kiosk_registry.require_active(conn, kiosk_id)  # NotFoundError with a helpful message


def next_downlink(engine: Engine, identity: Identity, kiosk_id: str, after: int) -> bytes | None:
    """The first downlink bundle with seq > ``after``, sealing one when the kiosk has all
    earlier ones; None when there is nothing to send. Notes the kiosk's contact."""
    with write(engine) as conn:
        kiosk = _lock_kiosk(conn, kiosk_id)
        kiosk_registry.touch(conn, kiosk_id)
        return next_downlink_locked(conn, identity, kiosk, after)


def next_downlink_locked(
    conn: Connection, identity: Identity, kiosk: dict, after: int
) -> bytes | None:
    """:func:`next_downlink` inside the caller's transaction, which holds the row lock of
    ``kiosk`` (an active kiosk's row: the long-poll's signed-call check updated it)."""
    kiosk_id = kiosk["id"]
    row = conn.execute(
        select(outbound_bundles.c.data)
        .where(outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq > after)
        .order_by(outbound_bundles.c.seq)
        .limit(1)
    ).first()
    if row:
        return bytes(row.data)
    newest = _newest_bundle(conn, kiosk_id)
    if after > (newest.seq if newest else 0):
        # The kiosk applied bundles central forgot (a restore): sealing now would collide
        # with them. Its stream positions (central_api.streams) say where to continue.
        return None
    if newest is None or newest.acknowledged_at or after >= newest.seq:
        sealed = _seal_pending(conn, identity, kiosk, newest)
        if sealed is not None:
            return sealed[1]
    return None


def export_downlink(engine: Engine, identity: Identity, kiosk_id: str) -> dict:
    """Seal what is pending, then every unacknowledged downlink bundle, oldest first."""
    with write(engine) as conn:
        kiosk = _lock_kiosk(conn, kiosk_id)
        while seal_pending(conn, identity, kiosk) is not None:
            pass
        rows = conn.execute(
            select(outbound_bundles.c.seq, outbound_bundles.c.data)
            .where(
                outbound_bundles.c.kiosk_id == kiosk_id,
                outbound_bundles.c.acknowledged_at.is_(None),
            )
            .order_by(outbound_bundles.c.seq)
        )
        bundles = [{"seq": row.seq, "data": bytes(row.data)} for row in rows]
        receipts = uplink_receipts(conn, kiosk_id)
    return {"bundles": bundles, "receipts": receipts}


def _stream_continued_past(conn: Connection, kiosk_id: str, seq: int) -> bool:
    """Does central's stream to the kiosk go on after ``seq`` (a stand-in row or later)?"""
    newest = _newest_bundle(conn, kiosk_id)
    return newest is not None and newest.seq > seq


def acknowledge(engine: Engine, identity: Identity, data: bytes) -> dict:
    """A kiosk's signed receipt for a downlink bundle: mark that bundle delivered."""
    with write(engine) as conn:
        receipt = open_receipt(data, kiosk_registry.keyring(conn))
        kiosk_id = receipt.signer.party_id
        row = conn.execute(
            select(outbound_bundles).where(
                outbound_bundles.c.kiosk_id == kiosk_id,
                outbound_bundles.c.seq == receipt.seq,
            )
        ).first()
        if row is None and _stream_continued_past(conn, kiosk_id, receipt.seq):
            # A bundle central forgot in a restore and replaced by the kiosk's own position
            # (central_api.streams): the kiosk's receipt for it has nothing left to mark.
            kiosk_registry.touch(conn, kiosk_id)
            return {
                "kiosk_id": kiosk_id,
                "seq": receipt.seq,
                "bundle": receipt.bundle_id,
                "acknowledged": False,
                "quarantined": [],
            }
        if row is None:
            raise NotFoundError(f"Central never sent bundle {receipt.seq} to {kiosk_id}.")
        check_receipt_for(receipt, row.bundle_id, identity.party_id, kiosk_id)
        if not row.acknowledged_at:
            conn.execute(
                update(outbound_bundles)
                .where(outbound_bundles.c.id == row.id)
                .values(acknowledged_at=utc_now(), receipt=bytes(data))
            )
        kiosk_registry.touch(conn, kiosk_id)
        results = receipt.record_results
        return {
            "kiosk_id": kiosk_id,
            "seq": receipt.seq,
            "bundle": receipt.bundle_id,
            "acknowledged": True,
            "quarantined": [r for r in results if r.get("status") == "quarantined"],
        }
