"""End-of-shift sync of 60 episodes over loopback, against a raw bulk insert of the same rows.

Runs when the sync client (``app.services.sync``, ``app.sync``) and the central service
(``central``) exist; reports "pending" otherwise. What it measures, per round (fresh workstation
each round, so every round pushes the same amount):

- ours: ``app.services.sync.sync_now(ws)`` — hello, push of the outbox, pull, count check,
  test history, minimisation, the sync's audit entry — against the REAL central service started
  as ``python -m central serve`` on 127.0.0.1 with a SQLite database, the workstation enrolled
  with a real enrolment code. The 60 episodes are made through the real services (``app.demo``:
  drafts, tests, issued RA1s, Annex E), so the outbox holds what a shift really produces.
- baseline: every row that sync had to send (``sync_state != 'synced'`` in the synced tables, and
  the audit events) read raw from the workstation's database before the sync, then inserted raw
  into an empty plain-SQLite copy of the schema with one ``executemany`` per table in one
  transaction: the floor for "these rows landing in a database".
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, ROOT, Row, child_env, ms, pending, summary

TARGET_MS, TARGET_RATIO = 1000.0, 3.0
KEY, WHAT = "sync", "end-of-shift sync, 60 episodes, loopback"
TARGET = f"< 1 s and <= {TARGET_RATIO:.0f}x raw bulk insert"
EPISODES = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_central(work: Path) -> tuple[subprocess.Popen, str, str]:
    import httpx

    port, db_url = _free_port(), f"sqlite:///{work / 'central.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(port), "--log-level", "warning",
         "--database-url", db_url, "--data-dir", str(work)],
        # a file, not a pipe: an unread pipe fills and freezes the service mid-request
        cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL,
        stderr=(work / "central.log").open("ab"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (work / "central.log").read_text(errors="replace")
            raise RuntimeError(f"central exited: {log[-1500:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url, db_url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the central service did not start within 30 s")


def _pending_rows(db: Path, key: bytes) -> dict[str, tuple[list[str], list[tuple]]]:
    import sqlcipher3

    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    rows = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        cols = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        if "sync_state" in cols:
            rows[table] = (cols, conn.execute(
                f"SELECT * FROM {table} WHERE sync_state != 'synced'").fetchall())  # fmt: skip
    conn.close()
    return rows


def _bulk_insert(target: Path, rows: dict) -> float:
    from sqlalchemy import create_engine

    from app.storage.models import Base

    if target.exists():
        target.unlink()
    engine = create_engine(f"sqlite:///{target}")
    Base.metadata.create_all(engine)
    engine.dispose()
    conn = sqlite3.connect(str(target), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for table, (cols, values) in rows.items():
        if values:
            marks = ",".join("?" * len(cols))
            conn.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", values)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _round(r: int, work: Path, url: str, db_url: str) -> tuple[float, float, int, dict]:
    from app import demo
    from app.services import sync as sync_service
    from bench.datagen import create_store
    from central.auth import create_enrolment_code
    from central.db import make_engine as central_engine

    engine = central_engine(db_url)
    code = create_enrolment_code(engine, f"bench_suite_{r}")[0]
    engine.dispose()
    ws = create_store(work / f"client-{r}")
    try:
        sync_service.enrol(ws, url, code)
        demo.fill(ws, episodes_today=EPISODES, history_episodes=0, seed=r)
        rows = _pending_rows(ws.store.data_dir / "cjit.db", ws.store.key)
        start = time.perf_counter()
        summary_ = sync_service.sync_now(ws)
        elapsed = time.perf_counter() - start
        if summary_.offline or summary_.failures:
            raise RuntimeError(f"sync did not complete: {summary_}")
        base = _bulk_insert(work / f"bulk-{r}.db", rows)
        return (
            elapsed,
            base,
            sum(len(v) for _, v in rows.values()),
            {"pushed": summary_.pushed, "pulled": summary_.pulled},
        )
    finally:
        ws.close()


def run(rounds: int = 5) -> Row:
    try:
        import central.auth  # noqa: F401
        import central.db  # noqa: F401
        from app.services import sync as _sync_service  # noqa: F401
    except ImportError as exc:
        return pending(KEY, WHAT, TARGET, f"app.sync / central not present ({exc.name})")
    work = OUT / "sync"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    proc, url, db_url = _start_central(work)
    ours, base, info = [], [], []
    try:
        for r in range(rounds + 1):
            o, b, n, detail = _round(r, work, url, db_url)
            if r:  # round 0 warms the server (imports, first connections); not counted
                ours.append(ms(o)), base.append(ms(b)), info.append({"rows": n, **detail})
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    row = Row(KEY, WHAT, TARGET)
    o, b = summary(ours), summary(base)
    row.ours, row.baseline = o["median"], b["median"]
    row.detail = {"sync_ms": o, "bulk_insert_ms": b, "rounds": info, "episodes": EPISODES,
                  "central": "python -m central serve, SQLite, 127.0.0.1"}  # fmt: skip
    return row.finish(o["median"] < TARGET_MS and o["median"] <= TARGET_RATIO * b["median"])
