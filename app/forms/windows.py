"""Appointment windows for the initial and follow-up assessments.

Precedence for the initial assessment (issue 3): a disputed result first, then a person
resident elsewhere, then the duty-hours / out-of-hours rule.

What "in duty hours, same day up to the next working day" means (decided here, the sources
are silent on weekends): CJIT workers are in the custody suite 08:00-20:00 on every day of the
year (000 §2.3), so a test in duty hours on a Saturday, Sunday or bank holiday may still be
followed by an assessment that same day in the suite. The window is therefore

    earliest = the day of the test (even when that is not a working day);
    latest   = the first working day strictly after the day of the test.

This is the later of the handbook's "within 24 hours or 1 working day" (004 §4.1.1): the day
after the test is never later than the next working day. So a test at 10:00 on Saturday
26 December 2026 gives Saturday 26 to Tuesday 29 December 2026 (Monday 28 is the Boxing Day
substitute holiday); days in between that are not working days stay allowed because the
team is on duty then. Duty hours are [duty_start, duty_end): 08:00 is in, 20:00 is out.

Out of hours (before 08:00 or from 20:00): from the 5th to the 8th working day after the day
of the test, counted from the UK calendar day of the test (a test at 02:00 on Tuesday counts
from Tuesday). Disputed: the 10th working day after (one day, earliest = latest). Resident
elsewhere: any day from the day of the test up to the day the 48 hours end; when that day is
not a working day, the next working day instead (004 §4.1.1).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.forms.policy import DEFAULT_POLICY, LocalPolicy
from app.forms.times import local_date, local_time, to_local
from app.forms.working_days import DEFAULT_CALENDAR, WorkingDayCalendar


def initial_assessment_window(
    tested_at: datetime,
    *,
    resident_in_area: bool,
    disputed: bool,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> tuple[date, date]:
    """Earliest and latest allowed dates for the initial assessment (naive = UK local time)."""
    policy = policy or DEFAULT_POLICY
    cal = calendar or DEFAULT_CALENDAR
    day = local_date(tested_at)
    if disputed:
        target = cal.add_working_days(day, policy.disputed_working_days)
        return target, target
    if not resident_in_area:
        deadline = local_date(to_local(tested_at) + timedelta(hours=policy.out_of_area_hours))
        return day, cal.next_working_day_on_or_after(deadline)
    if policy.in_duty_hours(local_time(tested_at)):
        return day, cal.add_working_days(day, policy.in_hours_latest_working_days)
    return (
        cal.add_working_days(day, policy.out_of_hours_earliest_working_days),
        cal.add_working_days(day, policy.out_of_hours_latest_working_days),
    )


def window_rule(
    tested_at: datetime,
    *,
    resident_in_area: bool,
    disputed: bool,
    policy: LocalPolicy | None = None,
) -> str:
    """Which rule set the window, in words for a message or a notice."""
    policy = policy or DEFAULT_POLICY
    if disputed:
        return f"the result is disputed: the {_ordinal(policy.disputed_working_days)} working day after the test"
    if not resident_in_area:
        return (
            f"the person lives outside the area: the CJIT of residence within "
            f"{policy.out_of_area_hours} hours, or the next working day"
        )
    if policy.in_duty_hours(local_time(tested_at)):
        return "the test was in duty hours: the same day up to the next working day"
    return (
        f"the test was out of hours: the {_ordinal(policy.out_of_hours_earliest_working_days)} "
        f"to the {_ordinal(policy.out_of_hours_latest_working_days)} working day after"
    )


def follow_up_deadline(
    initial_assessment: date,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> date:
    """The 5th working day after the initial assessment: the latest day an RA4 may set (004 IE3)."""
    policy = policy or DEFAULT_POLICY
    return (calendar or DEFAULT_CALENDAR).add_working_days(
        initial_assessment, policy.follow_up_working_days
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
