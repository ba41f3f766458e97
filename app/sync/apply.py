"""Applying pulled records to this workstation's copy (docs/sync-protocol.md 5).

Rules, in order:
- audit events are never inserted: the local audit table is this workstation's own hash-chained
  s.62 log (its own ``seq``), and other devices' events live on the central store;
- a record erased here by data minimisation stays erased (its ledger entry is updated);
- a row with unsent local edits (pending, in flight, needing attention) is never overwritten:
  the edit is pushed with its original ``base_rev`` and the server merges (5, 4.3);
- an older rev never replaces a newer one, except after a reset (``force``), when this copy of
  server data is discarded in favour of the server's (5.1);
- a record whose parent is neither here nor in the same pull is skipped (the count check
  reports it) rather than breaking the foreign keys.
Foreign keys are deferred to the commit, so a form may arrive before its episode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.storage.models import CustodyEpisode, FormRecord, SyncErased, Tombstone, Worker, utcnow
from app.sync.records import SPECS, Spec, apply_fields, parent_ids

log = logging.getLogger(__name__)
APPLY_ORDER = {name: i for i, name in enumerate(SPECS)}
REMOTE_WORKER = "A worker at another workstation"


@dataclass
class Applied:
    applied: int = 0
    kept_local: int = 0
    skipped: int = 0
    orphans: int = 0


def latest(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One version per id (the highest rev), parents' types first."""
    best: dict[str, dict[str, Any]] = {}
    for rec in records:
        if rec["id"] not in best or rec["rev"] >= best[rec["id"]]["rev"]:
            best[rec["id"]] = rec
    return sorted(best.values(), key=lambda r: (APPLY_ORDER.get(r["type"], 99), r["seq"]))


def apply_records(s: Session, records: list[dict[str, Any]], force: bool = False) -> Applied:
    s.execute(text("PRAGMA defer_foreign_keys = ON"))
    records = latest(records)
    incoming = {(r["type"], r["id"]) for r in records if not r["deleted"]}
    out = Applied()
    here = _preload(s, records)
    for rec in records:
        outcome = _apply_one(s, rec, incoming, force, here)
        setattr(out, outcome, getattr(out, outcome) + 1)
    return out


def _preload(s: Session, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows and erasure-ledger entries a pull names, one query per type and chunk rather
    than one SELECT per record (ledger entries keyed "erased:<id>")."""
    here: dict[str, Any] = {
        "erased_episodes": set(
            s.scalars(select(SyncErased.record_id).where(SyncErased.record_type == "episode"))
        )
    }
    by_type: dict[str, list[str]] = {}
    for rec in records:
        by_type.setdefault(rec["type"], []).append(rec["id"])
    for record_type, ids in by_type.items():
        spec = SPECS.get(record_type)
        if spec is None or record_type == "audit_event":
            continue
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            for row in s.scalars(select(spec.model).where(spec.model.id.in_(chunk))):
                here[row.id] = row
            for gone in s.scalars(select(SyncErased).where(SyncErased.record_id.in_(chunk))):
                here[f"erased:{gone.record_id}"] = gone
    return here


def _apply_one(
    s: Session, rec: dict[str, Any], incoming: set, force: bool, here: dict[str, Any]
) -> str:
    spec = SPECS.get(rec["type"])
    if spec is None or rec["type"] == "audit_event":
        return "skipped"
    erased = here.get(f"erased:{rec['id']}")
    if erased is not None or _parent_erased(spec, rec, here["erased_episodes"]):
        _keep_erased(s, rec, erased)
        return "skipped"
    row = here.get(rec["id"])
    if row is not None and row.sync_state != "synced":
        return "kept_local"
    if row is not None and (row.server_rev or 0) >= rec["rev"] and not force:
        return "skipped"  # this version (often our own push, echoed back) or a newer one
    if rec["deleted"]:
        return _delete(s, spec, rec, row)
    new = row is None
    if new:
        if not all(
            _exists(s, kind, pid, incoming) for kind, pid in parent_ids(spec, rec["fields"])
        ):
            log.warning("pulled %s %s skipped: its parent is not here", rec["type"], rec["id"])
            return "orphans"
        row = _new_row(spec, rec)
    if new or rec["type"] != "notice":  # an issued notice never changes once here
        for name in spec.workers:
            _ensure_worker(s, rec["fields"].get(name))
        apply_fields(spec, row, rec["fields"])
    row.server_rev, row.sync_state = rec["rev"], "synced"
    if new:
        s.add(row)  # added last: an autoflush must never see a half-filled row
    return "applied"


def _new_row(spec: Spec, rec: dict[str, Any]) -> Any:
    row = spec.model(id=rec["id"], local_rev=1)
    now = utcnow()
    if isinstance(row, CustodyEpisode):
        row.created_at = row.updated_at = now
    elif isinstance(row, FormRecord):
        row.updated_at = now
    return row


def _exists(s: Session, kind: str, record_id: str, incoming: set) -> bool:
    return (kind, record_id) in incoming or s.get(SPECS[kind].model, record_id) is not None


def _parent_erased(spec: Spec, rec: dict[str, Any], erased_episodes: set[str]) -> bool:
    return "episode_id" in spec.parents and rec["fields"].get("episode_id") in erased_episodes


def _keep_erased(s: Session, rec: dict[str, Any], erased: SyncErased | None) -> None:
    if erased is None:
        erased = SyncErased(record_id=rec["id"], record_type=rec["type"], server_rev=0)
        s.add(erased)
    erased.server_rev = max(erased.server_rev or 0, rec["rev"])
    erased.deleted = bool(rec["deleted"])


def _ensure_worker(s: Session, worker_id: Any) -> None:
    """Workers of other workstations become inactive placeholders, so 'created by' keeps
    their id (and pushing the row back never changes it) without a local account."""
    if isinstance(worker_id, str) and worker_id and s.get(Worker, worker_id) is None:
        s.add(
            Worker(
                id=worker_id,
                username=f"~{worker_id}",
                display_name=REMOTE_WORKER,
                role="worker",
                active=False,
            )
        )


def _children(s: Session, spec: Spec, record_id: str) -> int:
    total = 0
    for child in SPECS.values():
        for name, kind in child.parents.items():
            if kind == spec.type:
                column = getattr(child.model, name)
                total += s.scalar(select(func.count()).where(column == record_id)) or 0
    return total


def _delete(s: Session, spec: Spec, rec: dict[str, Any], row: Any) -> str:
    if row is not None:
        if _children(s, spec, rec["id"]):
            # Deleting would orphan local children; keep the row (the count check reports it).
            row.server_rev = rec["rev"]
            return "skipped"
        s.execute(delete(spec.model).where(spec.model.id == rec["id"]))
    stone = s.scalar(select(Tombstone).where(Tombstone.record_id == rec["id"]))
    if stone is None:
        stone = Tombstone(record_type=rec["type"], record_id=rec["id"])
        s.add(stone)
    stone.server_rev, stone.sync_state = rec["rev"], "synced"
    return "applied"
