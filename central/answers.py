"""A pushed form's answers checked against the form's own definition (``app.forms``).

A draft may be incomplete, so nothing here is a business rule (required answers, windows,
ages): only what any version of the client could have written for that form — a known
``form_version``, known answer keys, each answer decodable as its field's type by the forms
codec (``app.forms.codec``, the very code a workstation reads answers with), a fixed choice
from the field's own list, text of bounded length, dates in a sane range. Choices that come
from reference data (trigger offences, SPOCs) are only checked as text: the lists change
between releases and an old answer stays valid.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.forms.codec import AnswerTypeError, decode
from app.forms.definition import FormDefinition
from app.forms.fields import SUBSTANCE_RESULTS, Field, answered
from app.forms.registry import FORMS
from app.sync.wire import MAX_KEY, MAX_YEAR, MIN_YEAR, Problem, text_problem

ANSWERS = "answers"
_RESULT_VALUES = frozenset(value for value, _ in SUBSTANCE_RESULTS)
_EXPECTED = {
    "text": "text",
    "multiline": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date such as 1990-05-17",
    "datetime": "a date and time such as 2026-04-02T19:58:00+00:00",
    "time": "a time such as 14:30",
    "choice": "one of the choices",
    "multi_choice": "a list of choices",
    "substance_results": "a result for each substance",
}


def answer_problems(fields: dict[str, Any]) -> list[tuple[str, Problem]]:
    """(field path, problem) for each answer of a form record that no client could write."""
    definition = FORMS.get(fields.get("form_key"))  # type: ignore[arg-type]
    answers, version = fields.get(ANSWERS), fields.get("form_version")
    if definition is None or not isinstance(answers, dict) or not isinstance(version, int):
        return []  # the record-level check has refused these already
    if version > definition.version:
        return [
            (
                "form_version",
                Problem(
                    "unknown_form_version",
                    f"The {definition.short_title} form version {version} is newer than the "
                    f"central store knows ({definition.version}); the central store must be "
                    "updated first.",
                ),
            )
        ]
    try:
        migrated = definition.migrate(
            {"form": definition.key, "version": version, "answers": answers}
        )
    except Exception:  # noqa: BLE001 - a migration meeting a shape it was not written for
        return [
            (
                ANSWERS,
                Problem(
                    "wrong_type",
                    f"The {definition.short_title} answers of version {version} cannot be "
                    "brought up to the current version.",
                ),
            )
        ]
    known = _fields_of(definition)
    out = []
    for key, value in migrated.items():
        path = f"{ANSWERS}.{str(key)[:MAX_KEY]}"
        field = known.get(key) if isinstance(key, str) else None
        if field is None:
            message = f"The {definition.short_title} form has no question called '{key[:80]}'."
            out.append((path, Problem("unknown_answer", message)))
        elif problem := answer_problem(definition, field, value):
            out.append((path, problem))
    return out


def _fields_of(definition: FormDefinition) -> dict[str, Field]:
    """The questions of a form by key, made once per form definition (every pushed form of
    a shift asks; issue 16 found the push's contract check rebuilding them per record)."""
    known = _FIELDS.get(id(definition))
    if known is None or known[0] is not definition:
        known = _FIELDS[id(definition)] = (definition, {f.key: f for f in definition.fields})
    return known[1]


_FIELDS: dict[int, tuple[FormDefinition, dict[str, Field]]] = {}


def answer_problem(definition: FormDefinition, field: Field, value: Any) -> Problem | None:
    if not answered({field.key: value}, field.key):
        return None  # a draft may leave any question unanswered
    # (the words are made only for a problem: most answers have none)
    if field.type == "multi_choice" and not isinstance(value, list):
        return _wrong(definition, field)  # the codec would also take an object's keys
    if field.type in ("date", "datetime", "time") and len(str(value)) > 40:
        return _wrong(definition, field)
    try:
        decoded = decode(field, value)
    except AnswerTypeError as exc:
        if isinstance(exc.__cause__, OverflowError):  # a year 1 or 9999 instant
            return Problem(
                "out_of_range",
                f"{_label(definition, field)}: the year must be from {MIN_YEAR} to {MAX_YEAR}.",
            )
        return _wrong(definition, field)
    return _value_problem(definition, field, decoded)


def _label(definition: FormDefinition, field: Field) -> str:
    return f"{definition.short_title} › {field.label}"


def _wrong(definition: FormDefinition, field: Field) -> Problem:
    return Problem("wrong_type", f"{_label(definition, field)}: expected {_EXPECTED[field.type]}.")


def _value_problem(definition: FormDefinition, field: Field, decoded: Any) -> Problem | None:
    problem = _decoded_problem(field, decoded, "")
    if problem is None:
        return None
    # the same check again with the words (rare: only for an answer that has a problem)
    return _decoded_problem(field, decoded, _label(definition, field))


def _decoded_problem(field: Field, decoded: Any, label: str) -> Problem | None:
    if isinstance(decoded, date | datetime) and not MIN_YEAR <= decoded.year <= MAX_YEAR:
        return Problem("out_of_range", f"{label}: the year must be from {MIN_YEAR} to {MAX_YEAR}.")
    # Every whole-number question is a count (RoB appointments attended / missed): the
    # client's editor takes 0 to 10 000 000, so a negative number is no client's answer.
    if field.type == "int" and decoded < 0:
        return Problem("out_of_range", f"{label}: a count cannot be negative.")
    if field.type == "int" and decoded > 2**31 - 1:
        return Problem("out_of_range", f"{label}: the number is too large.")
    texts = _texts(field, decoded)
    for text in texts:
        if problem := text_problem(text, label):
            return problem
    if field.choices and field.type in ("choice", "multi_choice"):
        allowed = {value for value, _ in field.choices}
        if any(text not in allowed for text in texts):
            return Problem("not_allowed", f"{label}: must be one of {', '.join(sorted(allowed))}.")
    if field.type == "substance_results" and not set(decoded.values()) <= _RESULT_VALUES:
        return Problem(
            "not_allowed",
            f"{label}: each result must be one of {', '.join(sorted(_RESULT_VALUES))}.",
        )
    return None


def _texts(field: Field, decoded: Any) -> list[str]:
    if isinstance(decoded, str):
        return [decoded]
    if field.type == "multi_choice":
        return list(decoded)
    if field.type == "substance_results":
        return [*decoded.keys(), *decoded.values()]
    return []
