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

from sqlalchemy import func, insert, or_, select, update
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
    now = utc_now()
    objects = {(r.kind, r.identifier): r for r in conn.execute(select(tax_objects))}
    assessments = {
        (r.person_id, r.object_id, r.kind, r.year, r.instalment): r
        for r in conn.execute(select(tax_assessments))
    }
    paid = dict(
        conn.execute(
            select(tax_payments.c.assessment_id, func.sum(tax_payments.c.amount_cents)).group_by(
                tax_payments.c.assessment_id
            )
        ).all()
    )
    valuations = {
        (r.object_id, r.year): r.valuation_cents for r in conn.execute(select(tax_valuations))
    }
    counts = {"objects_added": 0, "payments_recorded": 0, "valuations_changed": 0}
    for _key, item in items:
        object_key = (item["object_kind"], item["object"])
        obj = objects.get(object_key)
        changed = False
        if obj is None:
            counts["objects_added"] += 1
            changed = True
            if not dry_run:
                object_id = conn.execute(
                    insert(tax_objects).values(
                        kind=item["object_kind"], identifier=item["object"],
                        settlement=item["settlement"], address=item["address"], recorded_at=now,
                    )
                ).inserted_primary_key[0]  # fmt: skip
                obj = _Obj(object_id, item["settlement"], item["address"])
            else:
                obj = _Obj(None, item["settlement"], item["address"])
            objects[object_key] = obj
        elif item["address"] and (obj.settlement, obj.address) != (
            item["settlement"],
            item["address"],
        ):
            changed = True
            if not dry_run:
                conn.execute(
                    update(tax_objects).where(tax_objects.c.id == obj.id)
                    .values(settlement=item["settlement"], address=item["address"])
                )  # fmt: skip
            objects[object_key] = _Obj(obj.id, item["settlement"], item["address"])
        if (
            item["valuation"] is not None
            and valuations.get((obj.id, item["year"])) != item["valuation"]
        ):
            counts["valuations_changed"] += 1
            changed = True
            if not dry_run:
                _put_valuation(conn, obj.id, item["year"], item["valuation"], valuations)
            valuations[(obj.id, item["year"])] = item["valuation"]
        key = (item["person_id"], obj.id, item["kind"], item["year"], item["instalment"])
        current = assessments.get(key) if obj.id is not None else None
        if current is None:
            report.added += 1
            if dry_run:
                continue
            assessment_id = conn.execute(
                insert(tax_assessments).values(
                    person_id=item["person_id"], object_id=obj.id, kind=item["kind"],
                    year=item["year"], instalment=item["instalment"],
                    assessed_cents=item["assessed"], due_date=item["due_date"], recorded_at=now,
                )
            ).inserted_primary_key[0]  # fmt: skip
            already = 0
        else:
            assessment_id, already = current.id, int(paid.get(current.id, 0))
            if (current.assessed_cents, current.due_date) != (item["assessed"], item["due_date"]):
                changed = True
                if not dry_run:
                    conn.execute(
                        insert(tax_assessment_history).values(
                            assessment_id=current.id, at=now, actor=actor,
                            old_assessed_cents=current.assessed_cents,
                            old_due_date=current.due_date, new_assessed_cents=item["assessed"],
                            new_due_date=item["due_date"],
                        )
                    )  # fmt: skip
                    conn.execute(
                        update(tax_assessments).where(tax_assessments.c.id == current.id)
                        .values(assessed_cents=item["assessed"], due_date=item["due_date"])
                    )  # fmt: skip
        if item["paid"] != already:
            changed = True
            counts["payments_recorded"] += 1
            if not dry_run:
                conn.execute(
                    insert(tax_payments).values(
                        assessment_id=assessment_id, amount_cents=item["paid"] - already,
                        paid_on=item["paid_on"] or today.isoformat(), recorded_at=now,
                        source=f"import {parsed.sha256}",
                    )
                )  # fmt: skip
        if current is not None:
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
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


class _Obj:
    def __init__(self, object_id, settlement, address):
        self.id, self.settlement, self.address = object_id, settlement, address


def _put_valuation(conn, object_id, year, cents, valuations) -> None:
    if (object_id, year) in valuations:
        conn.execute(
            update(tax_valuations)
            .where(tax_valuations.c.object_id == object_id, tax_valuations.c.year == year)
            .values(valuation_cents=cents)
        )
    else:
        conn.execute(
            insert(tax_valuations).values(object_id=object_id, year=year, valuation_cents=cents)
        )


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
