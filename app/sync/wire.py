"""The wire contract: which record types cross between a workstation and the central store,
their fields, and what each field may hold (docs/sync-protocol.md 4.1).

Declared once, here, in plain Python: the client builds its push records from these field
names (``app.sync.records``), checks what it pulls against them (``app.sync.apply``), and the
central store refuses any pushed record that breaks them (``central.contract``). Form answers
are checked against the form definitions themselves (``app.forms``; ``central.answers``).

Limits are set so that nothing a record may hold can overflow a column on the central store or
on a workstation (the local column sizes in ``app.storage.models``), and so that every date a
report or the history reads is a real date in a sane range.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

# Dates and times outside these years are typing errors or corrupt data, never real events:
# refusing them keeps every report's month arithmetic and every date widget safe.
MIN_YEAR, MAX_YEAR = 1900, 2099
MAX_TEXT = 20_000  # any free-text value (answers, notice wording)
MAX_KEY = 200  # any object key inside free JSON (notice content, audit detail)
MAX_DEPTH = 32
MAX_INT = 2**53  # exact in every JSON reader
MAX_RECORD_BYTES = 1_000_000  # one record, as JSON; a batch is limited separately (413)

APPOINTMENT_KINDS = ("initial", "follow_up", "annex_e")
APPOINTMENT_STATUSES = ("booked", "cancelled", "varied")
EPISODE_STATUSES = ("open", "closed")
FORM_STATUSES = ("draft", "complete", "issued")


@dataclass(frozen=True)
class Problem:
    """Why a value breaks the contract: a machine code and a sentence for a person."""

    code: str
    message: str


@dataclass(frozen=True)
class Kind:
    """What one field may hold. ``choices`` for enum-like text (a function, so the form list
    is read only when first needed), ``ref`` for the record type an id must name,
    ``max_length`` for text; ``nullable`` allows null (and absence)."""

    name: str
    label: str
    required: bool = False
    nullable: bool = True
    max_length: int | None = None
    choices_from: Callable[[], tuple[str, ...]] | None = None
    ref: str | None = None
    minimum: int = 0
    maximum: int = MAX_INT

    @property
    def choices(self) -> tuple[str, ...]:
        return self.choices_from() if self.choices_from else ()


def text(label: str, max_length: int, required: bool = False) -> Kind:
    return Kind("text", label, required, not required, max_length)


def choice(label: str, choices: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> Kind:
    source = choices if callable(choices) else (lambda: choices)
    return Kind("choice", label, True, False, choices_from=source)


def ref(label: str, record_type: str, required: bool = False) -> Kind:
    return Kind("ref", label, required, not required, ref=record_type)


def moment(label: str, required: bool = False) -> Kind:
    return Kind("datetime", label, required, not required)


@cache
def form_keys() -> tuple[str, ...]:
    from app.forms.registry import FORMS

    return tuple(FORMS)


@cache
def notice_kinds() -> tuple[str, ...]:
    """A notice is the frozen print of a printable form (RA1, RA2, RA4, RA5, the DT1)."""
    from app.forms.registry import FORMS

    return tuple(k for k, f in FORMS.items() if f.printable)


@cache
def audit_actions() -> tuple[str, ...]:
    from app.storage.audit import ACTIONS

    return ACTIONS


def _contract() -> dict[str, dict[str, Kind]]:
    worker = "id of the worker"
    return {
        "person": {
            "family_name": text("family name", 120),
            "given_names": text("given names", 120),
            "date_of_birth": Kind("date", "date of birth"),
            "pnc_id": text("PNC ID", 20),
            "postcode": text("postcode", 10),
        },
        "episode": {
            "person_id": ref("person", "person", required=True),
            "custody_record_number": text("custody record number", 40),
            "arrived_at": moment("arrival time"),
            "status": choice("episode status", EPISODE_STATUSES),
            "closed_at": moment("time closed"),
            "created_by": text(worker, 36),
        },
        "form": {
            "episode_id": ref("episode", "episode", required=True),
            "form_key": choice("form", form_keys),
            "form_version": Kind("int", "form version", True, False, minimum=1, maximum=1000),
            "answers": Kind("object", "answers", True, False),
            "status": choice("form status", FORM_STATUSES),
        },
        "notice": {
            "episode_id": ref("episode", "episode", required=True),
            "kind": choice("notice kind", notice_kinds),
            "reference": text("notice reference", 40, required=True),
            "form_record_id": ref("form", "form"),
            "varies_notice_id": ref("notice varied", "notice"),
            "content": Kind("object", "notice content", True, False),
            "issued_at": moment("time issued", required=True),
            "issued_by": text(worker, 36),
        },
        "appointment": {
            "episode_id": ref("episode", "episode", required=True),
            "kind": choice("appointment kind", APPOINTMENT_KINDS),
            "at": moment("appointment time", required=True),
            "place": text("place", 2000),
            "cjit_id": text("CJIT", 40),
            "notice_id": ref("notice", "notice"),
            "status": choice("appointment status", APPOINTMENT_STATUSES),
        },
        "audit_event": {
            "seq": Kind("int", "sequence number", True, False, minimum=1, maximum=2**31 - 1),
            "at": moment("time", required=True),
            "actor_id": text(worker, 36),
            "actor": text("worker", 64, required=True),
            "action": choice("action", audit_actions),
            "record_type": text("record type", 30),
            "record_id": text("record id", 36),
            "reason": text("reason", 2000),
            "detail": Kind("object", "detail", True, False),
            "prev_hash": Kind("hash", "previous hash", True, False),
            "hash": Kind("hash", "hash", True, False),
        },
    }


FIELDS: dict[str, dict[str, Kind]] = _contract()
RECORD_TYPES: tuple[str, ...] = tuple(FIELDS)
# Types that only ever get appended: a notice once issued, an audit event once written.
APPEND_ONLY_TYPES: frozenset[str] = frozenset({"notice", "audit_event"})

_HASH = re.compile(r"^[0-9a-f]{64}$")


def check(kind: Kind, value: Any, walk: bool = True) -> Problem | None:
    """Whether ``value`` may stand in a field of this kind (None: it may). ``walk=False``
    skips walking free JSON already checked whole (the central store's record shape)."""
    if value is None:
        if kind.nullable:
            return None
        return Problem("missing_field", f"The {kind.label} is missing.")
    if not walk and kind.name == "object" and isinstance(value, dict):
        return None
    return _CHECKS[kind.name](kind, value)


def _text(kind: Kind, value: Any) -> Problem | None:
    if not isinstance(value, str):
        return Problem("wrong_type", f"The {kind.label} must be text.")
    if kind.required and not value.strip():
        return Problem("missing_field", f"The {kind.label} is empty.")
    if kind.max_length is not None and len(value) > kind.max_length:
        return Problem(
            "too_long", f"The {kind.label} must be at most {kind.max_length} characters."
        )
    return None


def _choice(kind: Kind, value: Any) -> Problem | None:
    if not isinstance(value, str) or value not in kind.choices:
        return Problem(
            "not_allowed", f"The {kind.label} must be one of: {', '.join(kind.choices)}."
        )
    return None


def _ref(kind: Kind, value: Any) -> Problem | None:
    if not is_uuid(value):
        return Problem("wrong_type", f"The {kind.label} must be a record id (a UUID).")
    return None


def _int(kind: Kind, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem("wrong_type", f"The {kind.label} must be a whole number.")
    if not kind.minimum <= value <= kind.maximum:
        return Problem(
            "out_of_range", f"The {kind.label} must be from {kind.minimum} to {kind.maximum}."
        )
    return None


def _date(kind: Kind, value: Any) -> Problem | None:
    parsed = parse_date(value)
    if parsed is None:
        return Problem("wrong_type", f"The {kind.label} must be a date such as 1990-05-17.")
    return _year(kind, parsed.year)


def _datetime(kind: Kind, value: Any) -> Problem | None:
    parsed = parse_datetime(value)
    if parsed is None:
        return Problem(
            "wrong_type",
            f"The {kind.label} must be a date and time with its offset, such as "
            "2026-04-02T19:58:00+00:00.",
        )
    return _year(kind, parsed.year)


def _year(kind: Kind, year: int) -> Problem | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Problem(
            "out_of_range", f"The {kind.label} must fall between {MIN_YEAR} and {MAX_YEAR}."
        )
    return None


def _object(kind: Kind, value: Any) -> Problem | None:
    if not isinstance(value, dict):
        return Problem("wrong_type", f"The {kind.label} must be an object.")
    return check_json(value, kind.label)


def _hash(kind: Kind, value: Any) -> Problem | None:
    if not isinstance(value, str) or not _HASH.match(value):
        return Problem("wrong_type", f"The {kind.label} must be 64 hexadecimal digits.")
    return None


_CHECKS = {
    "text": _text,
    "choice": _choice,
    "ref": _ref,
    "int": _int,
    "date": _date,
    "datetime": _datetime,
    "object": _object,
    "hash": _hash,
}


def check_json(value: Any, label: str) -> Problem | None:
    """Free JSON (notice content, audit detail): bounded depth, keys, text and numbers.
    Walked without recursion, so no depth can exhaust the stack."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str:
            problem = text_problem(item, label)
        elif kind is dict or kind is list:
            if depth >= MAX_DEPTH:
                return Problem("too_deep", f"The {label} is nested deeper than {MAX_DEPTH} levels.")
            problem = _keys_problem(item, label) if kind is dict else None
            deeper = depth + 1
            for sub in item.values() if kind is dict else item:
                stack.append((sub, deeper))
        else:
            problem = _scalar_problem(item, label)
        if problem is not None:
            return problem
    return None


def _keys_problem(item: dict[Any, Any], label: str) -> Problem | None:
    for key in item:
        if type(key) is not str or len(key) > MAX_KEY:
            return Problem("too_long", f"The {label} has a key longer than {MAX_KEY} characters.")
        if problem := text_problem(key, label):
            return problem
    return None


def _scalar_problem(item: Any, label: str) -> Problem | None:
    if item is None or isinstance(item, bool):
        return None
    if isinstance(item, int):
        ok = abs(item) <= MAX_INT
        return None if ok else Problem("out_of_range", f"The {label} holds a number too large.")
    if isinstance(item, float):
        ok = math.isfinite(item)
        return None if ok else Problem("wrong_type", f"The {label} holds a non-finite number.")
    return Problem("wrong_type", f"The {label} holds a value that is not JSON.")


def text_problem(value: str, label: str, max_length: int = MAX_TEXT) -> Problem | None:
    """Text any database can keep: no NUL, no lone surrogates, not absurdly long."""
    if len(value) > max_length:
        return Problem("too_long", f"The {label} holds text longer than {max_length} characters.")
    if "\x00" in value:
        return Problem("wrong_type", f"The {label} contains the NUL character.")
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return Problem("wrong_type", f"The {label} is not valid Unicode (lone surrogates).")
    return None


def is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def parse_date(value: Any) -> date | None:
    """An ISO calendar date ``YYYY-MM-DD``, nothing else."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 date and time WITH its UTC offset (what workstations write), else None."""
    if not isinstance(value, str) or not 16 <= len(value) <= 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
