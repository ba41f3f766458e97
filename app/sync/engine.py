"""One whole sync (docs/sync-protocol.md): hello, push, pull, count check and repair, history,
data minimisation, and the sync's own audit entry.

``run(job, progress)`` is a module-level function taking a progress/cancel object, so the UI
runs it on a worker thread and tests call it with a stand-in (CONVENTIONS, "The UI stays
responsive"). Nothing here orders by a device clock: the server's ``seq`` decides (8); the
workstation clock only decides which closed episodes are old enough to erase.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from app.storage import anchor, audit
from app.storage.store import Store
from app.sync import counts, errors, history, minimise, outbox, state
from app.sync.answers import Answered
from app.sync.pull import PAGE, pull
from app.sync.records import parse_time
from app.sync.transport import MIN_SERVER_PROTOCOL, PROTOCOL_VERSION, Transport

log = logging.getLogger(__name__)


class Progress(Protocol):
    def step(self, text: str, done: int = 0, total: int | None = None) -> None: ...
    def cancelled(self) -> bool: ...


class NullProgress:
    def step(self, text: str, done: int = 0, total: int | None = None) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class Cancelled(errors.SyncError):
    what_to_do = "Sync again when you are ready; nothing was lost."


@dataclass
class Job:
    store: Store
    transport: Transport
    device_id: str
    actor: audit.Actor
    app_version: str
    now: Callable[[], datetime]
    erase_after_days: int = minimise.DEFAULT_DAYS
    protocol: int = PROTOCOL_VERSION  # the version both sides speak (hello, 3)


@dataclass
class Report:
    pushed: int = 0
    pulled: int = 0
    kept_local: int = 0
    conflicts: int = 0
    erased: int = 0
    refused: list[str] = field(default_factory=list)  # record ids that need attention
    mismatches: list[str] = field(default_factory=list)
    orphans: int = 0
    unreadable: list[str] = field(default_factory=list)  # pulled values not placed: type id field
    reset_message: str | None = None
    clock_note: str | None = None
    # The central store's word on this workstation's audit log (docs/security.md): its
    # refusals of a rewritten history, and a receipt that does not match the log here.
    audit_refused: list[str] = field(default_factory=list)
    anchor_problem: str | None = None


def run(job: Job, progress: Progress | None = None) -> Report:
    """Protocol 3 (4.7): the push of the shift also brings the first pull page, the counts and
    the test history; the audit entries the sync writes (the disclosure at each
    acknowledgement, erasures, the summary) go in its last push, which also brings the audit
    anchor's receipt — hello and two pushes for an ordinary end of shift. With a version-2
    central store, each of those is its own request, as before."""
    progress = progress or NullProgress()
    report = Report()
    if not isinstance(job.transport, Answered):
        job.transport = Answered(job.transport)  # type: ignore[assignment]
    progress.step("Connecting to the central store")
    _hello(job, report)
    _exchange(job, progress, report)
    _check_counts(job, progress, report)
    _check("Fetching test history", progress)
    history.refresh(job.store, job.transport, job.now().date())
    if not outbox.persisted(job.store):  # every push acknowledged: a confirmed sync
        _check("Removing old closed episodes from this workstation", progress)
        report.erased += minimise.erase_old_episodes(
            job.store, job.actor, job.now(), job.erase_after_days
        )
    _record_summary(job, report)
    # the audit events just written (and, protocol 3, the anchor's answer with them)
    last = outbox.push_all(job.store, job.transport, _sender(job), then=_ask_anchor(job))
    if last.then is not None:
        job.transport.take(*last.then)
    if not _anchor(job, report):  # (a receipt kept records the time with it: one commit)
        with job.store.session() as s:
            state.put(s, state.LAST_SYNC, job.now().isoformat())
    progress.step("Sync complete", 1, 1)
    return report


def _ask_after_push(job: Job) -> outbox.Then | None:
    """What the shift's push asks besides its batch (4.7): the pull page the next step would
    ask for (same cursor, epoch and page size), the counts read with it, the test history."""
    if job.protocol < 3:
        return None

    def then() -> dict:
        with job.store.session() as s:
            cursor, epoch = state.get(s, state.CURSOR, 0), state.get(s, state.EPOCH)
        return {
            "pull": {"cursor": cursor, "limit": PAGE, "epoch": epoch, "skip_own": True},
            "counts": True,
            "history": {"since": history.since(job.now().date())},
        }

    return then


def _ask_anchor(job: Job) -> outbox.Then | None:
    """The last push asks for the audit anchor's answer to the chain as it is when sent."""
    if job.protocol < 3:
        return None

    def then() -> dict:
        with job.store.session() as s:
            return {"anchor": anchor.claim(s, job.store.slots.tl_fingerprint)}

    return then


def _check(text: str, progress: Progress, done: int = 0, total: int | None = None) -> None:
    if progress.cancelled():
        raise Cancelled("Sync stopped before it finished. Everything done so far is kept.")
    progress.step(text, done, total)


def _hello(job: Job, report: Report) -> None:
    answer = job.transport.hello(job.app_version)
    server = answer.get("protocol_version", MIN_SERVER_PROTOCOL)
    job.protocol = min(server, PROTOCOL_VERSION) if isinstance(server, int) else 0
    if job.protocol < MIN_SERVER_PROTOCOL:
        raise errors.UpgradeRequired(
            "The central store is older than this copy of CJIT Desk and must be updated first.",
            "Tell IT the central store needs updating. Your work is kept.",
        )
    skew = abs((parse_time(answer.get("server_time")) - job.now()).total_seconds())
    if skew > 300:  # for information only (3): ordering never uses clocks
        report.clock_note = (
            f"This workstation's clock differs from the central store's by about "
            f"{round(skew / 3600, 1)} hours. Ask IT to correct it; no record is affected."
        )


def _sender(job: Job) -> outbox.Sender:
    return outbox.Sender(job.device_id, job.actor, job.transport.base_url)


def _exchange(job: Job, progress: Progress, report: Report) -> None:
    """Push the outbox, then pull everything newer than the cursor. A record the server
    stored differently from what was sent needs no catching up: the push's answer carried
    the stored version and the row is already rebased on it (app.sync.ack)."""
    _check("Sending this workstation's records", progress)
    pushed = outbox.push_all(
        job.store, job.transport, _sender(job),
        on_batch=lambda n: _check("Sending this workstation's records", progress, n),
        then=_ask_after_push(job), hold_audit=job.protocol >= 3,
    )  # fmt: skip
    report.pushed += pushed.pushed
    report.refused += pushed.refused
    if pushed.then is not None:  # the pull below starts from the page it carried
        job.transport.take(*pushed.then)
    _check("Receiving colleagues' records", progress)
    # A confirmed exchange so far (every push acknowledged): what the erasure at the end would
    # remove is not placed at all (app.sync.minimise.Arrival; issue 16.5).
    cutoff = None if outbox.persisted(job.store) else job.now() - timedelta(job.erase_after_days)
    pulled = pull(
        job.store, job.transport,
        on_page=lambda n: _check("Receiving colleagues' records", progress, n),
        erase_before=cutoff, actor=job.actor,
    )  # fmt: skip
    report.pulled += pulled.applied.applied
    report.erased += pulled.applied.erased
    report.kept_local += pulled.applied.kept_local
    report.orphans += pulled.applied.orphans
    report.unreadable += pulled.applied.unreadable
    report.conflicts = pulled.conflicts
    report.reset_message = report.reset_message or pulled.reset_message


def _check_counts(job: Job, progress: Progress, report: Report) -> None:
    """6: compare, repair once, compare again; what still differs goes in the summary."""
    for attempt in range(2):
        _check("Checking both sides hold the same records", progress)
        server = job.transport.counts()
        with job.store.session() as s:
            cursor = state.get(s, state.CURSOR, 0)
        if server["as_of_seq"] > cursor:  # someone synced meanwhile: pull first
            _exchange(job, progress, report)
            server = job.transport.counts()
        mismatches, ref_differs, audit_short = counts.compare(job.store, server)
        if not (mismatches or ref_differs or audit_short):
            return
        if attempt == 1:
            report.mismatches = [m.describe() for m in mismatches]
            if ref_differs:
                report.mismatches.append("reference data: versions differ")
            if audit_short:
                report.mismatches.append("audit events: the central store holds fewer")
            log.warning("count check: %d types still differ after repair", len(mismatches))
            return
        log.warning("count check: %d types differ; repairing", len(mismatches))
        if mismatches:
            repaired = counts.repair(job.store, job.transport, mismatches)
            report.unreadable += [u for u in repaired.unreadable if u not in report.unreadable]
        if ref_differs:
            counts.repair_reference(job.store, job.transport)
        if audit_short:
            counts.repush_audit_events(job.store)
        _exchange(job, progress, report)


def _anchor(job: Job, report: Report) -> bool:
    """After the last push: the audit chain's length and head against what the central store
    holds; its signed receipt is kept (app/storage/anchor.py). Nothing is written to the audit
    log here, so the log just sent is the one the receipt covers. True when the receipt was
    kept, with the time of this sync in the same transaction."""
    with job.store.session() as s:
        claim = anchor.claim(s, job.store.slots.tl_fingerprint)
    try:
        answer = job.transport.anchor(claim)
    except errors.Refused as exc:  # a central store from before the anchor (404)
        log.warning("audit anchor: not answered (%s)", type(exc).__name__)
        return False
    refused = answer.get("refused") if isinstance(answer.get("refused"), list) else []
    report.audit_refused = [str(r.get("message", "")) for r in refused if isinstance(r, dict)]
    receipt = answer.get("receipt")
    if not isinstance(receipt, dict):
        return False
    try:
        with job.store.session() as s:
            key = answer.get("public_key")
            if isinstance(key, str) and not anchor.pinned(s):  # enrolled before receipts
                anchor.pin_public_key(s, key)
            anchor.accept(job.store, s, receipt, job.device_id)
            state.put(s, state.LAST_SYNC, job.now().isoformat())
    except (anchor.AnchorRefused, KeyError, TypeError, ValueError) as exc:
        report.anchor_problem = str(exc) or "The central store's receipt could not be read."
        log.warning("audit anchor: receipt not accepted (%s)", type(exc).__name__)
        return False
    return True


def _record_summary(job: Job, report: Report) -> None:
    """The sync as a whole, counts only. The s.62 disclosure itself is logged batch by batch at
    each acknowledgement (app.sync.ack), so it stands even when a sync stops half-way."""
    with job.store.session() as s:
        audit.record(
            s,
            job.actor,
            "disclosure",
            "sync",
            None,
            reason="end-of-shift / background sync with the central store",
            detail={
                "event": "synced",
                "pushed": report.pushed,
                "pulled": report.pulled,
                "conflicts": report.conflicts,
                "erased": report.erased,
                "central": job.transport.base_url,
            },
        )
