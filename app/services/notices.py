"""Issuing a notice: the moment it becomes a legal document.

Issuing validates the form as a gate (the same validation the page shows live), freezes the
content (answers, the episode's person details, the wording and reference-data versions used,
the rendered PDF) in an append-only ``notice`` row, books the appointment it sets, and records
the issue in the audit log. A change after issue is only possible through a variation (RA2).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import UserFacingError
from app.forms.registry import FORMS
from app.services import forms_context, reference
from app.services.workspace import UK, Workspace
from app.storage import audit
from app.storage.models import (
    Appointment,
    CustodyEpisode,
    FormRecord,
    Notice,
    NoticePrint,
    Worker,
)

# Which answer of each notice holds the appointment it sets, and what kind it is.
APPOINTMENTS = {
    "ra1": ("appointment_at", "place", "assessing_cjit", "initial"),
    "ra4": ("appointment_at", "place", "assessing_cjit", "follow_up"),
    "ra2": ("new_appointment_at", "new_place", None, None),
    "annex_e": ("appointment_at", "place", None, "annex_e"),
}


class NotReadyToIssue(UserFacingError):
    pass


@dataclass(frozen=True)
class IssuedNotice:
    id: str
    kind: str
    reference: str
    pdf: bytes | None


def _reference_number(kind: str, now: datetime) -> str:
    return f"{kind.upper()}-{now.astimezone(UK):%y%m%d}-{secrets.token_hex(3).upper()}"


def _render(content: dict[str, Any], ws: Workspace | None = None) -> bytes | None:
    try:
        from app.printing import render_notice
    except ImportError:  # printing not installed in this build: the notice is still issued
        return None
    return render_notice(content, reference.reference_data(ws) if ws else None)


def _content(ws: Workspace, s, data, form_key: str, now: datetime) -> dict[str, Any]:  # noqa: ANN001
    """What is frozen with a notice; the wording document too, so a reprint says exactly what
    the issued notice said even after the partnership edits its wording."""
    issuer = s.get(Worker, ws.worker.id) if ws.worker.id else None
    ref = reference.reference_data(ws)
    return {
        "kind": form_key,
        "form": {
            "form": form_key,
            "version": FORMS[form_key].version,
            "answers": data.answers[form_key],
        },
        "episode": data.answers.get("custody_episode", {}),
        "dt1": data.answers.get("dt1", {}),
        "reference_versions": ref.versions(),
        "reference_documents": {"wording": dict(ref.documents["wording"])},
        "issued_at": now.isoformat(),
        "issued_by": issuer.display_name if issuer else ws.worker.username,
    }


def issue_notice(ws: Workspace, episode_id: str, form_key: str) -> IssuedNotice:
    from app.services.episodes import load_episode

    definition = FORMS[form_key]
    data = load_episode(ws, episode_id)
    if data.form_status.get(form_key) == "issued" or form_key not in data.answers:
        raise NotReadyToIssue(f"There is no {definition.short_title} draft to issue.")
    episode_typed = forms_context.typed_episode(data.answers)
    ctx = forms_context.context(ws, episode_typed)
    ok, problems = definition.issuable(episode_typed[form_key], ctx)
    if not ok:
        raise NotReadyToIssue(
            f"The {definition.short_title} cannot be issued yet:\n"
            + "\n".join(f"• {p.message}" for p in problems if p.is_error)
        )
    now = ws.clock()
    with ws.store.session() as s:
        content = _content(ws, s, data, form_key, now)
        record = s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id == episode_id,
                FormRecord.form_key == form_key,
                FormRecord.status != "issued",
            )
        ).one()
        varies = _varied_notice_id(s, episode_id, data.answers[form_key], form_key)
        notice = Notice(
            episode_id=episode_id,
            kind=form_key,
            form_record_id=record.id,
            reference=_reference_number(form_key, now),
            content=content,
            varies_notice_id=varies,
            issued_at=now,
            issued_by=ws.worker.id,
        )
        notice.content = {**content, "reference": notice.reference}
        notice.pdf = _render(notice.content, ws)
        s.add(notice)
        record.status = "issued"
        s.flush()
        _book_appointment(s, notice, data.answers[form_key])
        episode = s.get(CustodyEpisode, episode_id)
        episode.updated_at = now
        audit.record(
            s,
            ws.worker,
            "collection",
            "notice",
            notice.id,
            detail={"event": "notice_issued", "kind": form_key},
        )
        return IssuedNotice(notice.id, form_key, notice.reference, notice.pdf)


def _varied_notice_id(s, episode_id: str, answers: dict, form_key: str) -> str | None:  # noqa: ANN001
    """The notice an RA2 varies, found by the reference the worker gave (as printed on it)."""
    reference = (answers.get("varies_notice") or "").strip().upper() if form_key == "ra2" else ""
    if not reference:
        return None
    varied = s.scalars(select(Notice).where(Notice.reference == reference)).first()
    if varied is None or varied.episode_id != episode_id:
        raise NotReadyToIssue(
            f"No notice {reference} was issued in this episode. Check the "
            "reference printed on the notice being varied."
        )
    return varied.id


def _book_appointment(s, notice: Notice, answers: dict) -> None:  # noqa: ANN001
    spec = APPOINTMENTS.get(notice.kind)
    if not spec or not answers.get(spec[0]):
        return
    at_key, place_key, cjit_key, kind = spec
    if notice.kind == "ra2" and notice.varies_notice_id:
        varied = s.scalars(
            select(Appointment).where(Appointment.notice_id == notice.varies_notice_id)
        ).first()
        kind = varied.kind if varied else "initial"
        if varied:
            varied.status = "varied"
    s.add(
        Appointment(
            episode_id=notice.episode_id,
            kind=kind or "initial",
            at=datetime.fromisoformat(answers[at_key]),
            place=answers.get(place_key) or "",
            notice_id=notice.id,
            cjit_id=answers.get(cjit_key) if cjit_key else None,
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
        audit.record(
            s,
            ws.worker,
            "disclosure",
            "notice",
            notice_id,
            detail={"event": kind, "kind": notice.kind},
        )
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


def issue_dt1_record(ws: Workspace, episode_id: str) -> IssuedNotice:
    """Freeze the DT1 as printed for the court file (the record behind its court-file cover
    sheet, 000 §2.4) as a notice of kind "dt1", so its prints are recorded like any notice's.
    The DT1 form stays a correctable police record: each print is its own frozen snapshot."""
    from app.services.episodes import load_episode

    data = load_episode(ws, episode_id)
    if not data.answers.get("dt1"):
        raise NotReadyToIssue("There is no DT1 to print.")
    typed = forms_context.typed_episode(data.answers)
    ok, problems = FORMS["dt1"].issuable(typed["dt1"], forms_context.context(ws, typed))
    if not ok:
        raise NotReadyToIssue(
            "The DT1 cannot be printed yet:\n"
            + "\n".join(f"• {p.message}" for p in problems if p.is_error)
        )
    now = ws.clock()
    with ws.store.session() as s:
        record = s.scalars(
            select(FormRecord)
            .where(FormRecord.episode_id == episode_id, FormRecord.form_key == "dt1")
            .order_by(FormRecord.updated_at.desc())
        ).first()
        notice = Notice(
            episode_id=episode_id,
            kind="dt1",
            reference=_reference_number("dt1", now),
            form_record_id=record.id if record else None,
            content={},
            issued_at=now,
            issued_by=ws.worker.id,
        )
        notice.content = {**_content(ws, s, data, "dt1", now), "reference": notice.reference}
        notice.pdf = _render(notice.content, ws)
        s.add(notice)
        s.flush()
        audit.record(
            s,
            ws.worker,
            "collection",
            "notice",
            notice.id,
            detail={"event": "notice_issued", "kind": "dt1"},
        )
        return IssuedNotice(notice.id, "dt1", notice.reference, notice.pdf)
