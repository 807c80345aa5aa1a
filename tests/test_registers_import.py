"""Importing the population and local-tax registers from CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from sqlalchemy import func, select

from central_api import registers
from central_api.db import read, write
from central_api.db.schema import (
    audit_log,
    register_addresses,
    register_person_history,
    register_persons,
    tax_payments,
)
from central_api.registers.writers import PopulationWriter, TaxWriter
from tests.fixtures_central import LYASKOVETS

D = dt.date
SETTLEMENTS = registers.known_settlements(LYASKOVETS)


@pytest.fixture
def family() -> PopulationWriter:
    """Grandparents, their two children (one died young, leaving a son), all in Dzhulyunitsa."""
    w = PopulationWriter()
    home = {"settlement": "dzhulyunitsa", "address": "ул. „Васил Левски“ № 3"}
    w.grandfather = w.person("Иван", "Петров", "M", D(1940, 1, 2), middle_name="Георгиев", **home)
    w.grandmother = w.person("Мария", "Петрова", "F", D(1942, 3, 4), middle_name="Стоянова", **home)
    w.marry(w.grandfather, w.grandmother, D(1962, 5, 5))
    parents = {"mother": w.grandmother, "father": w.grandfather}
    w.son = w.person("Петър", "Петров", "M", D(1963, 6, 1), middle_name="Иванов", **parents)
    w.daughter = w.person("Анна", "Колева", "F", D(1965, 7, 1), middle_name="Иванова", **parents)
    w.grandson = w.person("Георги", "Петров", "M", D(1990, 7, 1), middle_name="Петров",
                          father=w.son, **home)  # fmt: skip
    w.die(w.son, D(2010, 1, 1))
    return w


def _import(central, data: bytes, **options):
    with write(central.engine) as conn:
        return registers.import_population(conn, data, SETTLEMENTS, actor="test", **options)


def _count(central, table) -> int:
    with read(central.engine) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_a_good_population_file_is_imported_with_its_links_addresses_and_marriages(central, family):
    report = _import(central, family.csv(), file_name="population.csv")
    assert (report.rows, report.added, report.updated) == (5, 5, 0)
    with read(central.engine) as conn:
        grandson = registers.find_person(conn, family.grandson)
        record = registers.person_record(conn, grandson.id)
        assert record.father.egn == family.son and record.father.is_deceased
        assert record.permanent_address.settlement == "dzhulyunitsa"
        grandmother = registers.find_person(conn, family.grandmother)
        assert registers.spouse_on(conn, grandmother.id, "2000-01-01").egn == family.grandfather
        assert [p.egn for p in registers.children_of(conn, grandmother.id)] == [
            family.son,
            family.daughter,
        ]
        entry = conn.execute(select(audit_log).order_by(audit_log.c.id.desc())).first()
    assert entry.action == "register.population_imported"
    details = json.loads(entry.details)
    assert details["sha256"] == hashlib.sha256(family.csv()).hexdigest()
    assert (details["added"], details["rows"], details["file"]) == (5, 5, "population.csv")


def test_importing_the_same_file_again_changes_nothing(central, family):
    _import(central, family.csv())
    audit_before = _count(central, audit_log)
    again = _import(central, family.csv())
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert _count(central, register_person_history) == 0
    assert _count(central, register_addresses) == 6  # 3 persons with a home, x2 kinds
    assert _count(central, audit_log) == audit_before + 1  # the import itself is still recorded


def test_a_bad_file_is_refused_whole_with_one_message_per_bad_row_and_nothing_is_stored(
    central, family
):
    rows = family.rows()
    rows[0]["egn"] = rows[0]["egn"][:-1] + str((int(rows[0]["egn"][-1]) + 1) % 10)
    rows[1]["permanent_settlement"] = "sofia"
    rows[2]["birth_date"] = "1963-02-30"
    rows[3]["mother_egn"] = "7523169263"  # valid, but nobody's
    rows[4]["sex"] = "F"
    family.rows = lambda: rows
    with pytest.raises(registers.ImportRefusedError) as refused:
        _import(central, family.csv())
    where = {(problem.line, problem.column) for problem in refused.value.problems}
    assert {(2, "egn"), (3, "permanent_settlement"), (4, "birth_date"), (5, "mother_egn"),
            (6, "sex")} <= where  # fmt: skip
    message = refused.value.message
    assert message.index("нищо не е записано") < message.index("nothing was stored")
    assert "ред 3, колона permanent_settlement" in message and "line 3" in message
    assert _count(central, register_persons) == 0
    assert _count(central, audit_log) == 0 or all(
        row != "register.population_imported" for row in _actions(central)
    )


def _actions(central) -> list[str]:
    with read(central.engine) as conn:
        return list(conn.execute(select(audit_log.c.action)).scalars())


def test_a_changed_row_is_an_update_that_keeps_the_earlier_values_as_history(central, family):
    _import(central, family.csv())
    rows = family.rows()
    daughter = next(row for row in rows if row["egn"] == family.daughter)
    daughter["last_name"] = "Иванова"
    daughter["permanent_settlement"], daughter["permanent_address"] = (
        "merdanya",
        "ул. „Хан Аспарух“ 1",
    )
    daughter["permanent_since"] = "2024-03-01"
    family.rows = lambda: rows
    report = _import(central, family.csv())
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    with read(central.engine) as conn:
        person = registers.find_person(conn, family.daughter)
        now = registers.person_record(conn, person.id)
        before = registers.person_record(conn, person.id, on="2024-02-29")
    assert person.last_name == "Иванова"
    assert [(h.field, h.old_value, h.new_value) for h in now.history] == [
        ("last_name", "Колева", "Иванова")
    ]
    assert now.permanent_address.settlement == "merdanya"
    assert before.permanent_address is None  # the earlier one had no address
    assert [a.settlement for a in now.addresses] == ["merdanya"]


def test_an_address_change_ends_the_old_address_which_stays_as_history(central, family):
    _import(central, family.csv())
    rows = family.rows()
    grandson = next(row for row in rows if row["egn"] == family.grandson)
    grandson["permanent_settlement"] = grandson["current_settlement"] = "kozarevets"
    grandson["permanent_address"] = grandson["current_address"] = "ул. „Трети март“ 8"
    grandson["permanent_since"] = grandson["current_since"] = "2025-04-01"
    family.rows = lambda: rows
    _import(central, family.csv())
    with read(central.engine) as conn:
        person = registers.find_person(conn, family.grandson)
        then = registers.addresses_on(conn, person.id, "2025-03-31")
        now = registers.addresses_on(conn, person.id, "2025-04-01")
        history = registers.person_record(conn, person.id).addresses
    assert then["permanent"].settlement == "dzhulyunitsa" and then["permanent"].ended_on
    assert now["permanent"].settlement == "kozarevets"
    assert len([a for a in history if a.kind == "permanent"]) == 2


def test_a_dry_run_reports_what_would_change_and_stores_nothing(central, family):
    report = _import(central, family.csv(), dry_run=True)
    assert report.dry_run and report.added == 5
    assert any("new person" in line for line in report.changes)
    assert _count(central, register_persons) == 0
    assert "register.population_imported" not in _actions(central)


def test_the_cli_imports_refuses_and_dry_runs(central, central_cli, family, tmp_path):
    good = tmp_path / "population.csv"
    good.write_bytes(family.csv())
    dry = central_cli("registers", "import", "population", str(good), "--dry-run")
    assert "would be added" in dry.stdout and "nothing was stored" in dry.stdout
    done = central_cli("registers", "import", "population", str(good), "--json")
    assert json.loads(done.stdout)["added"] == 5
    bad = tmp_path / "bad.csv"
    bad.write_bytes(family.csv().replace(b"1965-07-01", b"1965-13-01", 1))
    refused = central_cli("registers", "import", "population", str(bad), ok=False)
    assert refused.exit_code == 1 and "колона birth_date" in refused.stderr


def test_a_tax_file_needs_persons_of_the_register_and_a_reimport_changes_nothing(central, family):
    _import(central, family.csv())
    taxes = TaxWriter()
    taxes.assess(family.grandmother, "property", "DZH0003", 2025, 3000, 1000, D(2025, 6, 30),
                 settlement="dzhulyunitsa", address="ул. „Васил Левски“ № 3")  # fmt: skip
    taxes.assess(family.grandmother, "waste", "DZH0003", 2025, 2000, 2000, D(2025, 6, 30),
                 paid_on=D(2025, 5, 2))  # fmt: skip
    with write(central.engine) as conn:
        first = registers.import_taxes(conn, taxes.csv(), SETTLEMENTS, actor="test")
    with write(central.engine) as conn:
        again = registers.import_taxes(conn, taxes.csv(), SETTLEMENTS, actor="test")
    assert (first.added, again.added, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert _count(central, tax_payments) == 2

    stranger = TaxWriter()
    stranger.assess("7523169263", "vehicle", "ВТ1234АВ", 2025, 5000, 0, D(2025, 6, 30))
    stranger.assess(family.grandmother, "boat", "X", 2025, 5000, 0, D(2025, 6, 30))
    with write(central.engine) as conn, pytest.raises(registers.ImportRefusedError) as refused:
        registers.import_taxes(conn, stranger.csv(), SETTLEMENTS, actor="test")
    assert [(p.line, p.column) for p in refused.value.problems] == [(2, "egn"), (3, "kind")]
    assert "не е в регистъра на населението" in refused.value.message


def test_a_larger_payment_in_a_new_file_is_recorded_as_a_payment(central, family):
    _import(central, family.csv())
    taxes = TaxWriter()
    taxes.assess(family.grandmother, "property", "DZH0003", 2025, 3000, 1000, D(2025, 6, 30),
                 paid_on=D(2025, 6, 1))  # fmt: skip
    with write(central.engine) as conn:
        registers.import_taxes(conn, taxes.csv(), SETTLEMENTS, actor="test")
    taxes.rows[0].update(paid_eur="30.00", paid_on="2025-09-15")
    with write(central.engine) as conn:
        report = registers.import_taxes(conn, taxes.csv(), SETTLEMENTS, actor="test")
        person = registers.find_person(conn, family.grandmother)
        in_july = registers.debts_on(conn, person.id, "2025-07-01")
        in_october = registers.debts_on(conn, person.id, "2025-10-01")
    assert report.updated == 1
    assert in_july.total_cents == 2000 and not in_october.has_debts


def test_a_person_without_egn_or_lnch_is_known_by_names_and_birth_date(central, family):
    rows = family.rows()
    stranger = dict(rows[-1], egn="", lnch="", first_name="Ахмед", middle_name="",
                    last_name="Юсуф", sex="M", birth_date="1979-03-03", mother_egn="",
                    father_egn="", citizenship="TR")  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, list(stranger), lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows([*rows, stranger])
    data = out.getvalue().encode()
    assert _import(central, data).added == 6
    with read(central.engine) as conn:
        (found,) = registers.find_by_names(conn, "ахмед", "ЮСУФ", "1979-03-03")
    assert found.identifier == "" and found.citizenship == "TR"
    assert _import(central, data).unchanged == 6


def test_the_cli_lists_a_deceased_persons_heirs(central, central_cli, family, tmp_path):
    family.die(family.grandfather, D(2024, 1, 5))
    path = tmp_path / "population.csv"
    path.write_bytes(family.csv())
    central_cli("registers", "import", "population", str(path))
    listed = central_cli("registers", "heirs", family.grandfather).stdout
    assert "+ Георги Петров Петров" in listed and "внук" in listed and "ЗН чл. 10, ал. 1" in listed
    assert "- Петър Иванов Петров" in listed  # the predeceased son, represented
    refused = central_cli("registers", "heirs", family.grandmother, ok=False)
    assert refused.exit_code == 1 and "не е вписана като починала" in refused.stderr
