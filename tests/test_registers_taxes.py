"""A person's local-tax debts on a date: assessed and fallen due by then, minus paid by then."""

from __future__ import annotations

import datetime as dt

from central_api import registers
from central_api.db import write
from central_api.registers.writers import PopulationWriter, TaxWriter
from tests.fixtures_central import LYASKOVETS
from tests.registers_helpers import Register

D = dt.date


def register_with_taxes():
    people = PopulationWriter()
    owner = people.person("Мария", "Петрова", "F", D(1957, 3, 4), settlement="merdanya",
                          address="ул. „Христо Ботев“ № 7")  # fmt: skip
    neighbour = people.person("Иван", "Колев", "M", D(1960, 1, 1))
    taxes = TaxWriter()
    house = {"settlement": "merdanya", "address": "ул. „Христо Ботев“ № 7"}
    # 2025: both halves of the property tax paid, the waste fee only half.
    taxes.assess(owner, "property", "MER0007", 2025, 1500, 1500, D(2025, 6, 30),
                 paid_on=D(2025, 6, 2), **house)  # fmt: skip
    taxes.assess(owner, "property", "MER0007", 2025, 1500, 1500, D(2025, 10, 31), instalment=2,
                 paid_on=D(2025, 10, 2))  # fmt: skip
    taxes.assess(owner, "waste", "MER0007", 2025, 4000, 2000, D(2025, 6, 30), paid_on=D(2025, 6, 1))
    # 2026: the first half paid late, in August; the second half falls due on 31 October.
    taxes.assess(owner, "property", "MER0007", 2026, 1600, 1600, D(2026, 6, 30),
                 paid_on=D(2026, 8, 20))  # fmt: skip
    taxes.assess(owner, "property", "MER0007", 2026, 1600, 0, D(2026, 10, 31), instalment=2)
    taxes.assess(owner, "vehicle", "ВТ1234АВ", 2026, 9000, 0, D(2026, 6, 30))
    taxes.assess(neighbour, "waste", "MER0009", 2026, 3000, 3000, D(2026, 6, 30),
                 paid_on=D(2026, 3, 1))  # fmt: skip
    register = Register(people)
    with write(register.engine) as conn:
        registers.import_taxes(
            conn, taxes.csv(), registers.known_settlements(LYASKOVETS), actor="test"
        )
    return register, owner, neighbour


def debts(conn, egn: str, on: str):
    statement = registers.debts_on(conn, registers.find_person(conn, egn).id, on)
    return statement, {
        (d.kind, d.object_identifier, d.year): d.outstanding_cents for d in statement.debts
    }


def test_debts_are_what_fell_due_minus_what_was_paid_by_the_date():
    register, owner, _ = register_with_taxes()
    with register as conn:
        statement, in_july = debts(conn, owner, "2026-07-15")
        _, in_september = debts(conn, owner, "2026-09-01")
        _, in_november = debts(conn, owner, "2026-11-15")
    assert in_july == {
        ("waste", "MER0007", 2025): 2000,
        ("property", "MER0007", 2026): 1600,  # fallen due, paid only in August
        ("vehicle", "ВТ1234АВ", 2026): 9000,
    }
    assert statement.total_cents == 12600
    assert in_september == {("waste", "MER0007", 2025): 2000, ("vehicle", "ВТ1234АВ", 2026): 9000}
    assert in_november[("property", "MER0007", 2026)] == 1600  # the second half fell due


def test_no_debts_is_a_statement_too_and_it_says_interest_is_not_included():
    register, _, neighbour = register_with_taxes()
    with register as conn:
        statement, found = debts(conn, neighbour, "2026-11-15")
    assert found == {} and not statement.has_debts and statement.items_checked == 1
    assert statement.interest_note == registers.INTEREST_NOT_INCLUDED
    assert "лихви" in statement.interest_note[0] and "interest" in statement.interest_note[1]


def test_before_anything_fell_due_there_is_nothing_to_owe():
    register, owner, _ = register_with_taxes()
    with register as conn:
        statement, found = debts(conn, owner, "2025-01-01")
    assert found == {} and statement.items_checked == 0


def test_a_persons_properties_carry_their_tax_valuation_per_year():
    people = PopulationWriter()
    owner = people.person("Стефка", "Колева", "F", D(1961, 6, 6))
    taxes = TaxWriter()
    for year, valuation in ((2025, 2_150_000), (2026, 2_300_000)):
        taxes.assess(owner, "property", "DOB0042", year, 2150, 2150, D(year, 6, 30),
                     paid_on=D(year, 6, 1), settlement="dobri-dyal",
                     address="ул. „Никола Вапцаров“ № 9", valuation_cents=valuation)  # fmt: skip
    taxes.assess(
        owner, "vehicle", "ВТ7070КН", 2026, 6000, 6000, D(2026, 6, 30), paid_on=D(2026, 6, 1)
    )
    register = Register(people)
    with write(register.engine) as conn:
        registers.import_taxes(
            conn, taxes.csv(), registers.known_settlements(LYASKOVETS), actor="test"
        )
    with register as conn:
        objects = registers.objects_of(conn, registers.find_person(conn, owner).id)
    house, car = objects
    assert (house.kind, house.identifier, house.settlement) == ("property", "DOB0042", "dobri-dyal")
    assert house.valuations == ((2025, 2_150_000), (2026, 2_300_000)) and house.years == (
        2025,
        2026,
    )
    assert (car.kind, car.identifier, car.valuations) == ("vehicle", "ВТ7070КН", ())
