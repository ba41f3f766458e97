"""Pull by cursor (docs/sync-protocol.md 5): pages fetched first, then applied in one short
transaction together with the new cursor, the open conflicts and the reference documents.

Fetching before writing keeps the write lock off the network: the worker's autosave is never
kept waiting on a slow connection. An interrupted pull stores nothing and resumes from the
cursor of the last completed pull (re-applying is harmless: rows are upserted by id and rev).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.storage.models import ReferenceDocument, SyncConflict
from app.storage.store import Store
from app.sync import state
from app.sync.apply import Applied, apply_records
from app.sync.records import parse_time
from app.sync.transport import Transport

log = logging.getLogger(__name__)
PAGE = 500
REFERENCE_NAMES = (
    "trigger_offences",
    "spoc_directory",
    "wording",
    "policy",
    "substances",
    "ethnicity",
)


@dataclass
class PullOutcome:
    applied: Applied = field(default_factory=Applied)
    reset_message: str | None = None
    conflicts: int = 0
    reference: list[str] = field(default_factory=list)
    high_water: int = 0


def fetch(
    transport: Transport,
    cursor: int,
    epoch: str | None = None,
    types: list[str] | None = None,
    on_page: Callable[[int], None] = lambda n: None,
) -> tuple[list[dict[str, Any]], bool]:
    """Every page from ``cursor``; returns the pages and whether the server asked for a reset."""
    pages: list[dict[str, Any]] = []
    reset = False
    while True:
        # Our own records are not sent back (their push's answer carried them), except to a
        # repair by type (app.sync.counts), which must see everything.
        page = transport.pull(cursor, PAGE, None if reset else epoch, types, skip_own=not types)
        if page["reset"]:
            if reset:  # a reset answer to a pull from 0: the server is inconsistent
                raise RuntimeError("the central store asked for a reset twice")
            # 5.1: start again from 0; nothing local is deleted (see apply.py, force).
            reset, pages, cursor = True, [page], 0
            continue
        pages.append(page)
        on_page(sum(len(p["records"]) for p in pages))
        cursor = page["next_cursor"]
        if not page["more"]:
            return pages, reset


def pull(
    store: Store, transport: Transport, on_page: Callable[[int], None] = lambda n: None
) -> PullOutcome:
    with store.session() as s:
        cursor, epoch = state.get(s, state.CURSOR, 0), state.get(s, state.EPOCH)
    pages, reset = fetch(transport, cursor, epoch, on_page=on_page)
    out = PullOutcome(reset_message=pages[0]["message"] if reset else None)
    last = pages[-1]
    with store.session() as s:
        records = [r for page in pages for r in page["records"]]
        out.applied = apply_records(s, records, force=reset)
        out.reference = _store_reference(s, [d for page in pages for d in page["reference"]])
        out.conflicts = replace_conflicts(s, last["conflicts"])
        state.put(s, state.CURSOR, last["next_cursor"])
        state.put(s, state.EPOCH, last["store_epoch"])
    out.high_water = last["high_water"]
    if reset:
        log.warning("pull: the central store asked for a reset; re-pulled from 0")
    return out


def replace_conflicts(s: Session, conflicts: list[dict[str, Any]]) -> int:
    """4.5: the pull carries the complete open set; a local 'seen' mark survives until the
    push that closes the conflict has been acknowledged."""
    wanted = {str(c["id"]): c for c in conflicts}
    s.execute(
        delete(SyncConflict).where(
            SyncConflict.id.not_in(list(wanted)),
            # conflicts found on this workstation (episodes.LOCAL_CONFLICT) are not the
            # central store's to replace
            SyncConflict.id.not_like("local-%"),
        )
    )
    for key, c in wanted.items():
        row = s.get(SyncConflict, key) or SyncConflict(id=key)
        row.record_type, row.record_id, row.field = c["record_type"], c["record_id"], c["field"]
        row.yours, row.theirs, row.winner = c.get("yours"), c.get("theirs"), c["winner"]
        row.yours_present = bool(c.get("yours_present", True))
        row.theirs_present = bool(c.get("theirs_present", True))
        row.device_id, row.server_rev, row.base_rev = (
            c.get("device_id"),
            c.get("rev"),
            c.get("base_rev"),
        )
        row.detected_at = parse_time(c.get("created_at"))
        s.add(row)
    return len(wanted)


def _store_reference(s: Session, documents: list[dict[str, Any]]) -> list[str]:
    names = []
    for doc in documents:
        content = doc.get("content")
        if doc.get("name") not in REFERENCE_NAMES or not isinstance(content, dict):
            log.warning("pulled reference document ignored: not a known document")
            continue
        # ReferenceData needs a version and a source in every document.
        payload = {"version": str(doc["version"]), "source": "central store", **content}
        row = s.get(ReferenceDocument, doc["name"]) or ReferenceDocument(name=doc["name"])
        row.version, row.payload, row.source = str(doc["version"]), payload, "central"
        s.add(row)
        names.append(doc["name"])
    return names


def stored_reference_versions(s: Session) -> dict[str, str]:
    rows = s.scalars(select(ReferenceDocument).where(ReferenceDocument.source == "central"))
    return {row.name: row.version for row in rows}
