"""What office users do with the population register: look a person up (each look-up is
logged, so auditors see who looked at whom) and, as a registrar, correct an entry.

A correction needs a reason; every changed field keeps its earlier value in
``register_person_history`` (with the reason), a new address ends the one in force, and the
correction is one audit-log entry (``register.person_corrected``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from .. import audit
from ..db import utc_now
from ..db.schema import (
    register_addresses,
    register_lookups,
    register_person_history,
    register_persons,
)
from .errors import CorrectionRefusedError
from .population import (
    MARITAL_STATUSES,
    Person,
    PersonRecord,
    _name,
    get_person,
    person_record,
    search_persons,
)

__all__ = [
    "CORRECTABLE",
    "Lookup",
    "correct_person",
    "look_up",
    "lookups",
    "record_lookup",
    "search_and_log",
]

CORRECTABLE = (
    "first_name", "middle_name", "last_name", "citizenship", "marital_status", "death_date",
    "death_act", "death_place",
)  # fmt: skip
ADDRESS_FIELDS = ("settlement", "address", "since")
MIN_REASON = 5
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Lookup:
    at: str
    user_name: str
    person_id: int
    person_name: str
    person_identifier: str
    purpose: str


def record_lookup(conn: Connection, user_name: str, person_id: int, purpose: str) -> None:
    """Log that ``user_name`` looked at the person (call it wherever register data is shown)."""
    conn.execute(
        insert(register_lookups).values(
            at=utc_now(), user_name=user_name, person_id=person_id, purpose=purpose[:200]
        )
    )


def look_up(
    conn: Connection, person_id: int, user_name: str, purpose: str = "entry"
) -> PersonRecord:
    """The person's whole entry today, the look-up logged."""
    record = person_record(conn, person_id)
    record_lookup(conn, user_name, person_id, purpose)
    return record


def search_and_log(conn: Connection, text: str, user_name: str) -> list[Person]:
    """The office's search; a search that names one person by ЕГН/ЛНЧ counts as a look-up."""
    found = search_persons(conn, text)
    if text.strip().isdigit():
        for person in found:
            record_lookup(conn, user_name, person.id, "search")
    return found


def lookups(
    conn: Connection, user_name: str = "", identifier: str = "", limit: int = 200
) -> list[Lookup]:
    """Who looked at whom, newest first; filtered by user name and/or the person's ЕГН/ЛНЧ."""
    query = (
        select(
            register_lookups,
            register_persons.c.first_name,
            register_persons.c.last_name,
            register_persons.c.egn,
            register_persons.c.lnch,
        )  # fmt: skip
        .join(register_persons, register_persons.c.id == register_lookups.c.person_id)
        .order_by(register_lookups.c.id.desc())
        .limit(limit)
    )
    if user_name:
        query = query.where(register_lookups.c.user_name == user_name)
    if identifier:
        query = query.where(
            (register_persons.c.egn == identifier) | (register_persons.c.lnch == identifier)
        )
    return [
        Lookup(
            r.at,
            r.user_name,
            r.person_id,
            f"{r.first_name} {r.last_name}",
            r.egn or r.lnch or "",
            r.purpose,
        )  # fmt: skip
        for r in conn.execute(query)
    ]


def _refuse(bg: str, en: str):
    raise CorrectionRefusedError(f"{bg} / {en}")


def correct_person(
    conn: Connection,
    person_id: int,
    changes: dict[str, str],
    reason: str,
    user_name: str,
    settlements,
) -> list[str]:
    """Apply a registrar's correction; return the names of the fields that changed.

    ``changes`` holds any of :data:`CORRECTABLE` and ``permanent_settlement``,
    ``permanent_address``, ``permanent_since`` (likewise ``current_*``); empty values of the
    death fields clear them. Nothing changes (and nothing is logged) if the values are the same.
    """
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        _refuse("Напишете основанието за поправката (напр. номер на акт или документ).",
                "Write the reason for the correction (e.g. the act's or document's number).")  # fmt: skip
    person = get_person(conn, person_id)
    wanted = _checked(changes, settlements)
    now = utc_now()
    changed = {}
    for field in CORRECTABLE:
        if field in wanted and getattr(person, field) != wanted[field]:
            changed[field] = (getattr(person, field), wanted[field])
    moved = []
    for kind in ("permanent", "current"):
        if f"{kind}_settlement" not in wanted:
            continue
        settlement, address = wanted[f"{kind}_settlement"], wanted[f"{kind}_address"]
        since = wanted.get(f"{kind}_since") or dt.date.today().isoformat()
        current = conn.execute(
            select(register_addresses).where(
                register_addresses.c.person_id == person_id,
                register_addresses.c.kind == kind,
                register_addresses.c.ended_on.is_(None),
            )
        ).first()
        if current is not None and (current.settlement, current.address) == (settlement, address):
            continue
        if current is not None:
            conn.execute(
                update(register_addresses)
                .where(register_addresses.c.id == current.id)
                .values(ended_on=since)
            )
        conn.execute(
            insert(register_addresses).values(
                person_id=person_id, kind=kind, settlement=settlement, address=address,
                registered_on=since, recorded_at=now,
            )
        )  # fmt: skip
        old = f"{current.settlement}, {current.address}" if current is not None else None
        changed[f"{kind}_address"] = (old, f"{settlement}, {address}")
        moved.append(kind)
    if not changed:
        return []
    columns = {field: new for field, (_old, new) in changed.items() if field in CORRECTABLE}
    if columns:
        conn.execute(
            update(register_persons)
            .where(register_persons.c.id == person_id)
            .values(**columns, updated_at=now)
        )
    actor = f"registrar:{user_name}"
    conn.execute(
        insert(register_person_history),
        [
            {"person_id": person_id, "at": now, "actor": actor, "field": field,
             "old_value": old, "new_value": new, "reason": reason}
            for field, (old, new) in changed.items()
        ],
    )  # fmt: skip
    audit.record(
        conn,
        actor,
        "register.person_corrected",
        subject=person.identifier or f"person:{person_id}",
        details={"fields": sorted(changed), "reason": reason},
    )
    return sorted(changed)


def _checked(changes: dict[str, str], settlements) -> dict:
    wanted = {}
    for field in CORRECTABLE:
        if field not in changes:
            continue
        value = " ".join((changes[field] or "").split())
        if field in ("first_name", "middle_name", "last_name"):
            value = _name(value)
            if not value and field != "middle_name":
                _refuse("Името не може да е празно.", "The name cannot be empty.")
        elif field == "marital_status" and value not in MARITAL_STATUSES:
            _refuse(
                "Изберете семейно положение от списъка.", "Choose a civil status from the list."
            )
        elif field == "death_date" and value:
            if not _DATE.match(value):
                _refuse("Датата на смърт е ГГГГ-ММ-ДД.", "The date of death is YYYY-MM-DD.")
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                _refuse("Няма такава дата на смърт.", "There is no such date of death.")
        elif field == "citizenship" and not value:
            value = "BG"
        wanted[field] = value or None if field.startswith("death_") else value
    for kind in ("permanent", "current"):
        settlement = (changes.get(f"{kind}_settlement") or "").strip()
        address = " ".join((changes.get(f"{kind}_address") or "").split())
        since = (changes.get(f"{kind}_since") or "").strip()
        if not settlement and not address:
            continue
        if settlement not in settlements or not address:
            _refuse("Новият адрес иска населено място от списъка и адрес.",
                    "A new address needs a settlement from the list and the address.")  # fmt: skip
        if since:
            try:
                dt.date.fromisoformat(since)
            except ValueError:
                _refuse("Датата на адресната регистрация е ГГГГ-ММ-ДД.",
                        "The date of the address registration is YYYY-MM-DD.")  # fmt: skip
        wanted.update({f"{kind}_settlement": settlement, f"{kind}_address": address,
                       f"{kind}_since": since})  # fmt: skip
    return wanted
