"""A partnership's central store with years of history, bulk-loaded into PostgreSQL by COPY.

    python -m bench.central_gen [--episodes-per-suite N] [--suites S]

One suite's history is made by the workstation generator (``bench.datagen``: real forms, the
services' shapes, ``history_days`` = 5 years, every row unsynced) and turned into the records
its workstations would have pushed (``to_record``, as the push sends them; no audit events,
notices or appointments: the reports and the new-desk pull do not need them, and they would
double the volume). That suite's records are cached as one COPY file under bench/out/; every
suite of the partnership is that history again under other ids (the first 8 hex digits of
every id, which the template sets to 0, become the suite's number: ids stay unique, references
between records stay intact) — so S suites are S x N episodes, loaded with ``COPY`` straight
into ``records`` (the sequence numbers from a temporary default). Record versions are not
made: nothing measured here reads them (a desk editing this history would find no merge base).

The database is ``<prefix>history`` (bench/pg.py); it is kept between runs and remade only
when its parameters change (a marker table says which).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from bench import pg
from bench.common import OUT

SUITES, EPISODES_PER_SUITE = 50, 20_000  # 1 million episodes
DB = "history"
_UUID = re.compile(r"\b[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
KEPT = ("person", "episode", "form")


def suite_name(k: int) -> str:
    return f"suite-{k:02d}"


def template(episodes: int, seed: int = 16) -> Path:
    """One suite's history as COPY text (id, type, suite placeholder, rev, deleted, fields,
    form_key, updated_at), ids with a zero prefix; cached."""
    path = OUT / f"central-template-{episodes}e-s{seed}.copy"
    if path.exists():
        return path
    import shutil

    from app.storage import keyslots
    from bench import datagen
    from bench.rows.sync import wire_records

    keyslots.ARGON2_PARAMS.update(time_cost=1, memory_cost=8192)  # not what is measured
    work = OUT / f"central-template-{episodes}e-store"
    if work.exists():
        shutil.rmtree(work)
    ws = datagen.create_store(work)
    try:
        datagen.fill(ws, people=int(episodes / 1.1), episodes=episodes, seed=seed,
                     open_today=15, unsynced=True, history_days=5 * 365)  # fmt: skip
        records = [r for r in wire_records(ws) if r["type"] in KEPT]
    finally:
        ws.close()
        shutil.rmtree(work)
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    lines = []
    for r in records:
        fields = json.dumps(r["fields"], separators=(",", ":"), ensure_ascii=False)
        fields = fields.replace("\\", "\\\\")  # COPY's text format: a backslash is doubled
        text = "\t".join((r["id"], r["type"], "@SUITE@", "1", "f", fields,
                          r["fields"].get("form_key") or "\\N", now))  # fmt: skip
        lines.append(_UUID.sub(r"00000000\1", text))
    tmp = path.with_suffix(".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(path)
    return path


def ensure(
    suites: int = SUITES,
    episodes: int = EPISODES_PER_SUITE,
    db: str = DB,
    log=print,
) -> dict:
    """The history database, made if missing or made with other parameters; returns its facts."""
    import psycopg

    wanted = {"suites": suites, "episodes_per_suite": episodes, "version": 1, "schema": _head()}
    if pg.exists(db):
        with psycopg.connect(pg.dsn(db)) as conn:
            try:
                found = conn.execute("SELECT value FROM bench_meta WHERE key = 'params'").fetchone()
            except psycopg.Error:
                found = None
        if found and json.loads(found[0]) == wanted:
            return {**wanted, "generated_s": None, "cached": True}
    started = time.perf_counter()
    log(f"  generating the central history: {suites} suites x {episodes:,} episodes (COPY)…")
    text = template(episodes).read_text(encoding="utf-8")
    url = pg.fresh(db)
    from central.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    with psycopg.connect(pg.dsn(db)) as conn, conn.cursor() as cur:
        cur.execute("CREATE SEQUENCE bench_seq")
        cur.execute("ALTER TABLE records ALTER COLUMN seq SET DEFAULT nextval('bench_seq')")
        columns = "id, type, suite, rev, deleted, fields, form_key, updated_at"
        for k in range(suites):
            body = text.replace("00000000-", f"{k:08x}-").replace("@SUITE@", suite_name(k))
            with cur.copy(f"COPY records ({columns}) FROM STDIN") as copy:
                data = body.encode("utf-8")
                for start in range(0, len(data), 1 << 20):
                    copy.write(data[start : start + (1 << 20)])
            conn.commit()
            if k % 10 == 9:
                log(f"    {k + 1} suites loaded ({time.perf_counter() - started:.0f} s)")
        cur.execute("ALTER TABLE records ALTER COLUMN seq DROP DEFAULT")
        cur.execute("UPDATE store_info SET change_seq = (SELECT max(seq) FROM records)")
        cur.execute("DROP SEQUENCE bench_seq")
        cur.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
        cur.execute("INSERT INTO bench_meta VALUES ('params', %s)", (json.dumps(wanted),))
        conn.commit()
    with psycopg.connect(pg.dsn(db), autocommit=True) as conn:
        conn.execute("ANALYZE records")
    return {**wanted, "generated_s": round(time.perf_counter() - started, 1), "cached": False}


def _head() -> str:
    """The central store's newest migration: a database made with another schema is remade."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from central.db import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head() or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suites", type=int, default=SUITES)
    parser.add_argument("--episodes-per-suite", type=int, default=EPISODES_PER_SUITE)
    args = parser.parse_args()
    reason = pg.unreachable()
    if reason:
        raise SystemExit(reason)
    print(ensure(args.suites, args.episodes_per_suite))


if __name__ == "__main__":
    main()
