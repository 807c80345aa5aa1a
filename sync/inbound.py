"""Receiving bundles against a ledger: replay, conflict, gap and chain checks (protocol step 8–9).

The application owns the transaction: it calls :func:`receive_bundle` inside one, with a ledger
and an ``apply_record`` callback that work on that transaction, so that applying the records and
storing the ledger entry with its receipt commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .bundle import GENESIS, OpenedBundle, open_bundle
from .errors import ChainBrokenError, SequenceConflictError, SequenceGapError
from .identity import Identity, Keyring
from .receipt import make_receipt


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    bundle_id: str
    receipt: bytes


class InboundLedger(Protocol):
    """What a receiver remembers of each sender's stream."""

    def entry(self, sender: str, seq: int) -> LedgerEntry | None: ...

    def last_seq(self, sender: str) -> int: ...

    def store(self, sender: str, entry: LedgerEntry) -> None: ...


class RecordRefused(Exception):
    """Raised by an ``apply_record`` callback to quarantine one record with a reason."""


class RecordNotUnderstood(RecordRefused):
    """The record is of a type (or a version of it) this software does not know yet.

    Such a record is not wrong: it waits in the quarantine until the receiver's software learns
    its type, and is then applied in its order (docs/sync.md, "The waiting room")."""


@dataclass(frozen=True)
class Received:
    receipt: bytes
    bundle: OpenedBundle
    replayed: bool
    results: list[dict]


def check_sequence(opened: OpenedBundle, ledger: InboundLedger) -> LedgerEntry | None:
    """The stored entry if this is a replay; raise if the bundle does not fit the stream."""
    sender = opened.sender.party_id
    existing = ledger.entry(sender, opened.seq)
    if existing is not None:
        if existing.bundle_id == opened.bundle_id:
            return existing
        raise SequenceConflictError(
            f"{sender} already delivered a different bundle number {opened.seq}. The sender's "
            "outbox may have been restored from an old copy: do not resend, call support."
        )
    expected = ledger.last_seq(sender) + 1
    if opened.seq > expected:
        if opened.seq == expected + 1:
            missing = f"bundle {expected}"
        else:
            missing = f"bundles {expected}–{opened.seq - 1}"
        raise SequenceGapError(
            f"Bundle {opened.seq} from {sender} arrived before {missing}: "
            "import or send the missing ones first.",
            expected=expected,
            received=opened.seq,
        )
    if opened.seq < expected:
        # Older than what we hold, and we have no entry for it: our ledger is pruned.
        raise SequenceConflictError(
            f"Bundle {opened.seq} from {sender} is older than the ones already received."
        )
    previous = ledger.entry(sender, opened.seq - 1) if opened.seq > 1 else None
    expected_prev = previous.bundle_id if previous else GENESIS
    if opened.prev != expected_prev:
        raise ChainBrokenError(
            f"Bundle {opened.seq} from {sender} does not follow the bundle received before it."
        )
    return None


def receive_bundle(
    data: bytes,
    receiver: Identity,
    keyring: Keyring,
    ledger: InboundLedger,
    apply_record: Callable[[OpenedBundle, dict], str] | None = None,
    *,
    apply_records: Callable[[OpenedBundle], list[dict]] | None = None,
) -> Received:
    """Open, check and apply a bundle; answer with the receipt (the stored one on a replay).

    ``apply_record`` returns ``"applied"`` or ``"duplicate"``, or raises :class:`RecordRefused`
    to quarantine that record; the records after it still apply. A receiver that applies a
    whole bundle at once passes ``apply_records`` instead, which returns one result per record,
    in order: ``{"id", "status", "reason"?}``.
    """
    opened = open_bundle(data, receiver, keyring)
    return receive_opened(opened, receiver, ledger, apply_record, apply_records=apply_records)


def receive_opened(
    opened: OpenedBundle,
    receiver: Identity,
    ledger: InboundLedger,
    apply_record: Callable[[OpenedBundle, dict], str] | None = None,
    *,
    apply_records: Callable[[OpenedBundle], list[dict]] | None = None,
) -> Received:
    """:func:`receive_bundle` for a bundle already opened with :func:`open_bundle`.

    A receiver may open (and check) a bundle before its transaction begins, so that the
    decryption does not hold the database's write lock; it must then make sure, inside the
    transaction, that the sender's key is still the one the bundle was opened with.
    """
    if (apply_record is None) == (apply_records is None):
        raise TypeError("pass exactly one of apply_record and apply_records")
    replay = check_sequence(opened, ledger)
    if replay is not None:
        return Received(replay.receipt, opened, True, [])
    if apply_records is not None:
        results = apply_records(opened)
        if [result["id"] for result in results] != [record["id"] for record in opened.records]:
            raise ValueError("apply_records must answer for every record, in order")
    else:
        results = []
        for record in opened.records:
            try:
                status = apply_record(opened, record)
                results.append({"id": record["id"], "status": status})
            except RecordRefused as refusal:
                results.append(
                    {"id": record["id"], "status": "quarantined", "reason": str(refusal)}
                )
    receipt = make_receipt(receiver, opened.bundle_id, opened.sender.party_id, opened.seq, results)
    ledger.store(opened.sender.party_id, LedgerEntry(opened.seq, opened.bundle_id, receipt))
    return Received(receipt, opened, False, results)
