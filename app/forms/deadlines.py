"""Deadlines after court (000 §2.4) and after a missed Annex E appointment, as pure functions.

- Remanded in custody: the assessment details go to the receiving prison within 24 hours of
  the remand decision (000 §2.4). The deadline is an instant: 24 real hours, so a remand at
  10:00 on the Saturday the clocks go back is due at 09:00 local time on Sunday.
- Restriction on Bail: the assessment takes place within 3 working days of the bail decision
  (000 §2.4), counted like every other working-day window here (not a Saturday, a Sunday or
  an England & Wales bank holiday; `app.forms.working_days`): the 3rd working day strictly
  after the day of the decision is the last allowed day.
- Annex E non-engagement: when the first appointment is missed, another is offered within 5
  working days of the missed one *(decision: the issue's words; the handbook gives no number)*.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.forms.times import local_date, to_local
from app.forms.working_days import DEFAULT_CALENDAR, WorkingDayCalendar

PRISON_REFERRAL_HOURS = 24
RESTRICTION_ON_BAIL_WORKING_DAYS = 3
ANNEX_E_SECOND_APPOINTMENT_WORKING_DAYS = 5
ROB_APPOINTMENT_INTERVAL = timedelta(days=7)  # "weekly appointments while on bail" (000 §2.4)


def prison_referral_deadline(
    remanded_at: datetime, *, hours: int = PRISON_REFERRAL_HOURS
) -> datetime:
    """The instant by which the receiving prison must have the assessment details: `hours`
    (24) real hours after the remand decision, in UK local time (naive = UK local)."""
    if hours < 1:
        raise ValueError(f"hours must be 1 or more, not {hours}")
    return _plus_hours(remanded_at, hours)


def _plus_hours(moment: datetime, hours: int) -> datetime:
    # Arithmetic on an aware datetime in a zone with DST is wall-clock arithmetic in Python;
    # go through UTC so "24 hours" is 24 real hours across a clock change.
    return to_local(to_local(moment).astimezone(UTC) + timedelta(hours=hours))


def restriction_on_bail_deadline(
    bail_decided: date | datetime,
    *,
    calendar: WorkingDayCalendar | None = None,
    working_days: int = RESTRICTION_ON_BAIL_WORKING_DAYS,
) -> date:
    """The last day for the Restriction on Bail assessment: the 3rd working day strictly
    after the UK day of the bail decision (a datetime is placed on its UK local day)."""
    day = local_date(bail_decided) if isinstance(bail_decided, datetime) else bail_decided
    return (calendar or DEFAULT_CALENDAR).add_working_days(day, working_days)


def annex_e_second_appointment_deadline(
    missed: date | datetime, *, calendar: WorkingDayCalendar | None = None
) -> date:
    """The last day for the additional Annex E appointment after the first was missed."""
    day = local_date(missed) if isinstance(missed, datetime) else missed
    return (calendar or DEFAULT_CALENDAR).add_working_days(
        day, ANNEX_E_SECOND_APPOINTMENT_WORKING_DAYS
    )
