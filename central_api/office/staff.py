"""Mayoralty staff who confirm villagers' identities at a kiosk (administrator).

A PIN is typed here once and hashed with argon2 at once: only the hash is stored, and only the
hash travels. After every change the village's whole list goes to each of its active kiosks as a
``staff.updated`` downlink record ``{"village", "staff": [{"staff_id", "name", "pin_hash"}],
"at"}`` (the shape the kiosk keeps in its ``staff`` setting), so a kiosk always holds exactly the
current list.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from flask import redirect, render_template, request, url_for
from sqlalchemy import Connection, insert, select, update

from ..audit import record as audit_record
from ..db import read, utc_now, write
from ..db.schema import kiosks
from ..errors import InvalidInputError
from ..kiosks import VILLAGES
from ..workflow import queue_record
from . import bp
from .auth import actor, engine
from .i18n import flash_t
from .roles import access
from .tables import office_staff

# At least six digits: the argon2 hashes travel to the kiosks (docs/operations.md, "Staff PINs").
PIN = re.compile(r"^\d{6,12}$")
_hasher = PasswordHasher()


def pin_problem(pin: str, again: str) -> str | None:
    """A text key saying what is wrong with the PIN, or None."""
    if not PIN.match(pin):
        return "pin_format"
    if pin != again:
        return "pin_mismatch"
    if len(set(pin)) <= 2 or pin in "01234567890123" or pin in "98765432109876":
        return "pin_too_simple"
    return None


def village_staff(conn: Connection, village: str) -> list[dict]:
    rows = conn.execute(
        select(office_staff)
        .where(office_staff.c.village == village, office_staff.c.removed_at.is_(None))
        .order_by(office_staff.c.name)
    ).mappings()
    return [dict(row) for row in rows]


def staff_list_record(conn: Connection, village: str) -> dict:
    """The ``staff.updated`` body for a village: names and PIN hashes, never PINs."""
    listed = [
        {"staff_id": s["staff_id"], "name": s["name"], "pin_hash": s["pin_hash"]}
        for s in village_staff(conn, village)
    ]
    return {"village": village, "staff": listed, "at": utc_now()}


def send_staff_list(conn: Connection, village: str) -> int:
    """Queue the village's current list to each of its active kiosks; how many kiosks."""
    targets = conn.execute(
        select(kiosks.c.id).where(kiosks.c.village == village, kiosks.c.revoked_at.is_(None))
    ).scalars()
    count = 0
    for kiosk_id in targets:
        queue_record(conn, kiosk_id, "staff.updated", staff_list_record(conn, village))
        count += 1
    return count


def add_staff(conn: Connection, village: str, name: str, pin: str, by: str) -> str:
    if not PIN.match(pin):
        raise InvalidInputError("A staff PIN is 6 to 12 digits.")
    staff_id = f"{village}-{secrets.token_hex(3)}"
    now = utc_now()
    conn.execute(
        insert(office_staff).values(
            staff_id=staff_id,
            village=village,
            name=name,
            pin_hash=_hasher.hash(pin),
            created_at=now,
            updated_at=now,
        )
    )
    audit_record(conn, by, "staff.added", staff_id, {"village": village, "name": name})
    send_staff_list(conn, village)
    return staff_id


def _member(conn: Connection, staff_id: str) -> dict | None:
    row = (
        conn.execute(
            select(office_staff).where(
                office_staff.c.staff_id == staff_id, office_staff.c.removed_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


@bp.get("/staff")
@access("admin")
def staff():
    with read(engine()) as conn:
        by_village = {code: village_staff(conn, code) for code in VILLAGES}
    return render_template("office/staff.html", by_village=by_village)


@bp.post("/staff/add")
@access("admin")
def staff_add():
    village = request.form.get("village", "")
    name = " ".join(request.form.get("name", "").split())[:100]
    pin, again = request.form.get("pin", ""), request.form.get("pin_again", "")
    problem = pin_problem(pin, again)
    if village not in VILLAGES or not name:
        problem = "staff_incomplete"
    if problem:
        flash_t(problem, "error")
        return redirect(url_for("office.staff"))
    with write(engine()) as conn:
        add_staff(conn, village, name, pin, actor())
    flash_t("done_staff_added", "success", name=name)
    return redirect(url_for("office.staff"))


@bp.post("/staff/<staff_id>/pin")
@access("admin")
def staff_pin(staff_id: str):
    pin, again = request.form.get("pin", ""), request.form.get("pin_again", "")
    problem = pin_problem(pin, again)
    if problem:
        flash_t(problem, "error")
        return redirect(url_for("office.staff"))
    with write(engine()) as conn:
        member = _member(conn, staff_id)
        if member is None:
            flash_t("staff_unknown", "error")
            return redirect(url_for("office.staff"))
        conn.execute(
            update(office_staff)
            .where(office_staff.c.staff_id == staff_id)
            .values(pin_hash=_hasher.hash(pin), updated_at=utc_now())
        )
        audit_record(conn, actor(), "staff.pin_changed", staff_id, {"village": member["village"]})
        send_staff_list(conn, member["village"])
    flash_t("done_staff_pin", "success", name=member["name"])
    return redirect(url_for("office.staff"))


@bp.post("/staff/<staff_id>/remove")
@access("admin")
def staff_remove(staff_id: str):
    with write(engine()) as conn:
        member = _member(conn, staff_id)
        if member is None:
            flash_t("staff_unknown", "error")
            return redirect(url_for("office.staff"))
        now = utc_now()
        conn.execute(
            update(office_staff)
            .where(office_staff.c.staff_id == staff_id)
            .values(removed_at=now, updated_at=now)
        )
        audit_record(conn, actor(), "staff.removed", staff_id, {"village": member["village"]})
        send_staff_list(conn, member["village"])
    flash_t("done_staff_removed", "success", name=member["name"])
    return redirect(url_for("office.staff"))


@bp.post("/staff/send/<village>")
@access("admin")
def staff_send(village: str):
    if village not in VILLAGES:
        flash_t("staff_incomplete", "error")
        return redirect(url_for("office.staff"))
    with write(engine()) as conn:
        count = send_staff_list(conn, village)
    flash_t("done_staff_sent", "success", count=count)
    return redirect(url_for("office.staff"))
