"""Issuing a notice: the moment it becomes a legal document.

Issuing is one store transaction (issue 11.9): the episode is read, the form validated as a
gate (the same rules the page shows live, plus its issue checks), the content frozen, the PDF
rendered, and the append-only ``notice`` row, the issued status, the appointment it books and
the audit event written together. If any step fails (a rule refuses, printing is missing from
the build, the renderer fails) nothing is written: a notice is never issued without its PDF.
A change after issue is only possible through a variation (RA2).

Printing a DT1 for the court file, or an Annex E appointment letter, freezes a snapshot the
same way (kind "dt1" / "annex_e"); the form itself stays a correctable record.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserFacingError
from app.forms.appointments import appointment_replaced
from app.forms.booking import reason_applies
from app.forms.context import FormContext
from app.forms.fields import Problem
from app.forms.notices import number_prefix
from app.forms.registry import FORMS
from app.services import reference
from app.services.episode_state import EpisodeState, load_state, touch
from app.services.workspace import UK, Workspace
from app.storage import audit
from app.storage.models import Appointment, FormRecord, Notice, NoticePrint, Worker

log = logging.getLogger(__name__)

# Which answer of each notice holds the appointment it sets, and what kind it is.
APPOINTMENTS = {
    "ra1": ("appointment_at", "place", "assessing_cjit", "initial"),
    "ra4": ("appointment_at", "place", "assessing_cjit", "follow_up"),
    "ra2": ("new_appointment_at", "new_place", None, None),
}
# Records printed as frozen snapshots (the form stays a correctable record): the DT1, the
# Annex E letters, and the documents of the rest of the pathway (issue 13).
PRINTED_RECORDS = tuple(k for k, f in FORMS.items() if f.kind == "record" and f.printable)


class NotReadyToIssue(UserFacingError):
    pass


class PrintingUnavailable(UserFacingError):
    pass


class AppointmentChanged(UserFacingError):
    """The DT1 was printed before with another appointment: ask before printing again."""


@dataclass(frozen=True)
class IssuedNotice:
    id: str
    kind: str
    reference: str
    pdf: bytes | None


def _reference_number(kind: str, now: datetime) -> str:
    return f"{number_prefix(kind)}-{now.astimezone(UK):%y%m%d}-{secrets.token_hex(3).upper()}"


def _render(content: dict[str, Any], ws: Workspace) -> bytes:
    try:
        from app.printing import render_notice
    except ImportError:
        raise PrintingUnavailable(
            "Printing is not part of this installation of CJIT Desk, so nothing can be "
            "issued or printed. Ask IT to reinstall CJIT Desk."
        ) from None
    try:
        return render_notice(content, reference.reference_data(ws))
    except Exception as exc:  # a renderer failure must never leave a notice without its PDF
        log.exception("rendering a %s failed", content.get("kind"))
        raise PrintingUnavailable(
            f"The {str(content.get('kind')).upper()} could not be printed ({type(exc).__name__}). "
            "Try again; if it happens again, tell IT."
        ) from None


def warm_up_printing() -> None:
    """Ready the renderer before the first notice is issued (app.printing.warm_up); a build
    without printing has nothing to ready, and issuing says so when it comes to it."""
    try:
        from app.printing import warm_up
    except ImportError:
        return
    warm_up()


def _refusal(what: str, problems: list[Problem]) -> NotReadyToIssue:
    errors = [p.message for p in problems if p.is_error]
    return NotReadyToIssue(f"{what}:\n" + "\n".join(f"• {m}" for m in errors))


def _context(ws: Workspace, state: EpisodeState, now: datetime) -> FormContext:
    ref = reference.reference_data(ws)
    return FormContext.at(
        now,
        reference=ref,
        policy=ref.policy(),
        episode=state.forms.answers,
        notices=state.forms.notices,
    )


def _content(
    ws: Workspace,
    s: Session,
    state: EpisodeState,
    kind: str,
    form_key: str,
    answers: dict,
    now: datetime,
) -> dict[str, Any]:
    """What is frozen with a notice; the wording document too, so a reprint says exactly what
    the issued notice said even after the partnership edits its wording."""
    issuer = s.get(Worker, ws.worker.id) if ws.worker.id else None
    ref = reference.reference_data(ws)
    return {
        "kind": kind,
        "form": {"form": form_key, "version": FORMS[form_key].version, "answers": answers},
        "episode": state.stored.get("custody_episode", {}),
        "dt1": state.stored.get("dt1", {}),
        "reference_versions": ref.versions(),
        "reference_documents": {"wording": dict(ref.documents["wording"])},
        "issued_at": now.isoformat(),
        "issued_by": issuer.display_name if issuer else ws.worker.username,
    }


def issue_notice(ws: Workspace, episode_id: str, form_key: str) -> IssuedNotice:
    definition = FORMS[form_key]
    now = ws.clock()
    reference.reference_data(ws)  # loaded (and cached) before the write transaction
    with ws.store.session() as s:
        state = load_state(s, episode_id)
        record = state.drafts.get(form_key)
        if record is None:
            raise NotReadyToIssue(f"There is no {definition.short_title} draft to issue.")
        ctx, problems = checked(
            ws, state, form_key, now, f"The {definition.short_title} cannot be issued yet"
        )
        answers = dict(record.answers)
        if "out_of_window_reason" in answers and not reason_applies(problems):
            del answers["out_of_window_reason"]  # only a reason that applies is printed
        content = _content(ws, s, state, form_key, form_key, answers, now)
        if form_key == "ra2":
            replaced = appointment_replaced(ctx, answers.get("varies_kind"))
            content["replaces"] = replaced.to_json() if replaced else None
        varies = _varied_notice_id(s, episode_id, answers, form_key)
        notice = freeze(ws, s, record, content, now, varies_notice_id=varies)
        record.status = "issued"
        touch(record)
        _book_appointment(s, notice, answers)
        state.episode.updated_at = now
        return IssuedNotice(notice.id, form_key, notice.reference, notice.pdf)


def checked(
    ws: Workspace, state: EpisodeState, form_key: str, now: datetime, what: str
) -> tuple[FormContext, list[Problem]]:
    """The gate before anything is frozen: the form's own problems and its issuing rules, on
    the snapshot the notice will be made from; raises ``NotReadyToIssue`` saying ``what``."""
    ctx = _context(ws, state, now)
    ok, problems = FORMS[form_key].issuable(state.forms.answers.get(form_key, {}), ctx)
    problems = state.forms.problems.get(form_key, []) + problems
    if not ok or state.forms.problems.get(form_key):
        raise _refusal(what, problems)
    return ctx, problems


def freeze(
    ws: Workspace,
    s: Session,
    record: FormRecord,
    content: dict[str, Any],
    now: datetime,
    **extra: Any,
) -> Notice:
    """The append-only notice of ``record``: numbered, rendered and audited in the caller's
    transaction, so nothing is issued without its PDF (a rendering failure raises first)."""
    notice = Notice(
        episode_id=record.episode_id,
        kind=record.form_key,
        form_record_id=record.id,
        reference=_reference_number(record.form_key, now),
        issued_at=now,
        issued_by=ws.worker.id,
        **extra,
    )
    notice.content = {**content, "reference": notice.reference}
    notice.pdf = _render(notice.content, ws)
    s.add(notice)
    s.flush()
    audit.record(
        s, ws.worker, "collection", "notice", notice.id,
        detail={"event": "notice_issued", "kind": notice.kind},
    )  # fmt: skip
    return notice


def _varied_notice_id(s, episode_id: str, answers: dict, form_key: str) -> str | None:  # noqa: ANN001
    """The notice an RA2 varies, found by the reference the worker gave (as printed on it)."""
    wanted = answers.get("varies_notice") if form_key == "ra2" else None
    number = wanted.strip().upper() if isinstance(wanted, str) else ""
    if not number:
        return None
    varied = s.scalars(select(Notice).where(Notice.reference == number)).first()
    if varied is None or varied.episode_id != episode_id:
        raise NotReadyToIssue(
            f"No notice {number} was issued in this episode. Check the "
            "reference printed on the notice being varied."
        )
    return varied.id


def _book_appointment(s, notice: Notice, answers: dict) -> None:  # noqa: ANN001
    spec = APPOINTMENTS.get(notice.kind)
    if not spec or not isinstance(answers.get(spec[0]), str):
        return
    at_key, place_key, cjit_key, kind = spec
    cjit = answers.get(cjit_key) if cjit_key else None
    if notice.kind == "ra2":
        kind = "follow_up" if answers.get("varies_kind") == "ra4" else "initial"
        # The variation replaces whatever is booked for that assessment now (after any
        # earlier RA2), so exactly one appointment of each assessment stays booked.
        for booked in s.scalars(
            select(Appointment).where(
                Appointment.episode_id == notice.episode_id,
                Appointment.kind == kind,
                Appointment.status == "booked",
            )
        ):
            booked.status = "varied"
            cjit = cjit or booked.cjit_id
            touch(booked)
    s.add(
        Appointment(
            episode_id=notice.episode_id,
            kind=kind,
            at=datetime.fromisoformat(answers[at_key]),
            place=answers.get(place_key) or "",
            notice_id=notice.id,
            cjit_id=cjit,
        )
    )


def record_print(ws: Workspace, notice_id: str, kind: str = "print") -> str:
    """Log a print, reprint or PDF export (a disclosure); returns the kind actually recorded."""
    with ws.store.session() as s:
        notice = s.get(Notice, notice_id)
        if notice is None:
            raise UserFacingError("That notice is not on this workstation.")
        already = s.scalars(select(NoticePrint).where(NoticePrint.notice_id == notice_id)).first()
        if kind == "print" and already is not None:
            kind = "reprint"
        s.add(NoticePrint(notice_id=notice_id, kind=kind, by=ws.worker.id))
        detail = {"event": kind, "kind": notice.kind}
        recipient = FORMS[notice.kind].disclosed_to if notice.kind in FORMS else None
        if recipient:
            detail["to"] = recipient
        audit.record(s, ws.worker, "disclosure", "notice", notice_id, detail=detail)
    return kind


def notice_pdf(ws: Workspace, notice_id: str, reprint: bool = False) -> bytes | None:
    """The frozen PDF; a reprint is rendered from the frozen content with a REPRINT mark."""
    with ws.store.session() as s:
        notice = s.get(Notice, notice_id)
        if notice is None:
            raise UserFacingError("That notice is not on this workstation.")
        if not reprint:
            return notice.pdf
        content = {**notice.content, "reprint_at": ws.clock().isoformat()}
    return _render(content, ws)


def issue_dt1_record(
    ws: Workspace, episode_id: str, *, confirm_changed: bool = False
) -> IssuedNotice:
    """The DT1 as printed for the court file (see `printed_records.print_record`)."""
    from app.services.printed_records import print_record

    return print_record(ws, episode_id, "dt1", confirm_changed=confirm_changed)
