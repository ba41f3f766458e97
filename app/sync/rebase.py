"""Rebasing a workstation's copy on the version the central store acknowledged (4.2).

When a push comes back ``merged``, ``conflict`` or ``unchanged``, the central store holds
something other than what was sent, and says what (``stored``). The row takes that version at
once — it does not wait for a pull that a cut connection may never deliver — and keeps only
what the worker changed *since the record was sent*, unit by unit (a top-level field, or one
answer of a form: ``app.sync.units``, the units the server merges by). Its ``server_rev``
becomes the acknowledged rev, so the next push carries just the worker's newer changes over the
right base, and a later edit can never lose to the same worker's earlier one.
"""

from __future__ import annotations

from typing import Any

from app.sync.units import MISSING, flatten, same, unflatten


def rebased(
    sent: dict[str, Any], current: dict[str, Any], stored: dict[str, Any], split_answers: bool
) -> dict[str, Any]:
    """``stored`` with every unit the worker changed between ``sent`` and ``current`` on top."""
    before = flatten(False, sent, split_answers)
    now = flatten(False, current, split_answers)
    theirs = flatten(False, stored, split_answers)
    out: dict[str, Any] = {}
    for unit in set(before) | set(now) | set(theirs):
        mine = now.get(unit, MISSING)
        changed_here = not same(mine, before.get(unit, MISSING))
        out[unit] = mine if changed_here else theirs.get(unit, MISSING)
    return unflatten(out)[1]
