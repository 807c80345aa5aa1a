"""The registers the tests' villagers live in: a small population file and a local-tax file,
written with the registers' own writers and brought in through the real import.

* ``VALID_EGN`` (7523169263, the tests' applicant): Иван Петров Димитров of Джулюница, married
  to Иванка, with debts for the waste fee of 2025 and the property tax of 2026.
* The Колеви: Петър died on 15.01.2025 leaving his wife Мария, his son Георги (the heirs
  request's applicant) and, in the place of his daughter Елена who died before him, her son
  Николай.
* Стоян Минчев Стоянов, who died in 2024 (an applicant the register holds as dead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from central_api import registers
from central_api.db import write
from central_api.municipality import current_municipality
from central_api.registers.writers import PersonSpec, PopulationWriter, TaxWriter
from tests.fixtures_central import VALID_EGN

D = dt.date
SECOND_EGN = "0550290476"
ADDRESS = "ул. „Васил Левски“ № 12"


@dataclass(frozen=True)
class Villagers:
    applicant: str  # VALID_EGN
    wife: str
    deceased: str  # Петър Колев
    widow: str
    son: str  # Георги, the heirs applicant
    daughter: str  # Елена, died before her father
    grandson: str  # Николай, in his mother's place
    dead_applicant: str  # Стоян, died 2024
    stranger: str  # in the register, related to nobody


def build_register() -> tuple[PopulationWriter, TaxWriter, Villagers]:
    people = PopulationWriter()
    people.people[VALID_EGN] = PersonSpec(
        VALID_EGN, "Иван", "Петров", "Димитров", "M", D(1875, 3, 16),
        settlement="dzhulyunitsa", address=ADDRESS, address_since=D(2001, 5, 10),
    )  # fmt: skip
    # The tests' other valid ЕГН (tests/sync_harness.py): a young woman of Джулюница.
    people.people[SECOND_EGN] = PersonSpec(
        SECOND_EGN, "Ана", "Иванова", "Петрова", "F", D(2005, 10, 29),
        settlement="dzhulyunitsa", address="ул. „Шипка“ № 7", address_since=D(2005, 11, 5),
    )  # fmt: skip
    wife = people.person("Иванка", "Димитрова", "F", D(1950, 8, 1), middle_name="Петрова",
                         settlement="dzhulyunitsa", address=ADDRESS)  # fmt: skip
    people.marry(VALID_EGN, wife, D(1970, 6, 14))
    home = {"settlement": "dzhulyunitsa", "address": "ул. „Христо Ботев“ № 3"}
    petar = people.person("Петър", "Колев", "M", D(1940, 4, 2), middle_name="Стоянов", **home)
    maria = people.person("Мария", "Колева", "F", D(1943, 9, 20), middle_name="Илиева", **home)
    people.marry(petar, maria, D(1963, 5, 5))
    georgi = people.person("Георги", "Колев", "M", D(1965, 2, 11), middle_name="Петров",
                           mother=maria, father=petar, **home)  # fmt: skip
    elena = people.person("Елена", "Иванова", "F", D(1968, 7, 30), middle_name="Петрова",
                          mother=maria, father=petar, settlement="kozarevets",
                          address="ул. „Г. Раковски“ № 8")  # fmt: skip
    nikolay = people.person("Николай", "Иванов", "M", D(1992, 12, 1), middle_name="Андреев",
                            mother=elena, settlement="kozarevets",
                            address="ул. „Г. Раковски“ № 8")  # fmt: skip
    people.die(elena, D(2019, 6, 1), "Козаревец")
    people.die(petar, D(2025, 1, 15), "Джулюница")
    stoyan = people.person("Стоян", "Стоянов", "M", D(1931, 1, 5), middle_name="Минчев",
                           settlement="merdanya", address="ул. „Първа“ № 1")  # fmt: skip
    people.die(stoyan, D(2024, 3, 3), "Мерданя")
    stranger = people.person("Росица", "Тодорова", "F", D(1979, 10, 10), middle_name="Ганчева",
                             settlement="dragizhevo", address="ул. „Дунав“ № 4")  # fmt: skip
    taxes = TaxWriter()
    house = {"settlement": "dzhulyunitsa", "address": ADDRESS}
    taxes.assess(VALID_EGN, "waste", "DZH0012", 2025, 4000, 2000, D(2025, 6, 30),
                 paid_on=D(2025, 6, 2), **house)  # fmt: skip
    taxes.assess(VALID_EGN, "property", "DZH0012", 2026, 1550, 0, D(2026, 6, 30), **house)
    taxes.assess(VALID_EGN, "vehicle", "ВТ1234АВ", 2026, 9000, 9000, D(2026, 6, 30),
                 paid_on=D(2026, 4, 1))  # fmt: skip
    taxes.assess(georgi, "waste", "DZH0003", 2026, 3000, 3000, D(2026, 6, 30),
                 paid_on=D(2026, 3, 1), settlement="dzhulyunitsa",
                 address="ул. „Христо Ботев“ № 3")  # fmt: skip
    return (
        people,
        taxes,
        Villagers(VALID_EGN, wife, petar, maria, georgi, elena, nikolay, stoyan, stranger),
    )


def write_register_files(folder: Path) -> tuple[Path, Path, Villagers]:
    """The population and tax files in ``folder``, as the municipality's systems export them."""
    people, taxes, villagers = build_register()
    folder.mkdir(parents=True, exist_ok=True)
    population, tax_file = folder / "population.csv", folder / "taxes.csv"
    population.write_bytes(people.csv())
    tax_file.write_bytes(taxes.csv())
    return population, tax_file, villagers


def import_register(engine) -> Villagers:
    """Import the test register into the central database behind ``engine``."""
    people, taxes, found = build_register()
    with write(engine) as conn:
        settlements = registers.known_settlements(current_municipality(conn))
        registers.import_population(conn, people.csv(), settlements, actor="test")
        registers.import_taxes(conn, taxes.csv(), settlements, actor="test")
    return found


@pytest.fixture
def villagers(central) -> Villagers:
    """The test register imported into this test's central (through the real import)."""
    return import_register(central.engine)
