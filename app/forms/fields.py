"""The building blocks of a form definition: fields, sections, problems and decisions.

Everything here is plain data, so the UI can generate widgets, `printing/` can lay out a
notice and `storage/` can keep the answers, all from the same declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal[
    "text",  # one line of free text
    "multiline",  # several lines of free text (addresses, reasons)
    "int",
    "bool",  # tri-state: True (yes), False (no), None (unanswered)
    "date",
    "datetime",  # an instant; naive means UK local time, stored in UTC
    "time",
    "choice",  # one value from `choices` or `choices_source`
    "multi_choice",  # a list of values from `choices` or `choices_source`
    "substance_results",  # {tested substance key: "positive" | "negative" | "not_tested"}
]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]
Severity = Literal["error", "warning"]

SUBSTANCE_RESULTS: tuple[tuple[str, str], ...] = (
    ("positive", "Positive"),
    ("negative", "Negative"),
    ("not_tested", "Not tested"),
)


@dataclass(frozen=True)
class Field:
    """One question on a form.

    `required` is a bool or a predicate over the form's answers ("required when"); a field
    that is not visible is never required. `choices_source` names a reference-data list
    (see `ReferenceData.choices`) when the choices are data rather than code. `prefill`
    names where a pre-filled answer comes from (e.g. "history:positive_test_last_12_months",
    "appointment:initial.at"): `app.forms.prefill` and the services resolve it and the UI
    marks the answer as pre-filled. `printed` says which copies of a printed document show
    the field: True (every copy), False (none: internal notes, or what the wording already
    says) or a tuple of copy keys (e.g. ("custody_record", "cjit") for a reason the police
    and the CJIT need but the person's copy does not).
    """

    key: str
    type: FieldType
    label: str
    help: str = ""
    required: bool | Predicate = False
    visible_when: Predicate | None = None
    choices: tuple[tuple[str, str], ...] = ()
    choices_source: str | None = None
    placeholder: str = ""
    max_length: int | None = None
    printed: bool | tuple[str, ...] = True
    print_label: str | None = None
    prefill: str | None = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"Field {self.key!r} has unknown type {self.type!r}")
        if self.type in ("choice", "multi_choice") and not (self.choices or self.choices_source):
            raise ValueError(f"Field {self.key!r} needs choices or a choices_source")

    def is_visible(self, answers: Answers) -> bool:
        return self.visible_when is None or bool(self.visible_when(answers))

    def is_required(self, answers: Answers) -> bool:
        if not self.is_visible(answers):
            return False
        if callable(self.required):
            return bool(self.required(answers))
        return bool(self.required)

    @property
    def printed_label(self) -> str:
        return self.print_label or self.label

    def printed_on(self, copy: str | None = None) -> bool:
        """Whether this field is printed on `copy` (None: a document with a single copy)."""
        if isinstance(self.printed, tuple):
            return copy is None or copy in self.printed
        return bool(self.printed)


@dataclass(frozen=True)
class Section:
    """A titled group of fields, in tab order."""

    key: str
    title: str
    fields: tuple[Field, ...]
    help: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form's answers. An "error" blocks issuing; a "warning" does not.

    `code` says what kind of problem it is ("required", "window.outside", ...; listed in
    docs/forms.md), so the UI and the services act on codes, never on the wording of
    `message`. `field` is a key of this form, or "form_key.field_key" for an answer on
    another form of the episode (e.g. "custody_episode.family_name").
    """

    field: str
    severity: Severity
    message: str
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(field_key: str, message: str, code: str = "") -> Problem:
    return Problem(field_key, "error", message, code)


def warning(field_key: str, message: str, code: str = "") -> Problem:
    return Problem(field_key, "warning", message, code)


@dataclass(frozen=True)
class Decision:
    """What a rule decided and why, in sentences a worker can read back to a sergeant."""

    outcome: str
    reasons: list[str] = field(default_factory=list)
    strongest_criterion: int | None = None


def answered(answers: Answers, key: str) -> bool:
    """True when a question has an answer (False counts; None, "" and [] do not)."""
    value = answers.get(key)
    return value is not None and value != "" and value != [] and value != {}


def equals(key: str, value: Any) -> Predicate:
    """A predicate for `required`/`visible_when`: the answer to `key` is `value`."""
    return lambda answers: answers.get(key) == value


def contains(key: str, value: Any) -> Predicate:
    """A predicate: the multi-choice answer to `key` includes `value`."""
    return lambda answers: value in (answers.get(key) or ())
