"""The partnership's monthly figures (needs assessment, Figure 4), from form records.

Counting rules (docs/sync-protocol.md, "Reports"):
- successful test: a ``dt1`` whose ``test_outcome`` is ``completed``; month of ``tested_at``;
- positive test: `app.forms.facts.is_positive_test`, the definition the workstation uses (a
  successful test with any result ``positive``; a disputed result still counts: the
  requirement stands, Drugs Act 2005 s.16);
- inspector's-authority test: a successful test with ``authority`` ``inspector``;
- required assessment made: an ``ra1`` with ``requirement_made`` true; month of ``given_at``;
- attended / failed to attend: each assessment's RA3 (``ra3`` for the initial assessment,
  ``ra3_follow_up`` for the follow-up: 004 §4.1.2, a failure at either is reported) with
  ``outcome`` ``attended_and_remained`` / ``failed_to_attend`` or ``failed_to_remain``; month
  of ``recorded_at``.
Months are UK local months (Europe/London). Deleted (tombstoned) forms never count. A date
that cannot be read or placed in a UK month (not text, not ISO 8601, year 1 or 9999 with an
offset) counts in no month: the report never fails on a stored value (issue 11.5).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Engine, select

from app.forms.facts import ATTENDANCE_FORMS, attendance_outcome, is_failure, is_positive_test
from central.db import read_session
from central.models import Record
from central.record_types import FORM_DT1, FORM_RA1
from central.reports_pathway import PATHWAY_FIGURES, pathway_figures
from central.timefmt import month_range, uk_month


@dataclass
class MonthRow:
    month: str
    successful_tests: int = 0
    positive_tests: int = 0
    positive_rate_percent: float | None = None
    inspector_authority_tests: int = 0
    required_assessments_made: int = 0
    attended: int = 0
    failed_to_attend: int = 0
    # Issue 13, the rest of the pathway: counted in central.reports_pathway (its docstring has
    # the rules), keys listed there in PATHWAY_FIGURES and documented in the README.
    positive_opiates_only: int = 0
    positive_cocaine_only: int = 0
    positive_both: int = 0
    tests_confirmed_negative: int = 0
    initial_attended: int = 0
    initial_failed: int = 0
    follow_up_attended: int = 0
    follow_up_failed: int = 0
    failures_reported: int = 0
    rob_applied: int = 0
    rob_assessed: int = 0
    rob_failed: int = 0
    prison_referrals: int = 0
    prison_referrals_late: int = 0
    transfers_out: int = 0
    transfers_in: int = 0


def monthly(engine: Engine, first: str, last: str, suite: str | None = None) -> list[MonthRow]:
    """From the report facts (central/report_facts.py: each form's contribution worked out
    once by ``_count``, each episode's pathway figures by ``reports_pathway.episode_figures``),
    after catching up with what was pushed since the last report."""
    from central import report_facts

    rows = {month: MonthRow(month) for month in month_range(first, last)}
    report_facts.refresh(engine)
    for (month, figure), total in report_facts.sums(engine, first, last, suite).items():
        if month in rows:
            setattr(rows[month], figure, total)
    return _rates(rows)


def monthly_by_scan(
    engine: Engine, first: str, last: str, suite: str | None = None
) -> list[MonthRow]:
    """The same report by reading every counted form, and every pathway form grouped by
    episode (the way before report facts): what the tests compare ``monthly`` with."""
    rows = {month: MonthRow(month) for month in month_range(first, last)}
    for form_key, answers in _forms(engine, suite):
        _count(rows, form_key, answers)
    _add_pathway(engine, rows, suite)
    return _rates(rows)


def _add_pathway(engine: Engine, rows: dict[str, MonthRow], suite: str | None) -> None:
    # Issue 13's figures are per episode (a test and its laboratory result together): here
    # by the scan of every pathway form (central.reports_pathway.pathway_figures).
    for month, figures in pathway_figures(engine, list(rows), suite).items():
        for key, value in figures.items():
            setattr(rows[month], key, value)


def _rates(rows: dict[str, MonthRow]) -> list[MonthRow]:
    for row in rows.values():
        if row.successful_tests:
            row.positive_rate_percent = round(100 * row.positive_tests / row.successful_tests, 1)
    return list(rows.values())


def suites(engine: Engine) -> list[str]:
    """Every suite the store knows: enrolled workstations, codes given, records synced."""
    from sqlalchemy import union

    from central.models import Device, EnrolmentCode

    with engine.connect() as conn:
        rows = conn.execute(
            union(select(Device.suite), select(EnrolmentCode.suite), select(Record.suite))
        )
        return sorted(r[0] for r in rows)


def _forms(engine: Engine, suite: str | None) -> list[tuple[str, dict[str, Any]]]:
    query = select(Record.form_key, Record.fields).where(
        Record.type == "form",
        Record.deleted.is_(False),
        Record.form_key.in_((FORM_DT1, FORM_RA1, *ATTENDANCE_FORMS)),
    )
    if suite is not None:
        query = query.where(Record.suite == suite)
    with read_session(engine) as session:
        found = session.execute(query).all()
    out = []
    for key, f in found:
        answers = f.get("answers") if isinstance(f, dict) else None
        out.append((key, answers if isinstance(answers, dict) else {}))
    return out


def _month(value: Any) -> str:
    try:
        return uk_month(value) or ""
    except (OverflowError, ValueError):
        return ""


def _count(rows: dict[str, MonthRow], form_key: str, answers: dict[str, Any]) -> None:
    if form_key == FORM_DT1 and answers.get("test_outcome") == "completed":
        row = rows.get(_month(answers.get("tested_at")))
        if row is None:
            return
        row.successful_tests += 1
        row.positive_tests += is_positive_test(answers)
        if answers.get("authority") == "inspector":
            row.inspector_authority_tests += 1
    elif form_key == FORM_RA1 and answers.get("requirement_made") is True:
        row = rows.get(_month(answers.get("given_at")))
        if row is not None:
            row.required_assessments_made += 1
    elif form_key in ATTENDANCE_FORMS:
        row = rows.get(_month(answers.get("recorded_at")))
        if row is not None and attendance_outcome(answers) == "attended_and_remained":
            row.attended += 1
        elif row is not None and is_failure(answers):
            row.failed_to_attend += 1


COLUMNS = [f.name for f in fields(MonthRow)]
HEADINGS = {
    "month": "Month",
    "successful_tests": "Successful tests",
    "positive_tests": "Positive tests",
    "positive_rate_percent": "% positive",
    "inspector_authority_tests": "Inspector's authority tests",
    "required_assessments_made": "Required assessments made",
    "attended": "Attended",
    "failed_to_attend": "Failed to attend or remain",
    **PATHWAY_FIGURES,
}


def to_csv(rows: list[MonthRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([HEADINGS[c] for c in COLUMNS])
    for row in rows:
        writer.writerow(["" if v is None else v for v in asdict(row).values()])
    return out.getvalue()


def to_json(rows: list[MonthRow]) -> str:
    return json.dumps([asdict(r) for r in rows], indent=2)


def to_table(rows: list[MonthRow]) -> str:
    cells = [[HEADINGS[c] for c in COLUMNS]]
    for row in rows:
        values = asdict(row)
        rate = values["positive_rate_percent"]
        values["positive_rate_percent"] = "-" if rate is None else f"{rate:.0f}%"
        cells.append([str(values[c]) for c in COLUMNS])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    )
