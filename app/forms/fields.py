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
    names where a pre-filled answer comes from (e.g. "history:positive_test_last_12_months")
    so the UI can mark it as pre-filled. `printed` says whether a notice shows the field.
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
    printed: bool = True
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


@dataclass(frozen=True)
class Section:
    """A titled group of fields, in tab order."""

    key: str
    title: str
    fields: tuple[Field, ...]
    help: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form's answers. An "error" blocks issuing; a "warning" does not."""

    field: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(field_key: str, message: str) -> Problem:
    return Problem(field_key, "error", message)


def warning(field_key: str, message: str) -> Problem:
    return Problem(field_key, "warning", message)


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
