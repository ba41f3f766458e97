from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.forms.rules import add_working_days, is_working_day
from app.forms.working_days import WorkingDayCalendar

BANK_HOLIDAYS_2026_2027 = [
    date(2026, 1, 1),
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 12, 25),  # Friday
    date(2026, 12, 28),  # Boxing Day falls on Saturday: Monday is the substitute
    date(2027, 1, 1),
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 12, 27),  # Christmas Day falls on Saturday
    date(2027, 12, 28),  # Boxing Day falls on Sunday
]

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=1, max_value=40)


@pytest.mark.parametrize("day", BANK_HOLIDAYS_2026_2027, ids=str)
def test_pinned_bank_holidays_of_2026_and_2027_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),
        date(2026, 12, 29),
        date(2026, 12, 31),
        date(2027, 3, 25),
        date(2027, 12, 29),
    ],
)
def test_ordinary_weekdays_around_the_holidays_are_working_days(day):
    assert is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2026, 12, 27))  # Sunday


def test_the_next_working_day_after_christmas_eve_2026_is_tuesday_29_december():
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_the_next_working_day_after_friday_is_monday():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_easter_2026_is_skipped():
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_christmas_2027_substitutes_are_skipped():
    assert add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 29)


def test_adding_zero_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0)


def test_a_pinned_calendar_replaces_the_bank_holidays():
    calendar = WorkingDayCalendar(bank_holidays={date(2026, 6, 3)})
    assert not calendar.is_working_day(date(2026, 6, 3))
    assert calendar.is_working_day(date(2026, 12, 25))


@given(days, counts)
def test_add_working_days_never_lands_on_a_weekend_or_holiday(day, n):
    result = add_working_days(day, n)
    assert result > day
    assert is_working_day(result)


@given(days, counts)
def test_add_working_days_counts_exactly_n_working_days(day, n):
    result = add_working_days(day, n)
    between = [day + timedelta(days=i) for i in range(1, (result - day).days + 1)]
    assert sum(is_working_day(d) for d in between) == n


@given(days, counts, counts)
def test_add_working_days_is_monotonic_in_n(day, n, m):
    if n < m:
        assert add_working_days(day, n) < add_working_days(day, m)


@given(days, days, counts)
def test_add_working_days_is_monotonic_in_the_start_day(a, b, n):
    if a <= b:
        assert add_working_days(a, n) <= add_working_days(b, n)
