"""Protocol 3: what a push answers besides its acknowledgement (docs/sync-protocol.md 4.7).

A workstation ending its shift used to make one request for each step after its push: the
pull (usually empty), the count check, the test history, then a last push of its own audit
entries and the audit anchor. A push may now ask for those answers (``then``): they are read
after the batch is committed, the pull page, the counts and the history in ONE snapshot (so
the counts are those of the very state the page brings the workstation to), and the anchor
after that, as ``POST /v1/anchor`` answers it. Each part is exactly what its own endpoint
would answer; nothing here is stored with the batch, so a replay of the batch answers its
``then`` afresh.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

from central import anchors, history, pull
from central.db import read_session
from central.models import Device
from central.schemas import Then


def answer_then(engine: Engine | Connection, device: Device, then: Then) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if then.pull is not None or then.counts or then.history is not None:
        with read_session(engine) as session:
            page = None
            if then.pull is not None:
                ask = then.pull
                page = pull.pull_in(
                    session, device, ask.cursor, ask.limit, ask.epoch, None, ask.skip_own
                )
                out["pull"] = page
            # The counts only where they describe what the workstation will hold: after the
            # last page (a page with more to come would make them stale before they are used).
            if then.counts and (page is None or not (page.more or page.reset)):
                out["counts"] = pull.counts_in(session, device)
            if then.history is not None:
                people = history.positive_history_in(session, device.suite, then.history.since)
                out["history"] = {"suite": device.suite, "people": people}
    if then.anchor is not None:
        claim = then.anchor
        out["anchor"] = anchors.answer_claim(
            engine, device, claim.audit_length, claim.audit_head, claim.tl_key
        )
    return out
