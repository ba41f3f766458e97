from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.forms.policy import LocalPolicy
from app.forms.rules import follow_up_deadline, initial_assessment_window, is_working_day
from app.forms.times import LONDON
from app.forms.working_days import DEFAULT_CALENDAR

from .conftest import local


def window(tested_at, resident_in_area=True, disputed=False, policy=None):
    return initial_assessment_window(
        tested_at, resident_in_area=resident_in_area, disputed=disputed, policy=policy
    )


def test_in_duty_hours_the_window_runs_from_the_same_day_to_the_next_working_day():
    assert window(local(2026, 11, 18, 10)) == (date(2026, 11, 18), date(2026, 11, 19))


def test_a_duty_hours_test_on_friday_may_be_assessed_up_to_monday():
    assert window(local(2026, 11, 20, 14)) == (date(2026, 11, 20), date(2026, 11, 23))


def test_a_duty_hours_test_on_boxing_day_2026_runs_to_tuesday_29_december():
    assert window(local(2026, 12, 26, 10)) == (date(2026, 12, 26), date(2026, 12, 29))


def test_eight_in_the_morning_is_in_duty_hours_and_eight_in_the_evening_is_not():
    assert window(local(2026, 11, 18, 8))[0] == date(2026, 11, 18)
    assert window(local(2026, 11, 18, 20))[0] == date(2026, 11, 25)


def test_out_of_hours_the_window_is_the_fifth_to_the_eighth_working_day():
    # Wednesday 18 November 2026, 21:00: 5th working day Wed 25, 8th Mon 30.
    assert window(local(2026, 11, 18, 21)) == (date(2026, 11, 25), date(2026, 11, 30))


def test_an_early_morning_test_counts_from_that_day():
    assert window(local(2026, 11, 19, 2)) == (date(2026, 11, 26), date(2026, 12, 1))


def test_a_disputed_result_is_booked_on_the_tenth_working_day():
    # Thursday 24 Dec 2026: skip 25 and 28 Dec and 1 Jan -> 10th working day is Tue 12 Jan 2027.
    assert window(local(2026, 12, 24, 10), disputed=True) == (date(2027, 1, 12), date(2027, 1, 12))


def test_resident_elsewhere_within_48_hours():
    assert window(local(2026, 11, 17, 10), resident_in_area=False) == (
        date(2026, 11, 17),
        date(2026, 11, 19),
    )


def test_resident_elsewhere_when_the_48_hours_end_on_a_weekend_it_is_the_next_working_day():
    assert window(local(2026, 11, 19, 10), resident_in_area=False) == (
        date(2026, 11, 19),
        date(2026, 11, 23),
    )


def test_resident_elsewhere_over_christmas_2026():
    assert window(local(2026, 12, 24, 12), resident_in_area=False)[1] == date(2026, 12, 29)


def test_disputed_takes_precedence_over_residence_and_hours():
    tested = local(2026, 11, 18, 21)
    assert window(tested, resident_in_area=False, disputed=True) == window(tested, disputed=True)


def test_residence_takes_precedence_over_out_of_hours():
    assert window(local(2026, 11, 18, 21), resident_in_area=False) == (
        date(2026, 11, 18),
        date(2026, 11, 20),
    )


def test_a_naive_test_time_is_uk_local_time():
    # 20:30 BST on 1 July is 19:30 UTC: out of hours in UK time.
    naive = datetime(2026, 7, 1, 20, 30)
    assert window(naive) == window(local(2026, 7, 1, 20, 30))
    assert window(naive)[0] == date(2026, 7, 8)


def test_a_utc_time_is_converted_to_uk_local_time_before_the_duty_hours_rule():
    utc_evening = datetime(2026, 7, 1, 19, 30, tzinfo=LONDON).astimezone(UTC)
    assert window(utc_evening) == window(local(2026, 7, 1, 19, 30))


def test_the_policy_changes_the_windows():
    policy = LocalPolicy(duty_end=time(22, 0), disputed_working_days=5)
    assert window(local(2026, 11, 18, 21), policy=policy)[0] == date(2026, 11, 18)
    assert window(local(2026, 11, 18, 21), disputed=True, policy=policy)[0] == date(2026, 11, 25)


def test_follow_up_deadline_is_the_fifth_working_day_after():
    assert follow_up_deadline(date(2026, 12, 22)) == date(2026, 12, 31)


def test_follow_up_deadline_after_easter_2027():
    assert follow_up_deadline(date(2027, 3, 25)) == date(2027, 4, 5)


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31))


@given(moments, st.booleans(), st.booleans())
def test_every_window_has_earliest_no_later_than_latest_and_a_working_last_day(
    tested_at, resident, disputed
):
    earliest, latest = window(tested_at, resident_in_area=resident, disputed=disputed)
    assert earliest <= latest
    assert is_working_day(latest)
    assert earliest >= tested_at.date()


@given(moments)
def test_disputed_and_out_of_hours_windows_start_on_working_days(tested_at):
    assert is_working_day(window(tested_at, disputed=True)[0])
    if not time(8) <= tested_at.time() < time(20):
        assert is_working_day(window(tested_at)[0])


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)))
def test_follow_up_deadline_is_exactly_the_fifth_working_day_after(day):
    deadline = follow_up_deadline(day)
    assert is_working_day(deadline)
    assert deadline - day >= timedelta(days=5)
    assert DEFAULT_CALENDAR.working_days_between(day, deadline) == 5


def test_a_policy_with_an_inverted_window_is_refused():
    with pytest.raises(ValueError):
        LocalPolicy(out_of_hours_earliest_working_days=9, out_of_hours_latest_working_days=8)
