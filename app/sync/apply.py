"""Applying pulled records to this workstation's copy (docs/sync-protocol.md 5).

Rules, in order:
- audit events are never inserted: the local audit table is this workstation's own hash-chained
  s.62 log (its own ``seq``), and other devices' events live on the central store;
- a record erased here by data minimisation stays erased (its ledger entry is updated);
- with ``arrival`` (a sync's ordinary pull), a pulled episode new here that data minimisation
  would erase at the end of the sync goes to the ledger at once, with its children
  (app.sync.minimise.Arrival);
- a row with unsent local edits (pending, in flight, needing attention) is never overwritten:
  the edit is pushed with its original ``base_rev`` and the server merges (5, 4.3);
- an older rev never replaces a newer one, except after a reset (``force``), when this copy of
  server data is discarded in favour of the server's (5.1);
- a record whose parent is neither here nor in the same pull is skipped (the count check
  reports it) rather than breaking the foreign keys;
- a value this workstation cannot read (stored before the wire contract existed, or written by
  another version of the client) is not placed: the rest of the record is kept, a new record
  missing a required value is not inserted, and each is reported (``unreadable``) by type, id
  and field — never by content. Nothing a pull brings can stop the sync: a record the store
  still refuses is set aside in its own savepoint and reported the same way.
Foreign keys are deferred to the commit, so a form may arrive before its episode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.models import CustodyEpisode, FormRecord, SyncErased, Tombstone, Worker, utcnow
from app.sync.minimise import Arrival
from app.sync.records import (
    SPECS,
    Spec,
    apply_fields,
    parent_ids,
    placeable,
    readable,
    required,
)

log = logging.getLogger(__name__)
APPLY_ORDER = {name: i for i, name in enumerate(SPECS)}
LEDGER, EPISODE_LEDGER = SyncErased.__tablename__, " AND record_type = 'episode'"
REMOTE_WORKER = "A worker at another workstation"


@dataclass
class Applied:
    applied: int = 0
    kept_local: int = 0
    skipped: int = 0
    orphans: int = 0
    unplaced: int = 0
    requeued: int = 0  # count-check repair only: rows the server lacked, sent again
    erased: int = 0  # episodes erased on arrival (minimise.Arrival), never placed
    # ids of records that found no place (orphans, unplaced): a pull offers them again
    left: set[str] = field(default_factory=set)
    # "<type> <id>: <field>, …" for each record with values this workstation could not keep
    unreadable: list[str] = field(default_factory=list)

    def add(self, other: Applied) -> None:
        for name in ("applied", "kept_local", "skipped", "orphans", "unplaced", "erased"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unreadable += other.unreadable
        self.left |= other.left


def ids_in(s: Session, table: str, ids: list[str], where: str = "", key: str = "id") -> set[str]:
    """Which of ``ids`` are rows of ``table`` (a model's own table name, never input), 500
    at a time, as plain SQL: building and binding an ORM ``IN`` of 500 values for every
    type of every page cost more than the lookups themselves (issue 16.5)."""
    found: set[str] = set()
    conn = s.connection()
    for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = tuple(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {key} FROM {table} WHERE {key} IN ({marks}){where}"
        found.update(row[0] for row in conn.exec_driver_sql(sql, chunk))
    return found


def latest(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One version per id (the highest rev), parents' types first."""
    best: dict[str, dict[str, Any]] = {}
    for rec in records:
        if rec["id"] not in best or rec["rev"] >= best[rec["id"]]["rev"]:
            best[rec["id"]] = rec
    return sorted(best.values(), key=lambda r: (APPLY_ORDER.get(r["type"], 99), r["seq"]))


def apply_records(
    s: Session, records: list[dict[str, Any]], force: bool = False, arrival: Arrival | None = None
) -> Applied:
    """All records in one savepoint; if the store refuses that, one savepoint per record, so a
    record it cannot take is set aside and reported while the rest are kept."""
    s.execute(text("PRAGMA defer_foreign_keys = ON"))
    records = latest(records)
    try:
        with s.begin_nested():
            out = _apply_all(s, records, force, arrival)
            s.flush()
        return out
    except SQLAlchemyError as exc:
        log.warning("pulled records applied one by one after %s", type(exc).__name__)
        s.info.pop("cjit_workers_ensured", None)  # rolled back with the savepoint
        if arrival is not None:
            arrival.rolled_back()
    return _apply_each(s, records, force, arrival)


def _apply_all(
    s: Session, records: list[dict[str, Any]], force: bool, arrival: Arrival | None = None
) -> Applied:
    out = Applied()
    here = _preload(s, records)
    here["present"] = _present_parents(s, records)
    if arrival is not None:  # first: their children then skip the work of being placed
        _erase_on_arrival(records, here, arrival)
    coming = _coming(s, records, here)
    here["arrival"] = arrival
    # No autoflush while placing: every lookup below is answered from what was preloaded, and
    # flushing the rows added so far before each lookup made a page of N records cost N
    # flushes (seconds per page of a new workstation's first pull: issue 16.5).
    with s.no_autoflush:
        for rec in records:
            outcome = _apply_one(s, rec, coming, force, here, out)
            setattr(out, outcome, getattr(out, outcome) + 1)
            if outcome in ("orphans", "unplaced"):
                out.left.add(rec["id"])
            if outcome == "applied" and rec["id"] not in here:
                _audit_transfer_in(s, rec)  # flushes itself: the audit chain needs order
    if here["new_ledger"]:  # one INSERT for the page's new ledger entries, not an object each
        s.connection().execute(insert(SyncErased.__table__), list(here["new_ledger"].values()))
    return out


def _present_parents(s: Session, records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(type, id) of every record the batch names as a parent that is already here: one
    query per type and chunk."""
    wanted: dict[str, set[str]] = {}
    for rec in records:
        spec = SPECS.get(rec["type"])
        fields = rec.get("fields")
        if spec is None or not isinstance(fields, dict):
            continue
        for name, kind in spec.parents.items():
            value = fields.get(name)
            if isinstance(value, str) and value:
                wanted.setdefault(kind, set()).add(value)
    present: set[tuple[str, str]] = set()
    for kind, ids in wanted.items():
        table = SPECS[kind].model.__tablename__
        present.update((kind, i) for i in ids_in(s, table, sorted(ids)))
    return present


def _audit_transfer_in(s: Session, rec: dict[str, Any]) -> None:
    """DPA 2018 s.62 on the receiving side: a referral the central store opened here from
    another CJIT's transfer (central.transfers) is personal data collected from that CJIT,
    logged once, when it first arrives (ids and the sender only, no content)."""
    fields = rec["fields"]
    answers = fields.get("answers") if rec["type"] == "form" else None
    if fields.get("form_key") != "referral_in" or not isinstance(answers, dict):
        return
    transfer_id = answers.get("transfer_id")
    if not isinstance(transfer_id, str) or not transfer_id:
        return
    audit.record(
        s,
        audit.SYSTEM,
        "collection",
        "form",
        rec["id"],
        reason="record transferred here by another CJIT through the central store",
        detail={
            "event": "transfer_received",
            "transfer_id": transfer_id[:36],
            "from": str(answers.get("referring_cjit") or "")[:40] or None,
            "episode_id": fields.get("episode_id"),
        },
    )


def _erase_on_arrival(
    records: list[dict[str, Any]], here: dict[str, Any], arrival: Arrival
) -> None:
    """Episodes of this batch that go straight to the ledger (minimise.Arrival.eligible):
    new here, and placeable now — readable, and their person here or arriving placeable in
    this batch, exactly what ``_coming`` asks of an episode (a person names nothing) — so an
    episode waits for its person as it would to be placed."""
    people = {
        rec["id"]
        for rec in records
        if rec["type"] == "person"
        and not rec["deleted"]
        and (
            rec["id"] in here
            or placeable(SPECS["person"], readable(SPECS["person"], rec["fields"])[0])
        )
    }
    spec = SPECS["episode"]
    for rec in records:
        if rec["type"] != "episode" or rec["deleted"] or rec["id"] in here:
            continue
        if f"erased:{rec['id']}" in here:
            continue
        fields, _ = readable(spec, rec["fields"])
        if not placeable(spec, fields):
            continue
        parents = parent_ids(spec, fields)  # ("person", id): a person names nothing itself
        if any(p not in here["present"] and p[1] not in people for p in parents):
            continue
        if arrival.eligible(rec["id"], fields.get("person_id"), fields):
            here["erased_episodes"].add(rec["id"])


def _apply_each(
    s: Session, records: list[dict[str, Any]], force: bool, arrival: Arrival | None = None
) -> Applied:
    out = Applied()
    for rec in records:
        try:
            with s.begin_nested():
                out.add(_apply_all(s, [rec], force, arrival))
                s.flush()
        except SQLAlchemyError as exc:
            s.info.pop("cjit_workers_ensured", None)  # rolled back with the savepoint
            if arrival is not None:
                arrival.forget(rec["id"])
            log.warning("pulled %s %s set aside: %s", rec["type"], rec["id"], type(exc).__name__)
            out.unplaced += 1
            out.left.add(rec["id"])
            out.unreadable.append(f"{rec['type']} {rec['id']}: could not be stored here")
    return out


def _coming(s: Session, records: list[dict[str, Any]], here: dict[str, Any]) -> set:
    """(type, id) of the pulled records that will be inserted or kept: placeable, not erased,
    and every record they name either here already or coming too (until nothing changes),
    so no row is ever inserted whose parent is not — foreign keys are only checked at commit."""
    refs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for rec in records:
        spec = SPECS.get(rec["type"])
        if spec is None or rec["type"] == "audit_event" or rec["deleted"]:
            continue
        if f"erased:{rec['id']}" in here or _parent_erased(spec, rec, here["erased_episodes"]):
            continue
        if rec["type"] == "episode" and rec["id"] in here["erased_episodes"]:
            continue  # erased on arrival, just now
        if rec["id"] in here:  # already a row (often our own push, echoed back)
            refs[(rec["type"], rec["id"])] = []
            continue
        fields, _ = readable(spec, rec["fields"])
        if placeable(spec, fields):
            refs[(rec["type"], rec["id"])] = parent_ids(spec, fields)
    coming = set(refs)
    while True:
        gone = {
            key
            for key in coming
            if any(p not in coming and p not in here["present"] for p in refs[key])
        }
        if not gone:
            return coming
        coming -= gone


def _preload(s: Session, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows and erasure-ledger entries a pull names, one query per type and chunk rather
    than one SELECT per record (ledger entries keyed "erased:<id>"), and which of the
    episodes the records are or name are erased here (only those: the whole ledger, read
    for every page, made a new workstation's pull quadratic in its erased episodes)."""
    by_type: dict[str, list[str]] = {}
    episodes: set[str] = set()
    for rec in records:
        by_type.setdefault(rec["type"], []).append(rec["id"])
        fields = rec.get("fields")
        if rec["type"] == "episode":
            episodes.add(rec["id"])
        elif isinstance(fields, dict) and isinstance(fields.get("episode_id"), str):
            episodes.add(fields["episode_id"])
    here: dict[str, Any] = {"new_ledger": {}}
    here["erased_episodes"] = ids_in(s, LEDGER, sorted(episodes), EPISODE_LEDGER, "record_id")
    for record_type, ids in by_type.items():
        spec = SPECS.get(record_type)
        if spec is None or record_type == "audit_event":
            continue
        # Only what is here is loaded as rows: on a new workstation, nothing.
        found = sorted(ids_in(s, spec.model.__tablename__, ids))
        for start in range(0, len(found), 500):
            chunk = found[start : start + 500]
            for row in s.scalars(select(spec.model).where(spec.model.id.in_(chunk))):
                here[row.id] = row
        gone = sorted(ids_in(s, LEDGER, ids, key="record_id"))
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            for entry in s.scalars(select(SyncErased).where(SyncErased.record_id.in_(chunk))):
                here[f"erased:{entry.record_id}"] = entry
    return here


def _apply_one(
    s: Session, rec: dict[str, Any], coming: set, force: bool, here: dict[str, Any], out: Applied
) -> str:
    spec = SPECS.get(rec["type"])
    if spec is None or rec["type"] == "audit_event":
        return "skipped"
    erased = here.get(f"erased:{rec['id']}")
    if (
        erased is not None
        or _parent_erased(spec, rec, here["erased_episodes"])
        or (rec["type"] == "episode" and rec["id"] in here["erased_episodes"])
    ):
        _keep_erased(s, rec, erased, here["new_ledger"])
        arrival = here.get("arrival")
        if arrival is not None and arrival.ledgered(rec, first_time=erased is None):
            if rec["type"] == "form":  # what placing would have logged before erasing
                _audit_transfer_in(s, rec)
            return "erased" if rec["type"] == "episode" else "skipped"
        return "skipped"
    row = here.get(rec["id"])
    if row is not None and row.sync_state != "synced":
        return "kept_local"
    if row is not None and (row.server_rev or 0) >= rec["rev"] and not force:
        return "skipped"  # this version (often our own push, echoed back) or a newer one
    if rec["deleted"]:
        return _delete(s, spec, rec, row)
    fields, bad = readable(spec, rec["fields"])
    missing = [
        n
        for n, kind in spec.parents.items()
        if _absent(kind, fields.get(n), coming, here["present"])
    ]
    if row is not None:  # keep what can be kept: the old value of a field naming nothing here
        bad += missing
        fields = {k: v for k, v in fields.items() if k not in missing}
    elif not placeable(spec, fields):
        bad += [n for n in required(spec) if fields.get(n) is None and n not in bad]
    if bad:
        log.warning("pulled %s %s: not placed %s", rec["type"], rec["id"], ", ".join(bad))
        out.unreadable.append(f"{rec['type']} {rec['id']}: {', '.join(bad)}")
    new = row is None
    if new:
        if not placeable(spec, fields):
            return "unplaced"
        if missing or (rec["type"], rec["id"]) not in coming:
            log.warning("pulled %s %s skipped: its parent is not here", rec["type"], rec["id"])
            return "orphans"
        row = _new_row(spec, rec)
    if new or rec["type"] != "notice":  # an issued notice never changes once here
        ensure_workers(s, spec, fields)
        apply_fields(spec, row, fields)
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


def _absent(kind: str, record_id: Any, coming: set, present: set) -> bool:
    """Whether a reference names a record that is neither here nor arriving."""
    if not isinstance(record_id, str) or not record_id:
        return False
    return (kind, record_id) not in coming and (kind, record_id) not in present


def _parent_erased(spec: Spec, rec: dict[str, Any], erased_episodes: set[str]) -> bool:
    return "episode_id" in spec.parents and rec["fields"].get("episode_id") in erased_episodes


def _keep_erased(
    s: Session, rec: dict[str, Any], erased: SyncErased | None, new: dict[str, dict]
) -> None:
    """The ledger entry follows the central store's rev; a new one is inserted with the
    batch's others (``new``, by id: a batch holds one version per id)."""
    if erased is None:
        new[rec["id"]] = {
            "record_id": rec["id"],
            "record_type": rec["type"],
            "server_rev": rec["rev"],
            "deleted": bool(rec["deleted"]),
            "erased_at": utcnow(),
        }
        return
    erased.server_rev = max(erased.server_rev or 0, rec["rev"])
    erased.deleted = bool(rec["deleted"])


def ensure_workers(s: Session, spec: Spec, fields: dict[str, Any]) -> None:
    for name in spec.workers:
        _ensure_worker(s, fields.get(name))


def _ensure_worker(s: Session, worker_id: Any) -> None:
    """Workers of other workstations become inactive placeholders, so 'created by' keeps
    their id (and pushing the row back never changes it) without a local account."""
    seen = s.info.setdefault("cjit_workers_ensured", set())  # added in this session, unflushed
    if not isinstance(worker_id, str) or not worker_id or worker_id in seen:
        return
    seen.add(worker_id)
    if s.get(Worker, worker_id) is None:
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
