"""Shared helpers: statistics, the result row, machine description, the stores the rows use."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
SMALL = (2_000, 2_400)  # people, episodes: a busy suite's few months
LARGE = (100_000, 110_000)  # the 100k-person search and the 100k-episode memory rows


@dataclass
class Row:
    key: str
    what: str
    target: str
    ours: float | None = None  # the headline figure, in `unit`
    baseline: float | None = None
    unit: str = "ms"
    ratio: float | None = None
    met: bool | None = None  # None: pending or not applicable
    status: str = ""  # "met" | "MISSED" | "pending: …"
    detail: dict = field(default_factory=dict)

    def finish(self, met: bool) -> Row:
        if self.ours is not None and self.baseline:
            self.ratio = self.ours / self.baseline
        self.met = met
        self.status = "met" if met else "MISSED"
        return self

    def as_dict(self) -> dict:
        return asdict(self)


def pending(key: str, what: str, target: str, why: str) -> Row:
    return Row(key, what, target, status=f"pending: {why}")


def ms(seconds: float) -> float:
    return seconds * 1000.0


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: p95 of 100 samples is the 95th smallest)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5 - 1e-9)))
    return ordered[rank - 1]


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "min": min(samples),
        "max": max(samples),
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleave(
    runs: int, ours: Callable[[], float], base: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """Alternate the two sides run by run, so the shared machine's noise falls on both."""
    a, b = [], []
    for i in range(runs):
        if i % 2:
            b.append(base())
            a.append(ours())
        else:
            a.append(ours())
            b.append(base())
    return a, b


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB, from /proc/self/status."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import PySide6
    import reportlab
    import sqlalchemy
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "loadavg_at_start": load,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlcipher": cipher,
        "sqlite": sqlite,
        "sqlalchemy": sqlalchemy.__version__,
        "pyside6": PySide6.__version__,
        "reportlab": reportlab.Version,
        "git": _git_head(),
    }


def _git_head() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return None


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def small_store() -> Path:
    from bench.datagen import cached

    return cached(OUT, *SMALL)


def large_store() -> Path:
    from bench.datagen import cached

    return cached(OUT, *LARGE)
