"""The one check of an appointment, used by every form that books an assessment: the RA1
(initial), the RA2 (either, varied), the RA4 (follow-up) and Annex E.

In this order: the window (windows.py: 004 §4.1.1, IE3; 000 §2.3), the place (venues.py: the
AOT for out-of-hours, disputed and follow-up assessments, 000 §2.3) and whether a drugs
worker is there then (the CJIT's opening days and hours; a bank holiday named as such).

A day outside the window, or a place other than the AOT where policy wants the AOT, is an
error until a reason is recorded, then a warning coded "*.overridden" (when local policy
allows overriding). A closed office or a time when nobody is on duty is always an error: no
reason makes a drugs worker appear. A reason recorded when nothing needs it is reported
("reason.not_needed") and left off the issued notice (`reason_applies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.forms.context import FormContext
from app.forms.fields import Answers, Problem, answered, error, warning
from app.forms.times import describe_datetime, local_date, to_local
from app.forms.venues import (
    Venue,
    cjit_name,
    describe_opening,
    hours_on,
    office_name,
    venue_of,
    when,
)
from app.forms.windows import Window, follow_up_window, identification_window, initial_window

OVERRIDDEN = ("window.outside.overridden", "venue.office_required.overridden")
_ANCHOR_WORDS = {
    "initial": ("the test", "Record the time of the test on the DT1"),
    "follow_up": (
        "the start of the initial assessment",
        "Record when the initial assessment began",
    ),
    "annex_e": ("the test or arrival", "Record the arrival time on the Episode page"),
}


@dataclass(frozen=True)
class Booking:
    """What a form books: `purpose` initial | follow_up | annex_e, the answer keys of the
    time and the place, the assessing CJIT, and `anchor`, the moment the window counts
    from (the test; the start of the initial assessment; the test or the arrival)."""

    purpose: str
    at_key: str
    place_key: str
    cjit: str | None
    anchor: datetime | None
    reason_key: str = "out_of_window_reason"


def window_for(booking: Booking, ctx: FormContext) -> Window | None:
    if booking.anchor is None:
        return None
    episode, dt1 = ctx.form("custody_episode"), ctx.form("dt1")
    resident = episode.get("resident_in_area") is not False
    if booking.purpose == "follow_up":
        return follow_up_window(booking.anchor, ctx.policy, ctx.calendar)
    if booking.purpose == "annex_e":
        return identification_window(
            booking.anchor, resident_in_area=resident, policy=ctx.policy, calendar=ctx.calendar
        )
    return initial_window(
        booking.anchor,
        resident_in_area=resident,
        disputed=dt1.get("disputed") is True,
        policy=ctx.policy,
        calendar=ctx.calendar,
    )


def booking_problems(answers: Answers, ctx: FormContext, booking: Booking) -> list[Problem]:
    at = answers.get(booking.at_key)
    if not isinstance(at, datetime):
        return []
    what, how = _ANCHOR_WORDS[booking.purpose]
    window = window_for(booking, ctx)
    if window is None or booking.anchor is None:
        # An appointment nobody can check against its window is not issued.
        return [
            error(
                booking.at_key,
                f"{how} so the appointment window can be checked.",
                "window.unknown",
            )
        ]
    if to_local(at) < to_local(booking.anchor):
        return [
            error(
                booking.at_key,
                f"The appointment ({describe_datetime(at)}) is before {what} "
                f"({describe_datetime(booking.anchor)}).",
                "appointment.too_early",
            )
        ]
    venue = venue_of(answers.get(booking.place_key), booking.cjit, ctx)
    # Without an assessing CJIT its hours are unknown: that field's own problem says so.
    hard = _hours_problems(booking, at, venue, ctx) if booking.cjit else []
    found = _window_problems(booking, at, window, ctx) + _venue_problems(
        booking, venue, window, ctx
    )
    soft = [p for p in found if p.is_error]  # overridable with a recorded reason
    notes = [p for p in found if not p.is_error]
    return hard + _with_reason(soft, answers, booking, ctx) + notes


def reason_applies(problems: list[Problem]) -> bool:
    """Whether the recorded reason is what lets the appointment be issued (then printed)."""
    return any(p.code in OVERRIDDEN for p in problems)


def _window_problems(
    booking: Booking, at: datetime, window: Window, ctx: FormContext
) -> list[Problem]:
    day = local_date(at)
    if window.earliest <= day <= window.latest:
        return []
    describe = ctx.calendar.describe
    if day > window.latest:
        bound = f"the latest allowed day is {describe(window.latest)}"
    else:
        bound = f"the earliest allowed day is {describe(window.earliest)}"
    text = f"The appointment is on {describe(day)}; {bound} ({window.rule})."
    return [error(booking.at_key, text, "window.outside")]


def _venue_problems(
    booking: Booking, venue: Venue, window: Window, ctx: FormContext
) -> list[Problem]:
    wants_office = window.at_office and ctx.policy.office_for_later_assessments
    if venue.kind == "office" or (venue.kind == "suite" and not wants_office):
        return []
    office = office_name(booking.cjit, ctx)
    if wants_office:
        why = {
            "follow_up": "a follow-up assessment",
            "disputed": "the assessment of a disputed result",
            "out_of_hours": "the assessment after a test out of hours",
        }.get(window.code, "the assessment of someone living outside the area")
        return [
            error(
                booking.place_key,
                f"Local policy holds {why} at {office} (000 §2.3): set the place to its "
                "address, or record why it is elsewhere.",
                "venue.office_required",
            )
        ]
    return [
        warning(
            booking.place_key,
            f"The place is neither the custody suite nor {office}: make sure a drugs worker "
            "will be there.",
            "venue.unknown",
        )
    ]


def _hours_problems(
    booking: Booking, at: datetime, venue: Venue, ctx: FormContext
) -> list[Problem]:
    day, clock = when(at)
    hours = hours_on(venue, booking.cjit, day, ctx)
    if hours.covers(clock):
        return []
    describe = ctx.calendar.describe
    if venue.kind == "suite":
        where, opening = "no drugs worker is in the custody suite", "on duty"
    elif (
        hours.opens is not None and venue.kind == "other" and booking.cjit == ctx.policy.local_cjit
    ):
        where = f"no drugs worker of {cjit_name(booking.cjit, ctx)} is on duty"
        opening = "on duty"
    else:
        where = f"{office_name(booking.cjit, ctx)} is closed"
        opening = "open"
    if hours.why_closed == "bank_holiday":
        text = f"{describe(day)}: {office_name(booking.cjit, ctx)} is closed on bank holidays. Choose another day."
        return [error(booking.at_key, text, "hours.bank_holiday")]
    if hours.opens is None:
        text = (
            f"{office_name(booking.cjit, ctx)} is closed on {describe(day)}: {hours.why_closed} "
            f"(open {describe_opening(booking.cjit, ctx)}). Choose another day."
        )
        return [error(booking.at_key, text, "hours.closed_day")]
    span = f"{hours.opens:%H:%M}-{hours.closes:%H:%M}"
    if venue.kind == "office":
        span = describe_opening(booking.cjit, ctx)
    text = (
        f"The appointment is at {clock:%H:%M}, when {where} ({opening} {span}): choose a "
        "time within those hours."
    )
    return [error(booking.at_key, text, "hours.closed_time")]


def _with_reason(
    soft: list[Problem], answers: Answers, booking: Booking, ctx: FormContext
) -> list[Problem]:
    has_reason = answered(answers, booking.reason_key)
    if not soft:
        if has_reason:
            return [
                warning(
                    booking.reason_key,
                    "The appointment is within its window and at the expected place: the "
                    "reason recorded does not apply and will not be printed. Clear it.",
                    "reason.not_needed",
                )
            ]
        return []
    if not ctx.policy.window_override_allowed:
        return soft + [
            error(
                booking.reason_key,
                "Local policy does not allow an appointment outside its window or place: "
                "change the appointment.",
                "reason.not_allowed",
            )
        ]
    if has_reason:
        return [
            warning(p.field, p.message + " A reason is recorded.", p.code + ".overridden")
            for p in soft
        ]
    return soft + [
        error(
            booking.reason_key,
            "The appointment is outside its usual window or place: change it, or record the "
            "reason before issuing.",
            "reason.needed",
        )
    ]
