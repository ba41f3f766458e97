"""Where an assessment takes place, and when a drugs worker is there.

Three kinds of place: the custody suite (the local CJIT, during detention, in duty hours every
day of the year: 000 §2.3), a CJIT's office (its SPOC-list address, open its `opening_hours`,
closed on bank holidays unless it says otherwise; the local CJIT's office is the AOT), or
somewhere else. A place is recognised from what the worker wrote: the custody suite by the
words in local policy (`custody_suite_words`), an office by its postcode or a line of its
address other than the town (so "AOT, 24-30 Castle Gate" is the AOT).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.forms.context import FormContext
from app.forms.times import local_date, local_time

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True)
class Venue:
    kind: str  # suite | office | other
    name: str  # for messages: "the custody suite", "Nottingham City CJIT's office (the AOT)"


@dataclass(frozen=True)
class Hours:
    """When a drugs worker is at a venue on one day: [opens, closes), or closed with why."""

    opens: time | None
    closes: time | None
    why_closed: str = ""

    def covers(self, wall_clock: time) -> bool:
        return (
            self.opens is not None
            and self.closes is not None
            and self.opens <= wall_clock < self.closes
        )


def venue_of(place: Any, cjit_id: str | None, ctx: FormContext) -> Venue:
    text = _squash(place)
    if text and any(_squash(w) in text for w in ctx.policy.custody_suite_words):
        return Venue("suite", "the custody suite")
    cjit = ctx.reference.spoc(cjit_id) if cjit_id else None
    if cjit and text and _is_office(text, cjit):
        return Venue("office", office_name(cjit_id, ctx))
    return Venue("other", str(place or "").strip().replace("\n", ", "))


def cjit_name(cjit_id: str | None, ctx: FormContext) -> str:
    cjit = ctx.reference.spoc(cjit_id) if cjit_id else None
    return str(cjit["name"]) if cjit else "the assessing CJIT"


def office_name(cjit_id: str | None, ctx: FormContext) -> str:
    local = " (the AOT)" if cjit_id == ctx.policy.local_cjit else ""
    return f"{cjit_name(cjit_id, ctx)}'s office{local}"


def _is_office(text: str, cjit: Mapping[str, Any]) -> bool:
    postcode = _squash(cjit.get("postcode")).replace(" ", "")
    if postcode and postcode in text.replace(" ", ""):
        return True
    lines = list(cjit.get("address_lines") or ())[:-1]  # the last line is the town
    return any(len(_squash(line)) >= 6 and _squash(line) in text for line in lines)


def hours_on(venue: Venue, cjit_id: str | None, day: date, ctx: FormContext) -> Hours:
    """When the assessing CJIT's worker is at `venue` on `day`."""
    policy = ctx.policy
    local = cjit_id == policy.local_cjit
    if venue.kind == "suite" or (venue.kind == "other" and local):
        # 000 §2.3: on duty in the custody suite 08:00-20:00 every day of the year.
        return Hours(policy.duty_start, policy.duty_end)
    return office_hours(cjit_id, day, ctx)


def office_hours(cjit_id: str | None, day: date, ctx: FormContext) -> Hours:
    cjit = ctx.reference.spoc(cjit_id) if cjit_id else None
    if cjit is None:
        return Hours(None, None, "its opening hours are not on the SPOC list")
    holiday = ctx.calendar.bank_holiday(day)
    if holiday and not cjit.get("open_on_bank_holidays"):
        return Hours(None, None, "bank_holiday")
    table = cjit.get("opening_hours")
    if not isinstance(table, Mapping):  # an older SPOC list: open days only, all day
        open_days = cjit.get("open_days") or ()
        if DAY_KEYS[day.weekday()] in open_days:
            return Hours(time(0), time(23, 59))
        return Hours(None, None, f"it is not open on {DAY_NAMES[day.weekday()]}")
    span = parse_span(table.get(DAY_KEYS[day.weekday()]))
    if span is None:
        return Hours(None, None, f"it is not open on {DAY_NAMES[day.weekday()]}")
    return Hours(*span)


def describe_opening(cjit_id: str | None, ctx: FormContext) -> str:
    """'Monday to Friday 09:00-17:00' from the SPOC list's opening hours."""
    cjit = ctx.reference.spoc(cjit_id) if cjit_id else None
    table = cjit.get("opening_hours") if cjit else None
    if not isinstance(table, Mapping):
        return str((cjit or {}).get("hours") or "hours not listed")
    spans = [(i, table.get(k)) for i, k in enumerate(DAY_KEYS) if parse_span(table.get(k))]
    parts: list[str] = []
    for i, span in spans:
        if parts and parts[-1][2] == span and parts[-1][1] == i - 1:
            parts[-1] = (parts[-1][0], i, span)
        else:
            parts.append((i, i, span))
    names = [n[:-1] for n in DAY_NAMES]
    return "; ".join(
        f"{names[a]}{'' if a == b else ' to ' + names[b]} {span}" for a, b, span in parts
    )


def parse_span(value: Any) -> tuple[time, time] | None:
    match = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", str(value or ""))
    if not match:
        return None
    try:
        opens, closes = (time.fromisoformat(t.zfill(5)) for t in match.groups())
    except ValueError:
        return None
    return (opens, closes) if opens < closes else None


def when(moment: datetime) -> tuple[date, time]:
    return local_date(moment), local_time(moment)


def _squash(text: Any) -> str:
    return " ".join(str(text or "").replace(",", " ").split()).casefold()
