"""Facts of each kind of certificate, as the review takes them from the registers
(central_api.certificate_facts), for tests of the documents alone.

Each person's ЕГН is valid and agrees with the facts beside it, as a register's would: its
date is the birth date, its ninth digit the sex (even for a man); test_documents_pdf checks."""

from __future__ import annotations

PLACE = {
    "code": "dzhulyunitsa",
    "settlement": "с. Джулюница",
    "municipality": "Лясковец",
    "province": "Велико Търново",
}
IVANKA = {
    "names": "Иванка Петрова Колева",
    "egn": "5008012310",
    "lnch": None,
    "birth_date": "1950-08-01",
    "sex": "F",
}
ADDRESS_FACTS = {
    "kind": "address",
    "on": "2026-03-02",
    "person": IVANKA,
    "address_kind": "permanent",
    "address": {**PLACE, "address": "ул. „Васил Левски“ № 12", "registered_on": "2001-05-10"},
}
CURRENT_ADDRESS_FACTS = {
    **ADDRESS_FACTS,
    "address_kind": "current",
    "address": {**PLACE, "address": "ул. „Първа“ № 3", "registered_on": None},
}
MARITAL_FACTS = {
    "kind": "marital_status",
    "on": "2026-03-02",
    "person": IVANKA,
    "marital_status": "married",
    "marital_status_bg": "омъжена",
    "spouse": {
        "names": "Петър Георгиев Колев",
        "egn": "4004021246",
        "lnch": None,
        "birth_date": "1940-04-02",
        "sex": "M",
    },
    "children": None,
}
HEIRS_FACTS = {
    "kind": "heirs",
    "deceased": {
        "names": "Петър Георгиев Колев",
        "egn": "4004021246",
        "lnch": None,
        "birth_date": "1940-04-02",
        "sex": "M",
        "death_date": "2025-12-01",
        "death_act": "0012/2025",
        "death_place": "Джулюница",
        "last_address": {**PLACE, "address": "ул. „Христо Ботев“ № 3", "registered_on": None},
    },
    "applicant": {**IVANKA},
    "heirs": [
        {**IVANKA, "relation_bg": "съпруга", "alive": True, "died_on": None,
         "article": "ЗН чл. 9, ал. 1", "in_place_of": None},
        {"names": "Георги Петров Колев", "egn": "6502111240", "lnch": None,
         "birth_date": "1965-02-11", "sex": "M", "relation_bg": "син", "alive": True,
         "died_on": None, "article": "ЗН чл. 5, ал. 1", "in_place_of": None},
    ],
}  # fmt: skip
TAX_FACTS = {
    "kind": "tax_debts",
    "on": "2026-03-02",
    "person": IVANKA,
    "scope": "all",
    "debts": [],
    "total_cents": 0,
    "interest_note_bg": "Сумите не включват лихви за просрочие; те се изчисляват при плащането.",
}
