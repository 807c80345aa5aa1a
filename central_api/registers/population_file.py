"""Checking a population-register file row by row (no database writes here).

:func:`check_population_rows` turns the file's rows into :class:`PersonRow` values, or collects
a :class:`RowProblem` per thing to fix. The links between persons (spouse, mother, father) are
checked against the file itself and the persons already in the register (``known_ids``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .csvfiles import Rows
from .identifiers import egn_birth_date, egn_sex, is_egn, is_lnch
from .population import MARITAL_STATUSES, _name

REQUIRED = (
    "egn", "first_name", "middle_name", "last_name", "sex", "birth_date", "death_date",
    "death_act", "permanent_settlement", "permanent_address", "current_settlement",
    "current_address", "marital_status", "spouse_egn", "mother_egn", "father_egn",
)  # fmt: skip
OPTIONAL = (
    "lnch", "citizenship", "death_place", "permanent_since", "current_since", "marriage_date",
    "marriage_end_date", "marriage_end", "former_marriages",
)  # fmt: skip
END_REASONS = ("divorce", "death")


@dataclass(frozen=True)
class MarriageRow:
    spouse: str  # the spouse's ЕГН or ЛНЧ
    married_on: str | None
    ended_on: str | None
    end_reason: str | None


@dataclass
class PersonRow:
    line: int
    key: str  # egn:…, lnch:… or names:… for a person with neither
    egn: str | None
    lnch: str | None
    fields: dict  # register_persons columns (names, sex, dates, status, death)
    mother: str | None  # ЕГН/ЛНЧ
    father: str | None
    addresses: dict  # kind -> (settlement, address, registered_on)
    marriages: list[MarriageRow]


def person_key(egn: str | None, lnch: str | None, fields: dict) -> str:
    if egn:
        return f"egn:{egn}"
    if lnch:
        return f"lnch:{lnch}"
    names = "|".join(fields[n] for n in ("first_name", "middle_name", "last_name"))
    return f"names:{names}|{fields['birth_date']}"


def identifier_key(identifier: str) -> str:
    return f"egn:{identifier}" if is_egn(identifier) else f"lnch:{identifier}"


def check_population_rows(
    rows: list[tuple[int, dict]],
    settlements,
    known: dict[str, dict],
    today: dt.date,
) -> tuple[list[PersonRow], list]:
    """``known``: register key -> {"sex", "birth_date"} of the persons already registered."""
    check = Rows(today)
    people: list[PersonRow] = []
    for line, row in rows:
        person = _check_row(check, line, row, settlements)
        if person is not None:
            people.append(person)
    _check_links(check, people, known)
    return people, check.problems


def _check_row(check: Rows, line: int, row: dict, settlements) -> PersonRow | None:
    before = len(check.problems)
    egn, lnch = row.get("egn", ""), row.get("lnch", "")
    if egn and not is_egn(egn):
        check.problem(line, "egn", f"ЕГН {egn} не е валидно (дата или контролна цифра): "
                      "поправете го", f"ЕГН {egn} is not valid (date or check digit): correct it")  # fmt: skip
    if lnch and not is_lnch(lnch):
        check.problem(line, "lnch", f"ЛНЧ {lnch} не е валиден (контролна цифра): поправете го",
                      f"ЛНЧ {lnch} is not valid (check digit): correct it")  # fmt: skip
    if egn and lnch:
        check.problem(line, "lnch", "едно лице има ЕГН или ЛНЧ, не и двете: оставете едното",
                      "a person has an ЕГН or an ЛНЧ, not both: keep one")  # fmt: skip
    fields = {
        "first_name": _name(row.get("first_name", "")),
        "middle_name": _name(row.get("middle_name", "")),
        "last_name": _name(row.get("last_name", "")),
        "citizenship": row.get("citizenship", "") or "BG",
    }
    for column in ("first_name", "last_name"):
        if not fields[column]:
            check.problem(
                line, column, "липсва име: попълнете го", "the name is missing: fill it in"
            )
    sex = row.get("sex", "").upper()
    if sex not in ("M", "F"):
        check.problem(line, "sex", "полът е M (мъж) или F (жена)", "sex is M (male) or F (female)")
    elif egn and is_egn(egn) and egn_sex(egn) != sex:
        check.problem(line, "sex", f"ЕГН {egn} е на {'мъж' if egn_sex(egn) == 'M' else 'жена'}: "
                      "поправете пола или ЕГН", f"ЕГН {egn} belongs to a "
                      f"{'man' if egn_sex(egn) == 'M' else 'woman'}: correct the sex or the ЕГН")  # fmt: skip
    fields["sex"] = sex
    birth = check.date(line, row, "birth_date", required=not egn)
    if egn and is_egn(egn):
        from_egn = egn_birth_date(egn).isoformat()
        if birth and birth != from_egn:
            check.problem(line, "birth_date", f"ЕГН {egn} казва роден/а на {from_egn}: поправете "
                          "датата или ЕГН", f"ЕГН {egn} says born on {from_egn}: correct the date "
                          "or the ЕГН")  # fmt: skip
        birth = from_egn
    fields["birth_date"] = birth
    death = check.date(line, row, "death_date")
    fields["death_date"] = death
    fields["death_act"] = row.get("death_act", "") or None
    fields["death_place"] = row.get("death_place", "") or None
    if death and birth and death < birth:
        check.problem(line, "death_date", "датата на смърт е преди датата на раждане",
                      "the date of death is before the date of birth")  # fmt: skip
    if death and not fields["death_act"]:
        check.problem(line, "death_act", "при дата на смърт попълнете номера на акта за смърт",
                      "with a date of death, fill in the death act's number")  # fmt: skip
    if not death and (fields["death_act"] or fields["death_place"]):
        check.problem(line, "death_date", "има акт за смърт без дата на смърт: попълнете датата",
                      "there is a death act without a date of death: fill in the date")  # fmt: skip
    addresses = {}
    for kind in ("permanent", "current"):
        settlement = row.get(f"{kind}_settlement", "")
        address = row.get(f"{kind}_address", "")
        since = check.date(line, row, f"{kind}_since")
        if settlement and settlement not in settlements:
            check.problem(line, f"{kind}_settlement", f"непознато населено място „{settlement}“: "
                          f"използвайте един от кодовете {', '.join(sorted(settlements))}",
                          f"unknown settlement '{settlement}': use one of the codes "
                          f"{', '.join(sorted(settlements))}")  # fmt: skip
        if bool(settlement) != bool(address):
            check.problem(line, f"{kind}_address" if settlement else f"{kind}_settlement",
                          "адресът иска и населено място, и адрес", "an address needs both the "
                          "settlement and the address")  # fmt: skip
        if settlement and address:
            addresses[kind] = (settlement, address, since)
    status = row.get("marital_status", "")
    if status not in MARITAL_STATUSES:
        check.problem(line, "marital_status", f"„{status}“: семейното положение е едно от "
                      f"{', '.join(MARITAL_STATUSES)}", f"'{status}': the civil status is one of "
                      f"{', '.join(MARITAL_STATUSES)}")  # fmt: skip
    fields["marital_status"] = status
    marriages = _check_marriages(check, line, row, status)
    links = {}
    for column in ("mother_egn", "father_egn"):
        value = row.get(column, "")
        if value and not (is_egn(value) or is_lnch(value)):
            check.problem(line, column, f"{value} не е валидно ЕГН или ЛНЧ", f"{value} is not a "
                          "valid ЕГН or ЛНЧ")  # fmt: skip
        links[column] = value or None
    if len(check.problems) > before:
        return None
    return PersonRow(
        line=line,
        key=person_key(egn or None, lnch or None, fields),
        egn=egn or None,
        lnch=lnch or None,
        fields=fields,
        mother=links["mother_egn"],
        father=links["father_egn"],
        addresses=addresses,
        marriages=marriages,
    )


def _check_marriages(check: Rows, line: int, row: dict, status: str) -> list[MarriageRow]:
    marriages = []
    spouse = row.get("spouse_egn", "")
    married_on = check.date(line, row, "marriage_date")
    ended_on = check.date(line, row, "marriage_end_date")
    reason = row.get("marriage_end", "") or None
    if reason and reason not in END_REASONS:
        check.problem(line, "marriage_end", "краят на брака е divorce (развод) или death (смърт)",
                      "the end of the marriage is divorce or death")  # fmt: skip
    if spouse and not (is_egn(spouse) or is_lnch(spouse)):
        check.problem(line, "spouse_egn", f"{spouse} не е валидно ЕГН или ЛНЧ",
                      f"{spouse} is not a valid ЕГН or ЛНЧ")  # fmt: skip
    if bool(ended_on) != bool(reason):
        check.problem(line, "marriage_end", "попълнете и датата, и начина на прекратяване на "
                      "брака", "fill in both the date and the way the marriage ended")  # fmt: skip
    if status == "married" and (not spouse or reason):
        check.problem(line, "spouse_egn", "женен/омъжена: попълнете ЕГН на съпруга и не "
                      "попълвайте край на брака", "married: fill in the spouse's ЕГН and no end of "
                      "the marriage")  # fmt: skip
    if status == "divorced" and spouse and reason != "divorce":
        check.problem(line, "marriage_end", "разведен/а: краят на брака е divorce",
                      "divorced: the marriage ended by divorce")  # fmt: skip
    if status == "widowed" and spouse and reason != "death":
        check.problem(line, "marriage_end", "вдовец/вдовица: краят на брака е death",
                      "widowed: the marriage ended by death")  # fmt: skip
    if status == "single" and (spouse or row.get("former_marriages")):
        check.problem(line, "spouse_egn", "неженен/неомъжена не може да има съпруг или бракове",
                      "a single person cannot have a spouse or marriages")  # fmt: skip
    if married_on and ended_on and ended_on < married_on:
        check.problem(line, "marriage_end_date", "бракът е прекратен преди сключването си",
                      "the marriage ends before it began")  # fmt: skip
    if spouse:
        marriages.append(MarriageRow(spouse, married_on, ended_on, reason))
    for entry in filter(None, (e.strip() for e in row.get("former_marriages", "").split(";"))):
        parts = entry.split()
        fine = len(parts) == 4 and (is_egn(parts[0]) or is_lnch(parts[0]))
        fine = fine and parts[3] in END_REASONS
        try:
            fine = fine and all(dt.date.fromisoformat(p) <= check.today for p in parts[1:3])
        except ValueError:
            fine = False
        if not fine:
            check.problem(line, "former_marriages", f"„{entry}“: всеки предишен брак е „ЕГН "
                          "ГГГГ-ММ-ДД ГГГГ-ММ-ДД divorce|death“, разделени с ;", f"'{entry}': "
                          "each former marriage is 'ЕГН YYYY-MM-DD YYYY-MM-DD divorce|death', "
                          "separated by ;")  # fmt: skip
            continue
        marriages.append(MarriageRow(parts[0], parts[1], parts[2], parts[3]))
    return marriages


def _check_links(check: Rows, people: list[PersonRow], known: dict[str, dict]) -> None:
    by_key: dict[str, PersonRow] = {}
    for person in people:
        if person.key in by_key:
            first = by_key[person.key]
            check.problem(person.line, "egn", f"лицето е вече на ред {first.line}: махнете "
                          "повторението", f"the person is already on line {first.line}: remove "
                          "the repetition")  # fmt: skip
        else:
            by_key[person.key] = person

    def facts(identifier: str) -> dict | None:
        key = identifier_key(identifier)
        if key in by_key:
            return {"sex": by_key[key].fields["sex"], "birth_date": by_key[key].fields["birth_date"],
                    "row": by_key[key]}  # fmt: skip
        return known.get(key)

    for person in people:
        me = person.egn or person.lnch
        for column, identifier, sex, word in (
            ("mother_egn", person.mother, "F", ("майката", "mother")),
            ("father_egn", person.father, "M", ("бащата", "father")),
        ):
            if not identifier:
                continue
            parent = facts(identifier)
            if identifier == me:
                check.problem(person.line, column, "лицето не може да е свой родител",
                              "a person cannot be their own parent")  # fmt: skip
            elif parent is None:
                check.problem(person.line, column, f"{word[0]} ({identifier}) няма нито във "
                              "файла, нито в регистъра: добавете я/го", f"the {word[1]} "
                              f"({identifier}) is neither in the file nor in the register: add "
                              "them")  # fmt: skip
            elif parent["sex"] != sex:
                check.problem(person.line, column, f"{identifier} е вписан/а с друг пол и не може "
                              f"да е {word[0]}", f"{identifier} is registered with the other sex "
                              f"and cannot be the {word[1]}")  # fmt: skip
            elif parent["birth_date"] >= person.fields["birth_date"]:
                check.problem(person.line, column, f"{word[0]} е родена/роден след детето",
                              f"the {word[1]} was born after the child")  # fmt: skip
        for marriage in person.marriages:
            spouse = facts(marriage.spouse)
            if marriage.spouse == me:
                check.problem(person.line, "spouse_egn", "лицето не може да е свой съпруг",
                              "a person cannot be their own spouse")  # fmt: skip
            elif spouse is None:
                check.problem(person.line, "spouse_egn", f"съпругът ({marriage.spouse}) няма нито "
                              "във файла, нито в регистъра: добавете го", f"the spouse "
                              f"({marriage.spouse}) is neither in the file nor in the register: "
                              "add them")  # fmt: skip
            elif marriage.end_reason is None and "row" in spouse and me:
                other = spouse["row"]
                # A dead spouse's row keeps the status at the death ("married"): no mirror then.
                if person.fields["death_date"] or other.fields["death_date"]:
                    continue
                if not any(m.spouse == me and m.end_reason is None for m in other.marriages):
                    check.problem(person.line, "spouse_egn", f"на ред {other.line} съпругът не е "
                                  "вписан като женен за това лице: поправете единия ред",
                                  f"on line {other.line} the spouse is not married to this "
                                  "person: correct one of the rows")  # fmt: skip
