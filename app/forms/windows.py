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

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.forms.policy import DEFAULT_POLICY, LocalPolicy
from app.forms.times import local_date, local_time, to_local
from app.forms.working_days import DEFAULT_CALENDAR, WorkingDayCalendar


@dataclass(frozen=True)
class Window:
    """The days an appointment may fall on, the rule that set them (in words, from the
    policy's own numbers) and whether local policy sends this assessment to the CJIT's office
    (the AOT, 000 §2.3) rather than the custody suite."""

    earliest: date
    latest: date
    rule: str
    code: str  # in_hours | out_of_hours | disputed | resident_elsewhere | follow_up | annex_e
    at_office: bool


def initial_assessment_window(
    tested_at: datetime,
    *,
    resident_in_area: bool,
    disputed: bool,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> tuple[date, date]:
    """Earliest and latest allowed dates for the initial assessment (naive = UK local time)."""
    w = initial_window(
        tested_at,
        resident_in_area=resident_in_area,
        disputed=disputed,
        policy=policy,
        calendar=calendar,
    )
    return w.earliest, w.latest


def initial_window(
    tested_at: datetime,
    *,
    resident_in_area: bool,
    disputed: bool,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Window:
    """The initial assessment's window (precedence: disputed, resident elsewhere, hours)."""
    policy = policy or DEFAULT_POLICY
    cal = calendar or DEFAULT_CALENDAR
    day = local_date(tested_at)
    if disputed:
        # 000 §2.3: a disputed result -> 10 working days, at the AOT.
        n = policy.disputed_working_days
        target = cal.add_working_days(day, n)
        rule = f"the result is disputed: the {_ordinal(n)} working day after the test"
        return Window(target, target, rule, "disputed", True)
    if not resident_in_area:
        # 004 §4.1.1: the CJIT of residence within 48 hours, or the next working day.
        return _elsewhere(tested_at, policy, cal, "the test")
    if policy.in_duty_hours(local_time(tested_at)):
        # 004 §4.1.1 "within 24 hours or 1 working day"; 000 §2.3 duty 08:00-20:00.
        latest = cal.add_working_days(day, policy.in_hours_latest_working_days)
        rule = f"the test was in duty hours: {_same_day_to(policy.in_hours_latest_working_days)}"
        return Window(day, latest, rule, "in_hours", False)
    # 000 §2.3: out of hours -> the police book the CJIT diary 5-8 working days ahead, at the AOT.
    first, last = policy.out_of_hours_earliest_working_days, policy.out_of_hours_latest_working_days
    rule = (
        f"the test was out of hours: the {_ordinal(first)} to the {_ordinal(last)} "
        "working day after"
    )
    return Window(
        cal.add_working_days(day, first),
        cal.add_working_days(day, last),
        rule,
        "out_of_hours",
        True,
    )


def follow_up_window(
    initial_at: datetime,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Window:
    """004 IE3: the follow-up within five working days of the initial assessment; 000 §2.3:
    follow-ups take place at the AOT."""
    policy = policy or DEFAULT_POLICY
    start = local_date(initial_at)
    n = policy.follow_up_working_days
    rule = (
        f"the follow-up is within {n} working day{'s' if n > 1 else ''} of the initial assessment"
    )
    return Window(start, follow_up_deadline(start, policy, calendar), rule, "follow_up", True)


def identification_window(
    identified_at: datetime,
    *,
    resident_in_area: bool,
    policy: LocalPolicy | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Window:
    """Annex E (004 §4.1.1, §4.9.2 IPAE2): resident in the area -> the local CJIT "as soon as
    possible within 24 hours or 1 working day"; resident elsewhere -> the CJIT of residence
    within 48 hours, or the next working day. Counted from the test (or the arrival)."""
    policy = policy or DEFAULT_POLICY
    cal = calendar or DEFAULT_CALENDAR
    if not resident_in_area:
        return _elsewhere(identified_at, policy, cal, "identification", code="annex_e")
    day = local_date(identified_at)
    latest = cal.add_working_days(day, policy.in_hours_latest_working_days)
    rule = f"an Annex E appointment is {_same_day_to(policy.in_hours_latest_working_days)}"
    return Window(day, latest, rule, "annex_e", False)


def _elsewhere(
    since: datetime, policy: LocalPolicy, cal: WorkingDayCalendar, what: str, code: str = ""
) -> Window:
    deadline = local_date(to_local(since) + timedelta(hours=policy.out_of_area_hours))
    rule = (
        f"the person lives outside the area: the CJIT of residence within "
        f"{policy.out_of_area_hours} hours of {what}, or the next working day"
    )
    return Window(
        local_date(since),
        cal.next_working_day_on_or_after(deadline),
        rule,
        code or "resident_elsewhere",
        True,
    )


def _same_day_to(n: int) -> str:
    if n == 1:
        return "from the same day up to the next working day"
    return f"from the same day up to the {_ordinal(n)} working day after"


def window_rule(
    tested_at: datetime,
    *,
    resident_in_area: bool,
    disputed: bool,
    policy: LocalPolicy | None = None,
) -> str:
    """Which rule set the initial window, in words for a message or a notice."""
    return initial_window(
        tested_at, resident_in_area=resident_in_area, disputed=disputed, policy=policy
    ).rule


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
