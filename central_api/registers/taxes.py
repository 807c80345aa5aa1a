"""Reading the local-tax register (ЗМДТ): a person's debts on a date.

A debt is what was assessed and fell due by the date, minus what was paid by then, per kind
(property tax, waste fee, vehicle tax), object and year. Statutory interest on late payments
is NOT computed; :data:`INTEREST_NOT_INCLUDED` is the sentence a certificate prints about it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ..db.schema import tax_assessments, tax_objects, tax_payments, tax_valuations

__all__ = [
    "INTEREST_NOT_INCLUDED",
    "KINDS",
    "Debt",
    "DebtStatement",
    "TaxObject",
    "debts_on",
    "objects_of",
]

KINDS = {
    "property": ("данък върху недвижимите имоти", "property tax"),
    "waste": ("такса за битови отпадъци", "waste fee"),
    "vehicle": ("данък върху превозните средства", "vehicle tax"),
}
INTEREST_NOT_INCLUDED = (
    "Сумите не включват лихви за просрочие; те се изчисляват при плащането.",
    "The amounts do not include interest for late payment; it is computed when paying.",
)


@dataclass(frozen=True)
class Debt:
    kind: str  # property | waste | vehicle
    object_kind: str  # property | vehicle
    object_identifier: str
    object_address: str | None
    year: int
    assessed_cents: int  # fallen due by the date
    paid_cents: int  # paid by the date
    due_date: str  # the latest due date of the item's instalments that fell due

    @property
    def outstanding_cents(self) -> int:
        return max(0, self.assessed_cents - self.paid_cents)

    @property
    def kind_text(self) -> tuple[str, str]:
        return KINDS[self.kind]


@dataclass(frozen=True)
class DebtStatement:
    """A person's position in the local-tax register on ``on``."""

    person_id: int
    on: str
    debts: tuple[Debt, ...]  # only items with something outstanding, oldest year first
    items_checked: int  # assessments fallen due by the date, paid or not
    interest_note: tuple[str, str] = INTEREST_NOT_INCLUDED

    @property
    def total_cents(self) -> int:
        return sum(debt.outstanding_cents for debt in self.debts)

    @property
    def has_debts(self) -> bool:
        return bool(self.debts)


def debts_on(conn: Connection, person_id: int, on: str | None = None) -> DebtStatement:
    """What ``person_id`` owed the municipality on ``on`` (default today), item by item."""
    on = on or dt.date.today().isoformat()
    # Payments on this person's assessments only: summing the whole register's payments for
    # each statement made one statement cost tens of milliseconds.
    paid = (
        select(
            tax_payments.c.assessment_id,
            func.sum(tax_payments.c.amount_cents).label("paid"),
        )
        .join(tax_assessments, tax_assessments.c.id == tax_payments.c.assessment_id)
        .where(tax_payments.c.paid_on <= on, tax_assessments.c.person_id == person_id)
        .group_by(tax_payments.c.assessment_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            tax_assessments.c.kind,
            tax_assessments.c.year,
            tax_assessments.c.assessed_cents,
            tax_assessments.c.due_date,
            tax_objects.c.kind.label("object_kind"),
            tax_objects.c.identifier,
            tax_objects.c.address,
            func.coalesce(paid.c.paid, 0).label("paid"),
        )
        .join(tax_objects, tax_objects.c.id == tax_assessments.c.object_id)
        .outerjoin(paid, paid.c.assessment_id == tax_assessments.c.id)
        .where(tax_assessments.c.person_id == person_id, tax_assessments.c.due_date <= on)
        .order_by(
            tax_assessments.c.year,
            tax_assessments.c.kind,
            tax_objects.c.identifier,
            tax_assessments.c.instalment,
        )
    ).all()
    # Instalments of one item (kind, object, year) add up into one line of the statement.
    items: dict[tuple, list] = {}
    for row in rows:
        key = (row.kind, row.object_kind, row.identifier, row.year)
        item = items.setdefault(key, [row.address, 0, 0, row.due_date])
        item[1] += row.assessed_cents
        item[2] += int(row.paid)
        item[3] = max(item[3], row.due_date)
    debts = tuple(
        Debt(kind, object_kind, identifier, address, year, assessed, paid_cents, due)
        for (kind, object_kind, identifier, year), (address, assessed, paid_cents, due)
        in items.items()
        if assessed > paid_cents
    )  # fmt: skip
    return DebtStatement(person_id=person_id, on=on, debts=debts, items_checked=len(items))


@dataclass(frozen=True)
class TaxObject:
    """A property or vehicle a person is assessed for, with its tax valuation per year."""

    kind: str  # property | vehicle
    identifier: str
    settlement: str | None
    address: str | None
    valuations: tuple[tuple[int, int], ...]  # (year, valuation in cents), oldest first
    years: tuple[int, ...]  # the years it was assessed to this person


def objects_of(conn: Connection, person_id: int) -> list[TaxObject]:
    """The objects ``person_id`` has been assessed for, with their valuations by year."""
    rows = conn.execute(
        select(tax_objects, tax_assessments.c.year)
        .join(tax_assessments, tax_assessments.c.object_id == tax_objects.c.id)
        .where(tax_assessments.c.person_id == person_id)
        .order_by(tax_objects.c.kind, tax_objects.c.identifier, tax_assessments.c.year)
    ).all()
    found: dict[int, list] = {}
    for row in rows:
        entry = found.setdefault(row.id, [row, set()])
        entry[1].add(row.year)
    objects = []
    for object_id, (row, years) in found.items():
        valuations = conn.execute(
            select(tax_valuations.c.year, tax_valuations.c.valuation_cents)
            .where(tax_valuations.c.object_id == object_id)
            .order_by(tax_valuations.c.year)
        ).all()
        objects.append(
            TaxObject(row.kind, row.identifier, row.settlement, row.address,
                      tuple((v.year, v.valuation_cents) for v in valuations), tuple(sorted(years)))
        )  # fmt: skip
    return objects
