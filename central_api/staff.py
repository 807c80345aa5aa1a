"""Mayoralty staff who confirm villagers' identities at a kiosk: the lists an administrator keeps.

Called alike by the web office (``/office/staff``) and the command line (``central-api staff``).
A PIN is hashed with argon2 at once: only the hash is stored, and only the hash travels. After
every change the village's whole list goes to each of its active kiosks as a ``staff.updated``
downlink record ``{"village", "staff": [{"staff_id", "name", "pin_hash"}], "at"}`` (the shape
the kiosk keeps in its ``staff`` setting), so a kiosk always holds exactly the current list.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Connection, insert, select, update

from .audit import record as audit_record
from .db import utc_now
from .db.schema import kiosks, office_staff
from .errors import InvalidInputError, NotFoundError
from .municipality import current_municipality
from .passwords import password_hasher
from .workflow import queue_record

# At least six digits: the argon2 hashes travel to the kiosks (docs/operations.md, "Staff PINs").
PIN = re.compile(r"^\d{6,12}$")
MAX_NAME = 100

# What is wrong, by the key the office's texts use; the command line prints the sentence.
PROBLEMS = {
    "pin_format": "ПИН кодът трябва да е от 6 до 12 цифри. / The PIN must be 6 to 12 digits.",
    "pin_mismatch": "Двата ПИН кода се различават. / The two PINs differ.",
    "pin_too_simple": "ПИН кодът е твърде лесен. / The PIN is too easy to guess.",
    "staff_incomplete": "Изберете село и напишете име. / Choose a village and write a name.",
}


class StaffError(InvalidInputError):
    """A staff change refused; ``problem`` is the key of the office's text for it."""

    code = "staff_refused"

    def __init__(self, problem: str):
        super().__init__(PROBLEMS[problem])
        self.problem = problem


class StaffUnknownError(NotFoundError):
    code = "staff_unknown"
    problem = "staff_unknown"


def pin_problem(pin: str, again: str | None = None) -> str | None:
    """The key of what is wrong with the PIN (``again``: the second typing, if asked), or None."""
    if not PIN.match(pin):
        return "pin_format"
    if again is not None and pin != again:
        return "pin_mismatch"
    if len(set(pin)) <= 2 or pin in "01234567890123" or pin in "98765432109876":
        return "pin_too_simple"
    return None


def clean_name(name: str) -> str:
    return " ".join(name.split())[:MAX_NAME]


def village_staff(conn: Connection, village: str) -> list[dict]:
    rows = conn.execute(
        select(office_staff)
        .where(office_staff.c.village == village, office_staff.c.removed_at.is_(None))
        .order_by(office_staff.c.name)
    ).mappings()
    return [dict(row) for row in rows]


def staff_by_village(conn: Connection) -> dict[str, list[dict]]:
    """Every village's current staff (villages with nobody: an empty list)."""
    return {code: village_staff(conn, code) for code in _villages(conn)}


def describe(member: dict) -> dict:
    """What a person or a script sees of a member of staff: never the PIN's hash."""
    return {
        "staff_id": member["staff_id"],
        "village": member["village"],
        "name": member["name"],
        "created_at": member["created_at"],
        "updated_at": member["updated_at"],
    }


def staff_list_record(conn: Connection, village: str) -> dict:
    """The ``staff.updated`` body for a village: names and PIN hashes, never PINs."""
    listed = [
        {"staff_id": s["staff_id"], "name": s["name"], "pin_hash": s["pin_hash"]}
        for s in village_staff(conn, village)
    ]
    return {"village": village, "staff": listed, "at": utc_now()}


def _villages(conn: Connection) -> tuple[str, ...]:
    """The villages of the municipality profile in force (where the kiosks are)."""
    return tuple(settlement.code for settlement in current_municipality(conn).villages)


def send_staff_list(conn: Connection, village: str) -> int:
    """Queue the village's current list to each of its active kiosks; how many kiosks."""
    if village not in _villages(conn):
        raise StaffError("staff_incomplete")
    targets = conn.execute(
        select(kiosks.c.id).where(kiosks.c.village == village, kiosks.c.revoked_at.is_(None))
    ).scalars()
    count = 0
    for kiosk_id in targets:
        queue_record(conn, kiosk_id, "staff.updated", staff_list_record(conn, village))
        count += 1
    return count


def add_staff(
    conn: Connection, village: str, name: str, pin: str, by: str, pin_again: str | None = None
) -> str:
    """Add a member of staff to a village and send its kiosks the new list; the staff id."""
    name = clean_name(name)
    problem = pin_problem(pin, pin_again)
    if village not in _villages(conn) or not name:
        problem = "staff_incomplete"
    if problem:
        raise StaffError(problem)
    staff_id = f"{village}-{secrets.token_hex(3)}"
    now = utc_now()
    conn.execute(
        insert(office_staff).values(
            staff_id=staff_id,
            village=village,
            name=name,
            pin_hash=password_hasher().hash(pin),
            created_at=now,
            updated_at=now,
        )
    )
    audit_record(conn, by, "staff.added", staff_id, {"village": village, "name": name})
    send_staff_list(conn, village)
    return staff_id


def get_member(conn: Connection, staff_id: str) -> dict:
    """A current member of staff (not removed), or :class:`StaffUnknownError`."""
    row = (
        conn.execute(
            select(office_staff).where(
                office_staff.c.staff_id == staff_id, office_staff.c.removed_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise StaffUnknownError(
            f"Няма такъв служител: {staff_id}. / No such member of staff: {staff_id} "
            "(see `central-api staff list`)."
        )
    return dict(row)


def change_pin(
    conn: Connection, staff_id: str, pin: str, by: str, pin_again: str | None = None
) -> dict:
    """Give a member of staff a new PIN and send the village's kiosks the new list."""
    problem = pin_problem(pin, pin_again)
    if problem:
        raise StaffError(problem)
    member = get_member(conn, staff_id)
    conn.execute(
        update(office_staff)
        .where(office_staff.c.staff_id == staff_id)
        .values(pin_hash=password_hasher().hash(pin), updated_at=utc_now())
    )
    audit_record(conn, by, "staff.pin_changed", staff_id, {"village": member["village"]})
    send_staff_list(conn, member["village"])
    return member


def remove_staff(conn: Connection, staff_id: str, by: str) -> dict:
    """Take a member of staff off the list (kept, marked removed); the kiosks get the new list."""
    member = get_member(conn, staff_id)
    now = utc_now()
    conn.execute(
        update(office_staff)
        .where(office_staff.c.staff_id == staff_id)
        .values(removed_at=now, updated_at=now)
    )
    audit_record(conn, by, "staff.removed", staff_id, {"village": member["village"]})
    send_staff_list(conn, member["village"])
    return member
