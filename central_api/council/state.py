"""What the hall's pages show, as one JSON-able dict: the tablet, the chair's page, the screen.

:func:`hall_state` is read on every refresh of every device in the hall, so it is a handful of
small queries. How councillors voted is shown only after the close, and only for open and named
votes; during a vote the pages show who has voted, never how, so that the tally of a secret vote
cannot be followed ballot by ballot on the screen.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from . import votelog
from .rules import Tally, bases, decide, votes_needed
from .sessions import (
    conflicted_members,
    items,
    members_in_office,
    present_members,
    session,
)
from .tables import council_conflicts, council_sessions
from .voting import ballots

RULE_TEXT = {
    "simple": ("повече от половината от присъстващите", "more than half of those present"),
    "absolute": ("повече от половината от всички съветници", "more than half of all councillors"),
    "two_thirds": ("две трети от всички съветници", "two thirds of all councillors"),
}
CHOICE_TEXT = {
    "for": "за / for",
    "against": "против / against",
    # One councillor's vote in words a man's and a woman's name both take ("въздържа се",
    # not "въздържал се"): the register of members holds no sex.
    "abstain": "въздържа се / abstained",
    "secret": "гласува тайно / voted (secret)",
    "conflict": "конфликт на интереси / conflict of interest",
    "did_not_vote": "не гласува / did not vote",
    "absent": "отсъства / absent",
}
KIND_TEXT = {
    "open": ("явно", "open"),
    "named": ("поименно", "named (roll-call)"),
    "secret": ("тайно", "secret"),
}


def current_session_id(conn: Connection) -> int | None:
    """The open session, else the one planned next, else the latest."""
    for status, order in (("open", "desc"), ("planned", "asc"), ("closed", "desc")):
        column = council_sessions.c.starts_at
        found = conn.execute(
            select(council_sessions.c.id)
            .where(council_sessions.c.status == status)
            .order_by(column.desc() if order == "desc" else column.asc())
            .limit(1)
        ).scalar()
        if found is not None:
            return found
    return None


def hall_state(conn: Connection, session_id: int | None, member_id: int | None = None) -> dict:
    """The hall as every page sees it; ``member_id`` adds the viewer's own part (``me``)."""
    version = votelog.newest_id(conn)
    if session_id is None:
        return {"version": version, "session": None}
    meeting = session(conn, session_id)
    members = members_in_office(conn, session_id)
    present = present_members(conn, session_id)
    agenda = items(conn, session_id)
    current = next((row for row in agenda if row["vote_status"] == "open"), None)
    if current is None:
        closed = [row for row in agenda if row["vote_status"] == "closed"]
        current = max(closed, key=lambda row: row["vote_closed_at"]) if closed else None
    cast = ballots(conn, current["id"]) if current else {}
    conflicted = conflicted_members(conn, current["id"]) if current else set()
    total = len(members)
    state = {
        "version": version,
        "session": {
            "id": meeting["id"],
            "number": meeting["number"],
            "starts_at": meeting["starts_at"],
            "place": meeting["place"],
            "status": meeting["status"],
        },
        "total": total,
        "present": len(present),
        "quorum_needed": total // 2 + 1,
        "quorum": 2 * len(present) > total,
        "members": [
            {
                "id": m["id"],
                "name": m["name"],
                "group": m["political_group"],
                "present": m["id"] in present,
                "voted": m["id"] in cast,
                "conflict": m["id"] in conflicted,
            }
            for m in members
        ],
        "items": [_item_summary(row) for row in agenda],
        "current": _current(current, cast, members, present, conflicted, total),
    }
    if member_id is not None:
        state["me"] = {
            "member_id": member_id,
            "present": member_id in present,
            "voted": member_id in cast,
            "choice": cast.get(member_id),  # None for a secret vote: the server does not know
            "conflict": member_id in conflicted,
            "conflicts": _conflicts_of(conn, member_id, [row["id"] for row in agenda]),
        }
    return state


def _conflicts_of(conn: Connection, member_id: int, item_ids: list[int]) -> list[int]:
    query = select(council_conflicts.c.item_id).where(
        council_conflicts.c.member_id == member_id, council_conflicts.c.item_id.in_(item_ids)
    )
    return sorted(conn.execute(query).scalars())


def _item_summary(row: dict) -> dict:
    return {
        "id": row["id"],
        "position": row["position"],
        "title": row["title"],
        "kind": row["kind"],
        "rule": row["rule"],
        "legal_basis": row["legal_basis"],
        "basis": row["basis"],
        "vote_status": row["vote_status"],
        "passed": row["passed"],
        "decision_number": row["decision_number"],
    }


def _current(row, cast, members, present, conflicted, total) -> dict | None:
    if row is None:
        return None
    rule_bg, rule_en = RULE_TEXT[row["rule"]]
    kind_bg, kind_en = KIND_TEXT[row["kind"]]
    needed, base = votes_needed(
        row["rule"], total=total, present=len(present), conflicted=len(conflicted & present)
    )
    current = {
        **_item_summary(row),
        "rule_text": {"bg": rule_bg, "en": rule_en},
        "kind_text": {"bg": kind_bg, "en": kind_en},
        "voted_count": len(cast),
        "may_vote": len(present - conflicted),
        "needed": needed,
        "base": base,
        "result": None,
        "named": None,
    }
    if row["vote_status"] == "closed":
        tally = Tally(row["for_votes"], row["against"], row["abstained"])
        outcome = decide(
            row["rule"], tally, total=total, present=row["present"], conflicted=row["conflicted"]
        )
        current["result"] = {
            "for": tally.for_votes,
            "against": tally.against,
            "abstained": tally.abstained,
            "present": row["present"],
            "passed": bool(row["passed"]),
            "needed": outcome.needed,
            "base": outcome.base,
            "reason": {"bg": outcome.reason_bg, "en": outcome.reason_en},
        }
        if row["kind"] == "named":
            current["named"] = [
                {
                    "name": m["name"],
                    "group": m["political_group"],
                    "choice": _named(m, cast, present, conflicted),
                }
                for m in members
            ]
    return current


def _named(member: dict, cast: dict, present: set, conflicted: set) -> str:
    if member["id"] in conflicted:
        return "conflict"
    if member["id"] in cast:
        return cast[member["id"]]
    return "did_not_vote" if member["id"] in present else "absent"


def basis_choices() -> list[dict]:
    return [
        {"key": b.key, "title_bg": b.title_bg, "title_en": b.title_en, "basis": b.basis}
        for b in bases().values()
    ]
