"""Unlock: key derivation + open + migration check + first query, against raw sqlcipher3.

"The same key" is the passphrase. SQLCipher's own way to open a database with a passphrase is
``PRAGMA key = 'passphrase'`` (PBKDF2-HMAC-SHA512, 256,000 iterations by default in SQLCipher 4):
that is the baseline the ratio uses, over a copy of the same database re-keyed with the
passphrase (``sqlcipher_export``). The raw-key open of our own file (``PRAGMA key = "x'…'"``, no
KDF at all) is reported too, for transparency: against it any passphrase KDF is "infinitely"
slower, which says nothing about the app.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import sqlcipher3

from bench.common import OUT, Row, ms, summary
from bench.datagen import WORKER

TARGET = 1.3
FIRST_QUERY = "SELECT count(*) FROM custody_episode WHERE status = 'open'"


def _ours(data_dir: Path) -> float:
    from sqlalchemy import func, select

    from app.config import Settings
    from app.services import workspace as wsm
    from app.storage.models import CustodyEpisode

    start = time.perf_counter()
    ws = wsm.unlock(Settings(data_dir=data_dir), WORKER[0], WORKER[2])
    with ws.store.session() as s:
        s.scalar(
            select(func.count()).select_from(CustodyEpisode).where(CustodyEpisode.status == "open")
        )
    elapsed = time.perf_counter() - start
    ws.close()
    return elapsed


def _raw(path: Path, key_pragma: str) -> float:
    start = time.perf_counter()
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(key_pragma)
    conn.execute(FIRST_QUERY).fetchone()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _passphrase_copy(data_dir: Path, key: bytes) -> Path:
    target = OUT / "unlock-passphrase-copy.db"
    if target.exists():
        target.unlink()
    conn = sqlcipher3.connect(str(data_dir / "cjit.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    escaped = WORKER[2].replace("'", "''")
    conn.execute(f"ATTACH DATABASE '{target}' AS p KEY '{escaped}'")
    conn.execute("SELECT sqlcipher_export('p')")
    conn.execute("DETACH DATABASE p")
    conn.close()
    return target


def run(data_dir: Path, runs: int = 9) -> Row:
    from app.storage.keyslots import KeySlotFile

    row = Row("unlock", "unlock (Argon2id + open + migration check + first query)",
              f"<= {TARGET}x sqlcipher3 passphrase open")  # fmt: skip
    work = OUT / "unlock-store"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(data_dir, work)  # unlock writes audit events; keep the cached store as made
    key = KeySlotFile.load(work / "keyslots.json").unlock(WORKER[0], WORKER[2]).keys[0].db_key
    copy = _passphrase_copy(work, key)
    escaped = WORKER[2].replace("'", "''")
    ours, pbkdf2, rawkey = [], [], []
    _ours(work)  # imports and first-use costs are the cold-start row's business
    for i in range(runs):
        steps = [
            lambda: ours.append(ms(_ours(work))),
            lambda: pbkdf2.append(ms(_raw(copy, f"PRAGMA key = '{escaped}'"))),
            lambda: rawkey.append(ms(_raw(work / "cjit.db", f"PRAGMA key = \"x'{key.hex()}'\""))),
        ]
        for step in steps[i % 3 :] + steps[: i % 3]:
            step()
    o, p, r = summary(ours), summary(pbkdf2), summary(rawkey)
    row.ours, row.baseline = o["median"], p["median"]
    row.detail = {
        "ours_ms": o, "sqlcipher_passphrase_pbkdf2_ms": p, "sqlcipher_raw_key_ms": r,
        "ratio_vs_raw_key": o["median"] / r["median"], "runs": runs, "statistic": "median",
        "first_query": FIRST_QUERY,
    }  # fmt: skip
    return row.finish(row.ours <= TARGET * row.baseline)
