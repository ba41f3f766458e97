"""The sync operations the UI calls: enrol, sync now, conflicts, reports.

Offline is a normal state: ``sync_now`` never raises for an unreachable central store, it
returns a summary saying so. Other failures come back in the summary as (reason, what to do).
"""

from __future__ import annotations

import csv
import io
import logging
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import __version__
from app.errors import UserFacingError
from app.forms.figures import PATHWAY_FIGURES
from app.services import episodes, reference
from app.services.episodes import LOCAL_CONFLICT
from app.services.workspace import Workspace
from app.storage import anchor, audit
from app.storage.models import FormRecord, SyncConflict
from app.sync import engine, errors, minimise, names, state
from app.sync.records import SPECS, apply_fields, to_fields
from app.sync.transport import Transport, check_address

log = logging.getLogger(__name__)
OFFLINE = "Offline — will sync when the central store is reachable."
ERASE_POLICY_KEY = "erase_closed_after_days"
_running = threading.Lock()  # one sync at a time per process (background vs end of shift)


@dataclass(frozen=True)
class Failure:
    reason: str
    what_to_do: str


@dataclass
class SyncSummary:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    erased: int = 0
    failures: list[Failure] = field(default_factory=list)
    offline: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def headline(self) -> str:
        if self.offline:
            return OFFLINE
        if self.failures:
            return "Sync finished with problems: see below."
        return "Sync complete: everything is on the central store."


# --- enrolment -------------------------------------------------------------------------------


def central_url(ws: Workspace) -> str | None:
    """The configured address wins (IT may move the service); else the one enrolled with."""
    if ws.settings.central_url:
        return ws.settings.central_url
    return state.read(ws.store, state.CENTRAL_URL)[state.CENTRAL_URL]


def is_enrolled(ws: Workspace) -> bool:
    return bool(state.read(ws.store, state.TOKEN)[state.TOKEN])


def enrol(ws: Workspace, url: str, code: str) -> None:
    if not url or not code.strip():
        raise UserFacingError("Give both the central store's address and the enrolment code.")
    address = check_address(url)
    name = f"CJIT Desk on {socket.gethostname()}"[:200]
    with Transport(address, ca_bundle=ws.settings.ca_bundle) as transport:
        try:
            answer = transport.enrol(code.strip(), name)
        except errors.Transient:
            raise UserFacingError(
                f"The central store at {address} cannot be reached. Check the address, or "
                "skip this step and enrol later."
            ) from None
    with ws.store.session() as s:
        for key, value in (
            (state.TOKEN, answer["token"]),
            (state.DEVICE_ID, answer["device_id"]),
            (state.SUITE, answer["suite"]),
            (state.CENTRAL_URL, address),
            (state.CURSOR, 0),
        ):
            state.put(s, key, value)
        if answer.get("anchor_public_key"):  # the key that signs audit receipts (anchor.py)
            anchor.pin_public_key(s, answer["anchor_public_key"])
        audit.record(
            s, ws.worker, "administration", "device", answer["device_id"],
            detail={"event": "enrolled", "central": address, "suite": answer["suite"]},
        )  # fmt: skip


def _transport(ws: Workspace) -> tuple[Transport, str]:
    values = state.read(ws.store, state.TOKEN, state.DEVICE_ID)
    url = central_url(ws)
    if not url or not values[state.TOKEN]:
        raise errors.SyncError(
            "This workstation is not enrolled with a central store.",
            "Ask your team leader for an enrolment code.",
        )
    return Transport(url, values[state.TOKEN], ws.settings.ca_bundle), values[state.DEVICE_ID]


# --- sync ------------------------------------------------------------------------------------


def erase_after_days(ws: Workspace) -> int:
    value = reference.reference_data(ws).documents["policy"].get(ERASE_POLICY_KEY)
    return value if isinstance(value, int) and value >= 1 else minimise.DEFAULT_DAYS


def is_running() -> bool:
    return _running.locked()


def sync_now(ws: Workspace, progress: engine.Progress | None = None) -> SyncSummary:
    with _running:
        try:
            transport, device_id = _transport(ws)
        except errors.SyncError as exc:
            return SyncSummary(failures=[Failure(exc.detail, exc.what_to_do)])
        job = engine.Job(
            ws.store, transport, device_id, ws.worker, __version__, ws.clock, erase_after_days(ws)
        )
        try:
            return _summary(ws, engine.run(job, progress))
        except errors.Transient as exc:
            log.info("sync: offline (%s)", exc.detail)
            return SyncSummary(offline=True)
        except errors.SyncError as exc:
            return SyncSummary(failures=[Failure(exc.detail, exc.what_to_do)])
        finally:
            transport.close()
            reference.forget_cached(ws)  # pulled reference documents apply from now on


def audit_failure(ws: Workspace) -> Failure | None:
    """The audit log against the central store's last receipt (15.1): what is missing or
    changed since, in words, for the end-of-shift summary."""
    with ws.store.session() as s:
        check = anchor.verify(ws.store, s)
    if check.ok:
        return None
    return Failure(
        f"The audit log on this workstation does not match the central store's receipt: "
        f"{check.message}",
        "Tell your team leader now. The central store keeps every event it received; "
        "'cjit-desk verify-audit' shows the same check.",
    )


TELL_LEAD = (
    "Tell your team leader now. The central store keeps the log as this workstation sent it; "
    "'cjit-desk verify-audit' says what differs."
)


def _audit_failures(ws: Workspace, report: engine.Report) -> list[Failure]:
    """15.1: the central store's word on this workstation's audit log, said plainly once."""
    found = []
    if report.audit_refused:
        found.append(
            Failure(
                "The central store refused this workstation's audit log as a rewritten "
                "history: " + " ".join(report.audit_refused),
                TELL_LEAD,
            )
        )
    broken = [h for h in names.needing_attention(ws.store) if h.code == names.CHAIN_BROKEN]
    if broken:
        found.append(
            Failure(
                f"The central store refused {len(broken)} new entries of this workstation's "
                "audit log: they do not follow the entries it already holds from here, so "
                "entries it had received were removed or changed on this workstation.",
                TELL_LEAD,
            )
        )
    if (failure := audit_failure(ws)) is not None:
        found.append(failure)
    elif report.anchor_problem:
        found.append(Failure(report.anchor_problem, TELL_LEAD))
    return found


def _summary(ws: Workspace, report: engine.Report) -> SyncSummary:
    out = SyncSummary(report.pushed, report.pulled, report.conflicts, report.erased)
    out.failures += _audit_failures(ws, report)
    for held in names.needing_attention(ws.store):
        if held.code == names.CHAIN_BROKEN:
            continue  # said once, above
        out.failures.append(
            Failure(
                f"The central store did not accept {held.record}: {held.reason}",
                held.what_to_do,
            )
        )
    if report.unreadable:
        shown = "; ".join(report.unreadable[:5])
        more = f" and {len(report.unreadable) - 5} more" if len(report.unreadable) > 5 else ""
        out.failures.append(
            Failure(
                f"{len(report.unreadable)} records from the central store hold values this "
                "workstation cannot read: those values were left out, or the record was not "
                f"placed if it cannot do without them ({shown}{more}).",
                "Tell IT, quoting this message; sync carries on meanwhile.",
            )
        )
    for mismatch in report.mismatches:
        out.failures.append(
            Failure(
                f"The record counts still differ after a repair ({mismatch}).",
                "Sync again; if it stays, tell IT (nothing on this workstation was deleted).",
            )
        )
    if report.orphans:
        out.failures.append(
            Failure(
                f"{report.orphans} records from the central store could not be placed "
                "(their episode is missing here).",
                "Sync again; if it stays, tell IT.",
            )
        )
    out.notes = [n for n in (report.reset_message, report.clock_note) if n]
    if out.conflicts:
        out.notes.append(f"{out.conflicts} conflicting edits need a decision: see Conflicts.")
    return out


# --- conflicts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictView:
    id: str
    record_type: str
    record_id: str
    field: str
    kept: Any
    other: Any
    who: str
    when: datetime
    seen: bool


def conflicts(ws: Workspace) -> list[ConflictView]:
    own = state.read(ws.store, state.DEVICE_ID)[state.DEVICE_ID]
    with ws.store.session() as s:
        rows = s.scalars(select(SyncConflict).order_by(SyncConflict.detected_at))
        return [
            ConflictView(
                c.id,
                c.record_type,
                c.record_id,
                c.field,
                kept=c.theirs if c.winner == "theirs" else c.yours,
                other=c.yours if c.winner == "theirs" else c.theirs,
                who=_who(c, own),
                when=c.detected_at,
                seen=c.resolved_at is not None,
            )  # fmt: skip
            for c in rows
        ]


def _who(conflict: SyncConflict, own_device: str | None) -> str:
    if conflict.id.startswith(LOCAL_CONFLICT):
        return "you, here (a colleague's change arrived while you typed)"
    return "this workstation" if conflict.device_id == own_device else "another workstation"


def resolve_conflict(ws: Workspace, conflict_id: str, keep_value: Any) -> None:
    """4.5: confirm (keep the kept value) or change it; either way the record is pushed with
    ``resolves`` at the next sync and the conflict closes on the central store."""
    with ws.store.session() as s:
        conflict = s.get(SyncConflict, conflict_id)
        if conflict is None:
            raise UserFacingError("That conflict has already been dealt with.")
        spec = SPECS.get(conflict.record_type)
        row = s.get(spec.model, conflict.record_id) if spec else None
        if row is not None and hasattr(row, "local_rev"):
            answer = conflict.field.removeprefix("answers.")
            if isinstance(row, FormRecord) and answer != conflict.field:
                # through the autosave's own path, so what derives from the answers (the
                # person's name and postcode, an Annex E booking) follows the decision
                episodes.set_answer(ws, row, answer, keep_value)
            elif conflict.field != "_deleted":
                fields = to_fields(spec, row)
                _set_path(fields, conflict.field, keep_value)
                apply_fields(spec, row, fields)
            row.local_rev = (row.local_rev or 0) + 1
            row.sync_state = "pending"
        conflict.resolved_at, conflict.resolved_by = ws.clock(), ws.worker.id
        if conflict.id.startswith(LOCAL_CONFLICT):
            s.delete(conflict)  # the central store never knew it: nothing to close there
        audit.record(
            s, ws.worker, "alteration", conflict.record_type, conflict.record_id,
            detail={"event": "conflict_resolved", "field": conflict.field},
        )  # fmt: skip


def _set_path(fields: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if head == "answers" and rest:
        fields["answers"] = {**(fields.get("answers") or {}), rest: value}
    else:
        fields[head] = value


# --- reports ---------------------------------------------------------------------------------

REPORT_COLUMNS = (
    ("month", "Month"),
    ("successful_tests", "Successful tests"),
    ("positive_tests", "Positive tests"),
    ("positive_rate_percent", "% positive"),
    ("required_assessments_made", "RA made"),
    ("attended", "Attended"),
    ("failed_to_attend", "Failed to attend"),
    ("inspector_authority_tests", "Inspector's authority tests"),
    # Issue 13: the rest of the pathway, under the central store's stable keys.
    *PATHWAY_FIGURES.items(),
)


def monthly_report(ws: Workspace, first: str, last: str) -> list[dict[str, Any]]:
    """9: the monthly needs-assessment table of this workstation's suite."""
    transport, _ = _transport(ws)
    with transport:
        try:
            return transport.monthly(first, last).get("months", [])
        except errors.Transient:
            raise errors.Transient(
                "Reports come from the central store, which cannot be reached now.",
            ) from None


def report_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title for _, title in REPORT_COLUMNS])
    for row in rows:
        writer.writerow([row.get(key, "") for key, _ in REPORT_COLUMNS])
    return out.getvalue()
