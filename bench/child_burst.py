"""The workstations of the burst row: ``python -m bench.child_burst SPEC.json``.

One launcher process imports the desk's code once, then forks one process per workstation
(copy-on-write: 200 separate interpreters would not fit in memory otherwise). Each
workstation, in its own process: sets up its own store (its own set-up audit events: a copied
template would share their ids with every other workstation), fills it with its own shift (``bench.datagen.fill(..., unsynced=True)``: its own ids, every row in the outbox),
enrols with one of the ``serve`` processes (workstation i uses server i mod n) with its own
code, and says it is ready. When the parent writes the go file, every workstation runs the
real ``app.services.sync.sync_now`` and writes what happened to ``results/<i>.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

POLL_S = 0.02


def _workstation(i: int, spec: dict) -> None:
    from app.services import sync as sync_service
    from bench import datagen
    from bench.rows.sync import desk_heap_policy

    work = Path(spec["work"])
    result: dict = {"i": i}
    try:
        ws = datagen.create_store(work / "ws" / str(i))
        episodes = spec["episodes"]
        datagen.fill(ws, people=episodes, episodes=episodes, seed=1000 + i,
                     open_today=episodes, unsynced=True)  # fmt: skip
        urls = spec["urls"]
        sync_service.enrol(ws, urls[i % len(urls)], spec["codes"][i])
        desk_heap_policy()
        (work / "ready" / str(i)).touch()
        go = work / "go"
        deadline = time.monotonic() + spec["ready_timeout_s"]
        while not go.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("no go signal")
            time.sleep(POLL_S)
        result["started"] = time.time()
        summary = sync_service.sync_now(ws)
        result["ended"] = time.time()
        result.update(
            pushed=summary.pushed, pulled=summary.pulled, offline=summary.offline,
            failures=[f.reason for f in summary.failures],
        )  # fmt: skip
        ws.close()
    except Exception as exc:  # noqa: BLE001 - reported as this workstation's error
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-3000:]
    (work / "results" / f"{i}.json").write_text(json.dumps(result))


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    work = Path(spec["work"])
    for sub in ("ready", "results", "ws"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    from app.storage import keyslots

    # The workstations' key derivation is not what this row measures: a cheap Argon2id.
    keyslots.ARGON2_PARAMS.update(time_cost=1, memory_cost=8192)
    import app.services.sync  # noqa: F401 - everything a workstation needs, loaded once
    import bench.datagen  # noqa: F401

    children = []
    for i in range(spec["workstations"]):
        pid = os.fork()
        if pid == 0:
            try:
                _workstation(i, spec)
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    times = os.times()  # the workstations' CPU, set-up and sync together
    (work / "clients_cpu.json").write_text(
        json.dumps({"cpu_s": times.children_user + times.children_system})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
