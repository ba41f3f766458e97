"""End-of-shift sync of 60 episodes over loopback, against one loopback POST of the same rows.

Runs when the sync client (``app.services.sync``, ``app.sync``) and the central service
(``central``) exist; reports "pending" otherwise. What it measures, per round (fresh workstation
each round, so every round pushes the same amount):

- ours: ``app.services.sync.sync_now(ws)`` — hello, push of the outbox, pull, count check,
  test history, minimisation, the sync's audit entry and the audit anchor; in protocol 3 the
  pull page, counts and history come in the push's answer and the audit entries and anchor in
  one last push, so hello and two pushes (docs/sync-protocol.md 4.7; the requests made are in
  the row's detail) — against the REAL central service started
  as ``python -m central serve`` on 127.0.0.1 with a SQLite database, the workstation enrolled
  with a real enrolment code. The 60 episodes are made through the real services (``app.demo``:
  drafts, tests, issued RA1s, Annex E), so the outbox holds what a shift really produces.
- baseline (issue 16, "the fair baseline"): the same records, exactly as the push sends them
  (``to_record`` of every pending row, read before the sync), sent as ONE JSON POST over
  loopback to a minimal endpoint of the same framework (``bench/fair_endpoint.py``: FastAPI
  under uvicorn, in its own process) that inserts them with one ``executemany`` into the same
  kind of database (a SQLite file in WAL mode, as the central store here). The two sides
  alternate which goes first, round by round.
- also reported (detail): the old floor, a raw local ``executemany`` of the same rows into a
  plain-SQLite copy of the workstation schema, no HTTP; and the HTTP requests the sync made.

The sync runs with the heap policy the desk window sets once it is open
(``app.ui.main_window._keep_heap``: what is loaded is frozen out of the collector's sight, the
old generation is collected only when the worker is idle), since that is where it runs.
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

TARGET_MS, TARGET_RATIO = 300.0, 2.0
KEY, WHAT = "sync", "end-of-shift sync, 60 episodes, loopback"
TARGET = f"< {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x one POST of the rows"
EPISODES = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_central(work: Path, db_url: str | None = None) -> tuple[subprocess.Popen, str, str]:
    port, db_url = _free_port(), db_url or f"sqlite:///{work / 'central.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(port), "--log-level", "warning",
         "--database-url", db_url, "--data-dir", str(work)],
        # a file, not a pipe: an unread pipe fills and freezes the service mid-request
        cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL,
        stderr=(work / "central.log").open("ab"),
    )  # fmt: skip
    return proc, _wait_healthy(proc, port, work / "central.log"), db_url


def _start_fair(work: Path) -> tuple[subprocess.Popen, str]:
    port, db_url = _free_port(), f"sqlite:///{work / 'fair.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fair_endpoint", "--port", str(port), "--database-url", db_url],
        cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL,
        stderr=(work / "fair.log").open("ab"),
    )  # fmt: skip
    return proc, _wait_healthy(proc, port, work / "fair.log")


def _wait_healthy(proc: subprocess.Popen, port: int, log_path: Path | None = None) -> str:
    import httpx

    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = log_path.read_text(errors="replace") if log_path else ""
            raise RuntimeError(f"the service exited: {log[-1500:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the service did not start within 30 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def desk_heap_policy() -> None:
    """What the open desk window does to the garbage collector (main_window._keep_heap)."""
    import gc

    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 100_000)


def wire_records(ws) -> list[dict]:
    """What the push sends: every pending row as ``to_record`` makes it, in push order."""
    from sqlalchemy import select

    from app.sync.records import PUSH_ORDER, SPECS, to_record

    with ws.store.session() as s:
        return [
            to_record(SPECS[t], row)
            for t in PUSH_ORDER
            for row in s.scalars(
                select(SPECS[t].model).where(SPECS[t].model.sync_state == "pending")
            )
        ]


def _post(client, fair_url: str, records: list[dict]) -> float:
    start = time.perf_counter()
    answer = client.post(f"{fair_url}/rows", json={"records": records})
    elapsed = time.perf_counter() - start
    if answer.status_code != 200 or answer.json()["stored"] != len(records):
        raise RuntimeError(f"the fair endpoint answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


class _Requests:
    """Counts the HTTP requests the sync makes (httpx's event hook on every client)."""

    def __init__(self) -> None:
        import httpx

        self.seen: list[str] = []
        self._orig = httpx.Client.send
        requests = self

        def send(client, request, **kw):
            requests.seen.append(f"{request.method} {request.url.path}")
            return requests._orig(client, request, **kw)

        httpx.Client.send = send

    def close(self) -> None:
        import httpx

        httpx.Client.send = self._orig


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


def _round(
    r: int,
    work: Path,
    url: str,
    db_url: str,
    fair_url: str,
    client,
) -> tuple[float, float, float, int, dict]:
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
        records = wire_records(ws)
        fair = _post(client, fair_url, records) if r % 2 else None
        requests = _Requests()
        try:
            start = time.perf_counter()
            summary_ = sync_service.sync_now(ws)
            elapsed = time.perf_counter() - start
        finally:
            requests.close()
        if summary_.offline or summary_.failures:
            raise RuntimeError(f"sync did not complete: {summary_}")
        if fair is None:
            fair = _post(client, fair_url, records)
        base = _bulk_insert(work / f"bulk-{r}.db", rows)
        return (
            elapsed,
            fair,
            base,
            len(records),
            {"pushed": summary_.pushed, "pulled": summary_.pulled, "requests": requests.seen},
        )
    finally:
        ws.close()


def run(rounds: int = 5) -> Row:
    try:
        import central.auth
        import central.db  # noqa: F401
        from app.services import sync as _sync_service  # noqa: F401
    except ImportError as exc:
        return pending(KEY, WHAT, TARGET, f"app.sync / central not present ({exc.name})")
    import httpx

    work = OUT / "sync"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    proc, url, db_url = _start_central(work)
    fair_proc, fair_url = _start_fair(work)
    ours, fair, raw, info = [], [], [], []
    desk_heap_policy()
    try:
        with httpx.Client(timeout=60) as client:
            for r in range(rounds + 1):
                o, f, b, n, detail = _round(r, work, url, db_url, fair_url, client)
                if r:  # round 0 warms both servers (imports, first connections); not counted
                    ours.append(ms(o)), fair.append(ms(f)), raw.append(ms(b))
                    info.append({"records": n, **detail})
    finally:
        stop(proc), stop(fair_proc)
    row = Row(KEY, WHAT, TARGET)
    o, f, b = summary(ours), summary(fair), summary(raw)
    row.ours, row.baseline = o["median"], f["median"]
    row.detail = {
        "sync_ms": o, "fair_post_ms": f, "raw_local_insert_ms": b, "rounds": info,
        "episodes": EPISODES, "central": "python -m central serve, SQLite, 127.0.0.1",
        "fair": "python -m bench.fair_endpoint (FastAPI+uvicorn, one executemany, SQLite)",
    }  # fmt: skip
    return row.finish(o["median"] < TARGET_MS and o["median"] <= TARGET_RATIO * f["median"])
