"""Dates as typed at the keyboard (app/ui/date_entry.py): no Qt needed."""

from datetime import UTC, date, datetime, time

import pytest

from app.forms.times import LONDON
from app.ui.date_entry import EntryClock, parse_date, parse_datetime, parse_time

# Thursday 24 December 2026, 11:30: Christmas and Boxing Day (observed Monday 28) follow.
CLOCK = EntryClock(lambda: datetime(2026, 12, 24, 11, 30, 42, tzinfo=UTC))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01/01/65", date(1965, 1, 1)),  # a birth: never 2065
        ("17/05/90", date(1990, 5, 17)),
        ("170590", date(1990, 5, 17)),
        ("17051990", date(1990, 5, 17)),
        ("01/01/05", date(2005, 1, 1)),  # not after today: this century
        ("25/12/26", date(1926, 12, 25)),  # after today: the century before
        ("17/5", date(2026, 5, 17)),
        ("t", date(2026, 12, 24)),
        ("y", date(2026, 12, 23)),
        ("1990-05-17", date(1990, 5, 17)),
    ],
)
def test_a_date_of_birth_reads_short_forms_and_two_digit_years_as_the_past(typed, expected):
    assert parse_date(typed, CLOCK, past=True) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("n", local(2026, 12, 24, 11, 30)),
        ("15:00", local(2026, 12, 24, 15, 0)),
        ("1500", local(2026, 12, 24, 15, 0)),
        ("t 9", local(2026, 12, 24, 9, 0)),
        # five working days on: over Christmas, Boxing Day observed and New Year's Day
        ("+5 10:00", local(2027, 1, 5, 10, 0)),
        ("+1 14", local(2026, 12, 29, 14, 0)),
        ("-1 10", local(2026, 12, 23, 10, 0)),
        ("24/11 15:00", local(2026, 11, 24, 15, 0)),
        ("24/11/26 15.00", local(2026, 11, 24, 15, 0)),
        ("24/11/2026 15:00", local(2026, 11, 24, 15, 0)),
    ],
)
def test_a_date_and_time_reads_now_relative_working_days_and_short_forms(typed, expected):
    assert parse_datetime(typed, CLOCK) == expected


@pytest.mark.parametrize("typed", ["", "31/02/2026 10:00", "+", "tomorrow", "24/11/2026", "25:00"])
def test_what_cannot_be_read_is_refused(typed):
    with pytest.raises(ValueError):
        parse_datetime(typed, CLOCK)


def test_a_time_alone():
    assert parse_time("0930") == time(9, 30) and parse_time("9") == time(9, 0)
