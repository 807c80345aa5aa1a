"""Central's quarantine, a waiting room rather than a bin: list it, retry it, release it.

A record a kiosk sent that central refused is kept in ``quarantined_records`` with its reason
(:mod:`central_api.bundles`). Two kinds wait there:

- records of a type (or version) this software does not know yet (``waiting``, refused with
  :class:`sync.RecordNotUnderstood`): :func:`release_waiting` applies them in their order once
  the software learns the type; ``central-api init`` and ``central-api serve`` call it, i.e.
  after every upgrade;
- records refused for a reason a person can fix (a service missing from the catalogue, a
  request of another kiosk): :func:`retry` applies the chosen ones again once that is fixed
  (``central-api quarantine retry``, the office's quarantine page).

Each record is applied exactly as on arrival (:func:`central_api.records.apply_record`, its own
savepoint); applied or found already applied, it leaves the quarantine (``released_at``,
``outcome``); refused again, it stays with the new reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, Engine, select, update

from sync import RecordNotUnderstood, RecordRefused

from . import kiosks as kiosk_registry
from .audit import record as audit_record
from .db import read, utc_now, write
from .db.schema import quarantined_records as quarantine
from .errors import InvalidInputError, NotFoundError
from .records import apply_record

LISTED = (
    "id",
    "record_id",
    "sender",
    "type",
    "bundle_id",
    "reason",
    "at",
    "waiting",
    "released_at",
    "outcome",
)


@dataclass
class Retried:
    """What a retry or a release did: record ids by outcome."""

    applied: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # {"id", "record_id", "reason"}
    still_waiting: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def list_quarantine(conn: Connection, include_released: bool = False) -> list[dict]:
    """The quarantined records, oldest first, without their bodies; ``include_released`` also
    lists those that were applied later."""
    query = select(*(quarantine.c[name] for name in LISTED)).order_by(quarantine.c.id)
    if not include_released:
        query = query.where(quarantine.c.released_at.is_(None))
    return [{**row._mapping, "waiting": bool(row.waiting)} for row in conn.execute(query).all()]


def retry(engine: Engine, ids: list[int], actor: str) -> Retried:
    """Apply the quarantined records ``ids`` again, in the order they arrived (a person's
    retry, once the reason is fixed); the outcome of each."""
    if not ids:
        raise InvalidInputError("Name the quarantined records to retry (their numbers).")
    with read(engine) as conn:
        rows = conn.execute(
            select(quarantine.c.id, quarantine.c.released_at).where(quarantine.c.id.in_(ids))
        ).all()
    found = {row.id: row for row in rows}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise NotFoundError(f"No quarantined record {', '.join(map(str, missing))}.")
    done = sorted(row_id for row_id, row in found.items() if row.released_at)
    if done:
        raise InvalidInputError(
            f"Quarantined record {', '.join(map(str, done))} was already applied."
        )
    retried = Retried()
    for row_id in sorted(ids):
        _retry_one(engine, row_id, retried, actor)
    return retried


def release_waiting(engine: Engine) -> Retried:
    """Apply, in their order, the waiting records whose type this software now knows."""
    with read(engine) as conn:
        waiting = conn.execute(
            select(quarantine.c.id)
            .where(quarantine.c.waiting.is_(True), quarantine.c.released_at.is_(None))
            .order_by(quarantine.c.id)
        ).scalars()
        ids = list(waiting)
    retried = Retried()
    for row_id in ids:
        _retry_one(engine, row_id, retried, "central")
    return retried


def _retry_one(engine: Engine, row_id: int, retried: Retried, actor: str) -> None:
    with write(engine) as conn:
        row = conn.execute(select(quarantine).where(quarantine.c.id == row_id)).first()
        if row is None or row.released_at:
            return
        record = json.loads(row.record)
        if isinstance(record.get("body"), dict) and "omitted" in record["body"]:
            _still_refused(
                conn, row, "the record was too large to keep: the kiosk must send it again"
            )
            retried.refused.append({"id": row.id, "record_id": row.record_id, "reason": row.reason})
            return
        kiosk = kiosk_registry.get_kiosk(conn, row.sender)
        savepoint = conn.begin_nested()
        try:
            outcome = apply_record(conn, kiosk, row.bundle_id, record)
        except RecordNotUnderstood:
            savepoint.rollback()
            retried.still_waiting.append(row.record_id)
            return
        except RecordRefused as refusal:
            savepoint.rollback()
            _still_refused(conn, row, str(refusal))
            retried.refused.append(
                {"id": row.id, "record_id": row.record_id, "reason": str(refusal)}
            )
            return
        savepoint.commit()
        conn.execute(
            update(quarantine)
            .where(quarantine.c.id == row.id)
            .values(released_at=utc_now(), outcome=outcome, waiting=False)
        )
        audit_record(
            conn,
            actor,
            "quarantine.released",
            row.record_id,
            {"type": row.type, "sender": row.sender, "outcome": outcome},
        )
        retried.applied.append(row.record_id)


def _still_refused(conn: Connection, row, reason: str) -> None:
    conn.execute(
        update(quarantine)
        .where(quarantine.c.id == row.id)
        .values(reason=reason, waiting=False, outcome="refused again")
    )
