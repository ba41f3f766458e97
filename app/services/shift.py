"""Answers carried forward from this worker's last episode of the shift ("shift:" pre-fills).

A field declared with ``prefill="shift:<field key>"`` (who gave a notice, who tested) is
pre-filled, on a form not yet started, with the last answer this worker gave to that field in
another episode since the start of today's duty hours: the same detention officer tests, the
same worker gives the notices, all shift. Without one, "given_by" is the signed-in worker's
name. The UI marks it as pre-filled, saying where it came from; the worker can change it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.forms.times import LONDON
from app.services.workspace import Workspace
from app.storage.models import FormRecord, Worker

LOOK_BACK_ROWS = 50  # the last few episodes' forms are plenty


def shift_start(ws: Workspace, duty_start) -> datetime:  # noqa: ANN001
    now = ws.now().astimezone(LONDON)
    start = datetime.combine(now.date(), duty_start, tzinfo=LONDON)
    return start if start <= now else now - timedelta(hours=12)  # out of hours: the last 12 h


def carried(
    ws: Workspace,
    episode_id: str,
    keys: set[str],
    duty_start,  # noqa: ANN001
) -> dict[str, tuple[Any, str]]:
    """{field key: (value, note)} for each of ``keys`` this worker answered earlier in the
    shift (in another episode), falling back to the worker's name for "given_by"."""
    found: dict[str, tuple[Any, str]] = {}
    since = shift_start(ws, duty_start)
    with ws.store.session() as s:
        rows = s.scalars(
            select(FormRecord)
            .where(
                FormRecord.updated_by == ws.worker.id,
                FormRecord.updated_at >= since,
                FormRecord.episode_id != episode_id,
            )
            .order_by(FormRecord.updated_at.desc())
            .limit(LOOK_BACK_ROWS)
        )
        for record in rows:
            for key in keys - set(found):
                value = (record.answers or {}).get(key)
                if isinstance(value, str) and value.strip():
                    found[key] = (value, "your last episode of this shift.")
        worker = s.get(Worker, ws.worker.id) if ws.worker.id else None
        if "given_by" in keys and "given_by" not in found and worker and worker.display_name:
            found["given_by"] = (worker.display_name, "the worker signed in.")
    return found
