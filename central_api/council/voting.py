"""Voting in the hall: the chair opens a vote on an item, councillors vote, the chair closes it.

The refusals are here, in the domain, whatever page or command calls it: a councillor votes
once per item, only while its vote is open, only when registered present, never on an item
where they declared a conflict of interest; a closed vote does not change. The result is
:func:`central_api.council.rules.decide` under the item's majority, with those present at the
close. A passed item gets the next decision number of its year.

A secret vote stores one row per councillor *who took part* (without the choice) and adds the
choice to the item's tally; nothing kept ties a choice to a councillor.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db import lock, utc_now
from . import votelog
from .errors import CouncilInputError, VoteRefusedError
from .rules import CHOICES, Outcome, Tally, decide
from .sessions import (
    conflicted_members,
    item,
    items,
    members_in_office,
    present_members,
    session,
)
from .tables import council_ballots, council_items


def open_vote(conn: Connection, item_id: int, actor: str) -> dict:
    current = _locked_item(conn, item_id)
    if session(conn, current["session_id"])["status"] != "open":
        raise VoteRefusedError("Заседанието не е открито. / The session is not open.")
    if current["vote_status"] != "pending":
        raise VoteRefusedError(
            "По тази точка вече е гласувано. / This item has already been put to the vote."
        )
    if any(row["vote_status"] == "open" for row in items(conn, current["session_id"])):
        raise VoteRefusedError(
            "Друго гласуване е открито: приключете го. / Another vote is open: close it first."
        )
    conn.execute(
        update(council_items)
        .where(council_items.c.id == item_id)
        .values(vote_status="open", vote_opened_at=utc_now(), for_votes=0, against=0, abstained=0)
    )
    votelog.append(conn, actor, "vote.opened", f"item:{item_id}", {"kind": current["kind"]})
    return item(conn, item_id)


def cast_vote(conn: Connection, item_id: int, member_id: int, choice: str, actor: str) -> None:
    """Record one councillor's vote on the open item."""
    if choice not in CHOICES:
        raise CouncilInputError(
            "Изберете „за“, „против“ или „въздържал се“. / Choose for, against or abstain."
        )
    current = _locked_item(conn, item_id)
    if current["vote_status"] == "pending":
        raise VoteRefusedError(
            "Гласуването по тази точка още не е открито. / The vote on this item is not open yet."
        )
    if current["vote_status"] == "closed":
        raise VoteRefusedError(
            "Гласуването е приключило: гласът не може да се промени. / "
            "The vote is closed: no vote can be cast or changed."
        )
    if member_id in conflicted_members(conn, item_id):
        raise VoteRefusedError(
            "Заявили сте конфликт на интереси по тази точка и не гласувате. / "
            "You declared a conflict of interest on this item and do not vote on it."
        )
    if member_id not in present_members(conn, current["session_id"]):
        raise VoteRefusedError("Първо регистрирайте присъствието си. / Register as present first.")
    secret = current["kind"] == "secret"
    try:
        with conn.begin_nested():
            conn.execute(
                insert(council_ballots).values(
                    item_id=item_id,
                    member_id=member_id,
                    choice=None if secret else choice,
                    cast_at=utc_now(),
                )
            )
    except IntegrityError as exc:
        raise VoteRefusedError(
            "Вече сте гласували по тази точка. / You have already voted on this item."
        ) from exc
    column = {"for": "for_votes", "against": "against", "abstain": "abstained"}[choice]
    conn.execute(
        update(council_items)
        .where(council_items.c.id == item_id)
        .values({column: council_items.c[column] + 1})
    )
    details = {"member": member_id, "choice": "secret" if secret else choice}
    votelog.append(conn, actor, "vote.cast", f"item:{item_id}", details)


def close_vote(conn: Connection, item_id: int, actor: str) -> Outcome:
    """Close the open vote and decide it by the item's rule; a passed item gets its number."""
    current = _locked_item(conn, item_id)
    if current["vote_status"] != "open":
        raise VoteRefusedError("Гласуването не е открито. / The vote is not open.")
    session_id = current["session_id"]
    total = len(members_in_office(conn, session_id))
    present = present_members(conn, session_id)
    conflicted = conflicted_members(conn, item_id) & present
    tally = Tally(current["for_votes"], current["against"], current["abstained"])
    outcome = decide(
        current["rule"], tally, total=total, present=len(present), conflicted=len(conflicted)
    )
    values = {
        "vote_status": "closed",
        "vote_closed_at": utc_now(),
        "present": len(present),
        "conflicted": len(conflicted),
        "passed": outcome.passed,
    }
    if outcome.passed:
        year = int(session(conn, session_id)["starts_at"][:4])
        last = conn.execute(
            select(func.coalesce(func.max(council_items.c.decision_number), 0)).where(
                council_items.c.decision_year == year
            )
        ).scalar_one()
        values.update(decision_year=year, decision_number=last + 1)
    conn.execute(update(council_items).where(council_items.c.id == item_id).values(**values))
    votelog.append(
        conn,
        actor,
        "vote.closed",
        f"item:{item_id}",
        {
            "for": tally.for_votes,
            "against": tally.against,
            "abstained": tally.abstained,
            "present": len(present),
            "conflicted": len(conflicted),
            "total": total,
            "rule": outcome.rule,
            "needed": outcome.needed,
            "passed": outcome.passed,
            "decision": values.get("decision_number"),
        },
    )
    return outcome


def ballots(conn: Connection, item_id: int) -> dict[int, str | None]:
    """member id -> choice (None for a secret vote): who took part, and how where it is known."""
    query = select(council_ballots.c.member_id, council_ballots.c.choice).where(
        council_ballots.c.item_id == item_id
    )
    return {row.member_id: row.choice for row in conn.execute(query)}


def _locked_item(conn: Connection, item_id: int) -> dict:
    # Lock the item's row so that two ballots or a ballot and the close never interleave.
    row = (
        conn.execute(lock(select(council_items).where(council_items.c.id == item_id), conn))
        .mappings()
        .first()
    )
    if row is None:
        return item(conn, item_id)  # raises CouncilNotFoundError
    return dict(row)
