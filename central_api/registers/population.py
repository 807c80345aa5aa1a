"""Reading the population register (ЗГР): find a person, and what the register held on a date.

Every function takes an open connection and returns plain frozen values (:class:`Person`,
:class:`Address`, :class:`Marriage`, :class:`PersonRecord`); none of them writes. Dates are
``YYYY-MM-DD`` text, compared as text (ISO dates sort as they should).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from sync.wording import by_sex

from ..db.schema import (
    register_addresses,
    register_marriages,
    register_person_history,
    register_persons,
)
from .errors import PersonNotFoundError

__all__ = [
    "Address",
    "HistoryEntry",
    "Marriage",
    "Person",
    "PersonRecord",
    "addresses_on",
    "children_of",
    "find_by_names",
    "find_person",
    "get_person",
    "marriages_of",
    "person_record",
    "search_persons",
    "spouse_on",
]

#: civil status -> (Bulgarian for a man, for a woman, English)
MARITAL_STATUSES = {
    "single": ("неженен", "неомъжена", "single"),
    "married": ("женен", "омъжена", "married"),
    "divorced": ("разведен", "разведена", "divorced"),
    "widowed": ("вдовец", "вдовица", "widowed"),
}


@dataclass(frozen=True)
class Person:
    id: int
    egn: str | None
    lnch: str | None
    first_name: str
    middle_name: str
    last_name: str
    sex: str  # M | F
    birth_date: str
    citizenship: str
    marital_status: str  # as the register holds it today
    mother_id: int | None
    father_id: int | None
    death_date: str | None
    death_act: str | None
    death_place: str | None

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )

    @property
    def identifier(self) -> str:
        """The ЕГН, else the ЛНЧ, else "" (a person known by names and birth date only)."""
        return self.egn or self.lnch or ""

    @property
    def is_deceased(self) -> bool:
        return self.death_date is not None

    def alive_on(self, date: str) -> bool:
        """Born by ``date`` and not dead by then (a death on that very day counts as dead)."""
        return self.birth_date <= date and (self.death_date is None or self.death_date > date)


@dataclass(frozen=True)
class Address:
    kind: str  # permanent | current
    settlement: str  # settlement code
    address: str
    registered_on: str | None
    ended_on: str | None

    def in_force_on(self, date: str) -> bool:
        started = self.registered_on is None or self.registered_on <= date
        return started and (self.ended_on is None or self.ended_on > date)


@dataclass(frozen=True)
class Marriage:
    """A marriage seen from one spouse: ``spouse_id`` is the other one."""

    id: int
    spouse_id: int
    married_on: str | None
    ended_on: str | None
    end_reason: str | None  # divorce | death | None while it lasts


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    actor: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


@dataclass(frozen=True)
class PersonRecord:
    """A person as the register held them on ``on``: the certificate's content."""

    person: Person
    on: str
    permanent_address: Address | None
    current_address: Address | None
    marital_status: str  # on that date
    spouse: Person | None
    mother: Person | None
    father: Person | None
    children: tuple[Person, ...] = ()
    addresses: tuple[Address, ...] = ()  # every address, the history included, oldest first
    marriages: tuple[Marriage, ...] = ()
    partners: tuple[Person, ...] = ()  # the spouse of each of ``marriages``, in the same order
    history: tuple[HistoryEntry, ...] = field(default=())

    @property
    def alive(self) -> bool:
        return self.person.alive_on(self.on)

    @property
    def marital_status_text(self) -> tuple[str, str]:
        """(Bulgarian, English) words for the civil status on that date, the Bulgarian one as
        the register's sex of the person takes it ("омъжена", "женен")."""
        words = MARITAL_STATUSES.get(self.marital_status)
        if words is None:
            return (self.marital_status, self.marital_status)
        return (by_sex(self.person.sex, words[0], words[1]), words[2])


def _person(row) -> Person:
    return Person(
        id=row.id,
        egn=row.egn,
        lnch=row.lnch,
        first_name=row.first_name,
        middle_name=row.middle_name,
        last_name=row.last_name,
        sex=row.sex,
        birth_date=row.birth_date,
        citizenship=row.citizenship,
        marital_status=row.marital_status,
        mother_id=row.mother_id,
        father_id=row.father_id,
        death_date=row.death_date,
        death_act=row.death_act,
        death_place=row.death_place,
    )


def _today() -> str:
    return dt.date.today().isoformat()


def get_person(conn: Connection, person_id: int) -> Person:
    row = conn.execute(select(register_persons).where(register_persons.c.id == person_id)).first()
    if row is None:
        raise PersonNotFoundError(
            f"Лице № {person_id} няма в регистъра на населението. / "
            f"Person {person_id} is not in the population register."
        )
    return _person(row)


def find_person(conn: Connection, identifier: str, kind: str | None = None) -> Person | None:
    """The person with this ЕГН or ЛНЧ, or None. ``kind`` ("egn" or "lnch", as the form says)
    looks in that column only: some ten-digit numbers pass both checks, so a foreign resident's
    ЛНЧ may be someone else's ЕГН."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    columns = {"egn": register_persons.c.egn, "lnch": register_persons.c.lnch}
    if kind in columns:
        where = columns[kind] == identifier
    else:
        where = or_(register_persons.c.egn == identifier, register_persons.c.lnch == identifier)
    row = conn.execute(select(register_persons).where(where)).first()
    return _person(row) if row else None


def find_by_names(
    conn: Connection,
    first_name: str,
    last_name: str,
    birth_date: str,
    middle_name: str | None = None,
) -> list[Person]:
    """Persons with these names (case and spacing ignored) born on ``birth_date``.

    ``middle_name`` None means "any middle name"; more than one answer means the names alone
    do not tell the person: ask for the ЕГН.
    """
    rows = conn.execute(
        select(register_persons).where(
            register_persons.c.last_name == _name(last_name),
            register_persons.c.first_name == _name(first_name),
            register_persons.c.birth_date == birth_date,
        )
    )
    found = [_person(row) for row in rows]
    if middle_name is not None:
        found = [p for p in found if p.middle_name.casefold() == _name(middle_name).casefold()]
    return found


def _name(value: str) -> str:
    # The register stores names as written on the civil-status act: "Иван", not "иван  ".
    cleaned = " ".join((value or "").split())
    return "-".join(part[:1].upper() + part[1:].lower() for part in cleaned.split("-"))


def search_persons(conn: Connection, text: str, limit: int = 50) -> list[Person]:
    """For the office's search box: an exact ЕГН/ЛНЧ, or words that start the names."""
    text = " ".join((text or "").split())
    if not text:
        return []
    if text.isdigit():
        found = find_person(conn, text)
        return [found] if found else []
    words = [_name(word) for word in text.split(" ")]
    query = select(register_persons)
    for word in words:
        query = query.where(
            or_(
                register_persons.c.first_name.startswith(word),
                register_persons.c.middle_name.startswith(word),
                register_persons.c.last_name.startswith(word),
            )
        )
    query = query.order_by(
        register_persons.c.last_name, register_persons.c.first_name, register_persons.c.id
    ).limit(limit)
    return [_person(row) for row in conn.execute(query)]


def children_of(conn: Connection, person_id: int) -> list[Person]:
    """The person's children (either parent), oldest first."""
    rows = conn.execute(
        select(register_persons)
        .where(
            or_(
                register_persons.c.mother_id == person_id, register_persons.c.father_id == person_id
            )
        )
        .order_by(register_persons.c.birth_date, register_persons.c.id)
    )
    return [_person(row) for row in rows]


def marriages_of(conn: Connection, person_id: int) -> list[Marriage]:
    """Every marriage of the person, oldest first, with a death of either spouse as its end.

    A marriage the file left open while one spouse is recorded dead ended with that death.
    """
    table = register_marriages
    spouse = register_persons.alias("spouse")
    me = register_persons.alias("me")
    rows = conn.execute(
        select(table, spouse.c.id.label("other"), spouse.c.death_date.label("other_death"))
        .add_columns(me.c.death_date.label("my_death"))
        .join(
            spouse,
            or_(
                and_(table.c.spouse_a_id == person_id, spouse.c.id == table.c.spouse_b_id),
                and_(table.c.spouse_b_id == person_id, spouse.c.id == table.c.spouse_a_id),
            ),
        )
        .join(me, me.c.id == person_id)
        .order_by(table.c.married_on, table.c.id)
    )
    marriages = []
    for row in rows:
        ended_on, reason = row.ended_on, row.end_reason
        deaths = [d for d in (row.other_death, row.my_death) if d]
        first_death = min(deaths) if deaths else None
        if first_death and (ended_on is None or first_death < ended_on):
            ended_on, reason = first_death, "death"
        marriages.append(Marriage(row.id, row.other, row.married_on, ended_on, reason))
    return marriages


def _marriage_in_force(marriage: Marriage, date: str) -> bool:
    started = marriage.married_on is None or marriage.married_on <= date
    if not started:
        return False
    if marriage.ended_on is None or marriage.ended_on > date:
        return True
    # Ended by a death on that very day: the spouses were married at that death.
    return marriage.ended_on == date and marriage.end_reason == "death"


def spouse_on(conn: Connection, person_id: int, date: str) -> Person | None:
    """The person's spouse in a marriage in force on ``date`` (at a death: at that death)."""
    for marriage in reversed(marriages_of(conn, person_id)):
        if _marriage_in_force(marriage, date):
            return get_person(conn, marriage.spouse_id)
    return None


def marriage_on(conn: Connection, person_id: int, date: str) -> Marriage | None:
    for marriage in reversed(marriages_of(conn, person_id)):
        if _marriage_in_force(marriage, date):
            return marriage
    return None


def _addresses(conn: Connection, person_id: int) -> list[Address]:
    rows = conn.execute(
        select(register_addresses)
        .where(register_addresses.c.person_id == person_id)
        .order_by(register_addresses.c.id)
    )
    return [
        Address(row.kind, row.settlement, row.address, row.registered_on, row.ended_on)
        for row in rows
    ]


def addresses_on(conn: Connection, person_id: int, date: str | None = None) -> dict[str, Address]:
    """``{"permanent": Address, "current": Address}`` in force on ``date`` (missing if none)."""
    date = date or _today()
    in_force = {}
    for address in _addresses(conn, person_id):
        if address.in_force_on(date):
            in_force[address.kind] = address  # the later registration wins
    return in_force


def _marital_status_on(person: Person, marriages: list[Marriage], date: str) -> str:
    if any(_marriage_in_force(m, date) for m in marriages):
        return "married"
    ended = [m for m in marriages if m.ended_on and m.ended_on <= date]
    if ended:
        return "divorced" if ended[-1].end_reason == "divorce" else "widowed"
    if marriages:  # every recorded marriage is later than the date
        return "single"
    return person.marital_status


def person_record(conn: Connection, person_id: int, on: str | None = None) -> PersonRecord:
    """Everything the register held about the person on ``on`` (default today)."""
    on = on or _today()
    person = get_person(conn, person_id)
    addresses = _addresses(conn, person_id)
    in_force = {}
    for address in addresses:
        if address.in_force_on(on):
            in_force[address.kind] = address
    marriages = marriages_of(conn, person_id)
    current = next((m for m in reversed(marriages) if _marriage_in_force(m, on)), None)
    history_rows = conn.execute(
        select(register_person_history)
        .where(register_person_history.c.person_id == person_id)
        .order_by(register_person_history.c.id)
    )
    return PersonRecord(
        person=person,
        on=on,
        permanent_address=in_force.get("permanent"),
        current_address=in_force.get("current"),
        marital_status=_marital_status_on(person, marriages, on),
        spouse=get_person(conn, current.spouse_id) if current else None,
        mother=get_person(conn, person.mother_id) if person.mother_id else None,
        father=get_person(conn, person.father_id) if person.father_id else None,
        children=tuple(children_of(conn, person_id)),
        addresses=tuple(addresses),
        marriages=tuple(marriages),
        partners=tuple(get_person(conn, m.spouse_id) for m in marriages),
        history=tuple(
            HistoryEntry(r.at, r.actor, r.field, r.old_value, r.new_value, r.reason)
            for r in history_rows
        ),
    )
