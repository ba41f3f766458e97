"""Custody episodes: create, open, autosave answers, close.

Answers arrive as the JSON document of their form (``FormDefinition.to_json``). Saving is cheap and
frequent (autosave, every second of typing at most), so the version history and the audit log
are coalesced: a new version row and an "alteration" audit event are written when another worker
edits the form, or when the last version is more than ``VERSION_GAP`` old; otherwise the latest
version row is brought up to date. The record therefore shows who changed what, at a grain of
ten minutes, without a row per keystroke.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserFacingError
from app.services import forms_context, pathway
from app.services.episode_state import keep_booked
from app.services.text_keys import name_key
from app.services.workspace import UK, Workspace
from app.storage import audit
from app.storage.models import (
    Appointment,
    CustodyEpisode,
    FormRecord,
    FormRecordVersion,
    Notice,
    Person,
    SyncConflict,
    utcnow,
)

VERSION_GAP = timedelta(minutes=10)
# A new episode and its person are "local" until something is entered: the outbox sends only
# "pending" rows, so an accidental Ctrl+N never reaches the central store, and
# ``discard_empty_episode`` can remove it (issue 14). The first answer saved makes both
# pending (``_write``). Counts of unsynced records leave "local" rows out (sync_status, counts).
LOCAL_ONLY = "local"
# Conflicts found on this workstation (an autosave meeting a synced change) are kept beside the
# central store's, under ids the central store never uses, so a pull does not replace them.
LOCAL_CONFLICT = "local-"


class EpisodeNotFound(UserFacingError):
    pass


@dataclass
class EpisodeData:
    id: str
    person_id: str
    status: str
    current_step: str
    answers: dict[str, dict] = field(default_factory=dict)  # form_key -> JSON answers
    form_status: dict[str, str] = field(default_factory=dict)
    notices: list[dict] = field(default_factory=list)
    # form_key -> the version its answers were saved at (forms_context migrates older ones).
    form_versions: dict[str, int] = field(default_factory=dict)


def new_episode(ws: Workspace) -> str:
    with ws.store.session() as s:
        person = Person(sync_state=LOCAL_ONLY)
        s.add(person)
        s.flush()
        episode = CustodyEpisode(
            person_id=person.id, created_by=ws.worker.id, sync_state=LOCAL_ONLY
        )
        s.add(episode)
        s.flush()
        audit.record(
            s,
            ws.worker,
            "collection",
            "custody_episode",
            episode.id,
            detail={"event": "episode_created"},
        )
        return episode.id


def _episode(s, episode_id: str) -> CustodyEpisode:  # noqa: ANN001
    episode = s.get(CustodyEpisode, episode_id)
    if episode is None:
        raise EpisodeNotFound(
            "That episode is no longer on this workstation (it may have been "
            "removed after sync). Search for the person to find their record."
        )
    return episode


def load_episode(
    ws: Workspace, episode_id: str, reason: str | None = None, consultation: bool = True
) -> EpisodeData:
    """Open an episode; opening is a consultation under s.62 and is logged. Re-reading an
    episode already open on screen (after a sync brought changes) is not a new consultation."""
    with ws.store.session() as s:
        episode = _episode(s, episode_id)
        data = EpisodeData(episode.id, episode.person_id, episode.status, episode.current_step)
        records = s.scalars(
            select(FormRecord)
            .where(FormRecord.episode_id == episode_id)
            .order_by(FormRecord.updated_at)
        )
        for record in records:
            # A draft (e.g. a second RA2 being prepared) wins over the issued one before it.
            if data.form_status.get(record.form_key, "issued") == "issued":
                data.answers[record.form_key] = dict(record.answers)
                data.form_status[record.form_key] = record.status
                data.form_versions[record.form_key] = record.form_version
        for notice in s.scalars(
            select(Notice).where(Notice.episode_id == episode_id).order_by(Notice.issued_at)
        ):
            data.notices.append(
                {
                    "id": notice.id,
                    "kind": notice.kind,
                    "reference": notice.reference,
                    "issued_at": notice.issued_at,
                    "varies_notice_id": notice.varies_notice_id,
                    # What the rules read of an issued notice (forms_context.issued_notices).
                    "content": notice.content,
                }
            )
        if consultation:
            audit.record(s, ws.worker, "consultation", "custody_episode", episode_id, reason=reason)
        return data


def _parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _parse_datetime(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return parsed if parsed is None or parsed.tzinfo else None


def _update_person(person: Person, answers: dict) -> None:
    person.family_name = (answers.get("family_name") or "").strip()
    person.given_names = (answers.get("given_names") or "").strip()
    person.family_key, person.given_key = name_key(person.family_name), name_key(person.given_names)
    person.date_of_birth = _parse_date(answers.get("date_of_birth"))
    person.pnc_id = (answers.get("pnc_id") or "").strip().upper() or None
    person.postcode = (answers.get("postcode") or "").strip().upper() or None
    person.updated_at = utcnow()
    _touch(person)


def _touch(row) -> None:  # noqa: ANN001
    row.local_rev = (row.local_rev or 0) + 1
    row.sync_state = "pending"


def _record_version(s, ws: Workspace, record: FormRecord) -> bool:  # noqa: ANN001
    """Add or refresh the version row; True when a new version (and audit event) is due."""
    last = s.scalars(
        select(FormRecordVersion)
        .where(FormRecordVersion.form_record_id == record.id)
        .order_by(FormRecordVersion.rev.desc())
        .limit(1)
    ).first()
    now = utcnow()
    if last and last.saved_by == ws.worker.id and now - last.saved_at < VERSION_GAP:
        last.answers = dict(record.answers)
        return False
    s.add(
        FormRecordVersion(
            form_record_id=record.id,
            rev=(last.rev + 1) if last else 1,
            answers=dict(record.answers),
            saved_at=now,
            saved_by=ws.worker.id,
        )
    )
    return True


@dataclass(frozen=True)
class Saved:
    """What an autosave did: the record, the stored answers now, and the fields it did not
    write because someone else had changed them meanwhile (kept for a person to decide)."""

    record_id: str
    answers: dict
    conflicts: tuple[str, ...] = ()


def save_answers(
    ws: Workspace,
    episode_id: str,
    form_key: str,
    answers: dict,
    form_version: int = 1,
    status: str = "draft",
) -> str:
    """Write a whole form's answers (JSON document): set-up, demos and imports. A page on
    screen saves with ``save_changes`` instead, field by field."""
    with ws.store.session() as s:
        record = _draft(s, episode_id, form_key)
        if record:  # a stored value this version cannot read is kept, not erased (11.10)
            answers = forms_context.keep_unreadable(
                form_key, record.answers, record.form_version, answers
            )
        edits = {key: (CURRENT, None) for key in (record.answers if record else {})}
        edits.update({key: (CURRENT, value) for key, value in answers.items()})
        return _write(ws, s, episode_id, form_key, record, edits, form_version, status).record_id


def save_changes(
    ws: Workspace,
    episode_id: str,
    form_key: str,
    edits: dict[str, tuple[Any, Any]],
    form_version: int = 1,
) -> Saved:
    """Autosave what the worker changed: ``edits[field] = (value when the page loaded it,
    value now)``, both as stored JSON (None = unanswered).

    A field nobody else touched since the page loaded takes the worker's value; a field changed
    elsewhere meanwhile (a colleague's record arrived by sync) keeps that value when the worker
    did not touch it — it is not in ``edits`` — and, when the worker changed it too, keeps the
    stored value and records the worker's as a conflict a person decides (the same rule as the
    central store: what is already shared does not change silently, and nothing typed is lost).
    """
    with ws.store.session() as s:
        record = _draft(s, episode_id, form_key)
        return _write(ws, s, episode_id, form_key, record, edits, form_version, "draft")


CURRENT = object()  # "whatever is stored": a whole-form write overrides without comparing


def set_answer(ws: Workspace, record: FormRecord, key: str, value: Any) -> None:
    """Set one answer a person has decided (a conflict settled), whatever is stored now."""
    with ws.store.session() as s:
        _write(
            ws, s, record.episode_id, record.form_key, record, {key: (CURRENT, value)},
            record.form_version, record.status,
        )  # fmt: skip


def _draft(s, episode_id: str, form_key: str) -> FormRecord | None:  # noqa: ANN001
    # Issued records are frozen; a further notice of the same kind (a second RA2, the
    # follow-up's RA3) starts a new record.
    return s.scalars(
        select(FormRecord).where(
            FormRecord.episode_id == episode_id,
            FormRecord.form_key == form_key,
            FormRecord.status != "issued",
        )
    ).first()


def _merge_edits(
    stored: dict, edits: dict[str, tuple[Any, Any]]
) -> tuple[dict, dict[str, tuple[Any, Any]]]:
    """(answers after the edits, {field: (yours, theirs)} for edits that met a change)."""
    merged, conflicts = dict(stored), {}
    for key, (base, new) in edits.items():
        current = stored.get(key)
        if base is CURRENT or same_answer(current, base):
            if new is None:
                merged.pop(key, None)
            else:
                merged[key] = new
        elif not same_answer(current, new):
            conflicts[key] = (new, current)
    return merged, conflicts


def same_answer(a: Any, b: Any) -> bool:
    """Stored answers compare as JSON (True and 1 differ; unanswered is None or absent)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _write(
    ws: Workspace,
    s,  # noqa: ANN001
    episode_id: str,
    form_key: str,
    record: FormRecord | None,
    edits: dict[str, tuple[Any, Any]],
    form_version: int,
    status: str,
) -> Saved:
    episode = _episode(s, episode_id)
    before = dict(record.answers) if record else {}
    answers, conflicts = _merge_edits(before, edits)
    created = record is None
    if created:
        record = FormRecord(episode_id=episode_id, form_key=form_key)
        s.add(record)
    _keep_conflicts(ws, s, record, conflicts)
    if not created and same_answer(record.answers, answers) and record.status == status:
        return Saved(record.id, dict(record.answers), tuple(conflicts))
    record.answers, record.form_version, record.status = answers, form_version, status
    record.updated_at, record.updated_by = utcnow(), ws.worker.id
    if not created:
        _touch(record)
    s.flush()
    if form_key == "custody_episode":
        _update_person(episode.person, answers)
        episode.custody_record_number = (answers.get("custody_record_number") or "").strip()
        episode.arrived_at = _parse_datetime(answers.get("arrived_at"))
    if form_key == "annex_e":
        _book_annex_e(s, episode_id, answers)
    pathway.after_save(ws, s, episode_id, record, before)
    episode.updated_at = utcnow()
    episode.current_step = form_key
    _touch(episode)
    if episode.person.sync_state == LOCAL_ONLY:
        _touch(episode.person)  # something is entered: the person travels with the episode
    if _record_version(s, ws, record):
        audit.record(
            s,
            ws.worker,
            "collection" if created else "alteration",
            "form",
            record.id,
            detail={"form": form_key, "episode_id": episode_id},
        )
    return Saved(record.id, dict(answers), tuple(conflicts))


def _keep_conflicts(
    ws: Workspace,
    s,  # noqa: ANN001
    record: FormRecord,
    conflicts: dict[str, tuple[Any, Any]],
) -> None:
    """Both values of a same-field clash are kept: the stored one in the form, the worker's
    in a local conflict that the Conflicts list shows until someone decides."""
    for key, (yours, theirs) in conflicts.items():
        s.add(
            SyncConflict(
                id=f"{LOCAL_CONFLICT}{uuid.uuid4().hex[:24]}",
                record_type="form",
                record_id=record.id,
                field=f"answers.{key}",
                yours=yours,
                theirs=theirs,
                winner="theirs",
                detected_at=utcnow(),
                device_id=None,
            )
        )
        audit.record(
            s,
            ws.worker,
            "alteration",
            "form",
            record.id,
            detail={"event": "edit_conflict", "field": key},
        )


def _book_annex_e(s: Session, episode_id: str, answers: dict) -> None:
    """Annex E is a record, not a notice (no legal sanction, 004 §4.9): its appointment is kept
    in step with the answers, so the board shows it when it is due."""
    at = _parse_datetime(answers.get("appointment_at"))
    keep_booked(s, episode_id, "annex_e", at, answers.get("place") or "")


def close_episode(ws: Workspace, episode_id: str) -> None:
    with ws.store.session() as s:
        episode = _episode(s, episode_id)
        episode.status, episode.closed_at = "closed", utcnow()
        _touch(episode)
        audit.record(
            s,
            ws.worker,
            "alteration",
            "custody_episode",
            episode_id,
            detail={"event": "episode_closed"},
        )


def custody_number_in_use(ws: Workspace, episode_id: str, number: str) -> str | None:
    """A sentence naming another episode with this custody record number (the same arrest
    entered twice, or a mistyped number), or None."""
    number = (number or "").strip()
    if not number:
        return None
    with ws.store.session() as s:
        other = s.scalars(
            select(CustodyEpisode).where(
                CustodyEpisode.custody_record_number == number, CustodyEpisode.id != episode_id
            )
        ).first()
        if other is None:
            return None
        person = other.person
        name = f"{person.family_name.upper()}, {person.given_names}".strip(", ") or "no name yet"
        arrived = other.arrived_at.astimezone(UK) if other.arrived_at else None
        when = f", arrived {arrived:%d/%m/%Y %H:%M}" if arrived else ""
        return (
            f"Custody record number {number} is already used by the episode of {name}{when}: "
            "check the number, or open that episode instead (Ctrl+F)."
        )


class NotEmpty(UserFacingError):
    pass


def is_empty(s, episode: CustodyEpisode) -> bool:  # noqa: ANN001
    """Nothing entered: no answer saved on any form, no notice, no appointment, never sent."""
    if episode.sync_state != LOCAL_ONLY or episode.server_rev is not None:
        return False
    answered = s.scalar(
        select(FormRecord.id).where(FormRecord.episode_id == episode.id, FormRecord.answers != {})
    )
    notice = s.scalar(select(Notice.id).where(Notice.episode_id == episode.id))
    booked = s.scalar(select(Appointment.id).where(Appointment.episode_id == episode.id))
    return not (answered or notice or booked)


def discard_empty_episode(ws: Workspace, episode_id: str) -> None:
    """Remove an episode with nothing entered (an accidental Ctrl+N). It was never sent, so
    nothing travels; its creation and this erasure stay in the audit log (s.62)."""
    with ws.store.session() as s:
        episode = _episode(s, episode_id)
        if not is_empty(s, episode):
            raise NotEmpty(
                "This episode has answers or notices: it cannot be discarded. Close it instead."
            )
        person = episode.person
        s.delete(episode)  # no form record: the first answer saved would have made it pending
        s.flush()
        others = s.scalar(select(CustodyEpisode.id).where(CustodyEpisode.person_id == person.id))
        if person.sync_state == LOCAL_ONLY and not others:
            s.delete(person)
        audit.record(
            s,
            ws.worker,
            "erasure",
            "custody_episode",
            episode_id,
            detail={"event": "empty_episode_discarded"},
        )


def reopen_episode(ws: Workspace, episode_id: str) -> None:
    with ws.store.session() as s:
        episode = _episode(s, episode_id)
        episode.status, episode.closed_at = "open", None
        _touch(episode)
        audit.record(
            s,
            ws.worker,
            "alteration",
            "custody_episode",
            episode_id,
            detail={"event": "episode_reopened"},
        )


def remember_place(ws: Workspace, episode_id: str | None, form_key: str | None) -> None:
    """Where this worker was, so a restart (or a crash) brings them back to it."""
    from app.storage.models import Setting

    with ws.store.session() as s:
        s.merge(
            Setting(
                key=f"last_place:{ws.worker.id}",
                value={"episode_id": episode_id, "form_key": form_key},
            )
        )


def last_place(ws: Workspace) -> tuple[str | None, str | None]:
    from app.storage.models import Setting

    with ws.store.session() as s:
        row = s.get(Setting, f"last_place:{ws.worker.id}")
        if not row or not row.value or not s.get(CustodyEpisode, row.value.get("episode_id")):
            return None, None
        return row.value["episode_id"], row.value.get("form_key")
