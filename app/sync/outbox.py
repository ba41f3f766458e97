"""The push side (docs/sync-protocol.md 4.2, 4.4): batches built from the outbox, persisted
before they are sent, re-sent unchanged until the server answers, then acknowledged.

The outbox is every row whose ``sync_state`` is not ``synced`` plus the persisted batches in
``sync_batch``. A row goes pending -> in_flight when it joins a batch, and in_flight -> synced
only when a 200 acknowledges the very ``local_rev`` that was sent: an edit made meanwhile has
set it back to pending (``episodes._touch``), and it goes in a later batch.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from app.storage.models import SyncBatch, SyncConflict, SyncProblem, Tombstone
from app.storage.store import Store
from app.sync import errors
from app.sync.records import PUSH_ORDER, SPECS, to_record, wire_type
from app.sync.transport import Transport

log = logging.getLogger(__name__)
BATCH_SIZE = 500  # the server takes up to 1000; 500 keeps a shift's notices well under 20 MB
ATTENTION = "attention"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class PushOutcome:
    pushed: int = 0
    # (type, seq) of records the server stored differently from what was sent (merged,
    # conflict, unchanged): the client must fetch the server's version (section 4.2).
    catch_up: list[tuple[str, int]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def recover_in_flight(store: Store) -> None:
    """Rows left in flight by a crash but in no persisted batch go back to pending."""
    with store.session() as s:
        listed = {item[1] for batch in s.scalars(select(SyncBatch)) for item in batch.items}
        for spec in SPECS.values():
            model = spec.model
            stuck = s.scalars(select(model.id).where(model.sync_state == "in_flight")).all()
            orphaned = [row_id for row_id in stuck if row_id not in listed]
            if orphaned:
                s.execute(update(model).where(model.id.in_(orphaned)).values(sync_state="pending"))


def _resolved(s) -> dict[str, list[int]]:  # noqa: ANN001
    """Conflicts the worker has seen, by record: sent with the record's next push (4.5)."""
    out: dict[str, list[int]] = {}
    for record_id, conflict_id in s.execute(
        select(SyncConflict.record_id, SyncConflict.id).where(SyncConflict.resolved_at.is_not(None))
    ):
        if str(conflict_id).isdigit():
            out.setdefault(record_id, []).append(int(conflict_id))
    return out


def build_batch(store: Store, device_id: str, size: int = BATCH_SIZE) -> SyncBatch | None:
    """Take up to ``size`` pending rows into a new batch, mark them in flight, persist it."""
    with store.session() as s, s.no_autoflush:
        records: list[dict[str, Any]] = []
        items: list[list[Any]] = []
        resolved = _resolved(s)
        for record_type in PUSH_ORDER:
            spec = SPECS[record_type]
            model = spec.model
            query = select(model).where(model.sync_state == "pending")
            if record_type == "audit_event":
                query = query.order_by(model.seq)
            for row in s.scalars(query.limit(size - len(records))):
                record = to_record(spec, row)
                if row.id in resolved:
                    record["resolves"] = resolved[row.id]
                records.append(record)
                items.append(
                    [record_type, row.id, getattr(row, "local_rev", None), record["base_rev"]]
                )
                row.sync_state = "in_flight"
        for stone in s.scalars(
            select(Tombstone).where(Tombstone.sync_state == "pending").limit(size - len(records))
        ):
            kind = wire_type(stone.record_type)
            records.append(
                {"type": kind, "id": stone.record_id, "base_rev": stone.server_rev,
                 "deleted": True, "fields": {}}
            )  # fmt: skip
            items.append([kind, stone.record_id, None, stone.server_rev, "tombstone"])
            stone.sync_state = "in_flight"
        if not records:
            return None
        batch_id = str(uuid.uuid4())
        batch = SyncBatch(
            batch_id=batch_id,
            body={"batch_id": batch_id, "device_id": device_id, "records": records},
            items=items,
        )
        s.add(batch)
        return batch


def persisted(store: Store) -> list[SyncBatch]:
    with store.session() as s:
        return list(s.scalars(select(SyncBatch).order_by(SyncBatch.created_at)))


def _rows(s, items: list[list[Any]]) -> dict[str, Any]:  # noqa: ANN001
    """The rows a batch names, by id: one query per type rather than one per row."""
    wanted: dict[str, list[str]] = {}
    for item in items:
        kind = "tombstone" if len(item) > 4 and item[4] == "tombstone" else item[0]
        wanted.setdefault(kind, []).append(item[1])
    found: dict[str, Any] = {}
    for kind, ids in wanted.items():
        model = Tombstone if kind == "tombstone" else SPECS[kind].model
        key = Tombstone.record_id if kind == "tombstone" else model.id
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            for row in s.scalars(select(model).where(key.in_(ids[start : start + 500]))):
                found[row.record_id if kind == "tombstone" else row.id] = row
    return found


def acknowledge(store: Store, batch: SyncBatch, response: dict[str, Any], out: PushOutcome) -> None:
    """A 200: record each row's new server rev; only the local_rev that was sent is synced."""
    results = {r["id"]: r for r in response.get("results", [])}
    with store.session() as s, s.no_autoflush:
        rows = _rows(s, batch.items)
        problems = {p.record_id: p for p in s.scalars(select(SyncProblem))}
        for item in batch.items:
            record_type, record_id, local_rev, base_rev = item[:4]
            result, row = results.get(record_id), rows.get(record_id)
            if result is None or row is None:
                continue
            applied = result["status"] == "applied" or record_type in ("notice", "audit_event")
            if not applied:
                out.catch_up.append((record_type, int(result["seq"])))
            if hasattr(row, "server_rev"):
                # Keep the base we sent unless the server stored exactly our version: a later
                # push of this row must merge against what this copy was really based on.
                row.server_rev = result["rev"] if applied else base_rev
            if row.sync_state == "in_flight" and getattr(row, "local_rev", None) == local_rev:
                row.sync_state = "synced"
            elif row.sync_state == "in_flight":
                row.sync_state = "pending"
            if record_id in problems:
                s.delete(problems[record_id])
        s.delete(s.merge(batch))
    out.pushed += len(batch.items)


def refuse(store: Store, batch: SyncBatch, exc: errors.BatchRefused, out: PushOutcome) -> None:
    """4.4: nothing was stored. Named records need attention; the rest go back to pending."""
    named: dict[str, str] = {}
    for problem in exc.problems:
        for record_id in _UUID.findall(problem.lower()):
            named.setdefault(record_id, problem)
    ids = {item[1] for item in batch.items}
    if not ids & set(named):  # the server named none of them: hold the whole batch back
        named = {record_id: exc.detail for record_id in ids}
    with store.session() as s:
        rows = _rows(s, batch.items)
        for item in batch.items:
            row = rows.get(item[1])
            if row is None:
                continue
            if item[1] in named:
                row.sync_state = ATTENTION
                s.merge(SyncProblem(record_id=item[1], record_type=item[0], reason=named[item[1]]))
            elif row.sync_state == "in_flight":
                row.sync_state = "pending"
        s.delete(s.merge(batch))
    out.refused += sorted(set(named) & ids)
    log.warning(
        "push batch refused: %d records need attention: %s", len(set(named) & ids), exc.detail[:500]
    )


def send(store: Store, transport: Transport, batch: SyncBatch, out: PushOutcome) -> None:
    """Send (or re-send) one persisted batch. A transient error leaves it persisted."""
    try:
        response = transport.push(batch.body)
    except errors.BatchRefused as exc:
        refuse(store, batch, exc, out)
        return
    acknowledge(store, batch, response, out)


def push_all(
    store: Store,
    transport: Transport,
    device_id: str,
    on_batch: Callable[[int], None] = lambda n: None,
) -> PushOutcome:
    """Re-send persisted batches first (same batch_id), then push the outbox batch by batch."""
    out = PushOutcome()
    recover_in_flight(store)
    for batch in persisted(store):
        send(store, transport, batch, out)
        on_batch(out.pushed)
    while (batch := build_batch(store, device_id)) is not None:
        send(store, transport, batch, out)
        on_batch(out.pushed)
    return out
