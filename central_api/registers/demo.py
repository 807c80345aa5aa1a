"""A generated register for the demo: families of three generations, marriages, divorces,
deaths and local taxes, reproducible from a seed; and the demo persons picked out of it.

:func:`generate_register` makes the two import files (population, taxes) for the settlements
and populations it is given (the demo passes the villages' 2024 figures): in each settlement
exactly that many living people have their permanent address there. Nobody is real: names are
common ones put together at random, every ЕГН has a correct date, sex digit and check digit.
:func:`demo_persons` reads the imported register and picks people the demo's requests can be
about, so that approving a demo request gives a true certificate.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..db.schema import register_addresses, register_persons, tax_assessments
from .heirs import legal_heirs
from .population import Person, get_person
from .taxes import debts_on
from .writers import PopulationWriter, TaxWriter

__all__ = ["AS_OF", "DemoPersons", "demo_persons", "generate_register"]

AS_OF = dt.date(2026, 11, 1)  # the register's date: the same files whatever the day of the demo

MALE = ["Иван", "Георги", "Димитър", "Петър", "Христо", "Николай", "Стефан", "Тодор", "Йордан",
        "Васил", "Атанас", "Красимир", "Пламен", "Стоян", "Венелин", "Марин", "Кольо", "Денчо"]  # fmt: skip
FEMALE = ["Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Даниела", "Росица", "Надежда",
          "Гергана", "Теодора", "Стефка", "Петя", "Десислава", "Радка", "Милена", "Ваня"]  # fmt: skip
PATRONYMIC = {"Иван": "Иванов", "Георги": "Георгиев", "Димитър": "Димитров", "Петър": "Петров",
              "Христо": "Христов", "Николай": "Николаев", "Стефан": "Стефанов", "Тодор": "Тодоров",
              "Йордан": "Йорданов", "Васил": "Василев", "Атанас": "Атанасов", "Красимир":
              "Красимиров", "Пламен": "Пламенов", "Стоян": "Стоянов", "Венелин": "Венелинов",
              "Марин": "Маринов", "Кольо": "Колев", "Денчо": "Денев"}  # fmt: skip
STREETS = ["Васил Левски", "Христо Ботев", "Георги Раковски", "Трети март", "Цар Освободител",
           "Стефан Караджа", "Хаджи Димитър", "Иван Вазов", "Възраждане", "Никола Вапцаров"]  # fmt: skip


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _Settlement:
    def __init__(self, people: PopulationWriter, taxes: TaxWriter, code, name, target, rng):
        self.people, self.taxes, self.code, self.name = people, taxes, code, name
        self.target, self.rng = target, rng
        self.living = 0  # living people with their permanent address here
        self.houses: list[tuple[str, str]] = []  # (object id, address)
        self.residents: dict[str, list[str]] = {}  # address -> ЕГН of people living there

    def new_house(self) -> str:
        number = len(self.houses) + 1
        street = STREETS[number % len(STREETS)]
        address = f"ул. „{street}“ № {number // len(STREETS) + 1}"
        self.houses.append((f"{self.code[:3].upper()}{number:04d}", address))
        self.residents[address] = []
        return address

    def add(self, sex, born, *, surname, father_name, house, since=None, mother="", father=""):
        first = self.rng.choice(MALE if sex == "M" else FEMALE)
        suffix = "" if sex == "M" else "а"
        egn = self.people.person(
            first, surname + suffix, sex, born,
            middle_name=PATRONYMIC[father_name] + suffix if father_name else "",
            mother=mother, father=father,
            settlement=self.code if house else "", address=house or "",
            address_since=since or born if house else None,
        )  # fmt: skip
        if house:
            self.residents[house].append(egn)
            self.living += 1
        return egn

    def die(self, egn: str, earliest: dt.date) -> None:
        if earliest >= AS_OF:
            return
        day = earliest + dt.timedelta(days=self.rng.randrange(max(1, (AS_OF - earliest).days)))
        self.people.die(egn, day, self.name)
        if self.people.people[egn].settlement == self.code:
            self.living -= 1

    def room(self) -> int:
        return self.target - self.living

    def family(self) -> None:
        rng = self.rng
        house = self.new_house()
        surname = rng.choice(list(PATRONYMIC.values()))
        born = dt.date(rng.randrange(1928, 1952), rng.randrange(1, 13), rng.randrange(1, 29))
        grandfather = self.add(
            "M", born, surname=surname, father_name=rng.choice(MALE), house=house
        )
        grandmother = self.add("F", born + dt.timedelta(days=rng.randrange(-1400, 1400)),
                               surname=surname, father_name=rng.choice(MALE), house=house)  # fmt: skip
        wedding = _years(born, rng.randrange(21, 27))
        self.people.marry(grandfather, grandmother, wedding)
        for person, chance in ((grandfather, 0.75), (grandmother, 0.55)):
            if rng.random() < chance:
                self.die(person, _years(self.people.people[person].birth_date, 62))
        father_name = self.people.people[grandfather].first_name
        for _ in range(rng.randrange(1, 4)):
            if self.room() <= 2:
                break
            child_born = wedding + dt.timedelta(days=rng.randrange(300, 15 * 365))
            self.second_generation(
                child_born, grandmother, grandfather, surname, father_name, house
            )

    def second_generation(self, born, mother, father, surname, father_name, house) -> None:
        rng = self.rng
        sex = rng.choice("MF")
        stays = rng.random() < 0.7
        wedding = _years(born, rng.randrange(22, 31))
        own_house = self.new_house() if stays and rng.random() < 0.6 else house
        child = self.add(sex, born, surname=surname, father_name=father_name, mother=mother,
                         father=father, house=own_house if stays else None)  # fmt: skip
        if rng.random() < 0.1:
            self.die(child, _years(born, 35))
        if rng.random() > 0.85 or wedding >= AS_OF:
            return
        spouse_house = own_house if stays else None
        spouse_surname = surname if sex == "M" else rng.choice(list(PATRONYMIC.values()))
        spouse_born = born + dt.timedelta(days=rng.randrange(-1500, 1500))
        spouse = self.add("F" if sex == "M" else "M", spouse_born, surname=spouse_surname,
                          father_name=rng.choice(MALE), house=spouse_house, since=wedding)  # fmt: skip
        child_spec, spouse_spec = self.people.people[child], self.people.people[spouse]
        if any(p.death_date and p.death_date <= wedding for p in (child_spec, spouse_spec)):
            return
        marriage = self.people.marry(child, spouse, wedding)
        husband, wife = (child, spouse) if sex == "M" else (spouse, child)
        kids_surname = surname if sex == "M" else spouse_surname
        kids_father = self.people.people[husband].first_name
        for _ in range(rng.randrange(0, 4)):
            if self.room() <= 1:
                break
            kid_born = wedding + dt.timedelta(days=rng.randrange(300, 12 * 365))
            if kid_born >= AS_OF or any(
                p.death_date and p.death_date < kid_born for p in (child_spec, spouse_spec)
            ):
                continue
            self.add(rng.choice("MF"), kid_born, surname=kids_surname, father_name=kids_father,
                     mother=wife, father=husband, house=own_house if stays else None)  # fmt: skip
        divorce = _years(wedding, rng.randrange(3, 16))
        ended = [p.death_date for p in (child_spec, spouse_spec) if p.death_date]
        if rng.random() < 0.15 and divorce < AS_OF and not (ended and min(ended) <= divorce):
            self.people.divorce(marriage, divorce)
            if stays and spouse_house and self.room() > 1 and rng.random() < 0.5:
                again = _years(divorce, rng.randrange(1, 5))
                if again < AS_OF and not child_spec.death_date:
                    second = self.add("F" if sex == "M" else "M", spouse_born, surname=surname,
                                      father_name=rng.choice(MALE), house=own_house, since=again)  # fmt: skip
                    self.people.marry(child, second, again)

    def fill(self) -> None:
        """Single and widowed people living alone, until the population is exactly reached."""
        while self.room() > 0:
            born = dt.date(self.rng.randrange(1935, 2004), self.rng.randrange(1, 13), 1)
            self.add(self.rng.choice("MF"), born, surname=self.rng.choice(list(PATRONYMIC.values())),
                     father_name=self.rng.choice(MALE), house=self.new_house())  # fmt: skip

    def assess(self) -> None:
        rng = self.rng
        for identifier, address in self.houses:
            owners = [e for e in self.residents[address] if self.people.people[e].alive_on(AS_OF)]
            adults = [e for e in owners if _years(self.people.people[e].birth_date, 18) < AS_OF]
            if not adults:
                continue
            owner = min(adults, key=lambda e: self.people.people[e].birth_date)
            late = rng.random() < 0.15
            vehicle = f"ВТ{rng.randrange(1000, 9999)}{rng.choice('АВЕКМН')}{rng.choice('АВЕКМН')}"
            has_vehicle = rng.random() < 0.4
            property_tax, waste = rng.randrange(800, 6000), rng.randrange(1500, 6000)
            for year in range(AS_OF.year - 1, AS_OF.year + 1):  # last year and this year
                for instalment, due in ((1, dt.date(year, 6, 30)), (2, dt.date(year, 10, 31))):
                    for kind, amount in (("property", property_tax), ("waste", waste)):
                        unpaid = late and year >= AS_OF.year - 1 and instalment == 2
                        self.taxes.assess(
                            owner, kind, identifier, year, amount // 2, 0 if unpaid else amount // 2,
                            due, instalment=instalment,
                            paid_on=None if unpaid else due - dt.timedelta(days=rng.randrange(1, 60)),
                            settlement=self.code, address=address,
                        )  # fmt: skip
                if has_vehicle:
                    due = dt.date(year, 6, 30)
                    amount = rng.randrange(3000, 15000)
                    unpaid = late and year == AS_OF.year
                    self.taxes.assess(owner, "vehicle", vehicle, year, amount, 0 if unpaid else amount,
                                      due, paid_on=None if unpaid else due - dt.timedelta(days=5))  # fmt: skip


def generate_register(
    populations: dict[str, int], names: dict[str, str], seed: int = 2024
) -> tuple[bytes, bytes]:
    """(population CSV, taxes CSV) for ``populations`` {settlement code: living residents}.

    ``names`` gives each settlement's name (for the place of death). The same seed and figures
    give the same bytes.
    """
    people, taxes = PopulationWriter(), TaxWriter()
    for code in sorted(populations):
        settlement = _Settlement(
            people, taxes, code, names.get(code, code), populations[code],
            random.Random(f"{seed}:{code}"),
        )  # fmt: skip
        while settlement.room() > 12:
            settlement.family()
        settlement.fill()
        settlement.assess()
    return people.csv(), taxes.csv()


@dataclass(frozen=True)
class DemoPersons:
    """People of the imported register a demo request in ``settlement`` can be about."""

    settlement: str
    residents: tuple[Person, ...]  # alive, adult, with a permanent address there
    deceased_with_heirs: tuple[Person, ...]  # died there, heirs fully known from the register
    with_tax_debt: tuple[Person, ...]  # alive, owing local taxes today


def demo_persons(
    conn: Connection, settlement: str, count: int = 3, on: str | None = None
) -> DemoPersons:
    """Pick up to ``count`` people of each kind, in a stable order (by ЕГН)."""
    on = on or dt.date.today().isoformat()
    adult_by = _years(dt.date.fromisoformat(on), -18).isoformat()
    in_settlement = (
        select(register_persons.c.id)
        .join(register_addresses, register_addresses.c.person_id == register_persons.c.id)
        .where(
            register_addresses.c.kind == "permanent",
            register_addresses.c.settlement == settlement,
            register_addresses.c.ended_on.is_(None),
        )
        .order_by(register_persons.c.egn)
    )
    living = list(conn.execute(
        in_settlement.where(register_persons.c.death_date.is_(None),
                            register_persons.c.birth_date <= adult_by)
    ).scalars())  # fmt: skip
    residents = tuple(get_person(conn, pid) for pid in living[:count])
    deceased = []
    for pid in conn.execute(
        in_settlement.where(register_persons.c.death_date.is_not(None))
    ).scalars():
        result = legal_heirs(conn, pid)
        if result.complete and len(result.heirs) >= 2:
            deceased.append(result.deceased)
            if len(deceased) == count:
                break
    debtors = []
    owing = conn.execute(
        select(tax_assessments.c.person_id)
        .distinct()
        .where(tax_assessments.c.person_id.in_(living))
    ).scalars()
    for pid in sorted(owing):
        if debts_on(conn, pid, on).has_debts:
            debtors.append(get_person(conn, pid))
            if len(debtors) == count:
                break
    return DemoPersons(settlement, residents, tuple(deceased), tuple(debtors))
