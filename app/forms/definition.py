"""FormDefinition: one declaration from which the UI, the notices, storage and sync derive."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.forms import codec
from app.forms.context import FormContext
from app.forms.fields import (
    SUBSTANCE_RESULTS,
    Answers,
    Decision,
    Field,
    Problem,
    Section,
    answered,
    error,
)

Check = Callable[[Answers, FormContext], Iterable[Problem]]
Decider = Callable[[Answers, FormContext], Decision]
Defaults = Callable[[FormContext], dict[str, Any]]
Migration = Callable[[dict[str, Any]], dict[str, Any]]


class FormDocumentError(ValueError):
    """A stored document does not belong to this form or cannot be read."""


@dataclass(frozen=True)
class FormDefinition:
    """A business form: its sections and fields, checks, decision and storage format.

    `kind` is "notice" for the written notices given to the detainee (issued, printed with
    copies, then append-only) and "record" for everything else. `checks` are the form's own
    rules beyond "required" and "right type"; each returns problems tied to fields.
    `printable` forms have a printed document (`printing/` lays it out from the fields).
    `issue_checks` are rules that only gate issuing or printing, not the live page (e.g. a
    DT1 is printed for court once the RA1 it records is issued). `migrations[v]` turns the
    answers of a version-v document into version v+1 (raw JSON in, raw JSON out).
    """

    key: str
    title: str
    short_title: str
    version: int
    sections: tuple[Section, ...]
    kind: Literal["record", "notice"] = "record"
    printable: bool = False
    description: str = ""
    checks: tuple[Check, ...] = ()
    issue_checks: tuple[Check, ...] = ()
    decider: Decider | None = None
    defaults_for: Defaults | None = None
    migrations: Mapping[int, Migration] = field(default_factory=dict)
    # Who a printed copy goes to when it leaves the building ("police", "prison"...): each
    # print is then audited as a disclosure to them (DPA 2018 s.62), not as a collection.
    disclosed_to: str | None = None
    # Answers recording that something was reported to someone outside the CJIT, by field key
    # ({"reported_at": "police"}): the first time one is answered, the services audit a
    # disclosure to that recipient (s.62: "disclosure, including transfers").
    disclosures: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"Form {self.key!r} repeats field keys: {sorted(duplicates)}")

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for section in self.sections for f in section.fields)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"Form {self.key!r} has no field {key!r}")

    # -- rules --------------------------------------------------------------------------------

    def validate(self, answers: Answers, ctx: FormContext) -> list[Problem]:
        """Every problem at once: required answers, types and choices, then the form's rules."""
        problems: list[Problem] = []
        for f in self.fields:
            problems.extend(_field_problems(f, answers, ctx))
        # The form's own rules assume well-typed answers: they wait until types are fixed.
        if not any(_mistyped(f, answers) for f in self.fields):
            for check in self.checks:
                problems.extend(check(answers, ctx))
        return _unique(problems)

    def decide(self, answers: Answers, ctx: FormContext) -> Decision | None:
        return self.decider(answers, ctx) if self.decider else None

    def issuable(self, answers: Answers, ctx: FormContext) -> tuple[bool, list[Problem]]:
        """Whether the form may be issued or printed (no errors), with every problem. Drafts
        are saved whatever this says: validation informs, it never stops a worker saving."""
        problems = self.validate(answers, ctx)
        if not any(_mistyped(f, answers) for f in self.fields):
            for check in self.issue_checks:
                problems.extend(check(answers, ctx))
        problems = _unique(problems)
        return (not any(p.is_error for p in problems), problems)

    def defaults(self, ctx: FormContext) -> dict[str, Any]:
        """Suggested answers for a new form in this episode (e.g. RA1's place from the SPOC)."""
        return self.defaults_for(ctx) if self.defaults_for else {}

    # -- storage ------------------------------------------------------------------------------

    def to_json(self, answers: Answers, keep: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A versioned, JSON-safe document: {"form", "version", "answers"}. Unanswered
        questions are left out; a key the form does not know is a programming error.
        `keep` holds stored values that could not be read back (`DecodedForm.unreadable`):
        each is written back unchanged unless `answers` gives that question a new answer."""
        unknown = set(answers) - {f.key for f in self.fields}
        if unknown:
            raise KeyError(f"Form {self.key!r} has no fields {sorted(unknown)}")
        encoded = {
            f.key: codec.encode(f, answers[f.key])
            for f in self.fields
            if answers.get(f.key) is not None
        }
        for key, raw in (keep or {}).items():
            encoded.setdefault(key, raw)
        return {"form": self.key, "version": self.version, "answers": encoded}

    def migrate(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The raw answers of a stored document, brought up to this version through
        `migrations` (FormDocumentError when the document is not this form, is newer than
        this client, or a step is missing)."""
        if doc.get("form") != self.key:
            raise FormDocumentError(
                f"This document is a {doc.get('form')!r} form, not {self.key!r}."
            )
        raw = doc.get("answers") or {}
        if not isinstance(raw, Mapping):
            raise FormDocumentError(f"The {self.short_title} answers are not a set of answers.")
        raw = dict(raw)
        version = _version(doc.get("version", 1), self)
        while version < self.version:
            if version not in self.migrations:
                raise FormDocumentError(f"No migration for {self.key} version {version}.")
            raw = self.migrations[version](raw)
            version += 1
        return raw

    def decode(self, doc: Mapping[str, Any]) -> DecodedForm:
        """Typed answers field by field (issue 11.10): one answer that no longer reads as its
        field's type is left out of `answers`, kept as stored in `unreadable` and reported
        beside its field, so the rest of the form loads and nothing is overwritten."""
        raw = self.migrate(doc)
        known = {f.key: f for f in self.fields}
        answers: dict[str, Any] = {}
        unreadable: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, value in raw.items():
            if key not in known:
                answers[key] = value  # from a newer client: kept as stored
                continue
            try:
                answers[key] = codec.decode(known[key], value)
            except codec.AnswerTypeError:
                unreadable[key] = value
                problems.append(_unreadable_problem(known[key], value))
        return DecodedForm(answers, unreadable, problems)

    def from_json(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        """Typed answers from a stored document, migrating older versions first; strict:
        an answer that cannot be read raises `AnswerTypeError` (use `decode` to load a form
        for editing). Keys this version does not know (from a newer client) are kept."""
        known = {f.key: f for f in self.fields}
        return {
            k: codec.decode(known[k], v) if k in known else v for k, v in self.migrate(doc).items()
        }


@dataclass(frozen=True)
class DecodedForm:
    """A stored form read field by field: the typed `answers`, the stored values that could
    not be read (kept as stored until the worker enters a new answer) and a problem for each,
    coded "stored_value_unreadable", to show beside its field."""

    answers: dict[str, Any]
    unreadable: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _version(value: Any, form: FormDefinition) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FormDocumentError(f"The {form.short_title} document has no valid version.")
    if value > form.version:
        raise FormDocumentError(
            f"This {form.short_title} was saved by a newer version of CJIT Desk "
            f"(form version {value}); update this workstation to open it."
        )
    return value


def _unreadable_problem(f: Field, value: Any) -> Problem:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return error(
        f.key,
        f"{f.label}: the stored answer {shown} cannot be read as {_TYPE_WORDS[f.type]}. "
        "It is kept as stored until you enter the answer again.",
        "stored_value_unreadable",
    )


def _mistyped(f: Field, answers: Answers) -> bool:
    if not answered(answers, f.key):
        return False
    try:
        codec.encode(f, answers[f.key])
    except codec.AnswerTypeError:
        return True
    return False


def _field_problems(f: Field, answers: Answers, ctx: FormContext) -> list[Problem]:
    if not answered(answers, f.key):
        if f.is_required(answers):
            return [error(f.key, f"An answer is needed: {f.label}", "required")]
        return []
    if _mistyped(f, answers):
        return [error(f.key, f"{f.label}: expected {_TYPE_WORDS[f.type]}.", "type")]
    return _value_problems(f, answers[f.key], ctx)


def _value_problems(f: Field, value: Any, ctx: FormContext) -> list[Problem]:
    if f.max_length and isinstance(value, str) and len(value) > f.max_length:
        return [
            error(
                f.key,
                f"{f.label}: at most {f.max_length} characters, not {len(value)}.",
                "too_long",
            )
        ]
    if f.type == "int" and value < 0:  # every whole-number question is a count
        return [error(f.key, f"{f.label}: a count cannot be negative.", "negative")]
    if f.type in ("choice", "multi_choice"):
        allowed = _allowed(f, ctx)
        values = [value] if f.type == "choice" else value
        bad = [v for v in values if v not in allowed]
        if bad:
            return [
                error(
                    f.key,
                    f"{f.label}: {', '.join(map(repr, bad))} is not one of the choices.",
                    "choice",
                )
            ]
    if f.type == "substance_results":
        return _results_problems(f, value, ctx)
    return []


def _allowed(f: Field, ctx: FormContext) -> set[str]:
    if f.choices_source:
        return ctx.reference.choice_values(f.choices_source, include_retired=True)
    return {v for v, _ in f.choices}


def _results_problems(f: Field, value: Mapping[str, str], ctx: FormContext) -> list[Problem]:
    substances = ctx.reference.choice_values("tested_substances")
    outcomes = {v for v, _ in SUBSTANCE_RESULTS}
    bad = [k for k, v in value.items() if k not in substances or v not in outcomes]
    if bad:
        return [
            error(
                f.key,
                f"{f.label}: unknown substance or result for {', '.join(bad)}.",
                "results",
            )
        ]
    return []


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    return [p for p in problems if not (p in seen or seen.add(p))]


_TYPE_WORDS = {
    "text": "text",
    "multiline": "text",
    "int": "a whole number",
    "bool": "yes or no",
    "date": "a date",
    "datetime": "a date and time",
    "time": "a time",
    "choice": "one of the choices",
    "multi_choice": "a list of choices",
    "substance_results": "a result for each substance",
}
