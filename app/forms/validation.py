"""Checks shared by several forms: identifiers, ages, times (appointments: booking.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from app.forms.context import FormContext
from app.forms.fields import Answers, Problem, answered, error
from app.forms.times import describe_date, describe_datetime, local_date, to_local

# A few minutes' grace for a workstation clock a little behind the custody clock.
CLOCK_GRACE = timedelta(minutes=5)

# PNC ID: YY/NNNNNNL (short form) or YYYY/NNNNNNNL (long form), serial up to 7 digits.
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
# Check letter: (two-digit year followed by the serial padded to 7 digits) mod 23, indexed
# into this alphabet (no I, O or S; Z is 0). Source: the Ministry of Justice's own validator,
# github.com/ministryofjustice/hmpps-person-record, PNCIdValidator.
_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"

# UK postcode shape (outward code, space optional, inward code), plus GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def pnc_check_letter(year: str, serial: str) -> str:
    return _PNC_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def pnc_problem(value: str) -> str | None:
    """None when `value` is a well-formed PNC ID with the right check letter, else why not."""
    match = _PNC.match(value.strip().upper())
    if not match:
        return "The PNC ID should look like 12/345678A: year, slash, number, check letter."
    year, serial, letter = match.groups()
    expected = pnc_check_letter(year, serial)
    if letter != expected:
        return f"The PNC ID check letter does not match the number (expected {expected}): check it was copied correctly."
    return None


def postcode_ok(value: str) -> bool:
    return bool(_POSTCODE.match(value.strip().upper()))


def phone_ok(value: str) -> bool:
    digits = re.sub(r"[\s()-]", "", value)
    return bool(re.fullmatch(r"(\+44\d{9,10}|0\d{9,10})", digits))


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a 29 February birthday comes of age on 1 March)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def not_in_future(answers: Answers, key: str, label: str, ctx: FormContext) -> list[Problem]:
    value = answers.get(key)
    if isinstance(value, datetime) and to_local(value) > ctx.now + CLOCK_GRACE:
        return [
            error(key, f"{label} is in the future ({describe_datetime(value)}).", "time.future")
        ]
    if isinstance(value, date) and not isinstance(value, datetime) and value > ctx.today:
        return [error(key, f"{label} is in the future ({describe_date(value)}).", "time.future")]
    return []


def not_before(answers: Answers, key: str, label: str, earlier: Any, what: str) -> list[Problem]:
    value = answers.get(key)
    if (
        isinstance(value, datetime)
        and isinstance(earlier, datetime)
        and to_local(value) < to_local(earlier)
    ):
        return [
            error(
                key,
                f"{label} ({describe_datetime(value)}) is before {what} ({describe_datetime(earlier)}).",
                "time.too_early",
            )
        ]
    return []


def episode_value(ctx: FormContext, form_key: str, key: str) -> Any:
    return ctx.form(form_key).get(key)


def detainee_age(ctx: FormContext, on: date | None = None) -> int | None:
    """The detainee's age on `on` (default: day of arrival, else today), from the episode."""
    episode: Mapping[str, Any] = ctx.form("custody_episode")
    dob = episode.get("date_of_birth")
    if not isinstance(dob, date):
        return None
    arrived = episode.get("arrived_at")
    day = on or (local_date(arrived) if isinstance(arrived, datetime) else ctx.today)
    return age_on(dob, day)


def arrest_is_trigger_offence(ctx: FormContext) -> bool | None:
    """True when any arrest offence is a trigger offence on the day of arrival; None when no
    offence is recorded yet."""
    episode = ctx.form("custody_episode")
    offences = episode.get("arrest_offences") or []
    if not offences and not answered(episode, "arrest_offence_other"):
        return None
    arrived = episode.get("arrived_at")
    day = local_date(arrived) if isinstance(arrived, datetime) else ctx.today
    return any(ctx.reference.is_trigger_offence(o, on=day) for o in offences)
