"""A burst at shift change: N workstations sync a shift each to 2 ``serve`` processes at once.

Setting (issue 16.3): one PostgreSQL database; two ``python -m central serve`` processes on it
(stateless, as behind a load balancer: workstation i talks to server i mod 2); N workstations,
each a process running the real client (``app.services.sync.sync_now``: hello, push, pull,
count check, history, audit) with its own store, device and shift of E episodes, spread over
50 suites (so the pull brings colleagues' records, as at a real shift change). The workstations
prepare (copy a template, fill their shift, enrol), then all start on one signal
(``bench/child_burst.py``).

Reported: total wall time from the signal to the last workstation done; per-workstation p50 /
p99 (signal to its sync done); errors (offline, failures, exceptions: target 0); sequence gaps
(every change sequence number 1..change_seq is one stored version: target 0); the server's
versions stored per second over the burst, against PostgreSQL ``COPY`` of the same rows into
empty copies of the two tables (the physical limit on this machine). The ratio in the table is
the burst's wall time over COPY's: how far the whole protocol is from moving bare rows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

from bench import pg
from bench.common import OUT, ROOT, Row, child_env, percentile
from bench.rows.sync import _free_port, _wait_healthy, stop

KEY, WHAT = "burst", "shift-change burst: N workstations, 2 serve, 1 PostgreSQL"
TARGET = "all done < 10 s, 0 errors, 0 seq gaps"
SUITES = 50


def _serve(db_url: str, work) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(work / f"serve-{port}.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(port), "--log-level", "warning",
         "--database-url", db_url, "--data-dir", str(work)],
        cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return proc, _wait_healthy(proc, port, work / f"serve-{port}.log")


def _copy_limit(dsn: str) -> tuple[float, int]:
    """Seconds for PostgreSQL COPY to load the burst's records and versions into empty tables
    of the same shape (indexes included), and how many rows that was."""
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        data = {}
        for table in ("records", "record_versions"):
            chunks = []
            with cur.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            data[table] = b"".join(chunks)
            cur.execute(f"CREATE TABLE copy_{table} (LIKE {table} INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        for table, blob in data.items():
            with cur.copy(f"COPY copy_{table} FROM STDIN") as copy:
                copy.write(blob)
        conn.commit()
        elapsed = time.perf_counter() - start
        rows = sum(blob.count(b"\n") for blob in data.values())
    return elapsed, rows


def _store_check(dsn: str) -> dict:
    import psycopg

    with psycopg.connect(dsn) as conn:
        hi = conn.execute("SELECT change_seq FROM store_info WHERE id = 1").fetchone()[0]
        n, distinct, top = conn.execute(
            "SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM ("
            " SELECT seq FROM record_versions UNION ALL SELECT seq FROM reference_documents) s"
        ).fetchone()
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    return {"change_seq": hi, "versions": n, "distinct_seq": distinct, "max_seq": top,
            "records": records, "seq_gaps": hi - distinct, "duplicate_seq": n - distinct}  # fmt: skip


def run(workstations: int = 200, episodes: int = 60, servers: int = 2) -> Row:
    row = Row(KEY, WHAT.replace("N", str(workstations)), TARGET, unit="ms")
    reason = pg.unreachable()
    if reason:
        row.status = f"skipped: {reason}"
        return row
    from central.auth import create_enrolment_code
    from central.db import make_engine, migrate

    work = OUT / "burst"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db_url = pg.fresh("burst")
    engine = make_engine(db_url)
    migrate(engine)
    suites = [f"suite-{i % SUITES:02d}" for i in range(workstations)]
    codes = [create_enrolment_code(engine, suite)[0] for suite in suites]
    engine.dispose()
    procs = [_serve(db_url, work) for _ in range(servers)]
    spec = {"work": str(work), "workstations": workstations, "episodes": episodes,
            "urls": [url for _, url in procs], "codes": codes,
            "ready_timeout_s": 900}  # fmt: skip
    (work / "spec.json").write_text(json.dumps(spec))
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bench.child_burst", str(work / "spec.json")],
        cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        prepared = time.monotonic()
        while len(list((work / "ready").glob("*"))) + _errors_before_go(work) < workstations:
            if launcher.poll() is not None or time.monotonic() - prepared > 900:
                raise RuntimeError(f"workstations not ready: {launcher.stderr.read()[-1500:]}")
            time.sleep(0.2)
        prepare_s = time.monotonic() - prepared
        go = time.time()
        (work / "go").write_text(str(go))
        launcher.wait(timeout=1800)
    finally:
        if launcher.poll() is None:
            launcher.kill()
        server_cpu = sum(_cpu_seconds(proc.pid) for proc, _ in procs)
        for proc, _ in procs:
            stop(proc)
    results = [json.loads(p.read_text()) for p in sorted((work / "results").glob("*.json"))]
    done = [r for r in results if "ended" in r]
    errors = [r for r in results if r.get("error") or r.get("failures") or r.get("offline")]
    errors += [{"i": None, "error": "no result"}] * (workstations - len(results))
    latencies = [(r["ended"] - go) * 1000 for r in done]
    check = _store_check(pg.dsn("burst"))
    copy_s, copy_rows = _copy_limit(pg.dsn("burst"))
    wall = max(latencies) if latencies else None
    row.ours = wall
    row.baseline = copy_s * 1000
    started = [r["started"] - go for r in done]
    row.detail = {
        "workstations": workstations, "episodes_each": episodes, "servers": servers,
        "suites": SUITES, "prepare_s": round(prepare_s, 1),
        "start_spread_ms": round((max(started) - min(started)) * 1000, 1) if started else None,
        "p50_ms": percentile(latencies, 50) if latencies else None,
        "p99_ms": percentile(latencies, 99) if latencies else None,
        "errors": len(errors), "error_samples": errors[:3],
        "pushed": sum(r.get("pushed", 0) for r in done),
        "pulled": sum(r.get("pulled", 0) for r in done),
        "store": check,
        "server_versions_per_s": round(check["versions"] / (wall / 1000)) if wall else None,
        "copy_rows": copy_rows, "copy_rows_per_s": round(copy_rows / copy_s),
        "serve_cpu_s": round(server_cpu, 1),
        "versions_per_serve_cpu_s": round(check["versions"] / server_cpu) if server_cpu else None,
        "workstations_cpu_s": _clients_cpu(work),
        "baseline": "PostgreSQL COPY of the same records + versions into empty tables",
    }  # fmt: skip
    met = (
        wall is not None
        and wall < 10_000
        and not errors
        and check["seq_gaps"] == 0
        and check["duplicate_seq"] == 0
    )
    row.finish(met)
    row.status += (
        f" (p50 {row.detail['p50_ms'] or 0:,.0f} / p99 {row.detail['p99_ms'] or 0:,.0f} ms,"
        f" {len(errors)} errors, {check['seq_gaps']} gaps)"
    )
    return row


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a live process, from /proc (Linux); 0 where unreadable."""
    import os

    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _clients_cpu(work) -> float | None:
    try:
        return round(json.loads((work / "clients_cpu.json").read_text())["cpu_s"], 1)
    except (OSError, ValueError, KeyError):
        return None


def _errors_before_go(work) -> int:
    return len(list((work / "results").glob("*.json")))
