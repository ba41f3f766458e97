"""``python -m bench`` (``make bench``): the whole benchmark suite, one table, one JSON file.

Each row is measured against its baseline in the same run, interleaved, and reported as medians
(or the percentile the target names) and ratios: the machine is shared and noisy. Generated stores
are cached under bench/out/ (gitignored); the first run makes them (about two minutes for the
100k store). Results: bench/out/results.json; the write-up: bench/RESULTS.md.

    python -m bench                 # everything
    python -m bench --only search   # some rows (cold_start unlock save search pdf sync memory
                                    # responsive burst reports new_desk)
    python -m bench --quick         # fewer runs, small stores (a smoke test, not figures)
"""

from __future__ import annotations

import argparse
import json
import os
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import common
from bench.common import OUT, Row

ROWS = ("cold_start", "unlock", "save", "search", "pdf", "sync", "memory", "responsive")
# The central store at scale (issue 16): PostgreSQL rows, skipped with the reason without it.
SCALE_ROWS = ("burst", "reports", "new_desk")


def _run_row(key: str, quick: bool, stores: dict) -> Row:
    from bench.rows import memory, pdf, responsive, save, search, startup, sync, unlock

    n = lambda full, few: few if quick else full  # noqa: E731
    if key == "cold_start":
        return startup.run(stores["small"](), runs=n(9, 3))
    if key == "unlock":
        return unlock.run(stores["small"](), runs=n(9, 3))
    if key == "save":
        return save.run(stores["small"](), runs=n(60, 10))
    if key == "search":
        return search.run(stores["large"](), n_each=n(40, 6), repeats=n(3, 1))
    if key == "pdf":
        return pdf.run(stores["small"](), runs=n(21, 5))
    if key == "sync":
        return sync.run(rounds=n(5, 1))
    if key == "memory":
        return memory.run(stores["large"](), runs=n(3, 1))
    if key == "responsive":
        return responsive.run(stores["large"](), seconds=n(90, 15))
    return _scale_row(key, quick)


def _scale_row(key: str, quick: bool) -> Row:
    if key == "burst":
        from bench.rows import burst

        return burst.run(workstations=4 if quick else 200, episodes=10 if quick else 60)
    if key == "reports":
        from bench.rows import reports

        return reports.run(quick=quick)
    if key == "new_desk":
        from bench.rows import new_desk

        return new_desk.run(quick=quick)
    raise ValueError(key)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    head = ("what", "ours", "baseline", "ratio", "target", "status")
    lines = [head, tuple("-" * len(h) for h in head)]
    for r in rows:
        lines.append((
            r.what, _fmt(r.ours, r.unit), _fmt(r.baseline, r.unit),
            f"{r.ratio:.2f}x" if r.ratio else "–", r.target, r.status,
        ))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines
    )


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=ROWS + SCALE_ROWS, help="run only these rows")
    parser.add_argument("--quick", action="store_true", help="few runs, small stores (smoke test)")
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    stores = {
        "small": common.small_store,
        "large": common.small_store if args.quick else common.large_store,
    }
    info = common.machine()
    print(f"CJIT Desk benchmarks — {info['cpu']}, {info['nproc']} CPUs, {info['ram_gb']} GB, "
          f"Python {info['python']}, SQLCipher {info['sqlcipher']}", flush=True)  # fmt: skip
    rows = []
    for key in args.only or ROWS + SCALE_ROWS:
        t = time.perf_counter()
        try:
            row = _run_row(key, args.quick, stores)
        except Exception as exc:  # noqa: BLE001 - one broken row must not hide the others
            traceback.print_exc()
            row = Row(key, key, "", status=f"error: {type(exc).__name__}: {exc}"[:200])
        row.detail["row_seconds"] = round(time.perf_counter() - t, 1)
        row.detail["load_after"] = _load()
        rows.append(row)
        print(f"  {key}: {row.status} ({row.detail['row_seconds']} s, load {_load()})", flush=True)
    total = time.perf_counter() - started
    print()
    print(table(rows))
    print(f"\nsuite: {total:.0f} s; load average now {_load()} (1, 5, 15 min) on {info['nproc']} "
          f"CPUs, at start {info['loadavg_at_start']}; results in {args.out}")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": info, "quick": args.quick, "suite_seconds": round(total, 1),
        "rows": [r.as_dict() for r in rows],
    }, indent=1, default=str))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
