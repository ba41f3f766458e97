"""The push side (docs/sync-protocol.md 4.2, 4.4): batches built from the outbox, persisted
before they are sent, re-sent unchanged until the server answers, then acknowledged
(``app.sync.ack``).

The outbox is every row whose ``sync_state`` is not ``synced`` plus the persisted batches in
``sync_batch``. A row goes pending -> in_flight when it joins a batch, and in_flight -> synced
only when a 200 acknowledges the very ``local_rev`` that was sent: an edit made meanwhile has
set it back to pending (``episodes._touch``), and it goes in a later batch.

Refusals are read from data, never from the server's sentences: ``refused`` in a 200 (one
record each), ``code`` and ``max_bytes`` in a 4xx. A 413 splits the batch in two until it
fits; a single record too large to send is held back for the worker, and the rest go on.
Every transaction here is short, and none is open while the network is used.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.storage.models import SyncBatch, SyncConflict, SyncProblem, Tombstone
from app.storage.store import Store
from app.sync import errors
from app.sync.ack import ATTENTION, PushOutcome, Sender, acknowledge, hold, rows_of
from app.sync.records import PUSH_ORDER, SPECS, to_record, wire_type

__all__ = ["ATTENTION", "PushOutcome", "Sender", "build_batch", "persisted", "push_all"]
log = logging.getLogger(__name__)
# What a push's answer should also carry (protocol 3, docs/sync-protocol.md 4.7), made at the
# moment of sending: the ``then`` object, or None for nothing.
Then = Callable[[], "dict[str, Any] | None"]
BATCH_SIZE = 1000  # the most the server takes (one shift is one batch); a 413 halves a batch
# Held back because the record it names was not on the central store: sent again by itself
# once that record is synced here (contract check 5, central/contract.py).
WAITS_FOR_PARENT = ("parent_refused", "unknown_reference")


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


def release_waiting(store: Store, already: set[str]) -> set[str]:
    """Records held back for a parent the central store lacked go again once it is synced
    (each at most once per push: ``already`` are those released before)."""
    released: set[str] = set()
    with store.session() as s:
        for problem in s.scalars(select(SyncProblem).where(SyncProblem.code.in_(WAITS_FOR_PARENT))):
            spec = SPECS.get(problem.record_type)
            row = s.get(spec.model, problem.record_id) if spec else None
            kind = spec.parents.get(problem.field or "") if spec else None
            parent_id = getattr(row, problem.field, None) if row is not None and kind else None
            parent = s.get(SPECS[kind].model, parent_id) if kind and parent_id else None
            if problem.record_id in already or row is None or row.sync_state != ATTENTION:
                continue
            if _synced(parent):
                row.sync_state = "pending"
                released.add(problem.record_id)
    already |= released
    return released


def _synced(row: Any) -> bool:
    return row is not None and row.sync_state == "synced" and row.server_rev is not None


def _resolved(s) -> dict[str, list[int]]:  # noqa: ANN001
    """Conflicts the worker has seen, by record: sent with the record's next push (4.5)."""
    out: dict[str, list[int]] = {}
    for record_id, conflict_id in s.execute(
        select(SyncConflict.record_id, SyncConflict.id).where(SyncConflict.resolved_at.is_not(None))
    ):
        if str(conflict_id).isdigit():
            out.setdefault(record_id, []).append(int(conflict_id))
    return out


def build_batch(
    store: Store, device_id: str, size: int = BATCH_SIZE, audit_alone: bool = True
) -> SyncBatch | None:
    """Take up to ``size`` pending rows into a new batch, mark them in flight, persist it.
    ``audit_alone=False``: no batch made of audit events alone (they wait for the sync's last
    push, which carries the audit anchor: docs/sync-protocol.md 4.7)."""
    with store.session() as s, s.no_autoflush:
        records: list[dict[str, Any]] = []
        items: list[list[Any]] = []
        resolved = _resolved(s)
        for record_type in PUSH_ORDER:
            spec = SPECS[record_type]
            model = spec.model
            # Plain rows, not ORM objects: nothing here changes them (they are marked in flight
            # by one UPDATE), and a shift's 500 rows read 2-3x faster (issue 16).
            table = model.__table__
            query = select(table).where(table.c.sync_state == "pending")
            if record_type == "audit_event":
                if not (audit_alone or records or _tombstones_pending(s)):
                    return None  # (audit events come last: nothing was taken yet)
                query = query.order_by(table.c.seq)
            taken: list[str] = []
            for row in s.execute(query.limit(size - len(records))):
                record = to_record(spec, row)
                if row.id in resolved:
                    record["resolves"] = resolved[row.id]
                records.append(record)
                items.append(
                    [record_type, row.id, getattr(row, "local_rev", None), record["base_rev"]]
                )
                taken.append(row.id)
            _mark_in_flight(s, model, taken)
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
        return _persist(s, device_id, records, items)


def _tombstones_pending(s: Session) -> bool:
    return (
        s.scalar(select(Tombstone.record_id).where(Tombstone.sync_state == "pending").limit(1))
        is not None
    )


def _mark_in_flight(s, model: Any, ids: list[str]) -> None:  # noqa: ANN001
    """One UPDATE per type and chunk, not one per row (the rows were just read in this
    transaction, so nothing else changed them)."""
    for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        s.execute(
            update(model)
            .where(model.id.in_(ids[start : start + 500]))
            .values(sync_state="in_flight")
            .execution_options(synchronize_session=False)
        )


def _persist(
    s: Session,
    device_id: str,
    records: list,
    items: list,
    created_at: Any = None,
) -> SyncBatch:
    batch_id = str(uuid.uuid4())
    batch = SyncBatch(
        batch_id=batch_id,
        body={"batch_id": batch_id, "device_id": device_id, "records": records},
        items=items,
    )
    if created_at is not None:
        batch.created_at = created_at
    s.add(batch)
    return batch


def persisted(store: Store) -> list[SyncBatch]:
    with store.session() as s:
        return list(s.scalars(select(SyncBatch).order_by(SyncBatch.created_at)))


def split(store: Store, batch: SyncBatch) -> None:
    """A 413: nothing of the batch was read, so it is replaced by its two halves (new ids),
    kept in the same place in the queue."""
    records, items = batch.body["records"], batch.items
    half = len(records) // 2
    with store.session() as s:
        s.delete(s.merge(batch))
        device_id = batch.body["device_id"]
        first = batch.created_at
        # The queue after it moves back a microsecond, so the second half is not tied with
        # (or sent after) the batch that followed: audit events must reach the central store
        # in chain order (central/anchors.py), and children after their parents.
        for later in list(s.scalars(select(SyncBatch).where(SyncBatch.created_at > first))):
            later.created_at += timedelta(microseconds=1)
        _persist(s, device_id, records[:half], items[:half], first)
        _persist(s, device_id, records[half:], items[half:], first + timedelta(microseconds=1))
    log.info("push: batch of %d records too large; split in two", len(records))


def set_aside(store: Store, batch: SyncBatch, code: str, message: str, out: PushOutcome) -> None:
    """Hold back every record of a batch the server will never take as it is."""
    with store.session() as s:
        rows = rows_of(s, batch.items)
        for item in batch.items:
            if (row := rows.get(item[1])) is not None:
                hold(s, item, row, {"code": code, "message": message, "field": None})
                out.refused.append(item[1])
        s.delete(s.merge(batch))


def requeue(store: Store, batch: SyncBatch) -> None:
    """409 batch_id_reused: nothing was stored; the records go again in a new batch."""
    with store.session() as s:
        for row in rows_of(s, batch.items).values():
            if row.sync_state == "in_flight":
                row.sync_state = "pending"
        s.delete(s.merge(batch))


def send(
    store: Store,
    transport: Any,
    batch: SyncBatch,
    sender: Sender,
    out: PushOutcome,
    then: Then | None = None,
) -> None:
    """Send (or re-send) one persisted batch. A transient error leaves it persisted.
    ``then`` (protocol 3, 4.7) makes what else the answer should carry, asked at the moment of
    sending; it is not part of the persisted batch (the server leaves it out of the batch's
    digest), so a re-send may ask afresh."""
    body = batch.body
    asked = then() if then is not None else None
    if asked:
        body = {**body, "then": asked}
    try:
        response = transport.push(body)
    except errors.TooLarge as exc:
        if len(batch.items) > 1:
            split(store, batch)
        else:
            set_aside(store, batch, "too_large", _too_large(exc), out)
        return
    except errors.BatchIdReused:
        requeue(store, batch)
        return
    except errors.BatchRefused as exc:
        log.warning("push refused as malformed: %s", [e.get("field") for e in exc.errors][:10])
        set_aside(store, batch, "invalid_request", exc.detail, out)
        return
    acknowledge(store, batch, response, sender, out)
    answer = response.get("then") if asked else None
    out.then = (asked, answer) if isinstance(answer, dict) else None


def _too_large(exc: errors.TooLarge) -> str:
    size = exc.max_bytes or 0
    limit = f" ({size / 1_048_576:.0f} MB)" if size >= 1_048_576 else f" ({size // 1024} kB)"
    return f"It is larger than the central store accepts in one request{limit if size else ''}."


def push_all(
    store: Store,
    transport: Any,
    sender: Sender,
    on_batch: Callable[[int], None] = lambda n: None,
    then: Then | None = None,
    hold_audit: bool = False,
) -> PushOutcome:
    """Re-send persisted batches first (same batch_id), then push the outbox batch by batch.
    ``then``: what each push's answer should also carry (4.7); the last answer is kept in
    ``out.then``. ``hold_audit``: once a batch went, audit events alone (the disclosure entry
    its acknowledgement wrote) are left for the sync's last push instead of a push of their
    own."""
    out = PushOutcome()
    recover_in_flight(store)
    released: set[str] = set()
    sent = 0
    while True:
        waiting = persisted(store)  # first those of an earlier sync, or two halves of a 413
        audit_alone = not (hold_audit and sent)
        batch = (
            waiting[0] if waiting else build_batch(store, sender.device_id, audit_alone=audit_alone)
        )
        if batch is None and not release_waiting(store, released):  # children of parents sent
            return out
        if batch is not None:
            send(store, transport, batch, sender, out, then)
            sent += 1
            on_batch(out.pushed)
