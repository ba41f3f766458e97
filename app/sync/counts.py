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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from app.storage.models import AuditEvent, SyncProblem, Tombstone
from app.storage.store import Store
from app.sync.apply import Applied, apply_records
from app.sync.names import CHAIN_BROKEN
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
    # The digest is made by SQLite: the lines sorted and joined there, one SHA-256 over them
    # here (hashlib lets go of the GIL for it). Streaming 418,000 rows of a large store through
    # Python held the GIL, which the window's thread shares with this one, for about 5 s of
    # every sync (bench/RESULTS.md, "responsive"). Tombstones and erasures override a row.
    table = model.__table__.name
    names = [
        n for n in s.scalars(select(Tombstone.record_type).distinct()) if _wire(n) == record_type
    ]
    marks = ", ".join(f":n{i}" for i in range(len(names))) or "NULL"
    erased = "SELECT record_id FROM sync_erased WHERE record_type = :t"
    stones = (
        "SELECT record_id, max(server_rev) AS rev FROM tombstone WHERE sync_state = 'synced' "
        f"AND server_rev IS NOT NULL AND record_type IN ({marks}) GROUP BY record_id"
    )
    # The table name is the model's own; every value is bound.
    query = text(f"""
        WITH stones AS ({stones}),
        lines(rid, rev, dead) AS (
            SELECT id, server_rev, 0 FROM {table} WHERE server_rev IS NOT NULL
                AND id NOT IN ({erased}) AND id NOT IN (SELECT record_id FROM stones)
            UNION ALL SELECT record_id, server_rev, deleted FROM sync_erased WHERE record_type = :t
            UNION ALL SELECT record_id, rev, 1 FROM stones WHERE record_id NOT IN ({erased})
        )
        SELECT count(*), coalesce(sum(dead), 0),
               group_concat(rid || ':' || rev, char(10) ORDER BY rid) FROM lines
    """)
    params = {"t": record_type, **{f"n{i}": n for i, n in enumerate(names)}}
    total, deleted, joined = s.execute(query, params).one()
    digest = hashlib.sha256((joined + "\n").encode("ascii") if joined else b"")
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
    """Push the whole log again, in chain order. Entries the central store refused as not
    extending its held chain (``audit_chain_broken``) go again too: when the central store lost
    entries (restored from an older backup) its held chain is behind, so the entries made since
    were refused only because the ones before them were missing. Replayed from the start they
    extend it; a log really rewritten on this workstation is refused again, and said again.
    Their refusals stay until the central store answers (acknowledged: cleared; refused:
    replaced), so a push cut short does not silence the warning."""
    with store.session() as s:
        broken = select(SyncProblem.record_id).where(
            SyncProblem.record_type == "audit_event", SyncProblem.code == CHAIN_BROKEN
        )
        s.execute(
            update(AuditEvent)
            .where(
                or_(
                    AuditEvent.sync_state == "synced",
                    and_(AuditEvent.sync_state == "attention", AuditEvent.id.in_(broken)),
                )
            )
            .values(sync_state="pending")
        )


def repair_reference(store: Store, transport: Transport) -> None:
    """Reference documents only travel in unfiltered pulls: read them all again from 0."""
    from app.sync.pull import _store_reference

    pages, _ = fetch(transport, 0)
    with store.session() as s:
        _store_reference(s, [d for page in pages for d in page["reference"]])
