"""How an answer reads on paper, driven by its field's type: choice values by their labels,
moments with the day of the week ("Thursday 31 December 2026 at 10:00"), yes/no in words."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from app.forms.facts import positive_substances
from app.forms.fields import SUBSTANCE_RESULTS, Field
from app.forms.reference import ReferenceData
from app.forms.times import describe_datetime


def choice_label(field: Field, value: str, reference: ReferenceData) -> str:
    """The label a worker picked from; a value no longer listed prints as stored."""
    if field.choices_source:
        pairs = reference.choices(field.choices_source, include_retired=True)
    else:
        pairs = list(field.choices)
    return dict(pairs).get(value, value)


def describe(field: Field, value: Any, reference: ReferenceData) -> list[str]:
    """The printed lines of one answer (an address keeps its line breaks)."""
    if value is None or value == "" or value == [] or value == {}:
        return []
    kind = field.type
    if kind == "bool":
        return ["Yes" if value else "No"]
    if kind == "datetime" and isinstance(value, datetime):
        return [describe_datetime(value)]
    if kind == "date" and isinstance(value, date):
        # A date-only answer is a record (a date of birth), not a day to attend: no weekday.
        return [f"{value.day} {value:%B %Y}"]
    if kind == "time" and isinstance(value, time):
        return [value.strftime("%H:%M")]
    if kind == "choice":
        return _choice_lines(field, str(value), reference)
    if kind == "multi_choice":
        return [", ".join(choice_label(field, str(v), reference) for v in value)]
    if kind == "substance_results":
        return substance_lines(value, reference)
    return [line for line in str(value).splitlines() if line.strip()] or [str(value)]


def _choice_lines(field: Field, value: str, reference: ReferenceData) -> list[str]:
    lines = [choice_label(field, value, reference)]
    if field.choices_source == "spoc_directory":
        # The person must be able to ring the CJIT that will assess them (004 IE1).
        cjit = reference.spoc(value) or {}
        if cjit.get("phone"):
            lines.append(f"Telephone {cjit['phone']}")
    return lines


def substance_lines(results: dict[str, str], reference: ReferenceData) -> list[str]:
    labels = dict(reference.choices("tested_substances"))
    outcomes = dict(SUBSTANCE_RESULTS)
    return [f"{labels.get(k, k)}: {outcomes.get(v, v)}" for k, v in results.items()]


def positives(dt1: Any, reference: ReferenceData) -> list[str]:
    """The labels of the substances a DT1 is positive for (`facts.positive_substances`: none
    unless the test was completed)."""
    labels = dict(reference.choices("tested_substances"))
    return [labels.get(k, k) for k in positive_substances(dt1)]
