"""Sessions of the council and their agendas: items, papers, attendance, declared conflicts.

The secretary prepares a session (date, place) and its items: each with its title, who
proposed it, the committees' opinions, the draft decision, the paper (a PDF upload) and the
legal basis chosen from :func:`central_api.council.rules.bases`, which fixes the item's
majority and kind of vote. On the day the chair opens the session, councillors register
present, and a councillor with a conflict of interest declares it on the item.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from sqlalchemy import Connection, func, insert, select, update

from ..db import utc_now
from . import votelog
from .errors import CouncilInputError, CouncilNotFoundError, VoteRefusedError
from .members import councillor, councillors
from .rules import basis
from .tables import (
    council_attendance,
    council_ballots,
    council_conflicts,
    council_items,
    council_sessions,
)

STARTS_AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
MAX_PAPER_BYTES = 10 * 1024 * 1024
CONSULTATION_DAYS = 30  # чл. 26, ал. 4 ЗНА


def create_session(conn: Connection, number: int, starts_at: str, place: str, actor: str) -> dict:
    if not STARTS_AT.match(starts_at or "") or not (place or "").strip():
        raise CouncilInputError(
            "Въведете дата и час (ГГГГ-ММ-ДДTЧЧ:ММ) и място. / "
            "Enter the date and time (YYYY-MM-DDTHH:MM) and the place."
        )
    if conn.execute(
        select(council_sessions.c.id).where(council_sessions.c.number == number)
    ).first():
        raise CouncilInputError(
            f"Заседание № {number} вече има. / Session number {number} already exists."
        )
    result = conn.execute(
        insert(council_sessions).values(
            number=number,
            starts_at=starts_at,
            place=place.strip(),
            status="planned",
            created_at=utc_now(),
        )
    )
    session_id = result.inserted_primary_key[0]
    votelog.append(conn, actor, "session.planned", f"session:{session_id}", {"number": number})
    return session(conn, session_id)


def session(conn: Connection, session_id: int) -> dict:
    row = (
        conn.execute(select(council_sessions).where(council_sessions.c.id == session_id))
        .mappings()
        .first()
    )
    if row is None:
        raise CouncilNotFoundError(f"Няма заседание {session_id}. / No session {session_id}.")
    return dict(row)


def session_by_number(conn: Connection, number: int) -> dict:
    found = conn.execute(
        select(council_sessions.c.id).where(council_sessions.c.number == number)
    ).scalar()
    if found is None:
        raise CouncilNotFoundError(f"Няма заседание № {number}. / No session number {number}.")
    return session(conn, found)


def sessions(conn: Connection) -> list[dict]:
    query = select(*[c for c in council_sessions.c if c.name != "protocol_pdf"]).order_by(
        council_sessions.c.starts_at.desc()
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def add_item(
    conn: Connection,
    session_id: int,
    *,
    title: str,
    proposer: str,
    draft_decision: str,
    basis_key: str,
    actor: str,
    committee_opinions: list[dict] | None = None,
    under_consultation_from: str | None = None,
) -> dict:
    """Add an item at the end of the agenda. ``under_consultation_from`` (a date) marks a draft
    regulation published for public consultation for 30 days from that date (чл. 26 ЗНА)."""
    meeting = session(conn, session_id)
    if meeting["status"] == "closed":
        raise VoteRefusedError(
            "Заседанието е закрито. / The session is closed: its agenda cannot change."
        )
    title, proposer = (title or "").strip(), (proposer or "").strip()
    if not title or not proposer or not (draft_decision or "").strip():
        raise CouncilInputError(
            "Въведете наименование, вносител и проект на решение. / "
            "Enter the title, who proposes it, and the draft decision."
        )
    chosen = basis(basis_key)
    opinions = [
        {"committee": str(o["committee"]).strip(), "opinion": str(o["opinion"]).strip()}
        for o in committee_opinions or []
    ]
    consultation_until = None
    if under_consultation_from:
        try:
            start = date.fromisoformat(under_consultation_from)
        except ValueError as exc:
            raise CouncilInputError(
                "Датата на консултацията е ГГГГ-ММ-ДД. / The consultation date is YYYY-MM-DD."
            ) from exc
        consultation_until = (start + timedelta(days=CONSULTATION_DAYS)).isoformat()
    position = (
        conn.execute(
            select(func.coalesce(func.max(council_items.c.position), 0)).where(
                council_items.c.session_id == session_id
            )
        ).scalar_one()
        + 1
    )
    result = conn.execute(
        insert(council_items).values(
            session_id=session_id,
            position=position,
            title=title,
            proposer=proposer,
            committee_opinions=json.dumps(opinions, ensure_ascii=False),
            draft_decision=draft_decision.strip(),
            basis=chosen.key,
            rule=chosen.rule,
            kind=chosen.kind,
            legal_basis=chosen.basis,
            consultation_until=consultation_until,
            vote_status="pending",
        )
    )
    item_id = result.inserted_primary_key[0]
    votelog.append(
        conn, actor, "item.added", f"item:{item_id}", {"session": session_id, "basis": chosen.key}
    )
    return item(conn, item_id)


def set_basis(conn: Connection, item_id: int, basis_key: str, actor: str) -> dict:
    """The secretary changes an item's legal basis (and so its majority and kind of vote)."""
    current = item(conn, item_id)
    if current["vote_status"] != "pending":
        raise VoteRefusedError(
            "Гласуването по точката е започнало. / The vote on this item has begun: its majority "
            "cannot change."
        )
    chosen = basis(basis_key)
    conn.execute(
        update(council_items)
        .where(council_items.c.id == item_id)
        .values(basis=chosen.key, rule=chosen.rule, kind=chosen.kind, legal_basis=chosen.basis)
    )
    votelog.append(conn, actor, "item.basis_set", f"item:{item_id}", {"basis": chosen.key})
    return item(conn, item_id)


def attach_paper(conn: Connection, item_id: int, pdf: bytes, file_name: str, actor: str) -> None:
    """The report and draft decision, as one PDF."""
    item(conn, item_id)
    if not pdf.startswith(b"%PDF-"):
        raise CouncilInputError("Материалът трябва да е PDF файл. / The paper must be a PDF file.")
    if len(pdf) > MAX_PAPER_BYTES:
        raise CouncilInputError(
            "Файлът е по-голям от 10 MB. / The file is larger than 10 MB: make it smaller."
        )
    conn.execute(
        update(council_items)
        .where(council_items.c.id == item_id)
        .values(paper_pdf=pdf, paper_name=file_name or "material.pdf")
    )
    votelog.append(conn, actor, "item.paper_attached", f"item:{item_id}", {"name": file_name})


def item(conn: Connection, item_id: int) -> dict:
    row = (
        conn.execute(select(council_items).where(council_items.c.id == item_id)).mappings().first()
    )
    if row is None:
        raise CouncilNotFoundError(f"Няма точка {item_id}. / No agenda item {item_id}.")
    result = dict(row)
    result["committee_opinions"] = json.loads(result["committee_opinions"] or "[]")
    return result


def items(conn: Connection, session_id: int) -> list[dict]:
    query = (
        select(*[c for c in council_items.c if c.name != "paper_pdf"])
        .where(council_items.c.session_id == session_id)
        .order_by(council_items.c.position)
    )
    rows = [dict(row) for row in conn.execute(query).mappings()]
    for row in rows:
        row["committee_opinions"] = json.loads(row["committee_opinions"] or "[]")
    return rows


def open_session(conn: Connection, session_id: int, actor: str) -> dict:
    meeting = session(conn, session_id)
    if meeting["status"] != "planned":
        raise VoteRefusedError(
            "Заседанието вече е открито или закрито. / The session is already open or closed."
        )
    conn.execute(
        update(council_sessions)
        .where(council_sessions.c.id == session_id)
        .values(status="open", opened_at=utc_now())
    )
    votelog.append(conn, actor, "session.opened", f"session:{session_id}")
    return session(conn, session_id)


def close_session(conn: Connection, session_id: int, actor: str) -> dict:
    meeting = session(conn, session_id)
    if meeting["status"] != "open":
        raise VoteRefusedError("Заседанието не е открито. / The session is not open.")
    if any(row["vote_status"] == "open" for row in items(conn, session_id)):
        raise VoteRefusedError(
            "Първо приключете текущото гласуване. / Close the vote under way first."
        )
    conn.execute(
        update(council_sessions)
        .where(council_sessions.c.id == session_id)
        .values(status="closed", closed_at=utc_now())
    )
    votelog.append(conn, actor, "session.closed", f"session:{session_id}")
    return session(conn, session_id)


def register_present(
    conn: Connection, session_id: int, member_id: int, actor: str, present: bool = True
) -> None:
    """A councillor registers present (or leaves the hall) at an open session."""
    if session(conn, session_id)["status"] != "open":
        raise VoteRefusedError(
            "Заседанието не е открито: изчакайте председателя. / "
            "The session is not open: wait for the chair to open it."
        )
    councillor(conn, member_id)
    values = {"present": present, "at": utc_now()}
    changed = conn.execute(
        update(council_attendance)
        .where(
            council_attendance.c.session_id == session_id,
            council_attendance.c.member_id == member_id,
        )
        .values(**values)
    ).rowcount
    if not changed:
        conn.execute(
            insert(council_attendance).values(session_id=session_id, member_id=member_id, **values)
        )
    action = "presence.registered" if present else "presence.left"
    votelog.append(conn, actor, action, f"session:{session_id}", {"member": member_id})


def present_members(conn: Connection, session_id: int) -> set[int]:
    query = select(council_attendance.c.member_id).where(
        council_attendance.c.session_id == session_id, council_attendance.c.present.is_(True)
    )
    return set(conn.execute(query).scalars())


def members_in_office(conn: Connection, session_id: int) -> list[dict]:
    """The councillors whose term covers the session's day: "all councillors" for the rules."""
    return councillors(conn, on=session(conn, session_id)["starts_at"][:10])


def declare_conflict(conn: Connection, item_id: int, member_id: int, actor: str, note: str = ""):
    """A councillor declares a conflict of interest on an item and will not vote on it."""
    current = item(conn, item_id)
    councillor(conn, member_id)
    if current["vote_status"] == "closed":
        raise VoteRefusedError("Гласуването е приключило. / The vote on this item is closed.")
    exists = conn.execute(
        select(council_conflicts.c.item_id).where(
            council_conflicts.c.item_id == item_id, council_conflicts.c.member_id == member_id
        )
    ).first()
    if exists:
        return
    voted = conn.execute(
        select(council_ballots.c.item_id).where(
            council_ballots.c.item_id == item_id, council_ballots.c.member_id == member_id
        )
    ).first()
    if voted:
        raise VoteRefusedError(
            "Вече сте гласували по тази точка. / You have already voted on this item."
        )
    conn.execute(
        insert(council_conflicts).values(
            item_id=item_id, member_id=member_id, declared_at=utc_now(), note=note or None
        )
    )
    votelog.append(conn, actor, "conflict.declared", f"item:{item_id}", {"member": member_id})


def conflicted_members(conn: Connection, item_id: int) -> set[int]:
    query = select(council_conflicts.c.member_id).where(council_conflicts.c.item_id == item_id)
    return set(conn.execute(query).scalars())
