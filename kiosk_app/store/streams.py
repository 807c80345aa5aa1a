"""The two bundle streams as the kiosk keeps them: its outbox to central, and central's inbox.

The outbox holds every bundle the kiosk ever sealed, with its exact bytes: a bundle is sealed
once, stored, and resent byte for byte until a verified receipt arrives; after the receipt the
bytes are kept for a while (90 days by default) so that a central restored from a backup can
have them again. The inbox ledger
implements :class:`sync.InboundLedger` for central's stream, and remembers whether central has
acknowledged the kiosk's receipt, so unsent receipts go again at the next exchange.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sync import GENESIS, LedgerEntry

from .clock import utc_now

# A rebuilt store continues its outbound stream after central's last bundle from it: the
# {"seq", "bundle_id"} that central's signed receipt named (kiosk_app.recovery).
OUTBOUND_FLOOR = "outbound_floor"


@dataclass(frozen=True)
class OutboundBundle:
    seq: int
    bundle_id: str
    data: bytes
    record_count: int
    created_at: str
    delivered_at: str | None
    receipt: bytes | None


class StreamsMixin:
    """Outbox and inbound-ledger queries; mixed into :class:`KioskStore` (needs ``self.db``)."""

    # -- outbox --------------------------------------------------------------------------

    def last_outbound(self) -> tuple[int, str]:
        """(seq, bundle id) of the newest sealed bundle, or (0, GENESIS) before the first (or,
        in a rebuilt store, central's last bundle from this kiosk)."""
        row = self.db.execute(
            "select seq, bundle_id from outbound_bundles order by seq desc limit 1"
        ).fetchone()
        if row:
            return row[0], row[1]
        floor = self.get_setting(OUTBOUND_FLOOR)  # a store rebuilt by `kiosk-app recover`
        return (int(floor["seq"]), str(floor["bundle_id"])) if floor else (0, GENESIS)

    def add_outbound_bundle(
        self, seq: int, bundle_id: str, data: bytes, event_ids: list[str]
    ) -> None:
        """Store a freshly sealed bundle and tie its events to it (call inside a transaction)."""
        self.db["outbound_bundles"].insert(
            {
                "seq": seq,
                "bundle_id": bundle_id,
                "data": data,
                "record_count": len(event_ids),
                "created_at": utc_now(),
            }
        )
        for event_id in event_ids:
            self.db.execute(
                "update events set bundle_seq = ? where id = ? and direction = 'up'",
                [seq, event_id],
            )

    def last_delivered(self) -> tuple[int, str]:
        """(seq, bundle id) of the newest bundle central gave a receipt for, or (0, GENESIS)."""
        row = self.db.execute(
            "select seq, bundle_id from outbound_bundles where delivered_at is not null "
            "order by seq desc limit 1"
        ).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def delivered_after(self, seq: int) -> list[OutboundBundle]:
        """Bundles with a receipt and a number above ``seq``, oldest first (central lost them)."""
        return [
            OutboundBundle(**row)
            for row in self.db.query(
                "select * from outbound_bundles where delivered_at is not null and seq > ? "
                "order by seq",
                [seq],
            )
        ]

    def drop_sent_bytes(self, delivered_before: str) -> int:
        """Forget the bytes of bundles delivered before ``delivered_before`` (the number and id
        stay, for the chain and the check); how many. Until then they can go again to a
        central that was restored (kiosk_app.positions)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "update outbound_bundles set data = x'' where delivered_at is not null "
                "and delivered_at < ? and length(data) > 0",
                [delivered_before],
            )
        return cursor.rowcount

    def outbound_bundle(self, seq: int) -> OutboundBundle | None:
        rows = list(self.db.query("select * from outbound_bundles where seq = ?", [seq]))
        return OutboundBundle(**rows[0]) if rows else None

    def outbound_bundle_delivered_count(self) -> int:
        return self.db.execute(
            "select count(*) from outbound_bundles where delivered_at is not null"
        ).fetchone()[0]

    def undelivered_bundles(self) -> list[OutboundBundle]:
        """Sealed bundles without a verified receipt, oldest first."""
        return [
            OutboundBundle(**row)
            for row in self.db.query(
                "select * from outbound_bundles where delivered_at is null order by seq"
            )
        ]

    def mark_bundle_delivered(self, seq: int, receipt: bytes, record_results: list[dict]) -> int:
        """Record a verified receipt: the bundle's events leave the queue. Returns how many.

        Records central quarantined are listed in the quarantine table with central's reason;
        they are delivered all the same (central holds them), so nothing behind them waits.
        """
        now = utc_now()
        with self.db.atomic():
            self.db.execute(
                "update outbound_bundles set delivered_at = ?, receipt = ? "
                "where seq = ? and delivered_at is null",
                [now, receipt, seq],
            )
            cursor = self.db.execute(
                "update events set delivered_at = ? "
                "where direction = 'up' and bundle_seq = ? and delivered_at is null",
                [now, seq],
            )
            delivered = cursor.rowcount
            self.db.execute(
                "update requests set status = 'received', updated_at = ? where status = 'queued' "
                "and reference in (select reference from events where direction = 'up' "
                "and bundle_seq = ? and type = 'request.submitted')",
                [now, seq],
            )
            for result in record_results:
                if result.get("status") == "quarantined":
                    event = self.event(result.get("id", ""))
                    self.add_quarantine(
                        record_id=result.get("id", ""),
                        direction="up",
                        bundle_seq=seq,
                        record_type=event["type"] if event else None,
                        reason=result.get("reason") or "refused by central",
                    )
        return delivered

    # -- inbound ledger (sync.InboundLedger) ---------------------------------------------

    def entry(self, sender: str, seq: int) -> LedgerEntry | None:
        row = self.db.execute(
            "select seq, bundle_id, receipt from inbound_ledger where sender = ? and seq = ?",
            [sender, seq],
        ).fetchone()
        return LedgerEntry(row[0], row[1], bytes(row[2])) if row else None

    def last_seq(self, sender: str) -> int:
        row = self.db.execute(
            "select max(seq) from inbound_ledger where sender = ?", [sender]
        ).fetchone()
        return row[0] or 0

    def last_applied(self, sender: str) -> tuple[int, str]:
        """(seq, bundle id) of the newest bundle applied from ``sender``, or (0, GENESIS)."""
        row = self.db.execute(
            "select seq, bundle_id from inbound_ledger where sender = ? order by seq desc limit 1",
            [sender],
        ).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def store(self, sender: str, entry: LedgerEntry) -> None:
        self.db["inbound_ledger"].insert(
            {
                "sender": sender,
                "seq": entry.seq,
                "bundle_id": entry.bundle_id,
                "receipt": entry.receipt,
                "received_at": utc_now(),
            }
        )

    def unsent_receipts(self, sender: str) -> list[LedgerEntry]:
        """Receipts for inbound bundles that central has not yet acknowledged taking."""
        return [
            LedgerEntry(row[0], row[1], bytes(row[2]))
            for row in self.db.execute(
                "select seq, bundle_id, receipt from inbound_ledger "
                "where sender = ? and receipt_sent_at is null order by seq",
                [sender],
            ).fetchall()
        ]

    def mark_receipt_sent(self, sender: str, seq: int) -> None:
        with self.db.atomic():
            self.db.execute(
                "update inbound_ledger set receipt_sent_at = ? where sender = ? and seq = ?",
                [utc_now(), sender, seq],
            )

    # -- quarantine ----------------------------------------------------------------------

    def add_quarantine(
        self,
        *,
        record_id: str,
        direction: str,
        reason: str,
        bundle_seq: int | None = None,
        record_type: str | None = None,
        record: dict | None = None,
        waiting: bool = False,
    ) -> None:
        """Keep a refused record (or bundle) with its reason; ``waiting`` when this software did
        not know its type or version: it is applied once the software learns it."""
        self.db["quarantine"].insert(
            {
                "waiting": int(waiting),
                "record_id": record_id,
                "direction": direction,
                "bundle_seq": bundle_seq,
                "type": record_type,
                "reason": reason,
                "record": json.dumps(record, ensure_ascii=False) if record is not None else None,
                "at": utc_now(),
            }
        )

    def quarantined(self, include_released: bool = False) -> list[dict]:
        """What is kept aside, oldest first; records applied later only with ``include_released``."""
        where = "" if include_released else "where released_at is null "
        return list(self.db.query(f"select * from quarantine {where}order by id"))

    def quarantine_counts(self) -> dict:
        total, down, waiting = self.db.execute(
            "select count(*), coalesce(sum(direction = 'down'), 0), coalesce(sum(waiting), 0) "
            "from quarantine where released_at is null"
        ).fetchone()
        return {"total": total, "down": down, "waiting": waiting}

    def waiting_records(self) -> list[dict]:
        """Records refused because this software did not know their type, in arrival order."""
        return list(
            self.db.query(
                "select * from quarantine where waiting = 1 and released_at is null "
                "and direction = 'down' and record is not null order by id"
            )
        )

    def release_quarantined(self, row_id: int, outcome: str, reason: str | None = None) -> None:
        """A kept record left the quarantine: ``applied`` (or ``duplicate``), or ``refused``
        with a new ``reason`` (no longer waiting: a person must look at it)."""
        released_at = None if outcome == "refused" else utc_now()
        self.db.execute(
            "update quarantine set released_at = ?, waiting = 0, outcome = ?, "
            "reason = coalesce(?, reason) where id = ?",
            [released_at, outcome, reason, row_id],
        )

    # -- divergence check ----------------------------------------------------------------

    def outbound_digest(self) -> list[list]:
        """[seq, bundle id, delivered] of every bundle this kiosk sealed, oldest first."""
        return [
            [row[0], row[1], row[2] is not None]
            for row in self.db.execute(
                "select seq, bundle_id, delivered_at from outbound_bundles order by seq"
            ).fetchall()
        ]

    def inbound_digest(self, sender: str) -> list[list]:
        """[seq, bundle id] of every bundle applied from ``sender``, oldest first."""
        return [
            [row[0], row[1]]
            for row in self.db.execute(
                "select seq, bundle_id from inbound_ledger where sender = ? order by seq",
                [sender],
            ).fetchall()
        ]

    def document_digest(self) -> dict:
        """{document number: sha256} of every document held."""
        return {
            row[0]: row[1]
            for row in self.db.execute("select number, sha256 from documents").fetchall()
        }

    def reopen_bundle(self, seq: int) -> None:
        """Mark a delivered bundle as not delivered, so it goes again (central lost it, e.g.
        after a restore from backup). Its events and bytes are untouched."""
        with self.db.atomic():
            self.db.execute(
                "update outbound_bundles set delivered_at = null, receipt = null where seq = ?",
                [seq],
            )
            self.db.execute(
                "update events set delivered_at = null where direction = 'up' and bundle_seq = ?",
                [seq],
            )
