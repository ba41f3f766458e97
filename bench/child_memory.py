"""Child process for the memory row: ``python -m bench.child_memory DATA_DIR``.

Unlock, the shift board (timed: it is what the worker waits for after unlock) (what the main window shows first) and a person search, then print
RSS and peak RSS (VmRSS/VmHWM) as JSON. A fresh interpreter, so nothing else is counted.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.common import rss_mb


def main(data_dir: str) -> int:
    before = rss_mb()
    from app.config import Settings
    from app.services import board, search
    from app.services import workspace as wsm
    from bench.datagen import WORKER

    imported = rss_mb()
    ws = wsm.unlock(Settings(data_dir=Path(data_dir)), WORKER[0], WORKER[2])
    unlocked = rss_mb()
    start = time.perf_counter()
    rows = board.shift_board(ws)
    board_ms = (time.perf_counter() - start) * 1000
    hits = search.search_people(ws, "smi")
    after = rss_mb()
    ws.close()
    print(json.dumps({
        "start_mb": before[0], "after_imports_mb": imported[0], "after_unlock_mb": unlocked[0],
        "rss_mb": after[0], "peak_mb": after[1], "board_rows": len(rows), "board_ms": board_ms, "hits": len(hits),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
