"""What a printed DT1 says about the arrest and the required assessment (004 IE1 (vi)).

The arrest offence(s) come from the custody episode (a trigger offence by its title and
statute, an offence not on the list as written); the authority is the trigger offence, or
the inspector's name, rank and time. The required assessment is the statement the services
froze at print time (`app.forms.appointments.dt1_statement`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.platypus import Flowable

from app.forms.ra3 import OUTCOMES
from app.forms.target_testing import RANKS
from app.forms.times import describe_datetime
from app.printing.blocks import Row, heading, para, rows_table
from app.printing.content import NoticeData


def offence_lines(data: NoticeData) -> list[str]:
    lines = []
    for offence_id in data.episode.get("arrest_offences") or ():
        offence = data.reference.trigger_offence(str(offence_id))
        lines.append(f"{offence['title']} ({offence['reference']})" if offence else str(offence_id))
    other = data.episode.get("arrest_offence_other")
    if isinstance(other, str) and other.strip():
        lines.append(f"{other.strip()} (not a trigger offence)")
    return lines or ["Not recorded"]


def arrest_rows(data: NoticeData, *, offences_only: bool = False) -> list[Row]:
    rows: list[Row] = [("Arrest offence(s)", offence_lines(data))]
    if offences_only:
        return rows
    dt1 = data.answers
    if dt1.get("authority") == "inspector":
        rank = dict(RANKS).get(str(dt1.get("inspector_rank")), "")
        who = " ".join(x for x in (rank, str(dt1.get("inspector_name") or "")) if x).strip()
        when = dt1.get("inspector_authorised_at")
        lines = [f"Inspector's authority: {who or 'not recorded'}"]
        if isinstance(when, datetime):
            lines.append(f"Given {describe_datetime(when)}")
        if dt1.get("inspector_grounds"):
            lines.append(f"Grounds: {dt1['inspector_grounds']}")
        rows.append(("Authority for the test", lines))
    elif dt1.get("authority") == "trigger_offence":
        rows.append(("Authority for the test", ["Arrest for a trigger offence"]))
    return rows


def assessment_block(data: NoticeData, *, strong: bool = False) -> list[Flowable]:
    statement = data.frozen.get("assessment")
    if not isinstance(statement, dict):
        return []
    status = statement.get("status")
    title = heading(data.text("dt1.assessment_heading"))
    if status == "booked":
        appointment = statement.get("appointment") or {}
        return [
            title,
            para(data.text("dt1.assessment_booked").format(notice=_notice(appointment))),
            rows_table(_booked_rows(data, appointment, statement), strong=strong),
        ]
    if status == "not_made":
        return [
            title,
            para(data.text("dt1.assessment_not_made").format(notice=statement.get("notice") or "")),
            rows_table(_not_made_rows(statement.get("not_made") or {})),
        ]
    if statement.get("under_18"):
        return [title, para(data.text("dt1.assessment_under_18"))]
    if status == "not_applicable":
        return [title, para(data.text("dt1.assessment_none"))]
    return []


def _notice(appointment: dict[str, Any]) -> str:
    return str(appointment.get("notice") or "")


def _booked_rows(data: NoticeData, appointment: dict[str, Any], statement: dict) -> list[Row]:
    rows: list[Row] = []
    try:
        rows.append(
            ("Date and time", [describe_datetime(datetime.fromisoformat(str(appointment["at"])))])
        )
    except (KeyError, ValueError):
        rows.append(("Date and time", ["Not recorded"]))
    place = [line for line in str(appointment.get("place") or "").splitlines() if line.strip()]
    rows.append(("Place", [", ".join(place) or "Not recorded"]))
    outcome = dict(OUTCOMES).get(str(statement.get("attendance")))
    rows.append(("Attendance", [outcome or data.text("dt1.attendance_unknown")]))
    return rows


def _not_made_rows(not_made: dict[str, Any]) -> list[Row]:
    rank = dict(RANKS).get(str(not_made.get("rank")), "")
    rows: list[Row] = [("Authorised by", [f"{rank} {not_made.get('inspector') or ''}".strip()])]
    try:
        when = datetime.fromisoformat(str(not_made.get("authorised_at")))
        rows.append(("Authorised at", [describe_datetime(when)]))
    except ValueError:
        pass
    rows.append(("Reasons", [str(not_made.get("reasons") or "Not recorded")]))
    return rows
