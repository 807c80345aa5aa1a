"""Web users (clerks, administrators, auditors; councillors, the council's chair and secretary)
with argon2 password hashes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select

from .db import utc_now
from .db.schema import users
from .errors import ConflictError, InvalidInputError, NotFoundError

ROLES = ("clerk", "admin", "auditor", "councillor", "council_chair", "council_secretary")
_hasher = PasswordHasher()


def add_user(conn: Connection, name: str, role: str, password: str) -> dict:
    """Create a user; the password is kept only as an argon2id hash."""
    name = name.strip()
    if not name:
        raise InvalidInputError("A user needs a name.")
    if role not in ROLES:
        raise InvalidInputError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if len(password) < 8:
        raise InvalidInputError("The password is too short: use at least 8 characters.")
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise ConflictError(f"A user named {name!r} already exists.")
    conn.execute(
        insert(users).values(
            name=name,
            role=role,
            password_hash=_hasher.hash(password),
            created_at=utc_now(),
            disabled=False,
        )
    )
    _audit(conn, "admin", "user.added", name, {"role": role})
    return {"name": name, "role": role}


def get_user(conn: Connection, name: str) -> dict:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None or row["disabled"]:
        raise NotFoundError(f"No active user named {name!r}: add one with `central-api user add`.")
    return dict(row)


def check_password(conn: Connection, name: str, password: str) -> dict | None:
    """The user if ``password`` is theirs, else None (without saying which part was wrong)."""
    try:
        user = get_user(conn, name)
        _hasher.verify(user["password_hash"], password)
    except (NotFoundError, VerificationError, InvalidHashError):
        return None
    return user


def _audit(conn: Connection, actor: str, action: str, subject: str, details=None) -> None:
    from . import audit_hook

    audit_hook(conn, actor, action, subject, details)
