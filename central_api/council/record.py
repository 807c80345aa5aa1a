"""The council's record as the public reads it: decisions, each item's votes, each councillor's.

For open and named votes each councillor's choice is public; for a secret vote only who took
part (the server does not know more).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from .members import councillors
from .sessions import conflicted_members, present_members
from .tables import council_ballots, council_items, council_members, council_sessions

NOT_VOTED = {"conflict", "did_not_vote", "absent"}


def decision_label(item: dict) -> str:
    return f"{item['decision_number']}/{item['decision_year']}"


def decisions(conn: Connection, year: int | None = None) -> list[dict]:
    """Adopted decisions, newest first: number, title, the session's number and day."""
    query = (
        select(
            council_items.c.id,
            council_items.c.title,
            council_items.c.decision_number,
            council_items.c.decision_year,
            council_items.c.legal_basis,
            council_items.c.session_id,
            council_sessions.c.number.label("session_number"),
            council_sessions.c.starts_at,
        )
        .join(council_sessions, council_sessions.c.id == council_items.c.session_id)
        .where(council_items.c.decision_number.is_not(None))
        .order_by(council_items.c.decision_year.desc(), council_items.c.decision_number.desc())
    )
    if year is not None:
        query = query.where(council_items.c.decision_year == year)
    return [dict(row) for row in conn.execute(query).mappings()]


def item_votes(conn: Connection, item_id: int) -> list[dict]:
    """Each councillor in office at the item's session: their vote on it (or why none)."""
    item = conn.execute(select(council_items).where(council_items.c.id == item_id)).mappings().one()
    if item["vote_status"] != "closed":
        return []
    starts_at = conn.execute(
        select(council_sessions.c.starts_at).where(council_sessions.c.id == item["session_id"])
    ).scalar_one()
    cast = {
        row.member_id: row.choice
        for row in conn.execute(
            select(council_ballots.c.member_id, council_ballots.c.choice).where(
                council_ballots.c.item_id == item_id
            )
        )
    }
    present = present_members(conn, item["session_id"])
    conflicted = conflicted_members(conn, item_id)
    result = []
    for member in councillors(conn, on=starts_at[:10]):
        if member["id"] in conflicted:
            choice = "conflict"
        elif member["id"] in cast:
            choice = cast[member["id"]] or "secret"
        else:
            choice = "did_not_vote" if member["id"] in present else "absent"
        result.append(
            {
                "member_id": member["id"],
                "name": member["name"],
                "group": member["political_group"],
                "choice": choice,
            }
        )
    return result


def votes_of(conn: Connection, member_id: int) -> list[dict]:
    """How one councillor voted on every closed item (secret votes: took part or not)."""
    query = (
        select(
            council_items.c.id,
            council_items.c.title,
            council_items.c.kind,
            council_items.c.passed,
            council_items.c.decision_number,
            council_items.c.decision_year,
            council_sessions.c.number.label("session_number"),
            council_sessions.c.starts_at,
            council_ballots.c.choice,
            council_ballots.c.member_id.label("voted"),
        )
        .join(council_sessions, council_sessions.c.id == council_items.c.session_id)
        .outerjoin(
            council_ballots,
            (council_ballots.c.item_id == council_items.c.id)
            & (council_ballots.c.member_id == member_id),
        )
        .where(council_items.c.vote_status == "closed")
        .order_by(council_sessions.c.starts_at.desc(), council_items.c.position)
    )
    member = conn.execute(
        select(council_members.c.term_start, council_members.c.term_end).where(
            council_members.c.id == member_id
        )
    ).one()
    rows = []
    for row in conn.execute(query).mappings():
        day = row["starts_at"][:10]
        if not member.term_start <= day <= member.term_end:
            continue
        choice = "did_not_vote" if row["voted"] is None else row["choice"] or "secret"
        rows.append({**dict(row), "choice": choice})
    return rows
