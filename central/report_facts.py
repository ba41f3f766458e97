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

Per-episode facts (issue 13's pathway figures: a test with its laboratory result, an RA3 with
its FTA report…) are kept the same way one level up, in ``report_episode_facts (episode, suite,
figure, month, n)``: when any form of an episode changes, the episode's figures are worked out
again from ALL its current forms by ``reports_pathway.episode_figures`` — the code the scan
used, no rule restated — and replace the old ones. The episodes touched since the mark
(``report_episode_facts_state``) are the current episode of every pathway form changed since,
and, for a form changed more than once, every episode any of its versions named (a form moved
to another episode leaves its old episode recomputed too). An episode's forms are found by
the episode id through ``ix_records_type_episode`` (migration 0005: an index on the type and
the JSON field's episode id). Episodes are taken per suite (an episode's forms are in its
suite: wire contract, check 5), so a suite's report and the whole partnership's are the same
sums the scan gave. The first catch-up after the upgrade works out every episode once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import (
    Engine,
    Text,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from app.forms.facts import ATTENDANCE_FORMS
from central import reports_pathway
from central.db import plain_session, read_session
from central.models import (
    Record,
    RecordVersion,
    ReportEpisodeFact,
    ReportEpisodeFactsState,
    ReportFact,
    ReportFactsState,
    StoreInfo,
)
from central.record_types import FORM_DT1, FORM_RA1

REPORTED_FORMS = (FORM_DT1, FORM_RA1, *ATTENDANCE_FORMS)
CHUNK = 5000
EPISODE_CHUNK = 1000
# The episode of a form whose fields name none (or are not a mapping): the scan's
# ``str(fields.get("episode_id"))`` puts all of them in one episode "None", and so do these.
NO_EPISODE = "None"
# An episode id is indexed by its first 200 characters (migration 0005): ids are 36.
EPISODE_ID_CHARS = 200
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
    with plain_session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        # change_seq, or a higher seq planted without it (by hand, or by a bulk load)
        high = max(
            session.scalar(select(StoreInfo.change_seq).where(StoreInfo.id == 1)) or 0,
            session.scalar(select(func.max(Record.seq))) or 0,
        )
        read = _refresh_forms(session, high, on_progress)
        read += _refresh_episodes(session, high, on_progress, read)
    return read


def _mark(session: Any, model: type) -> Any:
    state = session.get(model, 1)
    if state is None:
        state = model(id=1, seq=0)
        session.add(state)
        session.flush()
    return state


def _refresh_forms(session: Any, high: int, on_progress: Any) -> int:
    state, read = _mark(session, ReportFactsState), 0
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
        session.execute(delete(ReportEpisodeFact))
        session.execute(delete(ReportEpisodeFactsState))
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


# --- per-episode facts (the pathway figures) ---------------------------------------------


def episode_of(column: Any, dialect: str) -> ColumnElement[Any]:
    """A form's episode id as text, written exactly as the index of migration 0005 is (no
    bound parameter: the planner must see the indexed expression)."""
    if dialect == "sqlite":
        text_of = cast(func.json_extract(column, literal_column("'$.episode_id'")), Text)
        first = func.substr(text_of, literal_column("1"), literal_column(str(EPISODE_ID_CHARS)))
        return case((func.json_valid(column), first))
    text_of = column.op("->>")(literal_column("'episode_id'"))
    return func.left(text_of, literal_column(str(EPISODE_ID_CHARS)))


def _is_form() -> ColumnElement[bool]:
    return Record.type == literal_column("'form'")


def _refresh_episodes(session: Any, high: int, on_progress: Any, before: int) -> int:
    state, read = _mark(session, ReportEpisodeFactsState), 0
    if high <= state.seq:
        return 0
    dialect = session.get_bind().dialect.name
    episode = episode_of(Record.fields, dialect)
    changed = (Record.seq > state.seq, Record.seq <= high, _is_form())
    touched = union(
        # the episode each changed pathway form names now (an edited form of another kind
        # may have been a pathway form before: its versions below)
        select(Record.suite, func.coalesce(episode, NO_EPISODE)).where(
            *changed, or_(Record.form_key.in_(reports_pathway.FORM_KEYS), Record.rev > 1)
        ),
        # every episode an earlier version of a form changed since named
        select(Record.suite, func.coalesce(episode_of(RecordVersion.fields, dialect), NO_EPISODE))
        .join(RecordVersion, RecordVersion.record_id == Record.id)
        .where(*changed, Record.rev > 1),
    )
    if state.seq == 0:  # the first catch-up (or a rebuild): every episode is worked out
        session.execute(delete(ReportEpisodeFact))
    rows = session.execute(select(touched.subquery()).execution_options(yield_per=EPISODE_CHUNK))
    for chunk in rows.partitions(EPISODE_CHUNK):
        pairs = {(suite, ep) for suite, ep in chunk}
        read += _recompute(session, episode, pairs, replace=state.seq > 0)
        if on_progress:
            on_progress(before + read)
    state.seq = high
    return read


def forms_of(episode: Any, names: set[str]) -> Any:
    """The current pathway forms of the episodes so named, in the order they were last changed
    (as the scan: the laboratory result changed last counts), through the index by episode id;
    forms naming no episode are the episode ``NO_EPISODE`` (looked up apart: an ``OR`` would
    read the whole index)."""
    columns = (Record.suite, episode, Record.form_key, Record.fields, Record.seq)
    pathway = (
        _is_form(),
        Record.deleted.is_(False),
        Record.form_key.in_(reports_pathway.FORM_KEYS),
    )
    query = select(*columns).where(*pathway, episode.in_(sorted(names)))
    if NO_EPISODE in names:
        both = union_all(query, select(*columns).where(*pathway, episode.is_(None))).subquery()
        return select(both).order_by(both.c.seq)
    return query.order_by(Record.seq)


def _recompute(session: Any, episode: Any, pairs: set[tuple[str, str]], replace: bool) -> int:
    """Work out again the figures of these (suite, episode) pairs from their current forms."""
    query = forms_of(episode, {ep for _, ep in pairs})
    forms: dict[tuple[str, str], reports_pathway.EpisodeForms] = {pair: {} for pair in pairs}
    read = 0
    for suite, ep, form_key, value, _ in session.execute(query):
        read += 1
        found = forms.get((suite, NO_EPISODE if ep is None else ep))
        if found is not None:  # (the same id in another suite is another episode)
            reports_pathway.add_form(found, form_key, value)
    if replace:
        ordered = sorted(pairs)
        for start in range(0, len(ordered), 500):
            some = ordered[start : start + 500]
            session.execute(
                delete(ReportEpisodeFact).where(
                    tuple_(ReportEpisodeFact.suite, ReportEpisodeFact.episode_id).in_(some)
                )
            )
    facts = [
        {"episode_id": ep, "suite": suite, "figure": figure, "month": month, "n": n}
        for (suite, ep), found in forms.items()
        if found
        for (month, figure), n in Counter(reports_pathway.episode_figures(found)).items()
        if month
    ]
    if facts:
        session.execute(insert(ReportEpisodeFact), facts)
    return read


def sums(engine: Engine, first: str, last: str, suite: str | None) -> dict[tuple[str, str], int]:
    """(month, figure) -> total over the months first..last ('YYYY-MM', inclusive), of the
    per-form and the per-episode facts (one snapshot)."""
    out: dict[tuple[str, str], int] = {}
    with read_session(engine) as session:
        for table in (ReportFact, ReportEpisodeFact):
            query = (
                select(table.month, table.figure, func.sum(table.n))
                .where(table.month >= first, table.month <= last)
                .group_by(table.month, table.figure)
            )
            if suite is not None:
                query = query.where(table.suite == suite)
            for month, figure, n in session.execute(query):
                out[(month, figure)] = out.get((month, figure), 0) + int(n)
    return out
