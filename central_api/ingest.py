"""Applying a whole bundle's records at once: the fast path for a kiosk's backlog.

A bundle of 1,000 new requests costs a handful of statements instead of ten per record: the
record ids already applied and the references already taken are read in one query each, every
record is checked in Python (the same :func:`central_api.records.submitted_row` as the one-by-one
path), and the rows go in with one multi-row INSERT per table. Records of other types, and any
run that meets something unexpected at the database, take the one-by-one path with its savepoints,
so the outcome for every record is the same either way: applied, duplicate or quarantined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from sync import OpenedBundle, RecordRefused

from .catalogues import current_catalogue
from .db import utc_now
from .db.schema import applied_records, request_events, requests
from .records import received_event, submitted_row

CHUNK = 500  # bound on the size of an IN (...) list
SUBMITTED = "request.submitted"

ApplyOne = Callable[[OpenedBundle, dict], str]
Quarantine = Callable[[OpenedBundle, dict, str], None]


def _existing(conn: Connection, column, values: Iterable[str]) -> set[str]:
    values = list(dict.fromkeys(values))
    found: set[str] = set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
    return found


def apply_records(
    conn: Connection,
    kiosk: dict,
    opened: OpenedBundle,
    apply_one: ApplyOne,
    quarantine: Quarantine,
) -> list[dict]:
    """Per-record results, in order, for every record of ``opened``."""
    results: list[dict] = []
    run: list[dict] = []
    for record in opened.records:
        if record.get("type") == SUBMITTED and isinstance(record.get("body"), dict):
            run.append(record)
            continue
        results += _submitted_run(conn, kiosk, opened, run, apply_one, quarantine)
        run = []
        results.append(_one(opened, record, apply_one))
    results += _submitted_run(conn, kiosk, opened, run, apply_one, quarantine)
    return results


def _one(opened: OpenedBundle, record: dict, apply_one: ApplyOne) -> dict:
    try:
        return {"id": record["id"], "status": apply_one(opened, record)}
    except RecordRefused as refusal:
        return {"id": record["id"], "status": "quarantined", "reason": str(refusal)}


def _submitted_run(conn, kiosk, opened, run, apply_one, quarantine) -> list[dict]:
    if not run:
        return []
    applied = _existing(conn, applied_records.c.record_id, (r["id"] for r in run))
    taken = _existing(conn, requests.c.reference, (str(r["body"].get("reference")) for r in run))
    results, accepted, seen_ids = [], [], set()
    catalogue = current_catalogue(conn)
    for record in run:
        if record["id"] in applied or record["id"] in seen_ids:
            results.append({"id": record["id"], "status": "duplicate"})
            continue
        try:
            row = submitted_row(conn, kiosk, record, record["body"], taken.__contains__, catalogue)
        except RecordRefused as refusal:
            quarantine(opened, record, str(refusal))
            results.append({"id": record["id"], "status": "quarantined", "reason": str(refusal)})
            continue
        except (KeyError, TypeError, ValueError, AttributeError):
            results.append(_one(opened, record, apply_one))  # let the careful path explain it
            continue
        taken.add(row["reference"])
        seen_ids.add(record["id"])
        accepted.append((record, row))
        results.append({"id": record["id"], "status": "applied"})
    if accepted and not _insert_all(conn, kiosk, opened, accepted):
        # Something the checks did not foresee (a constraint): redo these one by one, each in
        # its own savepoint, so that only the offending record is quarantined.
        redone = {record["id"]: _one(opened, record, apply_one) for record, _ in accepted}
        results = [redone.get(result["id"], result) for result in results]
    return results


def _id_by_reference(conn: Connection, references: list[str]):
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        yield from conn.execute(
            select(requests.c.id, requests.c.reference).where(requests.c.reference.in_(chunk))
        ).all()


def _insert_all(conn: Connection, kiosk: dict, opened: OpenedBundle, accepted) -> bool:
    savepoint = conn.begin_nested()
    try:
        rows = [row for _, row in accepted]
        # A plain executemany: RETURNING with ordered rows makes SQLite run one INSERT per row.
        conn.execute(insert(requests), rows)
        ids = {
            reference: request_id
            for request_id, reference in _id_by_reference(conn, [row["reference"] for row in rows])
        }
        now = utc_now()
        conn.execute(
            insert(request_events),
            [received_event(ids[row["reference"]], kiosk, record, now) for record, row in accepted],
        )
        conn.execute(
            insert(applied_records),
            [
                dict(
                    record_id=record["id"],
                    sender=kiosk["id"],
                    type=SUBMITTED,
                    bundle_id=opened.bundle_id,
                    applied_at=now,
                )
                for record, _ in accepted
            ],
        )
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
