"""What is waiting on the shift board: notices not yet printed, appointments due today, RA1s
to give before release, failures to attend to report to the police (each assessment on its
own, 004 §4.1.2), follow-ups to arrange or end, and DT1s printed before the appointment changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.forms.facts import (
    ATTENDANCE_FORMS,
    attendance_assessment,
    attendance_outcome,
    is_positive_test,
    requirement_ended_by_laboratory,
)
from app.forms.validation import age_on
from app.services import forms_context
from app.services.workspace import UK, Workspace
from app.storage.models import Appointment, CustodyEpisode, FormRecord, Notice, NoticePrint


@dataclass(frozen=True)
class WaitingItem:
    episode_id: str
    # print | appointment | follow_up | report_failure | ra1_needed | dt1_reprint, and the
    # rest of the pathway (waiting_pathway): prison_referral | rob_assessment | rob_report |
    # lab_awaited | annex_e_fu | drr_report | transfer
    kind: str
    text: str


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UK)
    return start, start + timedelta(days=1)


def waiting(ws: Workspace, day: date | None = None) -> list[WaitingItem]:
    day = day or ws.now().date()
    start, end = _day_bounds(day)
    items: list[WaitingItem] = []
    with ws.store.session() as s:
        printed = select(NoticePrint.notice_id)
        for notice in s.scalars(select(Notice).where(Notice.id.not_in(printed))):
            items.append(
                WaitingItem(
                    notice.episode_id,
                    "print",
                    f"{notice.kind.upper()} {notice.reference} not yet printed",
                )
            )
        for appt in s.scalars(
            select(Appointment)
            .where(Appointment.status == "booked", Appointment.at.between(start, end))
            .order_by(Appointment.at)
        ):
            kind = {
                "initial": "Initial assessment",
                "follow_up": "Follow-up assessment",
                "annex_e": "Annex E appointment",
            }.get(appt.kind, "Appointment")
            items.append(
                WaitingItem(
                    appt.episode_id,
                    "appointment",
                    f"{kind} due today at {appt.at.astimezone(UK):%H:%M}",
                )
            )
        ended = _ended_by_laboratory(s)
        items += [i for i in _ra1_needed(s) if i.episode_id not in ended]
        items += [i for i in _attendance(s) if i.episode_id not in ended]
        items += _dt1_to_reprint(s)
        from app.services.waiting_pathway import pathway_items

        items += pathway_items(s, day, ws.now())
    return items


def _ended_by_laboratory(s) -> set[str]:  # noqa: ANN001
    """Episodes whose disputed result the laboratory confirmed negative: the requirement has
    ended (000 §2.3), so no RA1 is to give and no failure is to report."""
    labs = {
        r.episode_id: r.answers
        for r in s.scalars(select(FormRecord).where(FormRecord.form_key == "lab_result"))
    }
    if not labs:
        return set()
    dt1s = s.scalars(
        select(FormRecord).where(
            FormRecord.form_key == "dt1", FormRecord.episode_id.in_(list(labs))
        )
    )
    return {
        r.episode_id for r in dt1s if requirement_ended_by_laboratory(r.answers, labs[r.episode_id])
    }


_ASSESSMENT_WORDS = {"initial": "the initial assessment", "follow_up": "the follow-up assessment"}


def _attendance(s) -> list[WaitingItem]:  # noqa: ANN001
    """Each assessment's RA3 on its own (004 §4.1.2): a failure not yet reported to the
    police stays listed whatever is recorded about the other assessment."""
    items: list[WaitingItem] = []
    ended_or_arranged = set(
        s.scalars(select(FormRecord.episode_id).where(FormRecord.form_key.in_(("ra4", "ra5"))))
    )
    # A failure reported with its evidential statement (the FTA report) is reported too.
    reported = {
        (r.episode_id, (r.answers or {}).get("assessment") or "initial")
        for r in s.scalars(select(FormRecord).where(FormRecord.form_key == "fta_report"))
        if isinstance(r.answers, dict) and r.answers.get("reported_at")
    }
    for record in s.scalars(
        select(FormRecord)
        .where(FormRecord.form_key.in_(tuple(ATTENDANCE_FORMS)))
        .order_by(FormRecord.updated_at)
    ):
        answers = record.answers if isinstance(record.answers, dict) else {}
        which = attendance_assessment(record.form_key, answers) or "initial"
        outcome = attendance_outcome(answers)
        if (
            outcome in ("failed_to_attend", "failed_to_remain")
            and not answers.get("reported_to_police_at")
            and (record.episode_id, which) not in reported
        ):
            verb = "attend" if outcome == "failed_to_attend" else "remain for"
            items.append(
                WaitingItem(
                    record.episode_id,
                    "report_failure",
                    f"Failed to {verb} {_ASSESSMENT_WORDS[which]}: report to the police",
                )
            )
        if (
            outcome == "attended_and_remained"
            and which == "initial"
            and record.episode_id not in ended_or_arranged
        ):
            items.append(
                WaitingItem(
                    record.episode_id, "follow_up", "Follow-up to arrange (RA4) or end (RA5)"
                )
            )
    return items


def _dt1_to_reprint(s) -> list[WaitingItem]:  # noqa: ANN001
    """A DT1 printed for court before an RA1 or RA2 changed the required assessment."""
    latest: dict[str, datetime] = {}
    for n in s.scalars(select(Notice).where(Notice.kind == "dt1")):
        latest[n.episode_id] = max(latest.get(n.episode_id, n.issued_at), n.issued_at)
    if not latest:
        return []
    changed = {
        n.episode_id
        for n in s.scalars(
            select(Notice).where(
                Notice.kind.in_(("ra1", "ra2")), Notice.episode_id.in_(list(latest))
            )
        )
        if n.issued_at > latest[n.episode_id]
    }
    return [
        WaitingItem(
            episode_id,
            "dt1_reprint",
            "Appointment changed since the DT1 was printed: print it again",
        )
        for episode_id in sorted(changed)
    ]


def _ra1_needed(s) -> list[WaitingItem]:  # noqa: ANN001
    """Open episodes of an adult with a positive DT1 and no RA1 yet (004 IE1: the notice
    before release)."""
    # The open episodes first (a handful, on the status index), then their forms by episode:
    # as one statement SQLite walked every DT1 ever recorded (2.5 s on a 110,000-episode store).
    open_ids = list(s.scalars(select(CustodyEpisode.id).where(CustodyEpisode.status == "open")))
    forms = [
        r
        for start in range(0, len(open_ids), 500)  # under SQLite's bound-parameter limit
        for r in s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id.in_(open_ids[start : start + 500]),
                FormRecord.form_key.in_(("dt1", "ra1")),
            )
        )
    ]
    with_ra1 = {r.episode_id for r in forms if r.form_key == "ra1"}
    dt1s = {
        r.episode_id: r
        for r in forms
        if r.form_key == "dt1" and r.episode_id not in with_ra1 and is_positive_test(r.answers)
    }
    if not dt1s:
        return []
    people = {
        r.episode_id: forms_context.typed("custody_episode", r.answers, r.form_version)
        for r in s.scalars(
            select(FormRecord).where(
                FormRecord.form_key == "custody_episode", FormRecord.episode_id.in_(list(dt1s))
            )
        )
    }
    items = []
    for episode_id in dt1s:
        dob = (people.get(episode_id) or {}).get("date_of_birth")
        if isinstance(dob, date) and _age(dob, s.get(CustodyEpisode, episode_id)) < 18:
            continue
        items.append(
            WaitingItem(episode_id, "ra1_needed", "positive test: RA1 to give before release")
        )
    return items


def _age(dob: date, episode: CustodyEpisode | None) -> int:
    arrived = episode.arrived_at if episode else None
    day = arrived.astimezone(UK).date() if arrived else datetime.now(UK).date()
    return age_on(dob, day)
