"""Pull (CommCare-style incremental restore by cursor) and the end-of-sync count check.

Both read inside one snapshot (db.read_session). ``high_water`` is the change sequence as that
snapshot sees it; because writers hold the store lock from taking a sequence number until they
commit, every change with ``seq <= high_water`` is already visible in the snapshot, so a cursor
never skips a change that commits late.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from central.db import read_session
from central.models import Conflict, Device, Record, ReferenceDocument, StoreInfo
from central.record_types import RECORD_TYPES
from central.schemas import ConflictOut, CountsResponse, PullResponse, TypeCount
from central.views import conflict_out, record_out, reference_out

RESET_MESSAGE = (
    "The central store's history does not match this workstation's sync position (it may have "
    "been restored from a backup). Pull again from cursor 0; unsent work stays in the outbox."
)


def pull(
    engine: Engine,
    device: Device,
    cursor: int,
    limit: int,
    epoch: str | None = None,
    types: list[str] | None = None,
    skip_own: bool = False,
) -> PullResponse:
    with read_session(engine) as session:
        return pull_in(session, device, cursor, limit, epoch, types, skip_own)


def pull_in(
    session: Session,
    device: Device,
    cursor: int,
    limit: int,
    epoch: str | None = None,
    types: list[str] | None = None,
    skip_own: bool = False,
) -> PullResponse:
    """One page, read in the caller's snapshot (a push's ``then`` reads counts in the same)."""
    info = session.get(StoreInfo, 1)
    assert info is not None  # seeded by migrate()
    base = {"cursor": cursor, "store_epoch": info.store_epoch, "high_water": info.change_seq}
    if cursor > info.change_seq or (epoch is not None and epoch != info.store_epoch):
        return PullResponse(
            **base,
            next_cursor=0,
            more=True,
            reset=True,
            message=RESET_MESSAGE,
            records=[],
            reference=[],
            conflicts=[],
        )
    query = select(Record).where(Record.suite == device.suite, Record.seq > cursor)
    if types:
        query = query.where(Record.type.in_(types))
    if skip_own:
        query = query.where(not_written_by(device))
    records = list(session.scalars(query.order_by(Record.seq).limit(limit + 1)))
    refs = (
        []
        if types
        else list(
            session.scalars(
                select(ReferenceDocument)
                .where(ReferenceDocument.seq > cursor)
                .order_by(ReferenceDocument.seq)
                .limit(limit + 1)
            )
        )
    )
    items = sorted([*records, *refs], key=lambda row: row.seq)
    more = len(items) > limit
    items = items[:limit]
    return PullResponse(
        **base,
        next_cursor=items[-1].seq if more else info.change_seq,
        more=more,
        reset=False,
        message=None,
        records=[record_out(r) for r in items if isinstance(r, Record)],
        reference=[reference_out(r) for r in items if isinstance(r, ReferenceDocument)],
        conflicts=open_conflicts(session, device.suite),
    )


def not_written_by(device: Device) -> Any:
    """``skip_own``: a record whose current version this device wrote is left out (the cursor
    still moves past it). The push's answer already carried what was stored (``stored`` when
    it differs from what was sent), so sending it back is the whole shift again for nothing
    (issue 16). The desk asks for this in its ordinary pulls only; a device that lacks one of
    its own records (its folder restored from an old backup) gets it back from the count check
    that ends every sync: the digests differ, and the repair pulls by type, without it."""
    return or_(Record.updated_by_device_id.is_(None), Record.updated_by_device_id != device.id)


def open_conflicts(session: Any, suite: str) -> list[ConflictOut]:
    rows = session.scalars(
        select(Conflict)
        .where(Conflict.suite == suite, Conflict.resolved_at.is_(None))
        .order_by(Conflict.id)
    )
    return [conflict_out(row) for row in rows]


def counts(engine: Engine, device: Device) -> CountsResponse:
    """Per type: live and deleted counts and a digest of every (id, rev) the suite holds."""
    with read_session(engine) as session:
        return counts_in(session, device)


def counts_in(session: Session, device: Device) -> CountsResponse:
    info = session.get(StoreInfo, 1)
    assert info is not None
    rows = session.execute(
        select(Record.type, Record.id, Record.rev, Record.deleted)
        .where(Record.suite == device.suite)
        .order_by(Record.type, Record.id)
    ).all()
    refs = session.execute(select(ReferenceDocument.name, ReferenceDocument.version)).all()
    conflicts = session.scalar(
        select(func.count())
        .select_from(Conflict)
        .where(Conflict.suite == device.suite, Conflict.resolved_at.is_(None))
    )
    return CountsResponse(
        store_epoch=info.store_epoch,
        as_of_seq=info.change_seq,
        types=_type_counts(rows),
        reference={name: version for name, version in refs},
        open_conflicts=conflicts or 0,
    )


def _type_counts(rows: list[Any]) -> dict[str, TypeCount]:
    out: dict[str, TypeCount] = {}
    for record_type in RECORD_TYPES:
        mine = [r for r in rows if r.type == record_type]
        # utf-8, not ascii: an id stored before ids were checked must not break the count
        lines = "".join(f"{r.id}:{r.rev}\n" for r in mine)
        out[record_type] = TypeCount(
            live=sum(1 for r in mine if not r.deleted),
            deleted=sum(1 for r in mine if r.deleted),
            digest=hashlib.sha256(lines.encode("utf-8", "replace")).hexdigest(),
        )
    return out


def store_info(engine: Engine) -> StoreInfo:
    with read_session(engine) as session:
        info = session.get(StoreInfo, 1)
        assert info is not None
        session.expunge(info)
    return info


def new_epoch(engine: Engine) -> str:
    """After a restore from backup: clients whose cursor came from another history re-pull."""
    from central.db import write_session

    with write_session(engine) as (_session, info):
        info.store_epoch = str(uuid.uuid4())
        return info.store_epoch
