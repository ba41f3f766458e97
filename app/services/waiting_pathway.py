"""The rest of the pathway on the shift board's waiting list (issue 13), each item listed
until it is done: the prison referral with its 24-hour deadline (000 §2.4), the Restriction on
Bail assessment by its 3rd working day, weekly appointments and failures to report, the
record to transfer to the CJIT of residence (004 IE4a), a disputed result awaiting the
laboratory (000 §2.3), an Annex E non-engagement to report and re-book, a DRR outcome to
report to Probation. Every deadline comes from `app.forms.deadlines`, every fact from
`app.forms.facts`: nothing here decides anything the forms do not."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from app.forms.deadlines import (
    annex_e_second_appointment_deadline,
    prison_referral_deadline,
    restriction_on_bail_deadline,
)
from app.forms.facts import confirmation_state, is_positive_test, on_drr
from app.forms.restriction_on_bail import failure_to_report
from app.forms.working_days import DEFAULT_CALENDAR
from app.services import forms_context
from app.services.waiting import WaitingItem
from app.services.workspace import UK
from app.storage.models import CustodyEpisode, FormRecord

FORM_KEYS = (
    "custody_episode",
    "target_testing",
    "dt1",
    "ra1",
    "ra5",
    "lab_result",
    "transfer",
    "annex_e",
    "annex_e_fu",
    "remand",
    "rob",
    "drr_report",
)
TRIGGERS = ("dt1", "annex_e_fu", "remand", "rob", "target_testing", "ra5")


# Forms that exist only for the rest of the pathway: an episode with one is looked at however
# old it is (a remand or a Restriction on Bail lasts as long as it lasts).
PATHWAY_FORMS = ("lab_result", "transfer", "annex_e_fu", "remand", "rob", "drr_report")
# Other episodes are looked at while open and for four weeks after arrival: a disputed result
# waits days for the laboratory, a DRR outcome follows the assessment. Older history (years of
# it, pulled from the central store) is not read again on every refresh of the board.
RECENT = timedelta(days=28)


def _candidates(s: Session, now: datetime) -> list[str]:
    """Three reads, each on its own index (form kind; status; arrival), so the forms are then
    fetched by episode and never by scanning every form of every episode (as one UNION, SQLite
    took 1.9 s on a 110,000-episode store; apart, 65 ms)."""
    found: set[str] = set()
    for query in (
        select(FormRecord.episode_id).where(FormRecord.form_key.in_(PATHWAY_FORMS)),
        select(CustodyEpisode.id).where(CustodyEpisode.status == "open"),
        select(CustodyEpisode.id).where(CustodyEpisode.arrived_at >= now - RECENT),
    ):
        found.update(s.scalars(query))
    return sorted(found)


def pathway_items(s: Session, day: date, now: datetime) -> list[WaitingItem]:
    """Items for episodes with any form of the rest of the pathway (or a disputed DT1)."""
    forms: dict[str, dict[str, Any]] = defaultdict(dict)
    candidates = _candidates(s, now)
    seen: dict[str, tuple[str, int, dict[str, Any]]] = {}
    for chunk in range(0, len(candidates), 500):  # under SQLite's bound-parameter limit
        for form_id, episode_id, key, version, raw in s.execute(
            select(
                FormRecord.id,
                FormRecord.episode_id,
                FormRecord.form_key,
                FormRecord.form_version,
                type_coerce(FormRecord.answers, Text),
            )
            .where(
                FormRecord.episode_id.in_(candidates[chunk : chunk + 500]),
                FormRecord.form_key.in_(FORM_KEYS),
            )
            .order_by(FormRecord.updated_at)
        ):
            seen[form_id] = _typed(form_id, key, version, raw)
            forms[episode_id][key] = seen[form_id][2]
    _TYPED.clear()
    _TYPED.update(seen)
    forms = {k: v for k, v in forms.items() if v.keys() & set(TRIGGERS)}
    open_ids = set(
        s.scalars(
            select(CustodyEpisode.id).where(
                CustodyEpisode.id.in_(list(forms)), CustodyEpisode.status == "open"
            )
        )
    )
    items: list[WaitingItem] = []
    for episode_id, typed in forms.items():
        for kind, text in _items(typed, day, now, episode_id in open_ids):
            items.append(WaitingItem(episode_id, kind, text))
    return items


# Each form's answers as typed values, by form id, with the stored text and version they were
# decoded from: the board reads the same thousands of pathway forms on every refresh (years of
# remands and Restrictions on Bail), and decoding them all again held the GIL the window shares
# for seconds on a large store. Only what the last refresh read is kept; a form whose stored
# text changed (an edit, a pull) is decoded again. Read-only: callers never change the values.
_TYPED: dict[str, tuple[str, int, dict[str, Any]]] = {}


def _typed(form_id: str, key: str, version: int, raw: str | None) -> tuple[str, int, dict]:
    text = raw or "null"
    known = _TYPED.get(form_id)
    if known is not None and known[0] == text and known[1] == version:
        return known
    return text, version, forms_context.typed(key, json.loads(text), version)


def _items(typed: dict[str, Any], day: date, now: datetime, is_open: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    out += _remand(typed.get("remand"), now)
    out += _rob(typed.get("rob"), day, now)
    out += _lab(typed)
    out += _annex_e_fu(typed.get("annex_e_fu"), typed.get("annex_e"))
    if on_drr(typed.get("target_testing"), typed.get("ra5")) and not _reported(
        typed.get("drr_report"), "reported_at"
    ):
        out.append(("drr_report", "On a DRR: report the outcome to Probation"))
    if is_open:
        out += _transfer(typed)
    return out


def _reported(answers: Any, key: str) -> bool:
    return isinstance(answers, dict) and isinstance(answers.get(key), datetime)


def _remand(remand: Any, now: datetime) -> list[tuple[str, str]]:
    if not isinstance(remand, dict) or not isinstance(remand.get("remanded_at"), datetime):
        return []
    if _reported(remand, "sent_at"):
        return []
    due = prison_referral_deadline(remand["remanded_at"])
    prison = remand.get("prison") or "the receiving prison"
    late = "OVERDUE: " if now > due else ""
    return [("prison_referral", f"{late}Prison referral to {prison} due by {due:%a %d/%m %H:%M}")]


def _rob(rob: Any, day: date, now: datetime) -> list[tuple[str, str]]:
    if not isinstance(rob, dict) or not isinstance(rob.get("bail_decided_at"), datetime):
        return []
    out = []
    if rob.get("assessment_outcome") is None:
        due = restriction_on_bail_deadline(rob["bail_decided_at"])
        late = "OVERDUE: " if day > due else ""
        out.append(
            ("rob_assessment", f"{late}RoB assessment due by {DEFAULT_CALENDAR.describe(due)}")
        )
    nxt = rob.get("next_appointment_at")
    if isinstance(nxt, datetime) and nxt.astimezone(UK).date() == day:
        out.append(
            ("appointment", f"RoB weekly appointment due today at {nxt.astimezone(UK):%H:%M}")
        )
    if failure_to_report(rob):
        out.append(("rob_report", "RoB: failure to attend to report to the court and police"))
    return out


def _lab(typed: dict[str, Any]) -> list[tuple[str, str]]:
    state = confirmation_state(typed.get("dt1"), typed.get("lab_result"))
    if state == "awaited":
        return [("lab_awaited", "Disputed result: laboratory confirmation awaited")]
    return []


def _annex_e_fu(dna: Any, annex_e: Any) -> list[tuple[str, str]]:
    if not isinstance(dna, dict) or dna.get("first_outcome") != "did_not_attend":
        return []
    out = []
    if not _reported(dna, "reported_to_partnership_at"):
        out.append(("annex_e_fu", "Annex E not attended: report to the partnership"))
    if not isinstance(dna.get("second_appointment_at"), datetime):
        first = (annex_e or {}).get("appointment_at") if isinstance(annex_e, dict) else None
        if isinstance(first, datetime):
            due = annex_e_second_appointment_deadline(first)
            when = f" by {DEFAULT_CALENDAR.describe(due)}"
        else:
            when = " within 5 working days"
        out.append(("annex_e_fu", f"Annex E: offer another appointment{when}"))
    return out


def _transfer(typed: dict[str, Any]) -> list[tuple[str, str]]:
    """A positive test of someone living elsewhere: the record goes to the CJIT of residence
    (004 IE4a) once the RA1 is given, until the transfer is recorded as sent."""
    person = typed.get("custody_episode") or {}
    if person.get("resident_in_area") is not False or not person.get("cjit_of_residence"):
        return []
    if not is_positive_test(typed.get("dt1")) or not typed.get("ra1"):
        return []
    if _reported(typed.get("transfer"), "sent_at"):
        return []
    return [("transfer", "Resident elsewhere: transfer the record to the CJIT of residence")]
