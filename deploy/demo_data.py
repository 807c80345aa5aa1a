"""Realistic, invented villagers for the demo: Bulgarian names, valid ЕГН, phones, addresses.

Nobody here is real: the names are common ones put together at random, and every ЕГН is made
up with a correct date and checksum, so the kiosks' validation accepts it as it would a real one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

EGN_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6)

MALE_FIRST = ["Иван", "Георги", "Димитър", "Петър", "Христо", "Николай", "Стефан", "Тодор",
              "Йордан", "Васил", "Атанас", "Красимир", "Пламен", "Стоян", "Венелин"]  # fmt: skip
FEMALE_FIRST = ["Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Даниела", "Росица", "Надежда",
                "Гергана", "Теодора", "Стефка", "Петя", "Десислава", "Радка", "Милена"]  # fmt: skip
# Surname stems: the male form adds nothing, the female form adds "а" (Петров / Петрова).
SURNAME_STEMS = ["Петров", "Иванов", "Георгиев", "Димитров", "Николов", "Стоянов", "Христов",
                 "Тодоров", "Йорданов", "Атанасов", "Василев", "Колев", "Маринов", "Денев"]  # fmt: skip
FATHERS = ["Иван", "Георги", "Димитър", "Петър", "Христо", "Никола", "Стоян", "Тодор", "Марин",
           "Атанас", "Васил", "Кольо", "Денчо", "Йордан"]  # fmt: skip
PATRONYMIC = {"Иван": "Иванов", "Георги": "Георгиев", "Димитър": "Димитров", "Петър": "Петров",
              "Христо": "Христов", "Никола": "Николов", "Стоян": "Стоянов", "Тодор": "Тодоров",
              "Марин": "Маринов", "Атанас": "Атанасов", "Васил": "Василев", "Кольо": "Колев",
              "Денчо": "Денев", "Йордан": "Йорданов"}  # fmt: skip
VILLAGE_NAMES = {
    "dzhulyunitsa": "Джулюница",
    "dobri-dyal": "Добри дял",
    "kozarevets": "Козаревец",
    "dragizhevo": "Драгижево",
    "merdanya": "Мерданя",
}
# The villages' 2024 populations (domain.md): the generated demo register has exactly this many
# living residents in each (central_api.registers.demo.generate_register).
POPULATIONS_2024 = {
    "dzhulyunitsa": 1378,
    "kozarevets": 797,
    "dragizhevo": 780,
    "dobri-dyal": 673,
    "merdanya": 550,
}
REGISTER_SEED = 2024
STREETS = ["Васил Левски", "Христо Ботев", "Георги Раковски", "Трети март", "Цар Освободител",
           "Стефан Караджа", "Хаджи Димитър", "Иван Вазов", "Възраждане", "Никола Вапцаров"]  # fmt: skip

# The demo's officials: who signs which services is data (central-api officials add), as a real
# municipality would enter it. (user, names, title as printed, authorising order, services)
# What a mayoralty may issue (the catalogue's authority "mayoralty").
POPULATION_REGISTER_SERVICES = (
    "permanent-address-certificate,current-address-certificate,marital-status-certificate,"
    "heirs-certificate,children-born-to-mother-certificate,identity-different-names,"
    "animal-ownership-certificate"
)
MOTHERS_SERVICE = "children-born-to-mother-certificate"
OFFICIALS = [
    ("clerk", "Иван Петров Иванов", "Кмет на Община Лясковец", None, "all"),
    *(
        (f"mayor-{code}", name, f"Кмет на кметство {VILLAGE_NAMES[code]}", None,
         POPULATION_REGISTER_SERVICES)
        for code, name in (
            ("dzhulyunitsa", "Стефка Иванова Колева"),
            ("dobri-dyal", "Пламен Георгиев Денев"),
            ("kozarevets", "Теодора Маринова Петрова"),
            ("dragizhevo", "Атанас Василев Тодоров"),
            ("merdanya", "Надежда Стоянова Христова"),
        )
    ),
    ("revenue", "Росица Николова Атанасова", "Старши инспектор „Местни приходи“",
     "РД-09-112/05.01.2026",
     "local-tax-debts-certificate,property-declaration,inheritance-declaration"),
]  # fmt: skip

# Answers for the catalogue's choice fields (`services --json` names the fields, not the options).
CHOICES = {
    "for_whom": "self",
    "certificate_variant": "status",
    "personal_number_kind": "egn",
    "debts_for": "all",
    "act_kind": "birth",
    "relation_to_deceased": "child",
    "animal_kind": "sheep",
}


def egn_checksum(first_nine: str) -> int:
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(first_nine, EGN_WEIGHTS, strict=True)) % 11
    )
    return 0 if remainder == 10 else remainder


def make_egn(birth: dt.date, male: bool, rng: random.Random) -> str:
    """A valid ЕГН: YYMMDD (month +40 from 2000, +20 before 1900), region, sex digit, checksum."""
    month = birth.month + (40 if birth.year >= 2000 else 20 if birth.year < 1900 else 0)
    region = rng.randrange(0, 100)
    sex_digit = rng.randrange(0, 10, 2) if male else rng.randrange(1, 10, 2)
    first_nine = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{region:02d}{sex_digit}"
    return first_nine + str(egn_checksum(first_nine))


def egn_is_valid(egn: str) -> bool:
    return len(egn) == 10 and egn.isdigit() and egn_checksum(egn[:9]) == int(egn[9])


@dataclass(frozen=True)
class Villager:
    first_name: str
    middle_name: str
    last_name: str
    egn: str
    id_document_number: str
    phone: str
    address: str


def make_villager(village: str, rng: random.Random, today: dt.date | None = None) -> Villager:
    today = today or dt.date.today()
    male = rng.random() < 0.5
    birth = today - dt.timedelta(days=rng.randrange(19 * 365, 88 * 365))
    suffix = "" if male else "а"
    father = rng.choice(FATHERS)
    return Villager(
        first_name=rng.choice(MALE_FIRST if male else FEMALE_FIRST),
        middle_name=PATRONYMIC[father] + suffix,
        last_name=rng.choice(SURNAME_STEMS) + suffix,
        egn=make_egn(birth, male, rng),
        id_document_number=f"6{rng.randrange(10**7, 10**8)}",
        phone=f"08{rng.choice('789')}{rng.randrange(10**6, 10**7)}",
        address=(
            f"с. {VILLAGE_NAMES.get(village, village)}, ул. „{rng.choice(STREETS)}“ "
            f"№ {rng.randrange(1, 80)}"
        ),
    )


@dataclass(frozen=True)
class HeirsCase:
    """A request for a certificate of heirs the register can answer: an heir asks about the
    deceased, stating the relation the register holds."""

    applicant: Villager
    deceased_egn: str
    relation: str  # one of the heirs request's relation_to_deceased options


@dataclass(frozen=True)
class RegisterPeople:
    """People of the demo register of one village, so that a demo request is about someone the
    register knows and approving it gives a true certificate (issue 14)."""

    residents: tuple[Villager, ...]
    heirs_cases: tuple[HeirsCase, ...]
    debtors: tuple[Villager, ...]


# The register's relation of an heir (central_api.registers.heirs) as the request's choice.
HEIR_RELATION_CHOICE = {
    "spouse": "spouse",
    "child": "child",
    "grandchild": "grandchild",
    "descendant": "grandchild",
    "mother": "parent",
    "father": "parent",
    "sibling": "sibling",
    "half-sibling": "sibling",
}


def villager_of(first_name, middle_name, last_name, egn, village, rng) -> Villager:
    """A person of the register as the demo's villager: names and ЕГН as registered, an identity
    card number and phone made up (the register holds neither)."""
    return Villager(
        first_name=first_name,
        middle_name=middle_name,
        last_name=last_name,
        egn=egn,
        id_document_number=f"6{rng.randrange(10**7, 10**8)}",
        phone=f"08{rng.choice('789')}{rng.randrange(10**6, 10**7)}",
        address=f"с. {VILLAGE_NAMES.get(village, village)}",
    )


def register_people(engine, villages, count: int = 5, seed: int = REGISTER_SEED) -> dict:
    """{village: RegisterPeople} read from central's imported demo register."""
    from central_api import registers
    from central_api.registers.demo import demo_persons

    rng = random.Random(seed)
    people = {}
    with engine.connect() as conn:
        for village in villages:
            picked = demo_persons(conn, village, count=count)
            cases = []
            for deceased in picked.deceased_with_heirs:
                for heir in registers.legal_heirs(conn, deceased).heirs:
                    choice = HEIR_RELATION_CHOICE.get(heir.relation)
                    alive = heir.person.death_date is None and heir.person.egn
                    if choice and alive:
                        applicant = villager_of(
                            heir.person.first_name, heir.person.middle_name,
                            heir.person.last_name, heir.person.egn, village, rng,
                        )  # fmt: skip
                        cases.append(HeirsCase(applicant, deceased.egn, choice))
                        break
            people[village] = RegisterPeople(
                residents=tuple(
                    villager_of(p.first_name, p.middle_name, p.last_name, p.egn, village, rng)
                    for p in picked.residents
                    if p.egn
                ),
                heirs_cases=tuple(cases),
                debtors=tuple(
                    villager_of(p.first_name, p.middle_name, p.last_name, p.egn, village, rng)
                    for p in picked.with_tax_debt
                    if p.egn
                ),
            )
    return people


def fill_fields(
    service: dict, village: str, rng: random.Random, people: RegisterPeople | None = None
) -> dict[str, str] | None:
    """Answers for every required field of ``service`` (as `kiosk-app services --json` lists it),
    or None when a required field is of a kind the demo cannot answer. With ``people`` the
    request is about a person of the register (a debtor for a tax certificate, an heir asking
    about the deceased for a certificate of heirs)."""
    person = make_villager(village, rng)
    deceased = make_villager(village, rng)
    relation = None
    if people is not None:
        fields = {field.get("name") for field in service.get("fields", [])}
        if "deceased_egn" in fields and people.heirs_cases:
            case = rng.choice(people.heirs_cases)
            person, relation = case.applicant, case.relation
            deceased = Villager("", "", "", case.deceased_egn, "", "", "")
        elif "debts_for" in fields and people.debtors:
            person = rng.choice(people.debtors)
        elif service.get("id") == MOTHERS_SERVICE:
            # about a mother: a woman of the register (the ЕГН's ninth digit is odd for a woman)
            women = [p for p in people.residents if int(p.egn[8]) % 2 == 1]
            if not women:
                return None
            person = rng.choice(women)
        elif people.residents:
            person = rng.choice(people.residents)
    today = dt.date.today()
    answers: dict[str, str] = {}
    for field in service.get("fields", []):
        name, kind = field.get("name", ""), field.get("type", "text")
        if not field.get("required"):
            continue
        if name == "relation_to_deceased" and relation:
            answers[name] = relation
            continue
        value = _answer(name, kind, field, person, deceased, village, today, rng)
        if value is None:
            return None
        answers[name] = value
    return answers


def _answer(name, kind, field, person, deceased, village, today, rng) -> str | None:
    if name.startswith("deceased_"):
        base = name.removeprefix("deceased_")
        if base in ("first_name", "middle_name", "last_name", "egn"):
            return getattr(deceased, base)
        if base == "death_date":
            return (today - dt.timedelta(days=rng.randrange(30, 700))).isoformat()
        if base == "last_address":
            return deceased.address
    if name in ("first_name", "middle_name", "last_name", "id_document_number", "phone"):
        return getattr(person, name)
    if kind in ("egn", "personal_number") or name == "egn":
        return person.egn
    if name in CHOICES:
        return CHOICES[name]
    if name == "property_settlement":
        return village
    if name == "other_names":
        return f"{person.first_name} {person.middle_name} {rng.choice(SURNAME_STEMS)}"
    if name == "other_names_document":
        return f"Удостоверение за раждане № {rng.randrange(10, 400)}/{rng.randrange(1950, 2005)} г."
    if name == "property_identifier":
        return f"УПИ {rng.choice(['I', 'II', 'V', 'VII', 'XII'])}-{rng.randrange(1, 400)}, кв. {rng.randrange(1, 60)}"
    if name == "ownership_document":
        return (
            f"Нотариален акт № {rng.randrange(1, 200)}, том {rng.choice(['I', 'II', 'III'])}, "
            f"рег. № {rng.randrange(100, 9999)}/{rng.randrange(1990, 2024)} г."
        )
    if kind == "choice":
        options = field.get("options") or []
        values = [option["value"] if isinstance(option, dict) else option for option in options]
        return rng.choice(values) if values else None
    if kind == "phone":
        return person.phone
    if kind == "email":
        return f"demo{rng.randrange(100, 999)}@abv.bg"
    if kind == "date":
        return (today - dt.timedelta(days=rng.randrange(30, 3650))).isoformat()
    if kind == "boolean":
        return "false"
    if kind == "integer":
        return str(field.get("min") or 1)
    if kind == "textarea":
        return person.address
    if kind == "text":
        return f"{person.first_name} {person.last_name}"
    return None
