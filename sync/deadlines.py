"""Bulgarian working days, and the due date of a request from its service tier's deadline.

One rule for both sides: the kiosk prints this date on the villager's slip and central stores it
as the request's due date (:func:`service_due_date`); a property test keeps them equal
(tests/test_deadlines_one_rule.py).

A working day is Monday to Friday and not an official holiday. The holidays come from the
``holidays`` package (``country_holidays("BG")``), which follows the Labour Code: Orthodox Easter
(Good Friday to Easter Monday), a holiday falling on a Saturday or Sunday moves to the next
working day ("observed"), and the Council of Ministers' extra non-working days (such as
2 January 2026). Working Saturdays decreed to make up for a bridge day are not in the package;
we do not count them, which can only make a due date later, never earlier.

Counting rules (also in ``docs/catalogue.md``):

- ``{"working_days": n}``: the day of submission is not counted (as in administrative law); the
  due date is the n-th working day after it. A request made on a weekend or a holiday counts as
  made on the next working day.
- ``{"calendar_days": n}``: the n-th calendar day after the day of receipt (that day not
  counted), as the tax code counts its 7 days for a tax certificate (ДОПК чл. 87(6)); a term
  that ends on a non-working day ends on the next working day (the general rule for terms; for
  ДОПК not confirmed, and it can only make the date later).
- ``{"hours": n}``: whole days of 24 hours, rounded up, counted as working days: 6 h and 24 h both
  give the next working day, 72 h the third. A village kiosk cannot promise a document within
  the same day, because the request and the document travel by synchronisation (the catalogue
  refuses fewer than 24 hours).
- ``{"immediate": true}``: the working day the request is made on (or the next working day);
  the catalogue no longer offers it (a kiosk cannot keep it), but old requests may name it.

Which deadline: the chosen tier's; a request without a tier (or with one the service does not
offer) has the service's legal deadline (``legal_deadline_working_days``), else no due date.

Times with a time zone are taken in Bulgarian time (Europe/Sofia) before the date is read.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "SOFIA",
    "is_working_day",
    "add_working_days",
    "next_working_day",
    "due_date",
    "chosen_tier",
    "deadline_of",
    "service_due_date",
]

SOFIA = ZoneInfo("Europe/Sofia")


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    # One immutable set per year: the holidays object fills itself lazily and is not meant to be
    # shared between threads of a web server.
    return frozenset(holidays.country_holidays("BG", years=year))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Bulgarian public holiday (observed days included)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (``start`` itself not counted); ``start`` when n is 0."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number of at least 0, not {n!r}")
    day = start
    for _ in range(n):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def _local_date(submitted: dt.date | dt.datetime) -> dt.date:
    if isinstance(submitted, dt.datetime):
        if submitted.tzinfo is not None:
            submitted = submitted.astimezone(SOFIA)
        return submitted.date()
    return submitted


def due_date(submitted: dt.date | dt.datetime, deadline: dict) -> dt.date:
    """The date a request is due, from a tier's ``deadline`` (see the module docstring)."""
    received = next_working_day(_local_date(submitted))
    if deadline.get("immediate") is True:
        return received
    if "working_days" in deadline:
        return add_working_days(received, deadline["working_days"])
    if "calendar_days" in deadline:
        days = deadline["calendar_days"]
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"calendar_days must be a whole number of at least 0, not {days!r}")
        return next_working_day(received + dt.timedelta(days=days))
    if "hours" in deadline:
        hours = deadline["hours"]
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
            raise ValueError(f"hours must be a whole number of at least 1, not {hours!r}")
        return add_working_days(received, math.ceil(hours / 24))
    raise ValueError(
        f"unknown deadline {deadline!r}: use working_days, calendar_days or hours "
        "(docs/catalogue.md)"
    )


def chosen_tier(service: dict | None, tier: str | None) -> str | None:
    """The tier a request is made in: ``tier`` when the service offers it, else the service's
    first tier (the one the kiosk shows when nobody chose), else None."""
    tiers = [t for t in (service or {}).get("tiers") or [] if isinstance(t, dict)]
    if any(t.get("id") == tier for t in tiers):
        return tier
    return tiers[0].get("id") if tiers else None


def deadline_of(service: dict | None, tier: str | None) -> dict | None:
    """The deadline that applies to a request for ``service`` in ``tier`` (module docstring)."""
    if not service:
        return None
    for option in service.get("tiers") or []:
        if isinstance(option, dict) and option.get("id") == tier and option.get("deadline"):
            return dict(option["deadline"])
    legal = service.get("legal_deadline_working_days")
    if isinstance(legal, int) and not isinstance(legal, bool):
        return {"working_days": legal}
    return None


def service_due_date(service: dict | None, tier: str | None, at: dt.datetime) -> dt.date | None:
    """The due date of a request for ``service`` in ``tier`` made at ``at`` (an aware time, or
    a naive one already in Sofia time); None when the service names no deadline."""
    deadline = deadline_of(service, tier)
    return due_date(at, deadline) if deadline is not None else None
