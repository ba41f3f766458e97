"""Reading dates and times as a worker types them at the keyboard (no Qt here: tested alone).

Full forms are always accepted ("17/05/1990", "24/11/2026 15:00"). The short forms save most
of the keystrokes a shift spends on dates (issue 14: five full date-times were 35% of them):

- ``n`` / ``now``: the current date and time (a date field: today);
- ``t`` / ``today``: today (a date-time field: today at the time typed after it, or now);
- ``y`` / ``yesterday``;
- ``+5`` / ``-2``: five working days on / two back (weekends and bank holidays skipped, the
  calendar the rules use), optionally followed by a time: ``+5 10:00``, ``+1 14``;
- ``1500``, ``15:00`` or ``15`` alone in a date-time field: today at that time;
- ``170590`` or ``17051990`` (no separators), ``17/5`` (this year), ``17/5/90``;
- a two-digit year in a plain date field (a date of birth, a conviction: always the past)
  is the latest such year not after today, so ``01/01/65`` is 1965, not 2065; in a date-time
  (arrivals, tests, appointments: this century) it is 20yy.

The editor turns what was typed into the full form when the worker leaves the field, so what
is saved and shown is never a short form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from app.forms.times import LONDON
from app.forms.working_days import DEFAULT_CALENDAR, WorkingDayCalendar

_DAY_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?$")
_RELATIVE = re.compile(r"^([+-])(\d{1,3})$")
_WORDS = {"t": 0, "today": 0, "n": 0, "now": 0, "y": -1, "yesterday": -1}


class EntryClock:
    """What "now" and "working day" mean for the editors: the workspace's clock (pinned in
    tests) and the rules' calendar, set by the screen that owns the editors."""

    def __init__(
        self,
        now: Callable[[], datetime] | None = None,
        calendar: WorkingDayCalendar | None = None,
    ) -> None:
        self.now_fn = now or (lambda: datetime.now(LONDON))
        self.calendar = calendar or DEFAULT_CALENDAR

    def now(self) -> datetime:
        return self.now_fn().astimezone(LONDON).replace(second=0, microsecond=0)

    def today(self) -> date:
        return self.now().date()


def parse_date(text: str, clock: EntryClock | None = None, past: bool = False) -> date:
    """A date from what was typed; ValueError when it cannot be read."""
    clock = clock or EntryClock()
    text = text.strip().lower()
    if text in _WORDS:
        return clock.today() + timedelta(days=_WORDS[text])
    if m := _RELATIVE.match(text):
        return _working_days(clock, int(m.group(2)) * (1 if m.group(1) == "+" else -1))
    if text.isdigit() and len(text) in (6, 8):
        text = f"{text[:2]}/{text[2:4]}/{text[4:]}"
    if m := _DAY_MONTH.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        today = clock.today()
        if year is None:
            return date(today.year, month, day)
        if len(year) == 4:
            return date(int(year), month, day)
        found = date(2000 + int(year), month, day)
        if past and found > today:
            found = date(1900 + int(year), month, day)
        return found
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return date.fromisoformat(text)
    raise ValueError(text)


def _working_days(clock: EntryClock, n: int) -> date:
    if n > 0:
        return clock.calendar.add_working_days(clock.today(), n)
    day = clock.today()
    for _ in range(-n):
        day -= timedelta(days=1)
        while not clock.calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def parse_time(text: str) -> time:
    text = text.strip()
    if re.match(r"^\d{1,2}$", text):
        return time(int(text), 0)
    if m := re.match(r"^(\d{1,2})[:.]?(\d{2})$", text):
        return time(int(m.group(1)), int(m.group(2)))
    raise ValueError(text)


def parse_datetime(text: str, clock: EntryClock | None = None) -> datetime:
    """A date and time (UK local); ValueError when it cannot be read."""
    clock = clock or EntryClock()
    parts = text.strip().lower().split()
    if len(parts) == 1 and parts[0] in ("n", "now"):
        return clock.now()
    if len(parts) == 1:
        if parts[0] in _WORDS or _RELATIVE.match(parts[0]):
            # a day alone ("t", "+1"): at the current time of day
            day = parse_date(parts[0], clock)
            return datetime.combine(day, clock.now().time()).replace(tzinfo=LONDON)
        try:
            at = parse_time(parts[0])
        except ValueError:
            raise ValueError(text) from None
        return datetime.combine(clock.today(), at).replace(tzinfo=LONDON)
    if len(parts) != 2:
        raise ValueError(text)
    day = parse_date(parts[0], clock)
    return datetime.combine(day, parse_time(parts[1])).replace(tzinfo=LONDON)
