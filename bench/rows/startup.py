"""Cold start to the unlock window shown, against a bare PySide6 app showing an empty window."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.common import Row, child_env, ms, summary

TARGET = 1.5


def _once(args: list[str]) -> float:
    env = child_env()
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bench.child_startup", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    for line in done.stdout.splitlines():
        if line.startswith("shown "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"child {args} did not report: {done.stderr[-2000:]}")


def run(data_dir: Path, runs: int = 9) -> Row:
    row = Row("cold_start", "cold start to the unlock window shown", f"<= {TARGET}x bare PySide6")
    _once(["bare"]), _once(["app", str(data_dir)])  # warm the OS file cache; not counted
    ours, bare = [], []
    for i in range(runs):
        order = (("app", ours), ("bare", bare)) if i % 2 else (("bare", bare), ("app", ours))
        for kind, samples in order:
            samples.append(ms(_once(["bare"] if kind == "bare" else ["app", str(data_dir)])))
    o, b = summary(ours), summary(bare)
    row.ours, row.baseline = o["median"], b["median"]
    row.detail = {"ours_ms": o, "bare_ms": b, "runs": runs, "statistic": "median"}
    return row.finish(row.ours <= TARGET * row.baseline)
