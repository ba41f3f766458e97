"""Working days: not a Saturday, not a Sunday, not an England & Wales bank holiday.

The holidays come from the maintained `holidays` package (GB, subdivision ENG, which has the
same bank holidays as Wales), substitute days included: in 2026 Boxing Day falls on a
Saturday, so Monday 28 December is the holiday.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def england_and_wales_bank_holidays() -> Container[date]:
    # The package's calendar expands to new years on demand, so one instance serves every year.
    return holidays.country_holidays("GB", subdiv="ENG")


class WorkingDayCalendar:
    """Working-day arithmetic over a holiday calendar (injectable, so tests can pin one)."""

    def __init__(self, bank_holidays: Container[date] | None = None) -> None:
        self._holidays = (
            bank_holidays if bank_holidays is not None else england_and_wales_bank_holidays()
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def bank_holiday(self, day: date) -> str | None:
        """The bank holiday's name ("Boxing Day (substitute day)") when `day` is one, else
        None; an injected calendar without names says "a bank holiday"."""
        if day not in self._holidays:
            return None
        getter = getattr(self._holidays, "get", None)
        name = getter(day) if callable(getter) else None
        return str(name) if name else "a bank holiday"

    def describe(self, day: date) -> str:
        """'Monday 28 December 2026 (a bank holiday: Boxing Day (substitute day))': a day in a
        message, named as a bank holiday when it is one."""
        from app.forms.times import describe_date

        name = self.bank_holiday(day)
        text = describe_date(day)
        if name is None:
            return text
        return f"{text} (a bank holiday{'' if name == 'a bank holiday' else ': ' + name})"

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day strictly after `day` (n >= 1)."""
        if n < 1:
            raise ValueError(f"n must be 1 or more, not {n}")
        count = 0
        while count < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return day

    def next_working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall in (start, end]; 0 when end <= start."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


DEFAULT_CALENDAR = WorkingDayCalendar()


def is_working_day(d: date, calendar: WorkingDayCalendar | None = None) -> bool:
    """True unless `d` is a Saturday, a Sunday or an England & Wales bank holiday."""
    return (calendar or DEFAULT_CALENDAR).is_working_day(d)


def add_working_days(d: date, n: int, calendar: WorkingDayCalendar | None = None) -> date:
    """The n-th working day strictly after `d`, n >= 1 (add_working_days(Fri, 1) is Mon)."""
    return (calendar or DEFAULT_CALENDAR).add_working_days(d, n)
