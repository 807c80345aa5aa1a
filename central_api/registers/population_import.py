"""Importing a population-register file: compare with the register, then write the changes.

:func:`import_population` reads and checks the whole file first (:mod:`.population_file`); a
file with any bad row is refused whole and nothing is stored. Otherwise each row is compared
with the register: a new person is added, a changed one updated with the earlier values kept in
``register_person_history``, an unchanged one left alone (so the same file imported twice
changes nothing). An empty cell for a link (mother, father), a death or an address means
"not known to the file" and leaves what the register holds. A new address ends the one in force
and joins the history. The whole import is one transaction and one audit-log entry.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from .. import audit
from ..db import utc_now
from ..db.schema import (
    register_addresses,
    register_marriages,
    register_person_history,
    register_persons,
)
from .csvfiles import ImportReport, read_register_file
from .errors import ImportRefusedError
from .population_file import (
    OPTIONAL,
    REQUIRED,
    PersonRow,
    check_population_rows,
    identifier_key,
    person_key,
)

__all__ = ["import_population"]

COMPARED = (
    "first_name", "middle_name", "last_name", "sex", "birth_date", "citizenship",
    "marital_status", "death_date", "death_act", "death_place",
)  # fmt: skip
KEEP_WHEN_EMPTY = ("death_date", "death_act", "death_place")


def import_population(
    conn: Connection,
    data: bytes,
    settlements,
    *,
    actor: str,
    file_name: str = "",
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import (or, ``dry_run``, only compare) a population file; see docs/registers.md."""
    today = today or dt.date.today()
    parsed = read_register_file(data, "population", REQUIRED, OPTIONAL)
    existing = _existing(conn)
    known = {key: {"sex": row.sex, "birth_date": row.birth_date} for key, row in existing.items()}
    people, problems = check_population_rows(parsed.rows, settlements, known, today)
    if problems:
        raise ImportRefusedError(problems, "population")
    report = ImportReport("population", parsed.sha256, len(parsed.rows), dry_run=dry_run)
    plan = _Plan(conn, existing, today)
    for person in people:
        plan.compare(person)
    plan.compare_marriages(people)
    report.added = len(plan.new)
    report.updated = len(plan.touched - {p.key for p in plan.new})
    report.unchanged = report.rows - report.added - report.updated
    report.details = {
        "field_changes": len(plan.field_changes),
        "address_changes": len(plan.new_addresses),
        "marriages_added": len(plan.new_marriages),
        "marriages_changed": len(plan.changed_marriages),
        "link_changes": plan.link_change_count,
    }
    report.changes = plan.lines[:50]
    if dry_run:
        return report
    plan.write(people, actor, parsed.sha256)
    audit.record(
        conn,
        actor,
        "register.population_imported",
        subject=f"population:{parsed.sha256[:16]}",
        details={"file": file_name, **report.as_dict()},
    )
    return report


def _existing(conn: Connection) -> dict:
    rows = conn.execute(select(register_persons)).all()
    return {person_key(r.egn, r.lnch, r._mapping): r for r in rows}


class _Plan:
    def __init__(self, conn: Connection, existing: dict, today: dt.date):
        self.conn = conn
        self.existing = existing
        self.today = today.isoformat()
        self.key_of_id = {row.id: key for key, row in existing.items()}
        self.new: list[PersonRow] = []
        self.touched: set[str] = set()
        self.field_changes: list[tuple[int, str, object, object]] = []  # id, field, old, new
        self.updates: dict[int, dict] = {}
        self.new_addresses: list[tuple[str, str, tuple]] = []  # key, kind, (settlement, ...)
        self.ended_addresses: list[tuple[int, str]] = []  # address id, ended_on
        self.new_marriages: list[tuple[str, str, object]] = []  # key a, key b, MarriageRow
        self.changed_marriages: list[tuple[int, dict]] = []
        self.link_change_count = 0
        self.lines: list[str] = []
        self.in_force = self._addresses_in_force()

    def _addresses_in_force(self) -> dict[tuple[int, str], object]:
        rows = self.conn.execute(
            select(register_addresses).where(register_addresses.c.ended_on.is_(None))
        )
        in_force = {}
        for row in rows:
            in_force[(row.person_id, row.kind)] = row
        return in_force

    def compare(self, person: PersonRow) -> None:
        old = self.existing.get(person.key)
        if old is None:
            self.new.append(person)
            self.touched.add(person.key)
            self.lines.append(f"ред {person.line}: ново лице / line {person.line}: new person "
                              f"{person.egn or person.lnch or ''} {person.fields['first_name']} "
                              f"{person.fields['last_name']}")  # fmt: skip
            for kind, address in person.addresses.items():
                self.new_addresses.append((person.key, kind, address))
            if person.mother or person.father:
                self.link_change_count += 1
            return
        changes = {}
        for column in COMPARED:
            value = person.fields[column]
            if column in KEEP_WHEN_EMPTY and value is None:
                continue
            if getattr(old, column) != value:
                changes[column] = value
                self.field_changes.append((old.id, column, getattr(old, column), value))
                self.lines.append(f"ред {person.line}: {column}: {getattr(old, column)} → "
                                  f"{value} / line {person.line}")  # fmt: skip
        for column, identifier in (("mother_id", person.mother), ("father_id", person.father)):
            current = self.key_of_id.get(getattr(old, column))
            if identifier and identifier_key(identifier) != current:
                self.link_change_count += 1
                self.touched.add(person.key)
                self.lines.append(f"ред {person.line}: {column} → {identifier} / line "
                                  f"{person.line}")  # fmt: skip
        if changes:
            self.updates[old.id] = changes
            self.touched.add(person.key)
        for kind, address in person.addresses.items():
            current = self.in_force.get((old.id, kind))
            if current is not None and (current.settlement, current.address) == address[:2]:
                continue
            self.touched.add(person.key)
            self.new_addresses.append((person.key, kind, address))
            if current is not None:
                self.ended_addresses.append((current.id, address[2] or self.today))
            self.lines.append(f"ред {person.line}: нов {kind} адрес / line {person.line}: new "
                              f"{kind} address {address[0]}, {address[1]}")  # fmt: skip

    def compare_marriages(self, people: list[PersonRow]) -> None:
        existing: dict[frozenset, list] = {}
        for row in self.conn.execute(select(register_marriages)):
            pair = frozenset((self.key_of_id[row.spouse_a_id], self.key_of_id[row.spouse_b_id]))
            existing.setdefault(pair, []).append(row)
        wanted: dict[tuple, tuple] = {}
        for person in people:
            for marriage in person.marriages:
                pair = frozenset((person.key, identifier_key(marriage.spouse)))
                identity = (pair, marriage.married_on)
                seen = wanted.get(identity)
                # Both spouses' rows may describe it; the one that knows how it ended wins.
                if seen is None or (seen[1].end_reason is None and marriage.end_reason):
                    wanted[identity] = (person, marriage)
        for (pair, married_on), (person, marriage) in wanted.items():
            match = None
            for row in existing.get(pair, []):
                if row.married_on == married_on or row.married_on is None or married_on is None:
                    match = row
                    break
            if match is None:
                a, b = sorted(pair) if len(pair) == 2 else (person.key, person.key)
                self.new_marriages.append((a, b, marriage))
                self.touched.add(person.key)
                continue
            change = {}
            if married_on and match.married_on != married_on:
                change["married_on"] = married_on
            if marriage.end_reason and (match.ended_on, match.end_reason) != (
                marriage.ended_on,
                marriage.end_reason,
            ):
                change.update(ended_on=marriage.ended_on, end_reason=marriage.end_reason)
            if change:
                self.changed_marriages.append((match.id, change))
                self.touched.add(person.key)

    # -- writing ----------------------------------------------------------------------------
    def write(self, people: list[PersonRow], actor: str, sha256: str) -> None:
        now = utc_now()
        conn = self.conn
        if self.new:
            conn.execute(
                insert(register_persons),
                [
                    {"egn": p.egn, "lnch": p.lnch, **p.fields, "created_at": now, "updated_at": now}
                    for p in self.new
                ],
            )
        ids = self._ids()
        for person_id, changes in self.updates.items():
            conn.execute(
                update(register_persons)
                .where(register_persons.c.id == person_id)
                .values(**changes, updated_at=now)
            )
        history = [
            {"person_id": pid, "at": now, "actor": actor, "field": column,
             "old_value": _text(old), "new_value": _text(new), "reason": f"import {sha256}"}
            for pid, column, old, new in self.field_changes
        ]  # fmt: skip
        links = []
        current_links = {row.id: (row.mother_id, row.father_id) for row in self.existing.values()}
        for person in people:
            pid = ids[person.key]
            before = current_links.get(pid, (None, None))
            mother = ids[identifier_key(person.mother)] if person.mother else before[0]
            father = ids[identifier_key(person.father)] if person.father else before[1]
            if (mother, father) != before:
                links.append({"pid": pid, "mother": mother, "father": father})
                for column, old, new in (("mother_id", before[0], mother),
                                         ("father_id", before[1], father)):  # fmt: skip
                    if old != new and pid in current_links:
                        history.append({"person_id": pid, "at": now, "actor": actor,
                                        "field": column, "old_value": _text(old),
                                        "new_value": _text(new), "reason": f"import {sha256}"})  # fmt: skip
        if links:
            conn.execute(
                update(register_persons)
                .where(register_persons.c.id == bindparam("pid"))
                .values(mother_id=bindparam("mother"), father_id=bindparam("father")),
                links,
            )
        if history:
            conn.execute(insert(register_person_history), history)
        if self.ended_addresses:
            conn.execute(
                update(register_addresses)
                .where(register_addresses.c.id == bindparam("aid"))
                .values(ended_on=bindparam("ended")),
                [{"aid": aid, "ended": ended} for aid, ended in self.ended_addresses],
            )
        if self.new_addresses:
            conn.execute(
                insert(register_addresses),
                [
                    {"person_id": ids[key], "kind": kind, "settlement": address[0],
                     "address": address[1], "registered_on": address[2], "ended_on": None,
                     "recorded_at": now}
                    for key, kind, address in self.new_addresses
                ],
            )  # fmt: skip
        if self.new_marriages:
            conn.execute(
                insert(register_marriages),
                [
                    {"spouse_a_id": ids[a], "spouse_b_id": ids[b], "married_on": m.married_on,
                     "ended_on": m.ended_on, "end_reason": m.end_reason, "recorded_at": now}
                    for a, b, m in self.new_marriages
                ],
            )  # fmt: skip
        for marriage_id, change in self.changed_marriages:
            conn.execute(
                update(register_marriages)
                .where(register_marriages.c.id == marriage_id)
                .values(**change)
            )

    def _ids(self) -> dict[str, int]:
        if not self.new:
            return {key: row.id for key, row in self.existing.items()}
        rows = self.conn.execute(
            select(
                register_persons.c.id,
                register_persons.c.egn,
                register_persons.c.lnch,
                register_persons.c.first_name,
                register_persons.c.middle_name,
                register_persons.c.last_name,
                register_persons.c.birth_date,
            )
        )
        return {person_key(r.egn, r.lnch, r._mapping): r.id for r in rows}


def _text(value) -> str | None:
    return None if value is None else str(value)
