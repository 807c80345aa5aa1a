"""Applying a whole bundle's records at once: the fast path for a kiosk's backlog.

A bundle of 1,000 new requests costs a handful of statements instead of ten per record: every
record is checked in Python (the same :class:`central_api.records.Submissions` as the one-by-one
path, with each service's form check prepared once), and the rows go in with one executemany per
table. Records applied before and references already taken are found by the database's
constraints; the run then takes the one-by-one path with its savepoints, as do records of other
types, so the outcome for every record is the same either way: applied, duplicate or
quarantined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from sync import OpenedBundle, RecordRefused
from sync.records import UP, check_arrival

from .db import is_sqlite
from .db.schema import applied_records, request_events, requests
from .records import ARRIVAL_COLUMNS, Submissions, arrival

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


def is_submitted(record: dict) -> bool:
    return record.get("type") == SUBMITTED and isinstance(record.get("body"), dict)


def check_submitted(submissions: Submissions, records: list[dict]) -> list[tuple | None]:
    """The verdict on each ``request.submitted`` record of a bundle, by position (None for the
    other records): ``("row", row)``, ``("duplicate",)`` (its id came earlier in the bundle),
    ``("refused", reason)``, or ``("careful",)`` for a body too odd for the fast path.

    It reads nothing from the database, so central can run it before the write transaction.
    """
    verdicts: list[tuple | None] = []
    seen_ids: set[str] = set()
    seen_references: set[str] = set()
    for record in records:
        if not is_submitted(record):
            verdicts.append(None)
        elif record["id"] in seen_ids:
            verdicts.append(("duplicate",))
        else:
            try:
                check_arrival(record, UP)
                row = submissions.row(record, record["body"], seen_references.__contains__)
            except RecordRefused as refusal:
                verdicts.append(("refused", str(refusal)))
                continue
            except (KeyError, TypeError, ValueError, AttributeError):
                verdicts.append(("careful",))  # let the one-by-one path explain it
                continue
            seen_references.add(row["reference"])
            seen_ids.add(record["id"])
            verdicts.append(("row", row))
    return verdicts


class Checked(NamedTuple):
    """A bundle's new requests checked: with what, and the verdict on each record."""

    submissions: Submissions
    verdicts: list[tuple | None]


def check(submissions: Submissions, records: list[dict]) -> Checked:
    return Checked(submissions, check_submitted(submissions, records))


def apply_records(
    conn: Connection,
    kiosk: dict,
    opened: OpenedBundle,
    apply_one: ApplyOne,
    quarantine: Quarantine,
    checked: Checked | None = None,
) -> list[dict]:
    """Per-record results, in order, for every record of ``opened``. ``checked`` is what
    :func:`check` said of these records, when the caller ran it beforehand."""
    if checked is None:
        checked = check(Submissions(conn, kiosk), opened.records)
    now, verdicts = checked.submissions.now, checked.verdicts
    results: list[dict] = []
    run: list[tuple[dict, tuple]] = []
    for record, verdict in zip(opened.records, verdicts, strict=True):
        if verdict is not None:
            run.append((record, verdict))
            continue
        results += _submitted_run(conn, kiosk, opened, run, apply_one, quarantine, now)
        run = []
        results.append(_one(opened, record, apply_one))
    results += _submitted_run(conn, kiosk, opened, run, apply_one, quarantine, now)
    return results


def _one(opened: OpenedBundle, record: dict, apply_one: ApplyOne) -> dict:
    try:
        return {"id": record["id"], "status": apply_one(opened, record)}
    except RecordRefused as refusal:
        return {"id": record["id"], "status": "quarantined", "reason": str(refusal)}


def _submitted_run(conn, kiosk, opened, run, apply_one, quarantine, now) -> list[dict]:
    if not run:
        return []
    results, accepted, refused = [], [], []
    for record, verdict in run:
        kind = verdict[0]
        if kind == "row":
            accepted.append((record, verdict[1]))
            results.append({"id": record["id"], "status": "applied"})
        elif kind == "duplicate":
            results.append({"id": record["id"], "status": "duplicate"})
        elif kind == "refused":
            refused.append((record, verdict[1]))
            results.append({"id": record["id"], "status": "quarantined", "reason": verdict[1]})
        else:
            results.append(_one(opened, record, apply_one))
    if refused:
        # A record applied before is a duplicate, even if today's catalogue would refuse it.
        applied = _existing(conn, applied_records.c.record_id, (r["id"] for r, _ in refused))
        for record, reason in refused:
            if record["id"] not in applied:
                quarantine(opened, record, reason)
        results = [
            {"id": result["id"], "status": "duplicate"} if result["id"] in applied else result
            for result in results
        ]
    # Optimistic: records already applied and references already taken are rare (a whole
    # bundle sent again is a replay, answered before this), so the database's constraints find
    # them instead of a lookup per bundle.
    if accepted and not _insert_all(conn, kiosk, opened, accepted, now):
        # A record applied before, a reference taken, or something the checks did not foresee:
        # redo these one by one, each in its own savepoint, so that every record gets its own
        # answer (duplicate, or quarantined with the reason).
        redone = {record["id"]: _one(opened, record, apply_one) for record, _ in accepted}
        results = [redone.get(result["id"], result) for result in results]
    return results


def _insert_rows(conn: Connection, table, names: tuple[str, ...], rows: list[tuple]) -> None:
    """A plain executemany of ``rows`` (tuples of the ``names`` columns) into ``table``.

    On SQLite it goes to the driver directly: SQLAlchemy's per-row parameter processing cost
    more than SQLite's own insert for these plain text and integer columns.
    """
    if not is_sqlite(conn):
        conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    columns = ", ".join(table.c[name].name for name in names)
    marks = ", ".join("?" * len(names))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", rows)


def _new_request_ids(conn: Connection, rows: list[dict]) -> list[int]:
    """Insert the ``requests`` rows; their ids, in order."""
    if is_sqlite(conn):
        # The transaction holds SQLite's write lock (BEGIN IMMEDIATE), so nobody else can take
        # these ids; choosing them spares a lookup of the new rows by reference.
        first = (conn.execute(select(func.max(requests.c.id))).scalar() or 0) + 1
        ids = range(first, first + len(rows))
        names = tuple(rows[0])
        values = itemgetter(*names)
        _insert_rows(
            conn,
            requests,
            ("id", *names),
            [(id_, *values(row)) for id_, row in zip(ids, rows, strict=True)],
        )
        return list(ids)
    # A plain executemany: RETURNING with ordered rows would run one INSERT per row.
    conn.execute(insert(requests), rows)
    by_reference = dict(_reference_ids(conn, [row["reference"] for row in rows]))
    return [by_reference[row["reference"]] for row in rows]


def _reference_ids(conn: Connection, references: list[str]):
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        yield from conn.execute(
            select(requests.c.reference, requests.c.id).where(requests.c.reference.in_(chunk))
        ).all()


APPLIED_COLUMNS = ("record_id", "sender", "type", "bundle_id", "applied_at")


def _insert_all(conn: Connection, kiosk: dict, opened: OpenedBundle, accepted, now: str) -> bool:
    """Insert the accepted requests, their arrival events (records.arrival) and their
    applied-record entries; False when a constraint refused any of them."""
    savepoint = conn.begin_nested()
    try:
        ids = _new_request_ids(conn, [row for _, row in accepted])
        kiosk_id = kiosk["id"]
        _insert_rows(
            conn,
            request_events,
            ARRIVAL_COLUMNS,
            [
                arrival(request_id, kiosk_id, record["id"], now)
                for request_id, (record, _) in zip(ids, accepted, strict=True)
            ],
        )
        _insert_rows(
            conn,
            applied_records,
            APPLIED_COLUMNS,
            [(record["id"], kiosk_id, SUBMITTED, opened.bundle_id, now) for record, _ in accepted],
        )
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
