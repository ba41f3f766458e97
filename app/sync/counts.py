"""The count check that ends a sync, and its repair (docs/sync-protocol.md 6).

This workstation's copy of a type is: rows that carry a server rev, tombstones it has pulled
or pushed, and the ledger of records erased by data minimisation (ids and revs only). Its
digest is SHA-256 over ``"<id>:<rev>\\n"`` sorted by id, exactly as the server computes it.

Decisions where the protocol is silent:
- A type with rows still in the outbox (pending, in flight, needing attention) is not compared:
  the difference is explained by unsent work, checked again at the next sync.
- ``audit_event`` is compared by count only, and only this workstation's share: other devices'
  events are never copied into the local hash-chained log (apply.py). If the server holds fewer
  events than this workstation has pushed, they are all pushed again (an identical replay of an
  append-only record is harmless: ``unchanged``).
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.storage.models import AuditEvent, SyncErased, Tombstone
from app.storage.store import Store
from app.sync.apply import Applied, apply_records
from app.sync.pull import fetch, stored_reference_versions
from app.sync.records import SPECS
from app.sync.transport import Transport

COMPARED = tuple(t for t in SPECS if t != "audit_event")


@dataclass(frozen=True)
class Mismatch:
    type: str
    local: dict[str, Any]
    server: dict[str, Any]

    def describe(self) -> str:
        return (
            f"{self.type}: this workstation holds {self.local.get('live', '?')} live and "
            f"{self.local.get('deleted', '?')} deleted, the central store "
            f"{self.server.get('live', '?')} and {self.server.get('deleted', '?')}"
        )


def local_copy(s: Session, record_type: str) -> dict[str, Any] | None:
    """Live/deleted counts and digest of this type, or None while the outbox holds some."""
    model = SPECS[record_type].model
    # "local" rows (an episode with nothing entered yet) are never sent and have no server
    # rev: they are neither waiting in the outbox nor part of the digest.
    unsent = s.scalar(select(func.count()).where(model.sync_state.not_in(("synced", "local"))))
    if unsent:
        return None
    # Tombstones and erasures (few) override rows; the rows themselves (418,000 forms on a
    # large store) come sorted from SQLite and are hashed as they stream: no Python sort of
    # every id, which holds the GIL the window shares with this thread for hundreds of ms.
    # Plain columns, not rows: a new workstation's ledger holds every record of the years of
    # closed episodes it never placed (~100,000 on a suite with 5 years; issue 16.5).
    overrides: dict[str, tuple[int, bool]] = {}
    stones = select(Tombstone.record_type, Tombstone.record_id, Tombstone.server_rev)
    for kind, rid, rev in s.execute(stones.where(Tombstone.sync_state == "synced")):
        if _wire(kind) == record_type and rev is not None:
            overrides[rid] = (rev, True)
    ledger = select(SyncErased.record_id, SyncErased.server_rev, SyncErased.deleted)
    for rid, rev, dead in s.execute(ledger.where(SyncErased.record_type == record_type)):
        overrides[rid] = (rev, dead)
    rows = s.execute(
        select(model.id, model.server_rev).where(model.server_rev.is_not(None)).order_by(model.id)
    )
    kept = ((rid, rev) for rid, rev in rows if rid not in overrides)
    replaced = sorted((rid, rev) for rid, (rev, _) in overrides.items())
    digest = hashlib.sha256()
    total = 0
    for rid, rev in heapq.merge(kept, replaced):
        digest.update(f"{rid}:{rev}\n".encode("ascii"))
        total += 1
    deleted = sum(1 for _, dead in overrides.values() if dead)
    return {"live": total - deleted, "deleted": deleted, "digest": digest.hexdigest()}


def _wire(name: str) -> str:
    from app.sync.records import wire_type

    return wire_type(name)


def compare(store: Store, server: dict[str, Any]) -> tuple[list[Mismatch], bool, bool]:
    """Mismatched types; whether the reference versions differ; whether audit events are short."""
    found = []
    with store.session() as s:
        for record_type in COMPARED:
            mine = local_copy(s, record_type)
            theirs = server["types"].get(record_type, {})
            if mine is not None and mine["digest"] != theirs.get("digest"):
                found.append(Mismatch(record_type, mine, theirs))
        ref_differs = stored_reference_versions(s) != {
            k: str(v) for k, v in server.get("reference", {}).items()
        }
        pushed_events = s.scalar(select(func.count()).where(AuditEvent.sync_state == "synced")) or 0
    audit_short = server["types"].get("audit_event", {}).get("live", 0) < pushed_events
    return found, ref_differs, audit_short


def _with_parents(types: list[str]) -> list[str]:
    wanted = set(types)
    for record_type in types:
        wanted |= set(SPECS[record_type].parents.values())
    return [t for t in SPECS if t in wanted]


def repair(store: Store, transport: Transport, mismatches: list[Mismatch]) -> Applied:
    """Pull the mismatched types from 0 (with their parents' types, so foreign keys hold),
    upsert everything, and put back into the outbox what the server lacks. Returns what the
    re-pull placed (and could not), with ``requeued`` rows gone back into the outbox."""
    types = _with_parents([m.type for m in mismatches])
    pages, _ = fetch(transport, 0, types=types)
    records = [r for page in pages for r in page["records"]]
    server_revs = {r["id"]: r["rev"] for r in records}
    requeued = 0
    with store.session() as s:
        applied = apply_records(s, records)
        for record_type in {m.type for m in mismatches}:
            model = SPECS[record_type].model
            for row in s.scalars(
                select(model).where(model.sync_state == "synced", model.server_rev.is_not(None))
            ):
                if row.server_rev > server_revs.get(row.id, 0):
                    # The server lacks this version (e.g. restored from a backup): push it
                    # again against what the server holds, so the push applies every field
                    # and its acknowledgement (a rev possibly below the one this workstation
                    # saw before the restore) is taken as the rev from now on (5.1, 6).
                    row.server_rev = server_revs.get(row.id)
                    row.sync_state = "pending"
                    requeued += 1
    applied.requeued = requeued
    return applied


def repush_audit_events(store: Store) -> None:
    with store.session() as s:
        s.execute(
            update(AuditEvent).where(AuditEvent.sync_state == "synced").values(sync_state="pending")
        )


def repair_reference(store: Store, transport: Transport) -> None:
    """Reference documents only travel in unfiltered pulls: read them all again from 0."""
    from app.sync.pull import _store_reference

    pages, _ = fetch(transport, 0)
    with store.session() as s:
        _store_reference(s, [d for page in pages for d in page["reference"]])
