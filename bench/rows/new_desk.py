"""A new workstation for a suite with 5 years of history: time and memory to a usable store.

The central store is the history database of the reports row (``bench.central_gen``: each suite
20,000 episodes over 5 years, ~110,000 person, episode and form records), served by the real
``python -m central serve``. A fresh workstation is enrolled in one suite and runs its first
sync in a child process (``bench/child_new_desk.py``): hello, push of its set-up events, the
pull of the suite's whole history page by page, the count check, test history; then the shift
board and a search — usable. Closed episodes older than the erasure policy (30 days) are erased
on arrival, never placed (app.sync.minimise.Arrival), as the sync would erase them at its end
anyway. Reported: seconds to usable (target < 30 s), the peak RSS of that
process (target < 250 MB; the peak includes everything the process ever held, Argon2id's
working memory at set-up aside, as it is set low here), and the progress updates the worker
saw while records arrived. Then, untimed, the end state: the audit chain verifies and a second
sync is quiet (nothing pulled, no failure: the count check agrees with the erasure ledger).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from bench import central_gen, pg
from bench.common import OUT, ROOT, Row, child_env
from bench.rows.sync import _start_central, stop

KEY = "new_desk"
TARGET = "< 30 s and < 250 MB peak"


def run(quick: bool = False) -> Row:
    row = Row(KEY, "new desk: first sync of a suite with 5 years of history", TARGET, unit="s")
    reason = pg.unreachable()
    if reason:
        row.status = f"skipped: {reason}"
        return row
    from central.auth import create_enrolment_code
    from central.db import make_engine

    suites, episodes, db = (3, 300, "history_quick") if quick else (50, 20_000, "history")
    made = central_gen.ensure(suites, episodes, db=db)
    work = OUT / "new_desk"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    url = pg.url(db)
    engine = make_engine(url)
    code = create_enrolment_code(engine, central_gen.suite_name(0))[0]
    with engine.begin() as conn:  # what earlier runs' desks pushed (their audit events) goes
        conn.exec_driver_sql("DELETE FROM record_versions WHERE device_id IS NOT NULL")
        conn.exec_driver_sql("DELETE FROM records WHERE updated_by_device_id IS NOT NULL")
    with engine.connect() as conn:
        in_suite = conn.exec_driver_sql(
            "SELECT count(*) FROM records WHERE suite = %s", (central_gen.suite_name(0),)
        ).scalar()
    engine.dispose()
    proc, base_url, _ = _start_central(work, url)
    log = work / "desk.log"  # the progress the worker sees, as it happens
    try:
        with log.open("w") as err:
            done = subprocess.run(
                [sys.executable, "-m", "bench.child_new_desk", str(work / "desk"), base_url, code],
                cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=err, text=True,
                timeout=1800,
            )  # fmt: skip
    finally:
        stop(proc)
    if done.returncode != 0:
        raise RuntimeError(f"the new desk failed: {log.read_text()[-1500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    row.ours = result["usable_s"]
    row.detail = {**result, "suite_records": in_suite, "generator": made}
    met = (
        result["usable_s"] < 30
        and result["peak_mb"] < 250
        and not result["failures"]
        and not result["offline"]
        and result["pulled"] > 0
        and result.get("audit_ok", False)
        and not result["second_sync"]["failures"]
        and result["second_sync"]["pulled"] == 0
    )
    row.finish(met)
    row.status += (
        f" ({result['peak_mb']:.0f} MB peak, {result['pulled']:,} records placed, "
        f"{result.get('erased', 0):,} old closed episodes erased)"
    )
    if result["failures"] or result["second_sync"]["failures"]:
        row.status += f"; failures: {(result['failures'] + result['second_sync']['failures'])[:2]}"
    if not result.get("audit_ok", False):
        row.status += "; the audit chain does not verify"
    return row
