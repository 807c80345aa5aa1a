"""Importing a local-tax file: taxable objects, yearly assessments and what has been paid.

Each row is one assessment (an instalment) of one kind of tax on one object for one year, owed
by a person of the population register. ``paid_eur`` is the total paid against it so far: when
it grows, the difference is recorded as a payment dated ``paid_on`` (or the day of the import);
when it shrinks, a negative correction. A changed amount or due date keeps the earlier ones in
``tax_assessment_history``. The same file imported twice changes nothing. One transaction,
one audit-log entry.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .. import audit
from ..db import utc_now
from ..db.schema import (
    register_persons,
    tax_assessment_history,
    tax_assessments,
    tax_objects,
    tax_payments,
    tax_valuations,
)
from .csvfiles import ImportReport, Rows, read_register_file
from .errors import ImportRefusedError
from .identifiers import is_egn, is_lnch
from .taxes import KINDS

__all__ = ["import_taxes"]

REQUIRED = ("egn", "kind", "object", "year", "assessed_eur", "paid_eur", "due_date")
OPTIONAL = ("lnch", "instalment", "paid_on", "object_settlement", "object_address", "valuation_eur")


def _object_kind(kind: str) -> str:
    return "vehicle" if kind == "vehicle" else "property"


def import_taxes(
    conn: Connection,
    data: bytes,
    settlements,
    *,
    actor: str,
    file_name: str = "",
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import (or, ``dry_run``, only compare) a local-tax file; see docs/registers.md."""
    today = today or dt.date.today()
    parsed = read_register_file(data, "taxes", REQUIRED, OPTIONAL)
    persons = _person_ids(conn, parsed.rows)
    check = Rows(today)
    items, seen = [], {}
    for line, row in parsed.rows:
        item = _check_row(check, line, row, persons, settlements, today)
        if item is None:
            continue
        key = (item["person_id"], item["object_kind"], item["object"], item["kind"],
               item["year"], item["instalment"])  # fmt: skip
        if key in seen:
            check.problem(line, "object", f"същото задължение е вече на ред {seen[key]}: махнете "
                          "повторението или сложете instalment", f"the same assessment is already "
                          f"on line {seen[key]}: remove it or set the instalment")  # fmt: skip
            continue
        seen[key] = line
        items.append((key, item))
    if check.problems:
        raise ImportRefusedError(check.problems, "taxes")
    report = ImportReport("taxes", parsed.sha256, len(parsed.rows), dry_run=dry_run)
    writer = _Writer(conn, actor, f"import {parsed.sha256}", today, dry_run)
    counts = writer.apply([item for _key, item in items], report)
    report.details = counts
    if not dry_run:
        audit.record(
            conn,
            actor,
            "register.taxes_imported",
            subject=f"taxes:{parsed.sha256[:16]}",
            details={"file": file_name, **report.as_dict()},
        )
    return report


class _Writer:
    """Compares the checked items with the register and writes the difference in bulk."""

    def __init__(self, conn: Connection, actor: str, source: str, today: dt.date, dry_run: bool):
        self.conn, self.actor, self.source, self.dry_run = conn, actor, source, dry_run
        self.today = today.isoformat()
        self.now = utc_now()

    def _objects(self) -> dict:
        return {(r.kind, r.identifier): r for r in self.conn.execute(select(tax_objects))}

    def apply(self, items: list[dict], report: ImportReport) -> dict:
        conn, now = self.conn, self.now
        changed_keys: set[int] = set()  # indexes of items that change something
        objects = self._objects()
        new_objects, moved = {}, {}
        for index, item in enumerate(items):
            key = (item["object_kind"], item["object"])
            obj = objects.get(key)
            if obj is None:
                if key not in new_objects:
                    new_objects[key] = {"kind": key[0], "identifier": key[1],
                                        "settlement": item["settlement"],
                                        "address": item["address"], "recorded_at": now}  # fmt: skip
                changed_keys.add(index)
            elif item["address"] and (obj.settlement, obj.address) != (
                item["settlement"],
                item["address"],
            ):
                moved[obj.id] = {"oid": obj.id, "settlement": item["settlement"],
                                 "address": item["address"]}  # fmt: skip
                changed_keys.add(index)
        if not self.dry_run:
            if new_objects:
                conn.execute(insert(tax_objects), list(new_objects.values()))
            if moved:
                conn.execute(
                    update(tax_objects)
                    .where(tax_objects.c.id == bindparam("oid"))
                    .values(settlement=bindparam("settlement"), address=bindparam("address")),
                    list(moved.values()),
                )
            objects = self._objects()
        object_id = {key: row.id for key, row in objects.items()}

        valuations = {(r.object_id, r.year): r.valuation_cents
                      for r in conn.execute(select(tax_valuations))}  # fmt: skip
        new_valuations, changed_valuations = {}, {}
        for index, item in enumerate(items):
            oid = object_id.get((item["object_kind"], item["object"]))
            if item["valuation"] is None:
                continue
            current = valuations.get((oid, item["year"]))
            if current == item["valuation"]:
                continue
            changed_keys.add(index)
            row = {"oid": oid, "year": item["year"], "cents": item["valuation"]}
            (changed_valuations if current is not None else new_valuations)[(oid, item["year"])] = (
                row
            )
        if not self.dry_run and new_valuations:
            conn.execute(
                insert(tax_valuations).values(
                    object_id=bindparam("oid"), year=bindparam("year"),
                    valuation_cents=bindparam("cents"),
                ),
                list(new_valuations.values()),
            )  # fmt: skip
        if not self.dry_run and changed_valuations:
            conn.execute(
                update(tax_valuations)
                .where(tax_valuations.c.object_id == bindparam("oid"),
                       tax_valuations.c.year == bindparam("year"))
                .values(valuation_cents=bindparam("cents")),
                list(changed_valuations.values()),
            )  # fmt: skip

        def assessment_key(item):
            oid = object_id.get((item["object_kind"], item["object"]))
            return (item["person_id"], oid, item["kind"], item["year"], item["instalment"])

        assessments = {(r.person_id, r.object_id, r.kind, r.year, r.instalment): r
                       for r in conn.execute(select(tax_assessments))}  # fmt: skip
        new_assessments, reassessed, history = [], [], []
        for index, item in enumerate(items):
            current = assessments.get(assessment_key(item))
            if current is None:
                report.added += 1
                new_assessments.append({
                    "person_id": item["person_id"], "object_id": assessment_key(item)[1],
                    "kind": item["kind"], "year": item["year"], "instalment": item["instalment"],
                    "assessed_cents": item["assessed"], "due_date": item["due_date"],
                    "recorded_at": now,
                })  # fmt: skip
            elif (current.assessed_cents, current.due_date) != (item["assessed"], item["due_date"]):
                changed_keys.add(index)
                reassessed.append({"aid": current.id, "cents": item["assessed"],
                                   "due": item["due_date"]})  # fmt: skip
                history.append({
                    "assessment_id": current.id, "at": now, "actor": self.actor,
                    "old_assessed_cents": current.assessed_cents, "old_due_date": current.due_date,
                    "new_assessed_cents": item["assessed"], "new_due_date": item["due_date"],
                })  # fmt: skip
        if not self.dry_run:
            if new_assessments:
                conn.execute(insert(tax_assessments), new_assessments)
            if history:
                conn.execute(insert(tax_assessment_history), history)
            if reassessed:
                conn.execute(
                    update(tax_assessments)
                    .where(tax_assessments.c.id == bindparam("aid"))
                    .values(assessed_cents=bindparam("cents"), due_date=bindparam("due")),
                    reassessed,
                )
            assessment_id = {
                (r.person_id, r.object_id, r.kind, r.year, r.instalment): r.id
                for r in conn.execute(
                    select(tax_assessments.c.id, tax_assessments.c.person_id,
                           tax_assessments.c.object_id, tax_assessments.c.kind,
                           tax_assessments.c.year, tax_assessments.c.instalment)
                )
            }  # fmt: skip
        else:
            assessment_id = {key: row.id for key, row in assessments.items()}

        paid = dict(
            conn.execute(
                select(tax_payments.c.assessment_id, func.sum(tax_payments.c.amount_cents))
                .group_by(tax_payments.c.assessment_id)
            ).all()
        )  # fmt: skip
        payments = []
        for index, item in enumerate(items):
            aid = assessment_id.get(assessment_key(item))
            already = int(paid.get(aid, 0)) if aid is not None else 0
            if item["paid"] == already:
                continue
            changed_keys.add(index)
            payments.append({
                "assessment_id": aid, "amount_cents": item["paid"] - already,
                "paid_on": item["paid_on"] or self.today, "recorded_at": now,
                "source": self.source,
            })  # fmt: skip
        if not self.dry_run and payments:
            conn.execute(insert(tax_payments), payments)
        existing = len(items) - report.added
        new_indexes = {i for i, item in enumerate(items) if assessment_key(item) not in assessments}
        report.updated = len(changed_keys - new_indexes)
        report.unchanged = existing - report.updated
        return {
            "objects_added": len(new_objects),
            "payments_recorded": len(payments),
            "valuations_changed": len(new_valuations) + len(changed_valuations),
        }


def _person_ids(conn: Connection, rows) -> dict[str, int]:
    wanted = {row.get("egn") or row.get("lnch") for _, row in rows} - {"", None}
    found = {}
    wanted_list = sorted(wanted)
    for start in range(0, len(wanted_list), 500):
        chunk = wanted_list[start : start + 500]
        for r in conn.execute(
            select(register_persons.c.id, register_persons.c.egn, register_persons.c.lnch).where(
                or_(register_persons.c.egn.in_(chunk), register_persons.c.lnch.in_(chunk))
            )
        ):
            found[r.egn or r.lnch] = r.id
    return found


def _check_row(check: Rows, line, row, persons, settlements, today) -> dict | None:
    before = len(check.problems)
    egn, lnch = row.get("egn", ""), row.get("lnch", "")
    identifier = egn or lnch
    column = "egn" if egn else "lnch"
    if not identifier:
        check.problem(line, "egn", "попълнете ЕГН (или ЛНЧ) на данъчно задълженото лице",
                      "fill in the taxpayer's ЕГН (or ЛНЧ)")  # fmt: skip
    elif egn and not is_egn(egn) or (not egn and not is_lnch(lnch)):
        check.problem(line, column, f"{identifier} не е валидно ЕГН/ЛНЧ: поправете го",
                      f"{identifier} is not a valid ЕГН/ЛНЧ: correct it")  # fmt: skip
    elif identifier not in persons:
        check.problem(line, column, f"{identifier} не е в регистъра на населението: внесете "
                      "първо лицето", f"{identifier} is not in the population register: import "
                      "the person first")  # fmt: skip
    kind = row.get("kind", "")
    if kind not in KINDS:
        check.problem(line, "kind", f"„{kind}“: видът е property, waste или vehicle",
                      f"'{kind}': the kind is property, waste or vehicle")  # fmt: skip
    obj = row.get("object", "")
    if not obj:
        check.problem(line, "object", "попълнете обекта (партида на имота или рег. номер)",
                      "fill in the object (property id or registration plate)")  # fmt: skip
    year_text = row.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    if year is None or not 1990 <= year <= today.year + 1:
        check.problem(line, "year", f"„{year_text}“ не е година между 1990 и {today.year + 1}",
                      f"'{year_text}' is not a year between 1990 and {today.year + 1}")  # fmt: skip
    instalment_text = row.get("instalment", "") or "1"
    if not instalment_text.isdigit() or not 1 <= int(instalment_text) <= 12:
        check.problem(line, "instalment", "вноската е число от 1 до 12",
                      "the instalment is a number from 1 to 12")  # fmt: skip
    assessed = check.cents(line, row, "assessed_eur", required=True)
    paid = check.cents(line, row, "paid_eur", required=False)
    valuation = check.cents(line, row, "valuation_eur", required=False)
    due = check.date(line, row, "due_date", required=True)
    paid_on = check.date(line, row, "paid_on")
    settlement = row.get("object_settlement", "") or None
    if settlement and settlement not in settlements:
        check.problem(line, "object_settlement", f"непознато населено място „{settlement}“",
                      f"unknown settlement '{settlement}'")  # fmt: skip
    if len(check.problems) > before:
        return None
    return {
        "person_id": persons[identifier], "kind": kind, "object_kind": _object_kind(kind),
        "object": obj, "year": year, "instalment": int(instalment_text), "assessed": assessed,
        "paid": paid or 0, "valuation": valuation, "due_date": due, "paid_on": paid_on,
        "settlement": settlement, "address": row.get("object_address", "") or None,
    }  # fmt: skip
