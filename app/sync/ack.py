"""What a push's answer does to this workstation's copy (docs/sync-protocol.md 4.2, 4.4).

Each record of an acknowledged batch is, by the server's word:
- stored (``results``): the row records the acknowledged rev; if the server stored something
  other than what was sent (``stored``), the row is rebased on it (``app.sync.rebase``); the
  row is synced unless the worker edited it since it was sent;
- refused (``refused``: ``{id, index, code, field, message}``): the row is held back
  ("attention") with that reason as data, shown to the worker by name, and the rest go on.

The acknowledgement is also the moment of the s.62 disclosure: the records are on the central
store whatever happens next in the sync, so the audit entry is written in the same
transaction that marks them synced.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.models import SyncBatch, SyncProblem, Tombstone
from app.storage.store import Store
from app.sync.apply import ensure_workers
from app.sync.rebase import rebased
from app.sync.records import SPECS, apply_fields, readable, to_fields

log = logging.getLogger(__name__)
ATTENTION = "attention"


@dataclass
class PushOutcome:
    pushed: int = 0
    refused: list[str] = field(default_factory=list)  # record ids held back for attention
    # Protocol 3 (4.7): what the last acknowledged push asked besides the batch, and the
    # answer; None when the last push asked nothing or was not acknowledged.
    then: tuple[dict[str, Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Sender:
    """Who sends, and where to: for the disclosure entry of each acknowledged batch."""

    device_id: str
    actor: audit.Actor
    central: str


def rows_of(s: Session, items: list[list[Any]]) -> dict[str, Any]:
    """The rows a batch names, by id: one query per type rather than one per row."""
    wanted: dict[str, list[str]] = {}
    for item in items:
        wanted.setdefault("tombstone" if _is_tombstone(item) else item[0], []).append(item[1])
    found: dict[str, Any] = {}
    for kind, ids in wanted.items():
        model = Tombstone if kind == "tombstone" else SPECS[kind].model
        key = Tombstone.record_id if kind == "tombstone" else model.id
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            for row in s.scalars(select(model).where(key.in_(ids[start : start + 500]))):
                found[row.record_id if kind == "tombstone" else row.id] = row
    return found


def _is_tombstone(item: list[Any]) -> bool:
    return len(item) > 4 and item[4] == "tombstone"


def acknowledge(
    store: Store, batch: SyncBatch, response: dict[str, Any], sender: Sender, out: PushOutcome
) -> None:
    """A 200: every record of the batch is either stored or refused, by the server's word."""
    results = {r["id"]: r for r in response.get("results", [])}
    refused = {r["id"]: r for r in response.get("refused", []) if r.get("id")}
    sent = {record["id"]: record for record in batch.body["records"]}
    plain = [item for item in batch.items if _plainly_stored(item, results)]
    with store.session() as s, s.no_autoflush:
        _mark_stored(s, plain, results)
        done = {item[1] for item in plain}
        rest = [item for item in batch.items if item[1] not in done]
        rows = rows_of(s, rest)
        problems = {p.record_id: p for p in s.scalars(select(SyncProblem))}
        for record_id in done & problems.keys():
            s.delete(problems.pop(record_id))
        for item in rest:
            row = rows.get(item[1])
            if row is None:
                continue
            if item[1] in results:
                _stored(s, item, row, sent[item[1]], results[item[1]])
                if item[1] in problems:
                    s.delete(problems.pop(item[1]))
            elif item[1] in refused:
                hold(s, item, row, refused[item[1]])
                out.refused.append(item[1])
            elif row.sync_state == "in_flight":  # unanswered (a server bug): send it again
                log.warning("push: no answer for %s %s", item[0], item[1])
                row.sync_state = "pending"
        _disclose(s, batch, sender, results, refused)
        # (not s.merge + s.delete: that reads the persisted body, a whole shift, back first)
        s.execute(delete(SyncBatch).where(SyncBatch.batch_id == batch.batch_id))
    out.pushed += len(results.keys() & sent.keys())


def _plainly_stored(item: list[Any], results: dict[str, Any]) -> bool:
    """Stored as sent (no ``stored`` version to rebase on): the common case, done in bulk."""
    result = results.get(item[1])
    return (
        result is not None
        and result.get("stored") is None
        and not _is_tombstone(item)
        and item[0] in SPECS
    )


def _mark_stored(s: Session, items: list[list[Any]], results: dict[str, Any]) -> None:
    """What ``_stored`` does to each row, as one UPDATE per type run over every acknowledged
    row (executemany), without loading the rows: the server's rev is recorded unless the row
    already knows a newer one, and a row still in flight (or held) is synced — or pending
    again when the worker edited it since it was sent (``local_rev`` moved on)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_type.setdefault(item[0], []).append(
            {"row_id": item[1], "acked_rev": results[item[1]]["rev"], "sent_rev": item[2]}
        )
    for record_type, params in by_type.items():
        table = SPECS[record_type].model.__table__
        c = table.c
        # (not IN (…): an expanding parameter cannot be used in an executemany)
        waiting = or_(c.sync_state == "in_flight", c.sync_state == ATTENTION)
        if "local_rev" in c:
            values = {
                "server_rev": case(
                    (
                        func.coalesce(c.server_rev, 0) <= bindparam("acked_rev"),
                        bindparam("acked_rev"),
                    ),
                    else_=c.server_rev,
                ),
                "sync_state": case(
                    (waiting & (c.local_rev == bindparam("sent_rev")), "synced"),
                    (waiting, "pending"),
                    else_=c.sync_state,
                ),
            }
            stmt = update(table).where(c.id == bindparam("row_id")).values(values)
        else:  # audit events: append-only, never edited, no server rev
            stmt = (
                update(table)
                .where(c.id == bindparam("row_id"), waiting)
                .values(sync_state="synced")
            )
        s.connection().execute(stmt, params)


def _stored(s: Session, item: list[Any], row: Any, sent: dict, result: dict[str, Any]) -> None:
    record_type, _, local_rev, _ = item[:4]
    edited = getattr(row, "local_rev", local_rev) != local_rev
    if hasattr(row, "server_rev") and (row.server_rev or 0) <= result["rev"]:
        stored = result.get("stored")
        if stored is not None and not _is_tombstone(item) and record_type in SPECS:
            _rebase(s, record_type, row, sent["fields"], stored["fields"], edited)
        row.server_rev = result["rev"]
    if row.sync_state in ("in_flight", ATTENTION) and not edited:
        row.sync_state = "synced"
    elif row.sync_state in ("in_flight", ATTENTION):
        row.sync_state = "pending"


def _rebase(s: Session, record_type: str, row: Any, sent: dict, stored: dict, edited: bool) -> None:
    spec = SPECS[record_type]
    current = to_fields(spec, row)
    fields = rebased(sent, current, stored, split_answers=record_type == "form")
    usable, bad = readable(spec, fields)
    if bad:
        log.warning("push: stored %s %s has unreadable %s", record_type, row.id, bad)
    ensure_workers(s, spec, usable)
    apply_fields(spec, row, usable)


def hold(s: Session, item: list[Any], row: Any, refusal: dict[str, Any]) -> None:
    """A refused record waits for the worker (or, for a child of a refused parent, for the
    parent): its state is "attention" and the refusal is kept as data."""
    row.sync_state = ATTENTION
    s.merge(
        SyncProblem(
            record_id=item[1],
            record_type=item[0],
            reason=str(refusal.get("message") or "Refused by the central store.")[:2000],
            code=str(refusal.get("code") or "refused")[:40],
            field=str(refusal["field"])[:300] if refusal.get("field") else None,
        )
    )


def _disclose(s: Session, batch: SyncBatch, sender: Sender, results: dict, refused: dict) -> None:
    """DPA 2018 s.62: the transfer is logged when it is acknowledged, with what was sent — types,
    counts and record ids, no content. A batch of audit events alone is the log travelling,
    not a disclosure of case records (and logging it would log the logging for ever)."""
    kinds = [item[0] for item in batch.items]
    if set(kinds) <= {"audit_event"}:
        return
    records: dict[str, list[str]] = {}
    for item in batch.items:
        if item[0] != "audit_event" and item[1] in results:
            records.setdefault(item[0], []).append(item[1])
    audit.record(
        s,
        sender.actor,
        "disclosure",
        "sync",
        None,
        reason="records sent to the central store (acknowledged)",
        detail={
            "event": "pushed",
            "batch_id": batch.batch_id,
            "central": sender.central,
            "sent": dict(Counter(kinds)),
            "stored": records,
            "refused": sorted(refused),
        },
    )
