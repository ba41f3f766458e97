"""The count check's local digest, made by SQLite (app/sync/counts.local_copy), is the one
docs/sync-protocol.md 6 defines: SHA-256 over "<id>:<rev>\\n" sorted by id, of the rows with a
server rev, with tombstones and erasures in place of the rows they name. The reference below
is the definition written out in Python, row by row."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.storage.models import FormRecord, SyncErased, Tombstone
from app.sync.counts import COMPARED, local_copy
from app.sync.records import SPECS, wire_type
from tests.sync.helpers import new_episode, server_counts, sync

pytestmark = pytest.mark.slow


def _reference(s, record_type: str) -> dict:
    model = SPECS[record_type].model
    lines: dict[str, tuple[int, bool]] = {
        rid: (rev, False)
        for rid, rev in s.execute(select(model.id, model.server_rev))
        if rev is not None
    }
    for stone in s.scalars(select(Tombstone).where(Tombstone.sync_state == "synced")):
        if wire_type(stone.record_type) == record_type and stone.server_rev is not None:
            lines[stone.record_id] = (stone.server_rev, True)
    for gone in s.scalars(select(SyncErased).where(SyncErased.record_type == record_type)):
        lines[gone.record_id] = (gone.server_rev, gone.deleted)
    digest = hashlib.sha256("".join(f"{i}:{r}\n" for i, (r, _) in sorted(lines.items())).encode())
    deleted = sum(1 for _, dead in lines.values() if dead)
    return {"live": len(lines) - deleted, "deleted": deleted, "digest": digest.hexdigest()}


def test_the_digest_matches_the_central_store_and_the_definition(pair):
    a, _ = pair
    ids = [new_episode(a, f"Name{i}", "Test") for i in range(4)]
    assert sync(a).failures == []
    server = server_counts(a)["types"]
    with a.store.session() as s:
        for record_type in COMPARED:
            mine = local_copy(s, record_type)
            assert mine == _reference(s, record_type)
            assert mine["digest"] == server[record_type]["digest"], record_type
            assert mine["live"] == server[record_type]["live"], record_type
    with a.store.session() as s:  # tombstones and erasures, overlapping rows and each other
        forms = list(s.scalars(select(FormRecord).where(FormRecord.episode_id == ids[0])))
        s.add(Tombstone(record_type="form_record", record_id=forms[0].id, server_rev=7,
                        sync_state="synced"))  # fmt: skip
        s.add(Tombstone(record_type="form_record", record_id="0" * 36, server_rev=3,
                        sync_state="synced"))  # fmt: skip
        s.add(Tombstone(record_type="form_record", record_id="f" * 36, server_rev=3,
                        sync_state="pending"))  # fmt: skip
        # an erasure naming a row still here (it wins), and one naming a tombstone (it wins)
        s.add(SyncErased(record_id=ids[1], record_type="episode", server_rev=5, deleted=False))
        s.add(SyncErased(record_id="0" * 36, record_type="form", server_rev=9, deleted=True))
    with a.store.session() as s:
        for record_type in COMPARED:
            assert local_copy(s, record_type) == _reference(s, record_type), record_type
        assert local_copy(s, "form")["deleted"] == 2
