"""Bulgarian working days and due dates, across Easter, Christmas and moved holidays."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.deadlines import add_working_days, due_date, is_working_day, next_working_day

D = dt.date


@pytest.mark.parametrize(
    "holiday",
    [
        D(2026, 1, 1),  # New Year
        D(2026, 3, 3),  # Liberation Day
        D(2026, 4, 10),  # Good Friday (Orthodox Easter is 12 April 2026)
        D(2026, 4, 13),  # Easter Monday
        D(2026, 5, 1),
        D(2026, 5, 6),  # St George's Day
        D(2026, 5, 25),  # 24 May falls on a Sunday: moved to Monday
        D(2026, 9, 7),  # 6 September falls on a Sunday: moved to Monday
        D(2026, 9, 22),
        D(2026, 12, 24),
        D(2026, 12, 25),
        D(2026, 12, 28),  # 26 December falls on a Saturday: moved to Monday
        D(2027, 4, 30),  # Good Friday 2027 (Easter 2 May)
        D(2027, 5, 3),  # Easter Monday 2027
        D(2027, 5, 4),  # 1 May 2027 is a Saturday (and Holy Saturday): moved
    ],
)
def test_bulgarian_holidays_are_not_working_days(holiday):
    assert holiday.weekday() < 5
    assert not is_working_day(holiday)


@pytest.mark.parametrize(
    "ordinary_day", [D(2026, 4, 9), D(2026, 4, 14), D(2026, 3, 4), D(2026, 12, 23), D(2026, 12, 29)]
)
def test_ordinary_weekdays_are_working_days(ordinary_day):
    assert is_working_day(ordinary_day)


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2026, 6, 6))
    assert not is_working_day(D(2026, 6, 7))


def test_a_datetime_is_read_as_its_date():
    assert not is_working_day(dt.datetime(2026, 4, 13, 10, 0))


def test_working_days_skip_the_whole_easter_weekend():
    # Thursday 9 April 2026 + 1 → Tuesday 14 April (Fri, Sat, Sun, Mon are all off).
    assert add_working_days(D(2026, 4, 9), 1) == D(2026, 4, 14)
    assert add_working_days(D(2026, 4, 8), 2) == D(2026, 4, 14)


def test_working_days_skip_christmas_and_the_moved_boxing_day():
    # Wednesday 23 December 2026 + 1 → Tuesday 29 December (24, 25, 26→28 off, and the weekend).
    assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 29)


def test_working_days_cross_the_new_year():
    # 31 Dec 2026 (Thu) + 2 → 1 Jan is off, 2 Jan is Saturday → Mon 4, Tue 5 January 2027.
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 5)


def test_zero_working_days_is_the_start_and_negative_is_refused():
    assert add_working_days(D(2026, 6, 6), 0) == D(2026, 6, 6)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 6, 1), -1)


def test_next_working_day():
    assert next_working_day(D(2026, 4, 10)) == D(2026, 4, 14)
    assert next_working_day(D(2026, 4, 14)) == D(2026, 4, 14)


def test_due_date_in_working_days_does_not_count_the_day_of_submission():
    # Heirs certificate, 14 working days, asked on Wednesday 1 April 2026: Easter takes two days.
    assert due_date(D(2026, 4, 1), {"working_days": 14}) == D(2026, 4, 23)


def test_a_request_made_on_a_holiday_counts_from_the_next_working_day():
    assert due_date(D(2026, 4, 11), {"working_days": 1}) == D(2026, 4, 15)
    assert due_date(D(2026, 4, 11), {"immediate": True}) == D(2026, 4, 14)


def test_hours_are_whole_days_rounded_up():
    monday = D(2026, 6, 1)
    assert due_date(monday, {"hours": 6}) == D(2026, 6, 2)
    assert due_date(monday, {"hours": 24}) == D(2026, 6, 2)
    assert due_date(monday, {"hours": 25}) == D(2026, 6, 3)
    assert due_date(monday, {"hours": 72}) == D(2026, 6, 4)


def test_immediate_is_the_working_day_of_the_request():
    assert due_date(D(2026, 6, 1), {"immediate": True}) == D(2026, 6, 1)


def test_aware_times_are_read_in_bulgarian_time():
    # 22:30 UTC on Thursday 9 April is already Good Friday in Sofia (UTC+3).
    late = dt.datetime(2026, 4, 9, 22, 30, tzinfo=dt.UTC)
    assert due_date(late, {"immediate": True}) == D(2026, 4, 14)
    naive = dt.datetime(2026, 4, 9, 22, 30)
    assert due_date(naive, {"immediate": True}) == D(2026, 4, 9)


@pytest.mark.parametrize("deadline", [{}, {"weeks": 1}, {"hours": 0}, {"hours": "6"}])
def test_a_deadline_of_unknown_shape_is_refused(deadline):
    with pytest.raises(ValueError):
        due_date(D(2026, 6, 1), deadline)


def test_every_tier_of_the_catalogue_has_a_computable_due_date():
    from central_api.catalogue import default_catalogue
    from tests.fixtures_central import LYASKOVETS

    for service in default_catalogue(LYASKOVETS)["services"]:
        for tier in service["tiers"]:
            due = due_date(D(2026, 12, 23), tier["deadline"])
            assert is_working_day(due)
            assert due >= D(2026, 12, 23)


@given(start=st.dates(D(2024, 1, 1), D(2030, 12, 31)), n=st.integers(0, 40))
def test_adding_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    if n:
        assert is_working_day(end)
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(day) for day in between) == n
    assert (end - start).days <= n * 3 + 10


def test_calendar_days_count_every_day_and_end_on_a_working_day():
    # ДОПК чл. 87(6): 7 days for a tax certificate are calendar days.
    assert due_date(D(2026, 6, 1), {"calendar_days": 7}) == D(2026, 6, 8)  # Monday → Monday
    assert due_date(D(2026, 6, 3), {"calendar_days": 7}) == D(2026, 6, 10)  # not 12 June
    # 7 days from Friday 18 December 2026 end on Christmas Day; the 26th is a Saturday, so
    # Monday 28th is its day off: the next working day is the 29th.
    assert due_date(D(2026, 12, 18), {"calendar_days": 7}) == D(2026, 12, 29)
    # made on a Saturday: received on Monday, counted from then
    assert due_date(D(2026, 6, 6), {"calendar_days": 7}) == D(2026, 6, 15)
