"""Writing register files in the import format: families in, CSV bytes out.

The demo's generator (:mod:`.demo`) and the tests describe people, marriages and taxes with
these builders instead of hand-writing CSV; the result is exactly what a municipality's system
would export, and goes through the same import and its checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from stdnum.bg import egn as stdnum_egn

from .population_file import OPTIONAL, REQUIRED
from .taxes_import import OPTIONAL as TAX_OPTIONAL
from .taxes_import import REQUIRED as TAX_REQUIRED

__all__ = ["PersonSpec", "PopulationWriter", "TaxWriter", "make_egn"]


def make_egn(birth: dt.date, male: bool, serial: int) -> str:
    """A valid ЕГН for ``birth``; ``serial`` (0–499) tells apart people born the same day."""
    if not 0 <= serial < 500:
        raise ValueError("serial must be 0..499")
    month = birth.month + (40 if birth.year >= 2000 else 20 if birth.year < 1900 else 0)
    sex_digit = (serial % 5) * 2 + (0 if male else 1)
    first_nine = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial // 5:02d}{sex_digit}"
    return first_nine + stdnum_egn.calc_check_digit(first_nine)


@dataclass
class PersonSpec:
    egn: str
    first_name: str
    middle_name: str
    last_name: str
    sex: str
    birth_date: dt.date
    death_date: dt.date | None = None
    death_act: str = ""
    death_place: str = ""
    mother: str = ""
    father: str = ""
    settlement: str = ""
    address: str = ""
    address_since: dt.date | None = None
    marriages: list[list] = field(default_factory=list)  # [spouse egn, on, ended, how]

    def alive_on(self, day: dt.date) -> bool:
        return self.birth_date <= day and (self.death_date is None or self.death_date > day)


class PopulationWriter:
    """People and their marriages; :meth:`csv` is a population file of them all."""

    def __init__(self):
        self.people: dict[str, PersonSpec] = {}
        self._serials: dict[tuple[dt.date, bool], int] = {}

    def person(
        self,
        first_name: str,
        last_name: str,
        sex: str,
        birth_date: dt.date,
        *,
        middle_name: str = "",
        death_date: dt.date | None = None,
        mother: str = "",
        father: str = "",
        settlement: str = "",
        address: str = "",
        address_since: dt.date | None = None,
    ) -> str:
        """Add a person; return their (new, valid) ЕГН."""
        male = sex == "M"
        serial = self._serials.get((birth_date, male), 0)
        self._serials[(birth_date, male)] = serial + 1
        egn = make_egn(birth_date, male, serial)
        self.people[egn] = PersonSpec(
            egn, first_name, middle_name, last_name, sex, birth_date, death_date,
            f"{len(self.people) + 1:04d}/{death_date.year}" if death_date else "",
            "", mother, father, settlement, address, address_since,
        )  # fmt: skip
        return egn

    def die(self, egn: str, on: dt.date, place: str = "") -> None:
        person = self.people[egn]
        person.death_date, person.death_place = on, place
        person.death_act = f"{len(self.people):04d}/{on.year}"

    def marry(self, a: str, b: str, on: dt.date) -> list:
        marriage = [b, on, None, None]
        self.people[a].marriages.append(marriage)
        mirror = [a, on, None, None]
        self.people[b].marriages.append(mirror)
        return [marriage, mirror]

    def divorce(self, marriage: list, on: dt.date) -> None:
        for side in marriage:
            side[2], side[3] = on, "divorce"

    def _row(self, person: PersonSpec) -> dict:
        marriages = []
        for spouse, on, ended, how in person.marriages:
            other = self.people[spouse]
            deaths = [d for d in (person.death_date, other.death_date) if d]
            if how is None and deaths and min(deaths) >= on:
                ended, how = min(deaths), "death"
            marriages.append((spouse, on, ended, how))
        last = marriages[-1] if marriages else None
        status = "single"
        if last is not None:
            status = {"divorce": "divorced", "death": "widowed"}.get(last[3] or "", "married")
            if person.death_date and last[3] == "death" and last[2] == person.death_date:
                status = "married"  # died while married: "married" at the death
        if status == "married" and person.death_date and last[3] == "death":
            last = (last[0], last[1], None, None)
        return {
            "egn": person.egn,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "last_name": person.last_name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat(),
            "death_date": person.death_date.isoformat() if person.death_date else "",
            "death_act": person.death_act,
            "death_place": person.death_place,
            "permanent_settlement": person.settlement,
            "permanent_address": person.address,
            "permanent_since": person.address_since.isoformat() if person.address_since else "",
            "current_settlement": person.settlement,
            "current_address": person.address,
            "current_since": person.address_since.isoformat() if person.address_since else "",
            "marital_status": status,
            "spouse_egn": last[0] if last else "",
            "marriage_date": last[1].isoformat() if last else "",
            "marriage_end_date": last[2].isoformat() if last and last[2] else "",
            "marriage_end": (last[3] or "") if last else "",
            "former_marriages": "; ".join(
                f"{s} {on.isoformat()} {ended.isoformat()} {how}"
                for s, on, ended, how in marriages[:-1]
            ),
            "mother_egn": person.mother,
            "father_egn": person.father,
        }

    def rows(self) -> list[dict]:
        return [self._row(person) for person in self.people.values()]

    def csv(self) -> bytes:
        return _csv(REQUIRED + tuple(c for c in OPTIONAL if c not in ("lnch", "citizenship")),
                    self.rows())  # fmt: skip


class TaxWriter:
    """Assessments and what was paid against them; :meth:`csv` is a local-tax file."""

    def __init__(self):
        self.rows: list[dict] = []

    def assess(
        self,
        egn: str,
        kind: str,
        obj: str,
        year: int,
        assessed_cents: int,
        paid_cents: int,
        due_date: dt.date,
        *,
        instalment: int = 1,
        paid_on: dt.date | None = None,
        settlement: str = "",
        address: str = "",
        valuation_cents: int | None = None,
    ) -> None:
        self.rows.append(
            {
                "egn": egn, "kind": kind, "object": obj, "year": str(year),
                "instalment": str(instalment), "assessed_eur": _eur(assessed_cents),
                "paid_eur": _eur(paid_cents), "due_date": due_date.isoformat(),
                "paid_on": paid_on.isoformat() if paid_on else "",
                "object_settlement": settlement, "object_address": address,
                "valuation_eur": "" if valuation_cents is None else _eur(valuation_cents),
            }
        )  # fmt: skip

    def csv(self) -> bytes:
        columns = TAX_REQUIRED + tuple(c for c in TAX_OPTIONAL if c != "lnch")
        return _csv(columns, self.rows)


def _eur(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _csv(columns, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
