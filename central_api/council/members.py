"""Councillors: name, political group, term, and the web user who votes for them in the hall."""

from __future__ import annotations

import re

from sqlalchemy import Connection, insert, select

from ..db import utc_now
from ..db.schema import users
from .errors import CouncilInputError, CouncilNotFoundError
from .tables import council_members

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VOTING_ROLES = ("councillor", "council_chair")


def add_councillor(
    conn: Connection,
    name: str,
    political_group: str,
    term_start: str,
    term_end: str,
    user_name: str | None = None,
) -> dict:
    """Add a councillor; ``user_name``, if given, must be a web user with a voting role."""
    name, political_group = name.strip(), political_group.strip()
    if not name or not political_group:
        raise CouncilInputError(
            "Въведете име и политическа група. / Enter the councillor's name and political group."
        )
    if not (DATE.match(term_start) and DATE.match(term_end)) or term_end <= term_start:
        raise CouncilInputError(
            "Мандатът е от дата до по-късна дата, ГГГГ-ММ-ДД. / "
            "The term runs from a date to a later date, YYYY-MM-DD."
        )
    if user_name:
        role = conn.execute(select(users.c.role).where(users.c.name == user_name)).scalar()
        if role not in VOTING_ROLES:
            raise CouncilInputError(
                f"Потребителят {user_name!r} трябва да има роля councillor или council_chair. / "
                f"The user {user_name!r} must exist with the role councillor or council_chair."
            )
    result = conn.execute(
        insert(council_members).values(
            name=name,
            political_group=political_group,
            term_start=term_start,
            term_end=term_end,
            user_name=user_name or None,
            created_at=utc_now(),
        )
    )
    return {"id": result.inserted_primary_key[0], "name": name, "political_group": political_group}


def councillors(conn: Connection, on: str | None = None) -> list[dict]:
    """Councillors in office on the date ``on`` (all when None), by name."""
    query = select(council_members).order_by(council_members.c.name)
    if on:
        query = query.where(council_members.c.term_start <= on, council_members.c.term_end >= on)
    return [dict(row) for row in conn.execute(query).mappings()]


def councillor(conn: Connection, member_id: int) -> dict:
    row = (
        conn.execute(select(council_members).where(council_members.c.id == member_id))
        .mappings()
        .first()
    )
    if row is None:
        raise CouncilNotFoundError(
            f"Няма съветник № {member_id}. / No councillor number {member_id}."
        )
    return dict(row)


def councillor_of_user(conn: Connection, user_name: str) -> dict:
    """The councillor a signed-in web user votes for."""
    row = (
        conn.execute(select(council_members).where(council_members.c.user_name == user_name))
        .mappings()
        .first()
    )
    if row is None:
        raise CouncilNotFoundError(
            f"Потребителят {user_name!r} не е свързан със съветник: помолете секретаря. / "
            f"The user {user_name!r} is not linked to a councillor: ask the council's secretary."
        )
    return dict(row)
