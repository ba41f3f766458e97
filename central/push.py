"""Applying a pushed batch: one transaction, idempotent by batch_id (after ODK's instance IDs).

The whole batch runs inside ``write_session``, holding the store's write lock, so the sequence
numbers it takes are committed in order and a replay of the same batch_id — even one racing the
original on another ``serve`` process — finds the stored acknowledgement and changes nothing.
Records that break the wire contract are refused one by one (``central.contract``) and the
rest are stored; the acknowledgement lists both, and is what a replay returns.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session

from central import anchors, transfers
from central.contract import Checked, Refused, check_records, check_references
from central.db import next_seq, one_connection, write_session
from central.merge import MergeResult, Version, merge, same
from central.models import Conflict, Device, PushBatch, Record, RecordVersion, StoreInfo, utcnow
from central.record_types import APPEND_ONLY_TYPES
from central.schemas import PushRecord, PushRequest
from central.views import conflict_out, wrap

log = logging.getLogger(__name__)


class BatchIdReused(Exception):
    """The batch_id names an earlier, different batch: nothing of this one was stored."""


def request_digest(request: PushRequest) -> str:
    # ``then`` (protocol 3) is not part of the batch: a replay may ask for other answers, and
    # a batch persisted by an older workstation keeps the digest it always had.
    fields = request.model_dump(mode="json", exclude={"then"})
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def push(
    engine: Engine,
    device: Device,
    request: PushRequest,
    then: Callable[[Connection], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Store a batch (or answer its replay); ``then`` (protocol 3, docs/sync-protocol.md 4.7)
    is read after the commit on the same connection, checked out only once the pure checks
    are done: a push that has committed never queues for a connection again behind the
    writers waiting on the store lock (a burst at shift change fills the pool with them)."""
    digest = request_digest(request)
    checked, refused = check_records(request.records)  # no lock needed for the pure checks
    with one_connection(engine) as connection:
        response = _store(connection, device, request, digest, checked, refused)
        if then is not None:
            response = {**response, "then": then(connection)}
    return response


def _store(
    connection: Connection,
    device: Device,
    request: PushRequest,
    digest: str,
    checked: list[Checked],
    refused: list[Refused],
) -> dict[str, Any]:
    with write_session(connection) as (session, info):
        stored = session.get(PushBatch, request.batch_id)
        if stored is not None:
            return _replay(stored, device, digest)
        ctx = _Context(session, info, device, request.batch_id)
        ctx.current = _load_current(session, [c.record.id for c in checked])
        checked = [c for c in checked if not _refuse_stored(ctx, c, refused)]
        checked = check_references(session, device.suite, checked, refused)
        checked = anchors.check_pushed(session, device, checked, refused)  # the audit chain
        # One flush at the end (and one per conflict, for its id) instead of an autoflush
        # before every lookup: the unit of work then inserts the batch's rows with executemany.
        with session.no_autoflush:
            results = [_apply(ctx, c.record) for c in checked]
        ctx.insert_pending()
        # Issue 13: a sent transfer opens a referral in the receiving suite (central.transfers).
        sent = [
            c.record.id for c in checked if transfers.is_transfer(c.record.type, c.record.fields)
        ]
        if sent:
            transfers.route(
                session, info, device.suite, sent, batch_id=request.batch_id, device_id=device.id
            )
        response = {
            "batch_id": request.batch_id,
            "replayed": False,
            "results": results,
            "refused": [r.out() for r in sorted(refused, key=lambda r: r.index)],
        }
        session.add(
            PushBatch(
                batch_id=request.batch_id,
                device_id=device.id,
                request_digest=digest,
                response=response,
                created_at=utcnow(),
            )
        )
    log.info(
        "push batch=%s device=%s stored=%d refused=%d%s",
        request.batch_id,
        device.id,
        len(results),
        len(refused),
        "".join(f" {r.id}:{r.code}:{r.field}" for r in refused[:20]),  # ids and codes only
    )
    return response


def _replay(stored: PushBatch, device: Device, digest: str) -> dict[str, Any]:
    if stored.device_id != device.id or stored.request_digest != digest:
        raise BatchIdReused(
            f"The batch_id {stored.batch_id} was already used for a different batch; nothing "
            "of this one was stored. Send it again under a new batch_id."
        )
    log.info("push replay batch=%s device=%s", stored.batch_id, device.id)
    return {**stored.response, "replayed": True}


def _refuse_stored(ctx: _Context, item: Checked, refused: list[Refused]) -> bool:
    """Check 4 of central.contract: what the stored record forbids. True when refused."""
    rec, current = item.record, ctx.current.get(item.record.id)
    if current is None:
        return False
    if current.suite != ctx.device.suite or current.type != rec.type:
        code, message = (
            "id_taken",
            "This id is already used by another record; the workstation must give the "
            "record a new id.",
        )
    elif rec.type in APPEND_ONLY_TYPES and not same(
        _body(Version(rec.deleted, rec.fields)), _body(Version(current.deleted, current.fields))
    ):
        code, message = (
            "append_only",
            f"This {rec.type.replace('_', ' ')} is already stored with different content; "
            "it is kept as first written (a correction is a new record).",
        )
    else:
        return False
    refused.append(Refused(item.index, rec.id, rec.type, code, None, message))
    return True


class _Context:
    def __init__(self, session: Session, info: StoreInfo, device: Device, batch_id: str) -> None:
        self.session, self.info, self.device, self.batch_id = session, info, device, batch_id
        # The batch's records already stored, by id (ORM rows: they may be updated).
        self.current: dict[str, Record] = {}
        # Rows this batch inserts, sent with one executemany per table instead of one ORM
        # object each; written out before anything could need to read them back.
        self.new_records: dict[str, dict[str, Any]] = {}
        self.new_versions: list[dict[str, Any]] = []

    def insert_pending(self) -> None:
        if self.new_records:
            self.session.execute(insert(Record.__table__), list(self.new_records.values()))
            self.new_records = {}
        if self.new_versions:
            self.session.execute(insert(RecordVersion.__table__), self.new_versions)
            self.new_versions = []

    def stored(self, record_id: str) -> Record | None:
        if record_id in self.new_records:  # created earlier in this very batch
            self.insert_pending()
            self.current[record_id] = self.session.get_one(Record, record_id)
        return self.current.get(record_id)


_IN_CHUNK = 500  # well under SQLite's bound-parameter limit


def _load_current(session: Session, ids: list[str]) -> dict[str, Record]:
    """The stored records a batch names: one ``IN`` query per 500 ids, not one per record."""
    found: dict[str, Record] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = unique[start : start + _IN_CHUNK]
        for row in session.scalars(select(Record).where(Record.id.in_(chunk))):
            found[row.id] = row
    return found


def _apply(ctx: _Context, rec: PushRecord) -> dict[str, Any]:
    current = ctx.stored(rec.id)
    incoming = Version(rec.deleted, rec.fields)
    if current is None:
        row = _create(ctx, rec, incoming)
        return _result(ctx, rec, row, "applied", [])
    theirs = Version(current.deleted, current.fields)
    if rec.type in APPEND_ONLY_TYPES:  # identical (checked before): a replay of the same
        return _result(ctx, rec, current, "unchanged", [])
    outcome, status = _merge(ctx, rec, current, theirs, incoming)
    if same(_body(outcome.version), _body(theirs)):
        status = "conflict" if outcome.conflicts else "unchanged"
    else:
        _store_version(ctx, current, outcome.version)
    conflicts = [_record_conflict(ctx, rec, current, c) for c in outcome.conflicts]
    result = _result(ctx, rec, current, status, conflicts)
    if status != "applied" or not same(_body(incoming), _body(outcome.version)):
        # 4.2: the stored version differs from what was sent; the client rebases on it.
        result["stored"] = {"deleted": current.deleted, "fields": current.fields}
    return result


def _merge(
    ctx: _Context, rec: PushRecord, current: Record, theirs: Version, incoming: Version
) -> tuple[MergeResult, str]:
    if rec.base_rev == current.rev:
        return MergeResult(incoming), "applied"
    base = None
    if rec.base_rev is not None:
        ctx.insert_pending()  # the base may be a version stored earlier in this batch
        row = ctx.session.get(RecordVersion, (rec.id, rec.base_rev))
        # An unknown base (e.g. the server was restored from a backup) merges as "no common
        # ancestor": every difference becomes a conflict, so nothing is lost either way.
        base = Version(row.deleted, row.fields) if row is not None else None
    outcome = merge(base, theirs, incoming, split_answers=rec.type == "form")
    return outcome, "conflict" if outcome.conflicts else "merged"


def _body(version: Version) -> dict[str, Any]:
    return {"deleted": version.deleted, "fields": version.fields}


def _form_key(rec_type: str, fields: dict[str, Any]) -> str | None:
    key = fields.get("form_key") if rec_type == "form" else None
    return key if isinstance(key, str) else None


def _create(ctx: _Context, rec: PushRecord, version: Version) -> _NewRecord:
    """A new record: its row and first version go in with the batch's executemany."""
    now = utcnow()
    row = _NewRecord(rec.id, rev=1, seq=next_seq(ctx.info))
    ctx.new_records[row.id] = {
        "id": row.id,
        "type": rec.type,
        "suite": ctx.device.suite,
        "rev": row.rev,
        "seq": row.seq,
        "deleted": version.deleted,
        "fields": version.fields,
        "form_key": _form_key(rec.type, version.fields),
        "updated_at": now,
        "updated_by_device_id": ctx.device.id,
    }
    _add_version(ctx, row.id, row.rev, row.seq, version, now)
    return row


@dataclass(frozen=True)
class _NewRecord:
    """What the acknowledgement needs of a record this batch creates."""

    id: str
    rev: int
    seq: int


def _store_version(ctx: _Context, row: Record, version: Version) -> None:
    now = utcnow()
    row.rev += 1
    row.seq = next_seq(ctx.info)
    row.deleted, row.fields = version.deleted, version.fields
    row.form_key = _form_key(row.type, version.fields)
    row.updated_at, row.updated_by_device_id = now, ctx.device.id
    _add_version(ctx, row.id, row.rev, row.seq, version, now)


def _add_version(
    ctx: _Context, record_id: str, rev: int, seq: int, version: Version, now: datetime
) -> None:
    ctx.new_versions.append(
        {
            "record_id": record_id,
            "rev": rev,
            "seq": seq,
            "deleted": version.deleted,
            "fields": version.fields,
            "batch_id": ctx.batch_id,
            "device_id": ctx.device.id,
            "created_at": now,
        }
    )


def _record_conflict(ctx: _Context, rec: PushRecord, row: Record, found: Any) -> dict[str, Any]:
    conflict = Conflict(
        record_id=row.id,
        record_type=row.type,
        suite=row.suite,
        field=found.field[:300],  # the column; a key stored before the contract may be longer
        yours=wrap(found.yours),
        theirs=wrap(found.theirs),
        winner=found.winner,
        base_rev=rec.base_rev,
        rev=row.rev,
        device_id=ctx.device.id,
        created_at=utcnow(),
    )
    ctx.session.add(conflict)
    ctx.session.flush()
    return conflict_out(conflict).model_dump(mode="json")


def _resolve(ctx: _Context, rec: PushRecord) -> None:
    """The worker has seen these conflicts (confirmed or changed the value): close them."""
    if not rec.resolves:
        return
    rows = ctx.session.scalars(
        select(Conflict).where(
            Conflict.id.in_(rec.resolves),
            Conflict.record_id == rec.id,
            Conflict.suite == ctx.device.suite,
            Conflict.resolved_at.is_(None),
        )
    )
    for conflict in rows:
        conflict.resolved_at, conflict.resolved_by_device_id = utcnow(), ctx.device.id


def _result(
    ctx: _Context,
    rec: PushRecord,
    row: Record | _NewRecord,
    status: str,
    conflicts: list[dict[str, Any]],
) -> dict[str, Any]:
    _resolve(ctx, rec)
    return {"id": row.id, "rev": row.rev, "seq": row.seq, "status": status, "conflicts": conflicts}
