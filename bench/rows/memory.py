"""Memory after opening a store with 100k+ episodes: RSS after unlock + shift board + a search,
in a fresh interpreter (``bench.child_memory``). Reported: the median RSS of a few runs, and the
peak (VmHWM), which includes Argon2id's 64 MiB working memory during key derivation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import Row, child_env, summary

TARGET_MB = 250.0


def run(data_dir: Path, runs: int = 3) -> Row:
    row = Row("memory", "memory after opening a store with 100k episodes", f"< {TARGET_MB:.0f} MB RSS",
              unit="MB")  # fmt: skip
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-m", "bench.child_memory", str(data_dir)],
                              env=child_env(), capture_output=True, text=True, timeout=300)  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rss = summary([r["rss_mb"] for r in results])
    peak = summary([r["peak_mb"] for r in results])
    row.ours = rss["median"]
    row.detail = {"rss_mb": rss, "peak_mb": peak, "runs": results, "statistic": "median",
                  "store": data_dir.name, **_store_info(data_dir)}  # fmt: skip
    return row.finish(rss["median"] < TARGET_MB and peak["max"] < TARGET_MB)


def _store_info(data_dir: Path) -> dict:
    info = {"db_mb": round((data_dir / "cjit.db").stat().st_size / 2**20, 1)}
    made = data_dir / "bench-store.json"
    if made.exists():
        info["generated"] = json.loads(made.read_text())
    return info
