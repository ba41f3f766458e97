"""Pull by cursor (docs/sync-protocol.md 5): each page applied in its own short transaction
as it arrives, then the new cursor, the open conflicts and the reference documents together.

No transaction is open while the network is used: the worker's autosave is never kept waiting
on a slow connection. An interrupted pull resumes from the cursor of the last completed pull
(re-applying is harmless: rows are upserted by id and rev). The desk's ordinary pulls leave
out its own records (``skip_own``: the push's answer carried them); the repair's pulls by type
(``fetch``, app.sync.counts) see everything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.storage import audit
from app.storage.models import ReferenceDocument, SyncConflict
from app.storage.store import Store
from app.sync import state
from app.sync.apply import Applied, apply_records
from app.sync.minimise import NEVER, Arrival
from app.sync.records import SPECS, parse_time
from app.sync.transport import Transport

log = logging.getLogger(__name__)
PAGE = 1000  # the most the server sends in one page
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
        page = transport.pull(cursor, PAGE, None if reset else epoch, types)
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
    store: Store,
    transport: Transport,
    on_page: Callable[[int], None] = lambda n: None,
    erase_before: datetime | None = None,
    actor: audit.Actor = audit.SYSTEM,
) -> PullOutcome:
    """Page by page: each page is applied in its own short transaction as it arrives, so a
    new workstation pulling years of a suite's history holds one page in memory, not all of
    them (issue 16.5). The cursor, the epoch, the open conflicts and the reference documents
    are stored together at the end: an interrupted pull resumes from the previous cursor and
    re-applies what it had (harmless: rows are upserted by id and rev). A record whose parent
    has not arrived yet (it changed later, so it comes on a later page) waits for the next
    page; what still cannot be placed at the end is reported as before.

    ``erase_before`` (a confirmed sync's erasure cutoff): pulled closed episodes older than
    that go straight to the erasure ledger with their children (app.sync.minimise.Arrival)
    instead of being placed now and erased at the end of the sync."""
    # Without a cutoff nothing new is erased on arrival, but what a stopped pull erased on
    # arrival is still followed: its episodes' children still to come join them in the ledger.
    arrival: Arrival | None = Arrival(erase_before or NEVER, actor)
    with store.session() as s:
        cursor, epoch = state.get(s, state.CURSOR, 0), state.get(s, state.EPOCH)
        arrival.load(s)
    if erase_before is None and not arrival.erased:
        arrival = None
    out = PullOutcome()
    waiting: list[dict[str, Any]] = []
    reference: list[dict[str, Any]] = []
    received, last, reset = 0, None, False

    def fetch_page(cursor: int, reset: bool) -> dict[str, Any]:
        return transport.pull(cursor, PAGE, None if reset else epoch, skip_own=True)

    # The next page is asked for while this one is applied: the central store's time to read
    # and send a page (~0.1 s of 1000 records) overlaps the desk's work instead of adding to
    # it. One request at a time still; at most two pages in memory.
    ahead = ThreadPoolExecutor(1, thread_name_prefix="cjit-pull")
    try:
        coming = ahead.submit(fetch_page, cursor, reset)
        while True:
            page = coming.result()
            if page["reset"]:
                if reset:  # a reset answer to a pull from 0: the server is inconsistent
                    raise RuntimeError("the central store asked for a reset twice")
                # 5.1: start again from 0; nothing local is deleted (see apply.py, force).
                reset, cursor, out.reset_message = True, 0, page["message"]
                coming = ahead.submit(fetch_page, cursor, reset)
                continue
            last, cursor = page, page["next_cursor"]
            final = not page["more"]
            if not final:
                coming = ahead.submit(fetch_page, cursor, reset)
            received += len(page["records"])
            reference += page["reference"]
            waiting = _apply_page(
                store, waiting + page["records"], reset, final, out, arrival, page["conflicts"]
            )
            on_page(received)
            if final:
                break
    finally:  # stopped (cancelled, offline): a page still on its way is not waited for
        ahead.shutdown(wait=False, cancel_futures=True)
    with store.session() as s:
        out.reference = _store_reference(s, reference)
        out.conflicts = replace_conflicts(s, last["conflicts"])
        state.put(s, state.CURSOR, last["next_cursor"])
        state.put(s, state.EPOCH, last["store_epoch"])
        Arrival.clear(s)
    out.high_water = last["high_water"]
    if reset:
        log.warning("pull: the central store asked for a reset; re-pulled from 0")
    return out


def _apply_page(
    store: Store,
    records: list[dict[str, Any]],
    force: bool,
    final: bool,
    out: PullOutcome,
    arrival: Arrival | None = None,
    conflicts: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Apply one page (and what waited); returns the new records that found no place yet,
    to be offered again with the next page (none after the last page)."""
    try:
        with store.session() as s:
            if arrival is not None:
                arrival.note_conflicts(s, conflicts or [], records)
            applied = apply_records(s, records, force=force, arrival=arrival)
            if arrival is not None:
                arrival.finish_page(s)
            later = [] if final else _not_placed(records, applied.left)
    except BaseException:
        if arrival is not None:
            arrival.rolled_back()
        raise
    if arrival is not None:
        arrival.committed()
    if later:  # offered again: their outcome is the next page's to count
        applied.left -= {r["id"] for r in later}
        ids = {f"{r['type']} {r['id']}:" for r in later}
        applied.orphans = applied.unplaced = 0
        applied.unreadable = [u for u in applied.unreadable if not u.startswith(tuple(ids))]
    out.applied.add(applied)
    return later


def _not_placed(records: list[dict[str, Any]], left: set[str]) -> list[dict[str, Any]]:
    """Live records of synced types that found no place (apply's own outcomes: no query)."""
    return [
        rec
        for rec in records
        if rec["id"] in left
        and rec["type"] in SPECS
        and rec["type"] != "audit_event"
        and not rec["deleted"]
    ]


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
