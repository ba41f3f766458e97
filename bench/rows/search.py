"""Person search over 100,000 people, p95 over a realistic query mix, against a direct indexed
SQL query returning the same hits (person, newest episode, episode count) on the same encrypted
database (raw sqlcipher3, raw key: the baseline is the SQL, not the encryption).

The mix, drawn (seeded) from people actually in the store: a family-name prefix as typed
("smi", "wój"), "given family", a date of birth (dd/mm/yyyy), a PNC ID and a custody number.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import sqlcipher3

from bench.common import Row, ms, summary
from bench.datagen import WORKER

TARGET_MS, TARGET_RATIO = 30.0, 2.0
LIMIT = 50
KINDS = ("family_prefix", "given_family", "dob", "pnc", "custody")

_HITS = """
SELECT p.id, p.family_name, p.given_names, p.date_of_birth, p.pnc_id,
       (SELECT e.id FROM custody_episode e WHERE e.person_id = p.id
        ORDER BY e.created_at DESC LIMIT 1) AS newest,
       (SELECT count(*) FROM custody_episode e WHERE e.person_id = p.id) AS n
FROM person p WHERE p.id IN ({ids})
"""
DIRECT = {
    "family_prefix": "SELECT id FROM person WHERE family_key >= ? AND family_key < ? "
    "UNION SELECT id FROM person WHERE given_key >= ? AND given_key < ? LIMIT 50",
    "given_family": "SELECT id FROM person WHERE given_key >= ? AND given_key < ? "
    "AND family_key >= ? AND family_key < ? LIMIT 50",
    "dob": "SELECT id FROM person WHERE date_of_birth = ? LIMIT 50",
    "pnc": "SELECT id FROM person WHERE pnc_id >= ? AND pnc_id < ? LIMIT 50",
    "custody": "SELECT person_id FROM custody_episode WHERE custody_record_number >= ? "
    "AND custody_record_number < ? LIMIT 50",
}


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def query_mix(
    conn: sqlcipher3.Connection, n_each: int, seed: int = 8
) -> list[tuple[str, str, tuple]]:
    """(kind, text typed by the worker, parameters of the direct SQL) for each query."""
    from app.services.text_keys import name_key

    rng = random.Random(seed)
    total = conn.execute("SELECT max(rowid) FROM person").fetchone()[0]
    mix = []
    while len(mix) < n_each * len(KINDS):
        row = conn.execute(
            "SELECT p.family_name, p.given_names, p.date_of_birth, p.pnc_id, "
            "(SELECT custody_record_number FROM custody_episode WHERE person_id = p.id LIMIT 1) "
            "FROM person p WHERE rowid >= ? LIMIT 1",
            (rng.randint(1, total),),
        ).fetchone()
        family, given, dob, pnc, crn = row
        kind = KINDS[len(mix) % len(KINDS)]
        if kind == "family_prefix":
            typed = family[: rng.randint(3, 5)]
            key = name_key(typed)
            mix.append((kind, typed, (key, _upper(key), key, _upper(key))))
        elif kind == "given_family":
            first = given.split()[0]
            typed = f"{first} {family}"
            g, f = name_key(first), name_key(family.split()[-1])
            mix.append((kind, typed, (g, _upper(g), f, _upper(f))))
        elif kind == "dob":
            y, m, d = dob.split("-")
            mix.append((kind, f"{d}/{m}/{y}", (dob,)))
        elif kind == "pnc" and pnc:
            mix.append((kind, pnc, (pnc, _upper(pnc))))
        elif kind == "custody" and crn:
            mix.append((kind, crn, (crn, _upper(crn))))
    return mix


def _direct(conn: sqlcipher3.Connection, kind: str, params: tuple) -> list:
    ids = [r[0] for r in conn.execute(DIRECT[kind], params)]
    if not ids:
        return []
    return conn.execute(_HITS.format(ids=",".join("?" * len(ids))), ids).fetchall()


def run(data_dir: Path, n_each: int = 40, repeats: int = 3) -> Row:
    from app.config import Settings
    from app.services import search
    from app.services import workspace as wsm

    row = Row("search", "person search over 100,000 people, p95",
              f"<= {TARGET_MS:.0f} ms and <= {TARGET_RATIO}x direct indexed SQL")  # fmt: skip
    ws = wsm.unlock(Settings(data_dir=data_dir), WORKER[0], WORKER[2])
    conn = sqlcipher3.connect(str(data_dir / "cjit.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{ws.store.key.hex()}'\"")
    try:
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        mix = query_mix(conn, n_each)
        ours: dict[str, list[float]] = {k: [] for k in KINDS}
        base: dict[str, list[float]] = {k: [] for k in KINDS}
        found = {"ours": 0, "direct": 0}
        for _, text, _ in mix[:10]:  # warm caches on both sides
            search.search_people(ws, text)
        for rep in range(repeats):
            for i, (kind, text, params) in enumerate(mix):
                first_ours = (i + rep) % 2 == 0
                for side in ("ours", "direct") if first_ours else ("direct", "ours"):
                    start = time.perf_counter()
                    if side == "ours":
                        hits = search.search_people(ws, text)
                    else:
                        hits = _direct(conn, kind, params)
                    (ours if side == "ours" else base)[kind].append(ms(time.perf_counter() - start))
                    if rep == 0:
                        found[side] += len(hits)
    finally:
        conn.close()
        ws.close()
    all_ours = [x for v in ours.values() for x in v]
    all_base = [x for v in base.values() for x in v]
    o, b = summary(all_ours), summary(all_base)
    row.ours, row.baseline = o["p95"], b["p95"]
    row.detail = {
        "people": people, "queries": len(mix), "repeats": repeats, "statistic": "p95",
        "ours_ms": o, "direct_sql_ms": b, "hits_returned": found,
        "by_kind_p95_ms": {k: {"ours": summary(ours[k])["p95"], "direct": summary(base[k])["p95"]}
                           for k in KINDS},
    }  # fmt: skip
    return row.finish(o["p95"] <= TARGET_MS and o["p95"] <= TARGET_RATIO * b["p95"])
