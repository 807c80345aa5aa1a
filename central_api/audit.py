"""The append-only, hash-chained audit log of security-relevant actions.

Sign-ins, decisions, issuing and revoking documents, enrolling and revoking kiosks, exports and
key changes each append one row to ``audit_log`` with :func:`record`, in the same transaction as
the action itself (so an action rolled back leaves no entry, and an entry never lacks its action).

Each row's ``hash`` is ``sha256(prev_hash + canonical_json([at, actor, action, subject,
details]))`` (hex; ``canonical_json`` from ``sync``: sorted keys, no spaces, UTF-8), and its
``prev_hash`` is the previous row's ``hash`` (sixty-four zeros for the first). Editing any field,
deleting or reordering rows breaks the chain at a row that :func:`verify_chain` names. Deleting
the *last* rows cannot be seen from the chain alone: compare :func:`head` with a copy kept
elsewhere (a daily report, a backup) to catch that.

Two writers must never both append after the same row (a fork). Appends are serialised by the
database: on PostgreSQL a transaction-scoped advisory lock; on SQLite the database's single
writer lock, taken *before* the last row is read (a no-op write opens the write transaction).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, select, text, update
from sqlalchemy.engine import Connection

from sync import canonical_json

GENESIS = "0" * 64
# pg_advisory_xact_lock takes a bigint: a fixed number that means "the audit chain".
POSTGRES_LOCK_KEY = int.from_bytes(hashlib.sha256(b"audit_log chain").digest()[:8], "big") >> 1

__all__ = [
    "GENESIS",
    "AuditVerification",
    "entry_hash",
    "head",
    "record",
    "verify_chain",
    "verify_since_checkpoint",
]


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


def _default_table() -> Table:
    from central_api.db.schema import audit_log

    return audit_log


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_hash(prev_hash: str, at: str, actor: str, action: str, subject, details) -> str:
    """The hash a row must carry, from its predecessor's hash and its own fields."""
    body = canonical_json([at, actor, action, subject, details])
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def record(
    conn: Connection,
    actor: str,
    action: str,
    subject: str | None = None,
    details: dict | None = None,
    *,
    at: str | None = None,
    table: Table | None = None,
) -> dict:
    """Append one entry to the audit log inside the caller's transaction; return it.

    ``actor`` is who (``clerk:ivanova``, ``kiosk:<village>-1``, ``system``), ``action`` what
    (``document.issued``), ``subject`` on what (``2026-000017``), ``details`` any JSON-able dict.
    """
    table = _default_table() if table is None else table
    at = at or utc_now()
    _serialise_appends(conn, table)
    last = conn.execute(
        select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).first()
    prev_hash = last.hash if last is not None else GENESIS
    # Details go through JSON once so the hash covers exactly what the database will give back.
    details = json.loads(canonical_json(details)) if details is not None else None
    digest = entry_hash(prev_hash, at, actor, action, subject, details)
    result = conn.execute(
        table.insert().values(
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            details=canonical_json(details).decode() if details is not None else None,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    entry_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    return {
        "id": entry_id,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
        "prev_hash": prev_hash,
        "hash": digest,
    }


def _serialise_appends(conn: Connection, table: Table) -> None:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
    elif dialect == "sqlite":
        # A write that changes nothing still takes SQLite's writer lock, so no other process can
        # append between our read of the last row and our insert. (A plain SELECT first would
        # read under a shared lock and let two writers chain onto the same row.)
        conn.execute(update(table).where(text("0 = 1")).values(actor=table.c.actor))
    else:  # other databases: lock the last row (an empty table has none to lock)
        conn.execute(
            select(table.c.id).order_by(table.c.id.desc()).limit(1).with_for_update()
        ).first()


def head(conn: Connection, *, table: Table | None = None) -> tuple[int, str] | None:
    """``(id, hash)`` of the newest entry, to keep elsewhere and compare later; None if empty."""
    table = _default_table() if table is None else table
    row = conn.execute(
        select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else None


def verify_chain(
    conn: Connection,
    *,
    table: Table | None = None,
    expected_head: tuple[int, str] | None = None,
    since: tuple[int, str] | None = None,
) -> AuditVerification:
    """Walk the log from the first entry (or on from ``since``, an ``(id, hash)`` verified
    before); report the first entry whose chain is broken.

    ``expected_head``, an ``(id, hash)`` from :func:`head` kept elsewhere, also catches entries
    deleted from the end.
    """
    table = _default_table() if table is None else table
    query = select(table).order_by(table.c.id)
    previous_hash, checked, last = GENESIS, 0, None
    if since is not None:
        since_id, since_hash = since
        kept = conn.execute(select(table.c.hash).where(table.c.id == since_id)).scalar()
        if kept != since_hash:
            return AuditVerification(
                False,
                0,
                since_id,
                f"Entry {since_id}, verified before, is gone or changed since: check the whole "
                "log.",
            )
        query = query.where(table.c.id > since_id)
        previous_hash, last = since_hash, (since_id, since_hash)
    for row in conn.execute(query).mappings():
        problem = _check_row(row, previous_hash)
        if problem:
            return AuditVerification(False, checked, row["id"], problem)
        previous_hash, checked, last = row["hash"], checked + 1, (row["id"], row["hash"])
    if expected_head is not None and tuple(expected_head) != last:
        return AuditVerification(
            False,
            checked,
            last[0] if last else None,
            f"The log ends at {last and last[0]} but the kept head is entry {expected_head[0]}: "
            "entries were removed from the end, or the head belongs to another log.",
        )
    return AuditVerification(True, checked, None, f"{checked} entries, chain intact")


def _check_row(row, previous_hash: str) -> str:
    if row["prev_hash"] != previous_hash:
        return (
            f"Entry {row['id']} does not follow the entry before it (its prev_hash differs): "
            "an entry before it was deleted, inserted or reordered."
        )
    try:
        details = json.loads(row["details"]) if row["details"] is not None else None
    except (TypeError, ValueError):
        return f"Entry {row['id']}: its details are not valid JSON; the row was edited."
    expected = entry_hash(
        row["prev_hash"], row["at"], row["actor"], row["action"], row["subject"], details
    )
    if row["hash"] != expected:
        return f"Entry {row['id']}: its contents do not match its hash; the row was edited."
    return ""


def verify_since_checkpoint(conn: Connection, *, full: bool = False) -> AuditVerification:
    """Verify the entries added since the last verified one (all of them with ``full``), and
    remember the newest as verified when the chain holds. Cost grows with what is new, not with
    the log: the audit page calls this on every visit, and ``full`` on demand.

    Only the remembered entry itself is re-read from the part verified before; an edit further
    back is found by a full verification (the page's button, ``central-api audit verify``).
    """
    from central_api.db.schema import audit_checkpoint

    kept = (
        conn.execute(select(audit_checkpoint).where(audit_checkpoint.c.id == 1)).mappings().first()
    )
    since = None if full or kept is None else (kept["entry_id"], kept["entry_hash"])
    result = verify_chain(conn, since=since)
    if not result.ok:
        return result
    checked = result.checked + (kept["checked"] if since is not None else 0)
    newest = head(conn)
    if newest is not None:
        values = {
            "entry_id": newest[0],
            "entry_hash": newest[1],
            "checked": checked,
            "verified_at": utc_now(),
        }
        if kept is None:
            conn.execute(audit_checkpoint.insert().values(id=1, **values))
        else:
            conn.execute(
                update(audit_checkpoint).where(audit_checkpoint.c.id == 1).values(**values)
            )
    return AuditVerification(True, checked, None, f"{checked} entries, chain intact")
