"""The court deadlines (000 §2.4): the prison referral 24 hours after remand, the Restriction
on Bail assessment by the 3rd working day after the bail decision."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.forms.rules import (
    annex_e_second_appointment_deadline,
    is_working_day,
    prison_referral_deadline,
    restriction_on_bail_deadline,
)
from app.forms.working_days import WorkingDayCalendar

UK = ZoneInfo("Europe/London")
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def test_a_remand_at_ten_is_due_at_ten_the_next_day():
    due = prison_referral_deadline(datetime(2026, 11, 24, 10, 0, tzinfo=UK))
    assert due == datetime(2026, 11, 25, 10, 0, tzinfo=UK)
    assert due.utcoffset() == timedelta(0)


def test_twenty_four_hours_are_real_hours_across_the_clocks_going_back():
    # 25 October 2026: the clocks go back at 02:00 BST; 24 h after 10:00 BST is 09:00 GMT.
    due = prison_referral_deadline(datetime(2026, 10, 24, 10, 0, tzinfo=UK))
    assert (due.hour, due.day) == (9, 25)


def test_a_naive_remand_time_is_uk_local():
    assert prison_referral_deadline(datetime(2026, 7, 1, 15, 30)) == datetime(
        2026, 7, 2, 15, 30, tzinfo=UK
    )


@given(instants)
def test_the_prison_referral_is_due_exactly_24_hours_after_the_remand(remanded):
    due = prison_referral_deadline(remanded)
    assert due - remanded == timedelta(hours=24)
    assert due.tzinfo is not None and due.tzinfo.key == "Europe/London"


def test_restriction_on_bail_on_christmas_eve_2026_is_due_on_the_last_day_of_december():
    # Thu 24 Dec: Fri 25 (Christmas), Mon 28 (Boxing Day substitute) are not working days:
    # the working days after are Tue 29, Wed 30, Thu 31.
    assert restriction_on_bail_deadline(date(2026, 12, 24)) == date(2026, 12, 31)


def test_a_bail_decision_on_a_friday_afternoon_counts_from_that_friday():
    decided = datetime(2026, 11, 27, 16, 0, tzinfo=UK)
    assert restriction_on_bail_deadline(decided) == date(2026, 12, 2)


def test_a_bail_decision_late_in_the_evening_utc_is_placed_on_its_uk_day():
    # 23:30 UTC on 30 June is 00:30 on 1 July in UK summer time.
    decided = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert restriction_on_bail_deadline(decided) == date(2026, 7, 6)


@given(days)
def test_the_rob_deadline_is_a_working_day_with_exactly_three_working_days_up_to_it(day):
    due = restriction_on_bail_deadline(day)
    calendar = WorkingDayCalendar()
    assert is_working_day(due)
    assert calendar.working_days_between(day, due) == 3
    assert due - day >= timedelta(days=3)


@given(days, st.sets(days, max_size=20))
def test_the_rob_deadline_follows_the_injected_calendar(day, holidays):
    calendar = WorkingDayCalendar(bank_holidays=holidays)
    due = restriction_on_bail_deadline(day, calendar=calendar)
    assert due not in holidays and due.weekday() < 5
    assert calendar.working_days_between(day, due) == 3


def test_the_additional_annex_e_appointment_is_within_five_working_days():
    assert annex_e_second_appointment_deadline(date(2026, 12, 24)) == date(2027, 1, 5)


def test_a_deadline_of_no_hours_is_refused():
    with pytest.raises(ValueError, match="1 or more"):
        prison_referral_deadline(datetime(2026, 1, 1, tzinfo=UTC), hours=0)
