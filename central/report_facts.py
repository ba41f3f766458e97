"""The monthly report over years of records: per-record facts, kept current from the change log.

``reports.monthly`` used to read every dt1, RA1 and RA3 the partnership holds, from every year,
to count a few months: minutes at national scale (issue 16.4: 1 million episodes, 50 suites).
Here each form record's contribution is worked out ONCE, by the report's own counting rules
(``reports._count``, unchanged: this module never restates a rule), and kept as rows
``(record, figure, suite, month, n)``; a report then sums the rows of its months with one
indexed ``GROUP BY`` in the database.

Keeping them current: ``refresh`` reads the form records changed since the sequence number it
last reached (``report_facts_state``), recomputes their facts and moves the mark on — a report
first catches up with what was pushed since the last one (usually a few thousand records, or
nothing), then sums. A deleted form loses its facts at its deleting change. Every change with
``seq <= change_seq`` is committed when change_seq is read (writers take their numbers under
the store lock and keep it until they commit: db.py), so no change is skipped. Two refreshes
do not run at once (an advisory lock on PostgreSQL; SQLite's write lock). A record changed
in the database by hand, without a new sequence number, is not seen until ``rebuild``.

Any whole-number figure that ``_count`` adds to ``MonthRow`` is carried without a change here;
a figure of another kind (a median, a rate) must be computed from its own query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text

from app.forms.facts import ATTENDANCE_FORMS
from central.db import plain_session, read_session
from central.models import Record, ReportFact, ReportFactsState, StoreInfo
from central.record_types import FORM_DT1, FORM_RA1

REPORTED_FORMS = (FORM_DT1, FORM_RA1, *ATTENDANCE_FORMS)
CHUNK = 5000
_LOCK_KEY = 0x434A4952  # "CJIR": one refresh at a time across serve processes


class _AnyMonth(dict):
    """``_count`` looks months up with ``rows.get(month)``: here every readable month exists."""

    def __init__(self, row_type: type) -> None:
        super().__init__()
        self._row_type = row_type

    def get(self, month: str, default: Any = None) -> Any:
        if not month:
            return None
        return self.setdefault(month, self._row_type(month))


def figures(row_type: type) -> list[str]:
    return [f.name for f in fields(row_type) if f.type in ("int", int)]


def facts_of(record_id: str, suite: str, form_key: str, answers: Any) -> list[dict[str, Any]]:
    """The rows one form adds to the report, by the report's own rules."""
    from central import reports

    months = _AnyMonth(reports.MonthRow)
    reports._count(months, form_key, answers if isinstance(answers, dict) else {})
    return [
        {"record_id": record_id, "figure": name, "suite": suite, "month": month, "n": value}
        for month, row in months.items()
        for name in figures(reports.MonthRow)
        if (value := getattr(row, name))
    ]


def refresh(engine: Engine, on_progress: Any = None) -> int:
    """Catch up with every change since the last refresh; returns the form records read."""
    read = 0
    with plain_session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        state = session.get(ReportFactsState, 1)
        if state is None:
            state = ReportFactsState(id=1, seq=0)
            session.add(state)
            session.flush()
        # change_seq, or a higher seq planted without it (by hand, or by a bulk load)
        high = max(
            session.scalar(select(StoreInfo.change_seq).where(StoreInfo.id == 1)) or 0,
            session.scalar(select(func.max(Record.seq))) or 0,
        )
        if high <= state.seq:
            return 0
        query = (
            select(Record.id, Record.suite, Record.form_key, Record.fields, Record.deleted)
            .where(
                Record.seq > state.seq,
                Record.seq <= high,
                Record.type == "form",
                Record.form_key.in_(REPORTED_FORMS),
            )
            .execution_options(yield_per=CHUNK)
        )
        for chunk in session.execute(query).partitions(CHUNK):
            _replace(session, chunk)
            read += len(chunk)
            if on_progress:
                on_progress(read)
        state.seq = high
    return read


def rebuild(engine: Engine) -> int:
    """Forget every fact and read every form again (after records were changed by hand)."""
    with plain_session(engine) as session, session.begin():
        session.execute(delete(ReportFact))
        session.execute(delete(ReportFactsState))
    return refresh(engine)


def _replace(session: Any, chunk: Iterable[Any]) -> None:
    chunk = list(chunk)
    session.execute(delete(ReportFact).where(ReportFact.record_id.in_([r.id for r in chunk])))
    rows = [
        fact
        for r in chunk
        if not r.deleted
        for fact in facts_of(r.id, r.suite, r.form_key, _answers(r.fields))
    ]
    if rows:
        session.execute(insert(ReportFact), rows)


def _answers(value: Any) -> Any:
    return value.get("answers") if isinstance(value, dict) else None


def sums(engine: Engine, first: str, last: str, suite: str | None) -> dict[tuple[str, str], int]:
    """(month, figure) -> total over the months first..last ('YYYY-MM', inclusive)."""
    query = (
        select(ReportFact.month, ReportFact.figure, func.sum(ReportFact.n))
        .where(ReportFact.month >= first, ReportFact.month <= last)
        .group_by(ReportFact.month, ReportFact.figure)
    )
    if suite is not None:
        query = query.where(ReportFact.suite == suite)
    with read_session(engine) as session:
        return {(m, f): int(n) for m, f, n in session.execute(query)}
