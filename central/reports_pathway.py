"""The figures of the rest of the pathway (issue 13; needs assessment Figures 1-5), added to
each month of ``central.reports.monthly`` under the stable keys of ``PATHWAY_FIGURES``
(documented in the README). Kept apart from the Figure 4 counts so the two evolve separately.

Counting rules (each from the facts in ``app.forms.facts``, the workstation's own):
- ``positive_opiates_only`` / ``positive_cocaine_only`` / ``positive_both``: successful tests
  by the drugs that stay positive after any laboratory confirmation of a disputed result
  (``confirmed_positive_substances``); month of the DT1's ``tested_at``. A disputed test
  confirmed negative for every drug is in none of the three (and in
  ``tests_confirmed_negative``), though ``positive_tests`` still counts the test on arrest;
- ``initial_attended`` / ``initial_failed`` and ``follow_up_attended`` / ``follow_up_failed``:
  each assessment's RA3 separately; month of ``recorded_at``;
- ``failures_reported``: each failure to attend or remain (per episode and assessment)
  reported to the police, on the RA3 or with the FTA report's evidential statement; month of
  the first report;
- ``rob_applied``: Restriction on Bail records, month of ``bail_decided_at``;
  ``rob_assessed`` / ``rob_failed``: the RoB assessment attended and remained / failed,
  month of ``assessment_at``;
- ``prison_referrals`` (remands whose referral was sent), ``prison_referrals_late`` (sent more
  than 24 hours after the remand: ``prison_referral_deadline``); month of ``sent_at``;
- ``transfers_out``: transfers sent (month of ``sent_at``); ``transfers_in``: referrals in
  received (month of ``received_at``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from app.forms.deadlines import prison_referral_deadline
from app.forms.facts import (
    FAILURES,
    attendance_assessment,
    attendance_outcome,
    confirmation_state,
    confirmed_positive_substances,
    positive_pattern,
)
from app.forms.figures import PATHWAY_FIGURES
from central.db import read_session
from central.models import Record
from central.timefmt import parse_instant, uk_month

FORM_KEYS = (
    "dt1",
    "lab_result",
    "ra3",
    "ra3_follow_up",
    "fta_report",
    "rob",
    "remand",
    "transfer",
    "referral_in",
)


def _month(value: Any) -> str:
    try:
        return uk_month(value) or ""
    except (OverflowError, ValueError, TypeError):
        return ""


def _moment(value: Any) -> datetime | None:
    try:
        return parse_instant(value)
    except (OverflowError, ValueError):
        return None


def pathway_figures(
    engine: Engine, months: list[str], suite: str | None
) -> dict[str, dict[str, int]]:
    """{month: {figure key: count}} for every month asked, every figure present (0), by
    reading every pathway form of every year. ``central.reports.monthly`` sums the same
    figures from per-episode facts (central/report_facts.py, made by ``episode_figures``);
    this scan is what the tests compare them with."""
    out = {m: dict.fromkeys(PATHWAY_FIGURES, 0) for m in months}
    episodes = _episodes(engine, suite)
    for forms in episodes.values():
        for month, key in episode_figures(forms):
            if month in out:
                out[month][key] += 1
    return out


EpisodeForms = dict[str, list[dict]]


def add_form(forms: EpisodeForms, form_key: str, fields: Any) -> None:
    """One stored form into its episode's forms (``forms``: form key -> answers, in the order
    the forms were last changed); fields that are not a mapping add nothing."""
    if isinstance(fields, dict):
        answers = fields.get("answers")
        forms.setdefault(form_key, []).append(answers if isinstance(answers, dict) else {})


def _episodes(engine: Engine, suite: str | None) -> dict[str, EpisodeForms]:
    # In the order they were last changed: where an episode has two laboratory results
    # (recorded at two workstations), the one changed last counts, on every backend.
    query = (
        select(Record.form_key, Record.fields)
        .where(Record.type == "form", Record.deleted.is_(False), Record.form_key.in_(FORM_KEYS))
        .order_by(Record.seq)
    )
    if suite is not None:
        query = query.where(Record.suite == suite)
    episodes: dict[str, EpisodeForms] = defaultdict(dict)
    with read_session(engine) as session:
        for key, fields in session.execute(query):
            if isinstance(fields, dict):
                add_form(episodes[str(fields.get("episode_id"))], key, fields)
    return episodes


def episode_figures(forms: EpisodeForms) -> list[tuple[str, str]]:
    """(month, figure key) for each time one episode counts in a figure, by the rules of the
    module's docstring, from the episode's forms (``add_form``); a month that cannot be read
    is "" (counted in no month)."""
    found: list[tuple[str, str]] = []
    lab = (forms.get("lab_result") or [{}])[-1]
    for dt1 in forms.get("dt1", []):
        if dt1.get("test_outcome") != "completed":
            continue
        month = _month(dt1.get("tested_at"))
        pattern = positive_pattern(confirmed_positive_substances(dt1, lab))
        if pattern:
            found.append((month, f"positive_{pattern}"))
        if confirmation_state(dt1, lab) == "negative":
            found.append((month, "tests_confirmed_negative"))
    found += _attendance(forms)
    found += _court(forms)
    for t in forms.get("transfer", []):
        if t.get("sent_at"):
            found.append((_month(t.get("sent_at")), "transfers_out"))
    for r in forms.get("referral_in", []):
        found.append((_month(r.get("received_at")), "transfers_in"))
    return found


def _attendance(forms: dict[str, list[dict]]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    reports: dict[str, list[str]] = defaultdict(list)
    for fta in forms.get("fta_report", []):
        if fta.get("reported_at"):
            reports[str(fta.get("assessment") or "initial")].append(str(fta["reported_at"]))
    for key in ("ra3", "ra3_follow_up"):
        for ra3 in forms.get(key, []):
            which = attendance_assessment(key, ra3) or "initial"
            outcome = attendance_outcome(ra3)
            month = _month(ra3.get("recorded_at"))
            if outcome == "attended_and_remained":
                found.append((month, f"{which}_attended"))
            elif outcome in FAILURES:
                found.append((month, f"{which}_failed"))
                times = [
                    (moment, t)
                    for t in (ra3.get("reported_to_police_at"), *reports[which])
                    if (moment := _moment(t)) is not None
                ]
                if times:
                    found.append((_month(min(times)[1]), "failures_reported"))
    return found


def _court(forms: dict[str, list[dict]]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for rob in forms.get("rob", []):
        if rob.get("bail_decided_at"):
            found.append((_month(rob.get("bail_decided_at")), "rob_applied"))
        outcome = attendance_outcome({"outcome": rob.get("assessment_outcome")})
        if outcome == "attended_and_remained":
            found.append((_month(rob.get("assessment_at")), "rob_assessed"))
        elif outcome in FAILURES:
            found.append((_month(rob.get("assessment_at")), "rob_failed"))
    for remand in forms.get("remand", []):
        sent, remanded = _moment(remand.get("sent_at")), _moment(remand.get("remanded_at"))
        if sent is None:
            continue
        found.append((_month(remand.get("sent_at")), "prison_referrals"))
        if remanded is not None and _late(sent, remanded):
            found.append((_month(remand.get("sent_at")), "prison_referrals_late"))
    return found


def _late(sent: datetime, remanded: datetime) -> bool:
    """Sent after the 24-hour deadline; a remand time at the very edge of the calendar
    (year 1 or 9999, stored before the contract) has no deadline, so is not counted late."""
    try:
        return sent > prison_referral_deadline(remanded)
    except OverflowError:
        return False
