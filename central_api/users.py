"""Web users (clerks, administrators, auditors; councillors, the council's chair and secretary)
with argon2 password hashes.

Adding, disabling, enabling and changing a password are one function each, used by the
``central-api user`` commands and the administrator's users page alike. Disabling ends the
user's office sessions in the same transaction, so a signed-in browser is signed out at its
next request, on every web process.
"""

from __future__ import annotations

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from .audit import record as audit_record
from .db import utc_now
from .db.schema import users
from .errors import ConflictError, InvalidInputError, NotFoundError
from .office.tables import office_sessions
from .passwords import password_hasher

ROLES = (
    "clerk",
    "admin",
    "auditor",
    "registrar",
    "councillor",
    "council_chair",
    "council_secretary",
)


def add_user(conn: Connection, name: str, role: str, password: str) -> dict:
    """Create a user; the password is kept only as an argon2id hash."""
    name = name.strip()
    if not name:
        raise InvalidInputError("A user needs a name.")
    if role not in ROLES:
        raise InvalidInputError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    _check_password_rules(password)
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise ConflictError(f"A user named {name!r} already exists.")
    conn.execute(
        insert(users).values(
            name=name,
            role=role,
            password_hash=password_hasher().hash(password),
            created_at=utc_now(),
            disabled=False,
        )
    )
    audit_record(conn, "admin", "user.added", name, {"role": role})
    return {"name": name, "role": role}


def _check_password_rules(password: str) -> None:
    if len(password) < 8:
        raise InvalidInputError("The password is too short: use at least 8 characters.")
    if len(password) > 1024:
        raise InvalidInputError("The password is too long: use at most 1,024 characters.")


def _existing(conn: Connection, name: str) -> dict:
    row = conn.execute(select(users).where(users.c.name == name.strip())).mappings().first()
    if row is None:
        raise NotFoundError(
            f"No user named {name!r}: see the users page or `central-api user add`."
        )
    return dict(row)


def list_users(conn: Connection) -> list[dict]:
    """Every office user, disabled ones too: name, role, disabled, created_at."""
    rows = conn.execute(
        select(users.c.name, users.c.role, users.c.disabled, users.c.created_at).order_by(
            users.c.name
        )
    ).mappings()
    return [{**row, "disabled": bool(row["disabled"])} for row in rows]


def set_disabled(conn: Connection, name: str, disabled: bool, by: str = "admin") -> dict:
    """Disable (ending every session of the user at once) or enable an office user."""
    user = _existing(conn, name)
    conn.execute(update(users).where(users.c.id == user["id"]).values(disabled=disabled))
    ended = 0
    if disabled:
        ended = conn.execute(
            delete(office_sessions).where(office_sessions.c.user_name == user["name"])
        ).rowcount
    action = "user.disabled" if disabled else "user.enabled"
    audit_record(conn, by, action, user["name"], {"sessions_ended": ended} if disabled else None)
    return {
        "name": user["name"],
        "role": user["role"],
        "disabled": disabled,
        "sessions_ended": ended,
    }


def set_password(conn: Connection, name: str, password: str, by: str = "admin") -> dict:
    """Give an office user a new password; their other sessions end (a stolen one too)."""
    _check_password_rules(password)
    user = _existing(conn, name)
    conn.execute(
        update(users)
        .where(users.c.id == user["id"])
        .values(password_hash=password_hasher().hash(password))
    )
    conn.execute(delete(office_sessions).where(office_sessions.c.user_name == user["name"]))
    audit_record(conn, by, "user.password_changed", user["name"])
    return {"name": user["name"], "role": user["role"]}


def get_user(conn: Connection, name: str) -> dict:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    if row is None or row["disabled"]:
        raise NotFoundError(f"No active user named {name!r}: add one with `central-api user add`.")
    return dict(row)


def check_password(conn: Connection, name: str, password: str) -> dict | None:
    """The user if ``password`` is theirs, else None (without saying which part was wrong)."""
    try:
        user = get_user(conn, name)
        password_hasher().verify(user["password_hash"], password)
    except (NotFoundError, VerificationError, InvalidHashError):
        return None
    return user
