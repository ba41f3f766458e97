"""Three-way merge of a pushed record against the server's copy and their common base.

Pure functions of plain values: no database, no clock. The unit of merging is a top-level key
of ``fields`` (``app.sync.units``, shared with the client's rebase) — except inside a ``form``'s ``answers``, where each answer is its own unit
(``answers.test_outcome``), so two workers filling different questions of one form both win.

The winner rule when both sides changed the same unit differently: **the server's version
wins** ("theirs", the version a colleague already synced), so nothing already shared changes
silently; the pushing worker's value is kept in the conflict and shown to them on the next
sync to confirm or change. Deletion is a unit too: a deletion against a concurrent edit (or an
edit against a concurrent deletion) is a conflict on ``_deleted`` with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.sync import units
from app.sync.units import DELETED_UNIT, MISSING, same

__all__ = ["DELETED_UNIT", "MISSING", "FieldConflict", "MergeResult", "Version", "merge", "same"]
WINNER_THEIRS = "theirs"


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


def flatten(version: Version, split_answers: bool) -> dict[str, Any]:
    return units.flatten(version.deleted, version.fields, split_answers)


def unflatten(flat: dict[str, Any]) -> Version:
    return Version(*units.unflatten(flat))


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
