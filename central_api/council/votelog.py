"""The council's vote log: append-only and hash-chained, with the audit log's own code.

Every act in the hall (a session opened, a councillor registered present, a conflict declared,
a vote opened, a ballot cast, a vote closed, a protocol signed) appends one entry with
:func:`central_api.audit.record` on the ``council_vote_log`` table, in the act's transaction;
:func:`verify` walks the chain with :func:`central_api.audit.verify_chain`. The rules of the
chain (what each hash covers, how appends are serialised) are the audit log's.

For a secret vote the entry of a ballot names who took part, never the choice.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ..audit import AuditVerification, record, verify_chain
from .tables import council_vote_log


def append(conn: Connection, actor: str, action: str, subject: str, details: dict | None = None):
    return record(conn, actor, action, subject, details, table=council_vote_log)


def verify(conn: Connection, expected_head: tuple[int, str] | None = None) -> AuditVerification:
    return verify_chain(conn, table=council_vote_log, expected_head=expected_head)


def newest_id(conn: Connection) -> int:
    """The id of the newest entry (0 when empty): what the hall's live pages watch for."""
    return conn.execute(select(func.coalesce(func.max(council_vote_log.c.id), 0))).scalar_one()


def entries(conn: Connection, subject_prefix: str | None = None) -> list[dict]:
    query = select(council_vote_log).order_by(council_vote_log.c.id)
    if subject_prefix:
        query = query.where(council_vote_log.c.subject.startswith(subject_prefix))
    return [dict(row) for row in conn.execute(query).mappings()]
