"""The units a record is merged and rebased by, shared by the central store's three-way merge
(``central.merge``) and the workstation's rebase after a push (``app.sync.rebase``), so both
sides cut a record the same way.

A unit is a top-level key of ``fields`` — except inside a form's ``answers``, where each
answer is its own unit (``answers.test_outcome``) — plus ``_deleted`` for the tombstone flag.
"""

from __future__ import annotations

import json
from typing import Any

DELETED_UNIT = "_deleted"
FORM_ANSWERS_FIELD = "answers"


class _Missing:
    """A key absent on one side: distinct from an explicit null."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` and ``1`` differ here, unlike in Python."""
    if a is MISSING or b is MISSING:
        return a is b
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def flatten(deleted: bool, fields: dict[str, Any], split_answers: bool) -> dict[str, Any]:
    units = {DELETED_UNIT: deleted}
    for key, value in fields.items():
        if split_answers and key == FORM_ANSWERS_FIELD and isinstance(value, dict):
            for answer_key, answer in value.items():
                units[f"{FORM_ANSWERS_FIELD}.{answer_key}"] = answer
            # Keep a marker so an empty answers object survives the round trip.
            units[FORM_ANSWERS_FIELD] = {}
        else:
            units[key] = value
    return units


def unflatten(units: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    fields: dict[str, Any] = {}
    prefix = f"{FORM_ANSWERS_FIELD}."
    answers: dict[str, Any] | None = None
    for key, value in sorted(units.items()):
        if key == DELETED_UNIT or value is MISSING:
            continue
        if key.startswith(prefix):
            answers = answers if answers is not None else {}
            answers[key[len(prefix) :]] = value
        elif key == FORM_ANSWERS_FIELD and value == {}:
            answers = answers if answers is not None else {}
        else:
            fields[key] = value
    if answers is not None:
        fields[FORM_ANSWERS_FIELD] = dict(sorted(answers.items()))
    return bool(units.get(DELETED_UNIT, False)), fields
