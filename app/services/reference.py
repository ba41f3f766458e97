"""Reference data as this workstation sees it: the bundled files, replaced document by document
by newer versions pulled from the central store, and the team leader's local policy changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import UserFacingError
from app.forms.policy import LocalPolicy
from app.forms.reference import ReferenceData
from app.services.workspace import Workspace
from app.storage import audit
from app.storage.models import ReferenceDocument, Setting

POLICY_OVERRIDES = "policy_overrides"
_bundled: ReferenceData | None = None


def bundled() -> ReferenceData:
    global _bundled
    if _bundled is None:
        _bundled = ReferenceData.load()
    return _bundled


def reference_data(ws: Workspace) -> ReferenceData:
    cached = getattr(ws, "_reference", None)
    if cached is not None:
        return cached
    with ws.store.session() as s:
        pulled = {d.name: d.payload for d in s.scalars(select(ReferenceDocument))}
        overrides = s.get(Setting, POLICY_OVERRIDES)
    data = bundled().replace(**pulled) if pulled else bundled()
    if overrides and overrides.value:
        data = data.replace(policy={**data.documents["policy"], **overrides.value})
    ws._reference = data  # type: ignore[attr-defined]
    return data


def forget_cached(ws: Workspace) -> None:
    ws._reference = None  # type: ignore[attr-defined]


def policy(ws: Workspace) -> LocalPolicy:
    return reference_data(ws).policy()


def set_policy(ws: Workspace, values: dict[str, Any]) -> LocalPolicy:
    """A team leader changes local policy on this workstation (validated before it is kept)."""
    if not ws.is_team_leader:
        raise UserFacingError("Only a team leader can change local policy.")
    merged = {**reference_data(ws).documents["policy"], **values}
    try:
        result = LocalPolicy.from_dict(merged)
    except (ValueError, TypeError) as exc:
        raise UserFacingError(f"That policy cannot be used: {exc}") from None
    with ws.store.session() as s:
        row = s.get(Setting, POLICY_OVERRIDES) or Setting(key=POLICY_OVERRIDES, value={})
        row.value = {**(row.value or {}), **values}
        s.merge(row)
        audit.record(
            s,
            ws.worker,
            "administration",
            "policy",
            None,
            detail={"event": "policy_changed", "keys": sorted(values)},
        )
    forget_cached(ws)
    return result
