"""Sync one shift to a central store on loopback, against a raw bulk insert of the same rows.

    python bench/bench_sync.py

One shift: ``app.demo.fill(episodes_today=60, history_episodes=0)`` on a fresh store (60
episodes with their forms, notices, appointments and audit events). The central store is the
real service (``python -m central serve``, SQLite) in a child process. The baseline inserts the
same records (and their first versions) into a fresh central SQLite database with one
``executemany`` per table in one transaction: what the data alone costs, no HTTP, no merge.
Targets (issue 6): the sync within 3x the baseline and under 1 s. Prints figures; no asserts.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from app import demo  # noqa: E402
from app.config import Settings  # noqa: E402
from app.services import sync as sync_service  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.storage import store  # noqa: E402
from app.sync.records import PUSH_ORDER, SPECS, to_record  # noqa: E402
from central.auth import create_enrolment_code  # noqa: E402
from central.db import make_engine, migrate  # noqa: E402
from central.models import Record, RecordVersion  # noqa: E402
from tests.sync.conftest import Central  # noqa: E402

RUNS = 3


def _shift(base: Path) -> Workspace:
    opened, _ = store.initialise(base / "data", "lead", "Lee Leader", "lead passphrase 1")
    workspace = Workspace(Settings(data_dir=base / "data"), opened)
    demo.fill(workspace, episodes_today=60, history_episodes=0)
    return workspace


def _records(workspace: Workspace) -> list[dict]:
    with workspace.store.session() as s:
        return [
            to_record(SPECS[t], row)
            for t in PUSH_ORDER
            for row in s.scalars(
                select(SPECS[t].model).where(SPECS[t].model.sync_state == "pending")
            )
        ]


def _bulk_insert(records: list[dict], path: Path) -> float:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    now = datetime.now(UTC)
    rows = [
        {"id": r["id"], "type": r["type"], "suite": "bridewell", "rev": 1, "seq": i + 1,
         "deleted": False, "fields": r["fields"], "form_key": r["fields"].get("form_key"),
         "updated_at": now, "updated_by_device_id": None}
        for i, r in enumerate(records)
    ]  # fmt: skip
    versions = [
        {"record_id": r["id"], "rev": 1, "seq": r["seq"], "deleted": False, "fields": r["fields"],
         "batch_id": None, "device_id": None, "created_at": now}
        for r in rows
    ]  # fmt: skip
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Record), rows)
        conn.execute(insert(RecordVersion), versions)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _one_sync(tmp: Path) -> tuple[float, int, float]:
    workspace = _shift(tmp)
    server = Central(f"sqlite:///{tmp / 'central.db'}", tmp).start()
    try:
        code, _ = create_enrolment_code(server.engine, "bridewell")
        sync_service.enrol(workspace, server.url, code)
        records = _records(workspace)
        started = time.perf_counter()
        summary = sync_service.sync_now(workspace)
        elapsed = time.perf_counter() - started
        assert not summary.offline and not summary.failures, summary
        baseline = _bulk_insert(records, tmp / f"bulk-{uuid.uuid4().hex}.db")
        return elapsed, len(records), baseline
    finally:
        server.stop()
        workspace.close()


def main() -> None:
    results = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(_one_sync(Path(tmp)))
    sync_s = statistics.median(r[0] for r in results)
    bulk_s = statistics.median(r[2] for r in results)
    print(f"one shift: 60 episodes, {results[0][1]} records (forms, notices, appointments, audit)")
    print(f"full sync (hello, push, pull, count check, history, audit): {sync_s * 1000:.0f} ms "
          f"(median of {RUNS}; runs {', '.join(f'{r[0] * 1000:.0f}' for r in results)} ms)")  # fmt: skip
    print(f"raw bulk insert of the same rows + versions (SQLite): {bulk_s * 1000:.0f} ms")
    print(f"ratio: {sync_s / bulk_s:.1f}x   targets: <= 3x and < 1000 ms")


if __name__ == "__main__":
    main()
