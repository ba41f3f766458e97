"""Time zone helpers: times are stored in UTC and shown in UK local time (Europe/London).

A naive datetime anywhere in the forms layer means UK local time, because that is what a
worker types at the custody desk.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def to_local(moment: datetime) -> datetime:
    """The same instant in UK local time; a naive datetime is taken as already UK local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON)


def to_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken as UK local time."""
    return to_local(moment).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The UK calendar day on which an instant falls."""
    return to_local(moment).date()


def local_time(moment: datetime) -> time:
    """The UK wall-clock time of an instant (no tzinfo)."""
    return to_local(moment).time().replace(tzinfo=None)


def describe_date(day: date) -> str:
    """'Sunday 27 December 2026': the way a date is written in a message or a notice."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def describe_datetime(moment: datetime) -> str:
    """'Sunday 27 December 2026 at 14:30' in UK local time."""
    local = to_local(moment)
    return f"{describe_date(local.date())} at {local:%H:%M}"
