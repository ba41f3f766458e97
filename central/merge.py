"""Three-way merge of a pushed record against the server's copy and their common base.

Pure functions of plain values: no database, no clock. The unit of merging is a top-level key
of ``fields`` — except inside a ``form``'s ``answers``, where each answer is its own unit
(``answers.test_outcome``), so two workers filling different questions of one form both win.

The winner rule when both sides changed the same unit differently: **the server's version
wins** ("theirs", the version a colleague already synced), so nothing already shared changes
silently; the pushing worker's value is kept in the conflict and shown to them on the next
sync to confirm or change. Deletion is a unit too: a deletion against a concurrent edit (or an
edit against a concurrent deletion) is a conflict on ``_deleted`` with the same rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from central.record_types import FORM_ANSWERS_FIELD

DELETED_UNIT = "_deleted"
WINNER_THEIRS = "theirs"


class _Missing:
    """A key absent on one side: distinct from an explicit null."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Version:
    deleted: bool
    fields: dict[str, Any]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    yours: Any  # MISSING when the pushing side removed the key
    theirs: Any
    winner: str = WINNER_THEIRS


@dataclass(frozen=True)
class MergeResult:
    version: Version
    conflicts: list[FieldConflict] = field(default_factory=list)


def same(a: Any, b: Any) -> bool:
    """JSON equality: ``True`` and ``1`` differ here, unlike in Python."""
    if a is MISSING or b is MISSING:
        return a is b
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def flatten(version: Version, split_answers: bool) -> dict[str, Any]:
    units = {DELETED_UNIT: version.deleted}
    for key, value in version.fields.items():
        if split_answers and key == FORM_ANSWERS_FIELD and isinstance(value, dict):
            for answer_key, answer in value.items():
                units[f"{FORM_ANSWERS_FIELD}.{answer_key}"] = answer
            # Keep a marker so an empty answers object survives the round trip.
            units[FORM_ANSWERS_FIELD] = {}
        else:
            units[key] = value
    return units


def unflatten(units: dict[str, Any]) -> Version:
    fields: dict[str, Any] = {}
    prefix = f"{FORM_ANSWERS_FIELD}."
    answers: dict[str, Any] | None = None
    for key, value in units.items():
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
    return Version(deleted=bool(units.get(DELETED_UNIT, False)), fields=fields)


def merge(
    base: Version | None, theirs: Version, yours: Version, split_answers: bool
) -> MergeResult:
    """``base`` None means no common ancestor is known: every difference is a conflict."""
    b = flatten(base, split_answers) if base is not None else {}
    t = flatten(theirs, split_answers)
    y = flatten(yours, split_answers)
    merged: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for unit in sorted(set(b) | set(t) | set(y)):
        bv, tv, yv = b.get(unit, MISSING), t.get(unit, MISSING), y.get(unit, MISSING)
        if same(yv, tv) or same(yv, bv):
            merged[unit] = tv
        elif same(tv, bv):
            merged[unit] = yv
        else:
            merged[unit] = tv
            conflicts.append(FieldConflict(unit, yours=yv, theirs=tv))
    deletion = _deletion_conflict(b, t, y, merged, conflicts)
    if deletion is not None:
        conflicts.append(deletion)
    return MergeResult(unflatten(merged), conflicts)


def _deletion_conflict(
    b: dict[str, Any],
    t: dict[str, Any],
    y: dict[str, Any],
    merged: dict[str, Any],
    conflicts: list[FieldConflict],
) -> FieldConflict | None:
    """One side deleted while the other edited: keep the server's state, ask the worker."""
    if t[DELETED_UNIT] == y[DELETED_UNIT] or any(c.field == DELETED_UNIT for c in conflicts):
        return None
    base_deleted = b.get(DELETED_UNIT, False)
    # The side that did not touch the deletion flag: did it edit anything?
    editor = t if y[DELETED_UNIT] != base_deleted else y
    keys = (set(editor) | set(b)) - {DELETED_UNIT}
    if not any(not same(editor.get(k, MISSING), b.get(k, MISSING)) for k in keys):
        return None
    merged[DELETED_UNIT] = t[DELETED_UNIT]
    return FieldConflict(DELETED_UNIT, yours=y[DELETED_UNIT], theirs=t[DELETED_UNIT])
