"""A batch split by a 413, and one of its halves split again, keeps its place in the queue:
the halves go in the order of their records, before the batches that were queued after it.
(The audit log is anchored by the central store, which takes a workstation's events only in
chain order: a half sent out of turn would have its events refused, central/anchors.py.)"""

from __future__ import annotations

from app.sync import outbox
from tests.sync.conftest import open_client


def _batch(ws, records: list[int]):
    with ws.store.session() as s:
        items = [["audit_event", f"id-{n}", None, None] for n in records]
        body = [{"n": n} for n in records]
        batch = outbox._persist(s, "device", body, items)
        batch_id = batch.batch_id
    return next(b for b in outbox.persisted(ws.store) if b.batch_id == batch_id)


def _order(ws) -> list[list[int]]:
    return [[r["n"] for r in b.body["records"]] for b in outbox.persisted(ws.store)]


def test_halves_of_halves_are_sent_in_the_order_of_their_records(tmp_path):
    ws = open_client(tmp_path / "a")
    try:
        first = _batch(ws, [1, 2, 3, 4, 5, 6, 7, 8])
        _batch(ws, [9, 10])
        outbox.split(ws.store, first)
        outbox.split(ws.store, outbox.persisted(ws.store)[0])  # [1, 2, 3, 4] again
        outbox.split(ws.store, outbox.persisted(ws.store)[1])  # [3, 4]
        assert _order(ws) == [[1, 2], [3], [4], [5, 6, 7, 8], [9, 10]]
    finally:
        ws.close()
