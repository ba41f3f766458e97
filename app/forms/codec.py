"""Typed answers <-> JSON-safe values, driven by each field's type.

Dates are ISO "YYYY-MM-DD"; times "HH:MM"; datetimes ISO 8601 in UTC with the offset written
("2026-12-24T14:30:00+00:00"); a naive datetime is UK local time. Decoded datetimes come back
aware, in Europe/London, so `.date()` is the UK calendar day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from app.forms.fields import Field
from app.forms.times import to_local, to_utc


class AnswerTypeError(ValueError):
    """An answer cannot be stored as its field's type; the message names the field."""


def encode(field: Field, value: Any) -> Any:
    if value is None:
        return None
    encoder = _ENCODERS[field.type]
    try:
        return encoder(value)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise AnswerTypeError(f"{field.label}: cannot store {value!r} as {field.type}") from exc


def decode(field: Field, raw: Any) -> Any:
    if raw is None:
        return None
    try:
        return _DECODERS[field.type](raw)
    # OverflowError: an instant at the very edge of the calendar (0001-01-01T00:00:00+00:00)
    # has no UK local time.
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise AnswerTypeError(f"{field.label}: cannot read {raw!r} as {field.type}") from exc


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not yes or no")
    return value


def _encode_date(value: Any) -> str:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError("not a date")
    return value.isoformat()


def _encode_datetime(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError("not a date and time")
    return to_utc(value).isoformat()


def _decode_datetime(raw: Any) -> datetime:
    return to_local(datetime.fromisoformat(_text(raw)))


def _encode_time(value: Any) -> str:
    if not isinstance(value, time):
        raise TypeError("not a time")
    return value.strftime("%H:%M")


def _list_of_text(value: Any) -> list[str]:
    if isinstance(value, str | bytes) or not all(isinstance(v, str) for v in value):
        raise TypeError("not a list of values")
    return list(value)


def _results(value: Any) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TypeError("not a mapping of substance to result")
    return dict(value)


_ENCODERS = {
    "text": _text,
    "multiline": _text,
    "int": _int,
    "bool": _bool,
    "date": _encode_date,
    "datetime": _encode_datetime,
    "time": _encode_time,
    "choice": _text,
    "multi_choice": _list_of_text,
    "substance_results": _results,
}

_DECODERS = {
    **_ENCODERS,
    "date": lambda raw: date.fromisoformat(_text(raw)),
    "datetime": _decode_datetime,
    "time": lambda raw: time.fromisoformat(_text(raw)),
}
