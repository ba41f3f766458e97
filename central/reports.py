"""The partnership's monthly figures (needs assessment, Figure 4), from form records.

Counting rules (docs/sync-protocol.md, "Reports"):
- successful test: a ``dt1`` whose ``test_outcome`` is ``completed``; month of ``tested_at``;
- positive test: a successful test with any result ``positive`` (a disputed result still
  counts: the requirement stands, Drugs Act 2005 s.16);
- inspector's-authority test: a successful test with ``authority`` ``inspector``;
- required assessment made: an ``ra1`` with ``requirement_made`` true; month of ``given_at``;
- attended / failed to attend: an ``ra3`` with ``outcome`` ``attended_and_remained`` /
  ``failed_to_attend`` or ``failed_to_remain``; month of ``recorded_at``.
Months are UK local months (Europe/London). Deleted (tombstoned) forms never count.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Engine, select

from central.db import read_session
from central.models import Record
from central.record_types import FORM_DT1, FORM_RA1, FORM_RA3
from central.timefmt import month_range, uk_month

FAILED_OUTCOMES = frozenset({"failed_to_attend", "failed_to_remain"})


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


def monthly(engine: Engine, first: str, last: str, suite: str | None = None) -> list[MonthRow]:
    rows = {month: MonthRow(month) for month in month_range(first, last)}
    for form_key, answers in _forms(engine, suite):
        _count(rows, form_key, answers)
    for row in rows.values():
        if row.successful_tests:
            row.positive_rate_percent = round(100 * row.positive_tests / row.successful_tests, 1)
    return list(rows.values())


def _forms(engine: Engine, suite: str | None) -> list[tuple[str, dict[str, Any]]]:
    query = select(Record.form_key, Record.fields).where(
        Record.type == "form",
        Record.deleted.is_(False),
        Record.form_key.in_((FORM_DT1, FORM_RA1, FORM_RA3)),
    )
    if suite is not None:
        query = query.where(Record.suite == suite)
    with read_session(engine) as session:
        found = session.execute(query).all()
    return [
        (key, f.get("answers") if isinstance(f.get("answers"), dict) else {}) for key, f in found
    ]


def _count(rows: dict[str, MonthRow], form_key: str, answers: dict[str, Any]) -> None:
    if form_key == FORM_DT1 and answers.get("test_outcome") == "completed":
        row = rows.get(uk_month(answers.get("tested_at")) or "")
        if row is None:
            return
        row.successful_tests += 1
        results = answers.get("results")
        if isinstance(results, dict) and "positive" in results.values():
            row.positive_tests += 1
        if answers.get("authority") == "inspector":
            row.inspector_authority_tests += 1
    elif form_key == FORM_RA1 and answers.get("requirement_made") is True:
        row = rows.get(uk_month(answers.get("given_at")) or "")
        if row is not None:
            row.required_assessments_made += 1
    elif form_key == FORM_RA3:
        row = rows.get(uk_month(answers.get("recorded_at")) or "")
        outcome = answers.get("outcome")
        if row is not None and outcome == "attended_and_remained":
            row.attended += 1
        elif row is not None and outcome in FAILED_OUTCOMES:
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
