"""The pathway figures through the per-episode report facts (issue 16.4) equal the figures the
scan of every pathway form gives (``reports.monthly_by_scan``, the way before the facts), on
SQLite and PostgreSQL: over a generated variety of episodes in two suites, after edits that
move an episode between months and figures, a form deleted, a form moved to another episode,
and a form changed by hand (then ``rebuild``). A catch-up works out only the episodes touched."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import select, text, update

from app.forms.figures import PATHWAY_FIGURES
from app.forms.registry import FORMS
from central import report_facts, reports
from central.models import Record, ReportEpisodeFact
from tests.central.helpers import family, form, plant

FIRST, LAST = "2026-01", "2026-06"
DRUGS = ("opiates", "cocaine")
OUTCOMES = ("attended_and_remained", "failed_to_attend", "failed_to_remain")


def _episode(desk) -> str:
    someone, visit = family()
    desk.push(someone, visit)
    return visit["id"]


def _at(rng: random.Random) -> str:
    """A time in Feb-May 2026, often at the edge of a UK month (BST starts on 29 March)."""
    month = rng.choice((2, 3, 4, 5))
    if rng.random() < 0.3:
        last_day = {2: 28, 3: 31, 4: 30, 5: 31}[month]
        return f"2026-{month:02d}-{last_day}T23:30:00Z"  # the next month in London from April
    return f"2026-{month:02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:00Z"


def _results(rng: random.Random) -> dict[str, str]:
    return {drug: rng.choice(("positive", "negative")) for drug in DRUGS}


def _forms_of(rng: random.Random, ep: str) -> list[dict[str, Any]]:
    """Some of every pathway form for one episode, of every shape the figures distinguish."""
    out = []
    if rng.random() < 0.85:
        disputed = rng.random() < 0.4
        outcome = "completed" if rng.random() < 0.9 else "refused"
        answers = {"test_outcome": outcome, "tested_at": _at(rng), "results": _results(rng),
                   "authority": "trigger_offence", "disputed": disputed}  # fmt: skip
        out.append(form(ep, "dt1", answers, form_version=2))
        for _ in range(rng.choice((0, 1, 1, 2)) if disputed else 0):  # two desks: the last counts
            confirmed = {
                d: rng.choice(("positive", "negative")) for d in DRUGS if rng.random() < 0.8
            }
            out.append(form(ep, "lab_result", {"confirmed": confirmed, "received_at": _at(rng)}))
    for key, version in (("ra3", 2), ("ra3_follow_up", FORMS["ra3_follow_up"].version)):
        if rng.random() < 0.5:
            answers = {"outcome": rng.choice(OUTCOMES), "recorded_at": _at(rng)}
            if rng.random() < 0.4:
                answers["reported_to_police_at"] = _at(rng)
            out.append(form(ep, key, answers, form_version=version))
    if rng.random() < 0.3:
        which = rng.choice(("initial", "follow_up"))
        out.append(form(ep, "fta_report", {"assessment": which, "reported_at": _at(rng)}))
    if rng.random() < 0.3:
        out.append(form(ep, "rob", {"bail_decided_at": _at(rng), "assessment_at": _at(rng),
                                    "assessment_outcome": rng.choice(OUTCOMES)}))  # fmt: skip
    if rng.random() < 0.3:
        remand = {"remanded_at": "2026-04-10T10:00:00Z"}
        if rng.random() < 0.8:
            remand["sent_at"] = rng.choice(("2026-04-11T09:00:00Z", "2026-04-11T11:00:00Z"))
        out.append(form(ep, "remand", remand))
    if rng.random() < 0.25:
        sent = {"sent_at": _at(rng)} if rng.random() < 0.7 else {}
        out.append(form(ep, "transfer", {"receiving_cjit": "derby", **sent}))
    if rng.random() < 0.2:
        out.append(form(ep, "referral_in", {"received_at": _at(rng)}))
    return out


def _same_as_the_scan(engine) -> list[reports.MonthRow]:
    """The report through the facts, checked against the scan for all suites and each one."""
    for suite in (None, "bridewell", "mansfield", "nowhere"):
        by_facts = reports.monthly(engine, FIRST, LAST, suite)
        assert by_facts == reports.monthly_by_scan(engine, FIRST, LAST, suite), suite
    return reports.monthly(engine, FIRST, LAST)


def _total(rows: list[reports.MonthRow]) -> int:
    return sum(getattr(r, k) for r in rows for k in PATHWAY_FIGURES)


def _generated(enrol, seed: int = 16) -> tuple[Any, dict[str, list[dict]]]:
    rng = random.Random(seed)
    desks = [enrol("bridewell"), enrol("mansfield", "Mansfield desk 1")]
    by_episode: dict[str, list[dict]] = {}
    for desk in desks:
        episodes = [_episode(desk) for _ in range(30)]
        forms = [f for ep in episodes for f in _forms_of(rng, ep)]
        rng.shuffle(forms)  # pushed in any order, as several desks would
        for start in range(0, len(forms), 40):
            desk.push(*forms[start : start + 40])
        for f in forms:
            by_episode.setdefault(f["fields"]["episode_id"], []).append(f)
    return desks[0], by_episode


def test_the_pathway_figures_through_episode_facts_equal_the_scan_of_every_form(enrol, engine):
    _generated(enrol)
    rows = _same_as_the_scan(engine)
    # The variety is real: every figure counts somewhere, so a figure the facts lost would show.
    assert all(sum(getattr(r, key) for r in rows) for key in PATHWAY_FIGURES), rows
    with engine.connect() as conn:
        facts = conn.execute(select(ReportEpisodeFact.suite).distinct()).scalars().all()
    assert sorted(facts) == ["bridewell", "mansfield"]


def _edited(record: dict, rev: int, **answers: Any) -> dict:
    fields = {**record["fields"], "answers": {**record["fields"]["answers"], **answers}}
    return {**record, "base_rev": rev, "fields": fields}


def test_edits_and_deletions_move_an_episode_between_months_and_figures(enrol, engine):
    desk = enrol("bridewell")
    ep = _episode(desk)
    dt1 = form(ep, "dt1", {"test_outcome": "completed", "tested_at": "2026-04-10T09:00:00Z",
                           "results": {"opiates": "positive", "cocaine": "positive"},
                           "authority": "trigger_offence", "disputed": True}, form_version=2)  # fmt: skip
    lab = form(ep, "lab_result", {"confirmed": {"cocaine": "negative"}})
    ra3 = form(ep, "ra3", {"outcome": "failed_to_attend", "recorded_at": "2026-04-20T10:00:00Z"},
               form_version=2)  # fmt: skip
    fta = form(ep, "fta_report", {"assessment": "initial", "reported_at": "2026-05-02T10:00:00Z"})
    desk.push(dt1, lab, ra3, fta)
    _same_as_the_scan(engine)
    april, may = reports.monthly(engine, "2026-04", "2026-05")
    assert (april.positive_opiates_only, april.positive_both, april.initial_failed) == (1, 0, 1)
    assert (may.failures_reported, april.failures_reported) == (1, 0)

    # The test moves to May (00:30 BST on 1 May): the whole episode's test figures move.
    desk.push(_edited(dt1, 1, tested_at="2026-04-30T23:30:00Z"))
    _same_as_the_scan(engine)
    april, may = reports.monthly(engine, "2026-04", "2026-05")
    assert (april.positive_opiates_only, may.positive_opiates_only) == (0, 1)
    # Another form of the episode changes: the laboratory now confirms both negative.
    desk.push(_edited(lab, 1, confirmed={"cocaine": "negative", "opiates": "negative"}))
    _same_as_the_scan(engine)
    [may] = reports.monthly(engine, "2026-05", "2026-05")
    assert (may.positive_opiates_only, may.tests_confirmed_negative) == (0, 1)
    # The laboratory result is deleted (a tombstone): the test on arrest stands again, both drugs.
    desk.push({**lab, "base_rev": 2, "deleted": True})
    _same_as_the_scan(engine)
    [may] = reports.monthly(engine, "2026-05", "2026-05")
    assert (may.positive_both, may.tests_confirmed_negative) == (1, 0)
    # The RA3 is reported earlier on the form itself: the failure's report moves to April.
    desk.push(_edited(ra3, 1, reported_to_police_at="2026-04-21T09:00:00Z"))
    _same_as_the_scan(engine)
    april, may = reports.monthly(engine, "2026-04", "2026-05")
    assert (april.failures_reported, may.failures_reported) == (1, 0)
    # The RA3 is deleted: no failure, none reported, though the FTA report is still there.
    desk.push({**ra3, "base_rev": 2, "deleted": True})
    rows = _same_as_the_scan(engine)
    assert sum(r.initial_failed + r.failures_reported for r in rows) == 0
    assert _total(rows) == 1  # the test, positive for both, in May


def test_a_form_moved_to_another_episode_leaves_both_episodes_right(enrol, engine):
    desk = enrol("bridewell")
    first, second = _episode(desk), _episode(desk)
    dt1 = form(first, "dt1", {"test_outcome": "completed", "tested_at": "2026-04-10T09:00:00Z",
                              "results": {"opiates": "positive", "cocaine": "negative"},
                              "authority": "trigger_offence", "disputed": True}, form_version=2)  # fmt: skip
    lab = form(first, "lab_result", {"confirmed": {"opiates": "negative"}})
    desk.push(dt1, lab)
    [april] = _same_as_the_scan(engine)[3:4]
    assert (april.tests_confirmed_negative, april.positive_opiates_only) == (1, 0)
    # The laboratory result was recorded against the wrong episode: moved to the second one.
    desk.push({**lab, "base_rev": 1, "fields": {**lab["fields"], "episode_id": second}})
    [april] = _same_as_the_scan(engine)[3:4]
    assert (april.tests_confirmed_negative, april.positive_opiates_only) == (0, 1)


def test_a_catch_up_reads_only_the_forms_of_the_episodes_touched(enrol, engine):
    desk, by_episode = _generated(enrol, seed=7)
    assert report_facts.refresh(engine) > 0
    assert report_facts.refresh(engine) == 0  # nothing pushed since
    ep, forms = next((ep, f) for ep, f in by_episode.items() if len(f) >= 3)
    remand = form(ep, "remand", {"remanded_at": "2026-04-10T10:00:00Z"})
    desk.push(remand)
    # The new remand and the episode's other forms (all pathway forms here), no more.
    assert report_facts.refresh(engine) == len(forms) + 1
    desk.push(_edited(remand, 1, sent_at="2026-04-12T10:00:00Z"))
    assert report_facts.refresh(engine) == len(forms) + 1
    _same_as_the_scan(engine)


def test_episode_facts_of_forms_without_an_episode_and_odd_fields_match_the_scan(enrol, engine):
    """Stored before the wire contract: forms naming no episode count together (as the scan's
    "None" episode), fields that are not a mapping count nowhere; neither fails."""
    desk = enrol("bridewell")
    dt1 = {"test_outcome": "completed", "tested_at": "2026-04-02T10:00:00Z",
           "results": {"cocaine": "positive"}, "disputed": True}  # fmt: skip
    planted = {
        plant(engine, desk.suite, "form", {"form_key": "dt1", "answers": dt1}): "dt1",
        plant(engine, desk.suite, "form", {"form_key": "remand", "episode_id": None,
              "answers": {"sent_at": "2026-04-03T10:00:00Z"}}): "remand",
        plant(engine, desk.suite, "form", ["not", "a", "mapping"]): "referral_in",
    }  # fmt: skip
    with engine.begin() as conn:  # plant leaves the form_key column empty
        for record_id, key in planted.items():
            conn.execute(update(Record).where(Record.id == record_id).values(form_key=key))
    [april] = _same_as_the_scan(engine)[3:4]
    assert (april.positive_cocaine_only, april.prison_referrals) == (1, 1)


def test_rebuilding_sees_an_episode_changed_by_hand(enrol, engine):
    desk = enrol("bridewell")
    ep = _episode(desk)
    transfer = form(ep, "transfer", {"receiving_cjit": "derby", "sent_at": "2026-04-10T10:00:00Z"})
    desk.push(transfer)
    assert reports.monthly(engine, "2026-04", "2026-04")[0].transfers_out == 1
    unsent = {**transfer["fields"], "answers": {"receiving_cjit": "derby"}}
    with engine.begin() as conn:  # no new seq: the change log does not know
        conn.execute(update(Record).where(Record.id == transfer["id"]).values(fields=unsent))
    assert reports.monthly(engine, "2026-04", "2026-04")[0].transfers_out == 1
    assert report_facts.rebuild(engine) > 0
    assert reports.monthly(engine, "2026-04", "2026-04")[0].transfers_out == 0


def _many_forms(engine, episodes: int = 2000) -> None:
    """Two forms of each of many episodes, a person per episode: enough rows for a planner."""
    from central.models import utcnow

    now, rows = utcnow(), []
    for i in range(episodes):
        for n, (kind, key) in enumerate(
            (("form", "dt1"), ("form", "lab_result"), ("person", None))
        ):
            fields = {"episode_id": f"ep-{i}", "form_key": key} if key else {"family_name": "X"}
            rows.append({"id": f"r-{i}-{n}", "type": kind, "suite": "bridewell", "rev": 1,
                         "seq": 3 * i + n + 1, "deleted": False, "fields": fields,
                         "form_key": key, "updated_at": now})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(Record.__table__.insert(), rows)
        conn.execute(text("ANALYZE records" if engine.dialect.name == "postgresql" else "ANALYZE"))


@pytest.mark.parametrize("names", [{"ep-1", "ep-2"}, {"ep-1", report_facts.NO_EPISODE}], ids=repr)
def test_an_episodes_forms_are_found_through_the_index_of_migration_0005(engine, names):
    """The query of ``_recompute`` looks the episode ids up in ``ix_records_type_episode``:
    its expression and the index's are the same (another spelling would read every form of
    every year), on a table with statistics as the planner sees a real store."""
    _many_forms(engine)
    dialect = engine.dialect.name
    query = report_facts.forms_of(report_facts.episode_of(Record.fields, dialect), names)
    sql = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    lookups = 1 + (report_facts.NO_EPISODE in names)
    with engine.begin() as conn:
        if dialect == "postgresql":
            plan = conn.exec_driver_sql(f"EXPLAIN {sql}").scalars().all()
            # looked up in the index by the episode id, not the whole index read
            conds = [line for line in plan if "Index Cond" in line and "episode_id" in line]
        else:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            conds = [
                line for line in plan if "ix_records_type_episode (type=? AND <expr>=?)" in line
            ]
    assert len(conds) == lookups and not any("Seq Scan" in line for line in plan), plan
    assert len(_the_forms(engine, query)) == 2 * len(names - {report_facts.NO_EPISODE})


def _the_forms(engine, query) -> list:
    with engine.connect() as conn:
        return conn.execute(query).all()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # the SQL is PostgreSQL's
def test_the_benchmarks_plain_sql_counts_what_the_report_counts(enrol, engine):
    """``bench/rows/reports.py`` checks the report at national scale against a plain SQL count
    written apart from the app's rules; the generated history has no disputed tests, so its
    laboratory part is checked here, on the variety above."""
    from bench.rows.reports import COMPARED, PLAIN_SQL

    _generated(enrol, seed=3)
    rows = reports.monthly(engine, FIRST, LAST)
    ours = {(r.month, k): getattr(r, k) for r in rows for k in COMPARED if getattr(r, k)}
    with engine.connect() as conn:
        plain = {(m, f): n for m, f, n in conn.exec_driver_sql(PLAIN_SQL) if FIRST <= m <= LAST}
    assert ours == plain
    assert {f for _, f in ours} >= {"positive_both", "tests_confirmed_negative"}


def test_an_sqlite_store_holding_json_sqlite_cannot_read_still_stores_and_reports(tmp_path):
    """Python writes NaN as ``NaN``, which SQLite's JSON functions refuse: the index on the
    episode id must not refuse the write (migration 0005 asks ``json_valid`` first), and the
    report counts such a form like the scan (under no episode id, alone there)."""
    from central.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'odd.db'}")
    migrate(engine)
    dt1 = {"test_outcome": "completed", "tested_at": "2026-04-02T10:00:00Z",
           "results": {"opiates": "positive"}, "reading": float("nan")}  # fmt: skip
    odd = plant(
        engine, "bridewell", "form", {"episode_id": "e1", "form_key": "dt1", "answers": dt1}
    )
    plant(engine, "bridewell", "person", {"family_name": float("nan")})
    with engine.begin() as conn:
        conn.execute(update(Record).where(Record.id == odd).values(form_key="dt1"))
    [april] = _same_as_the_scan(engine)[3:4]
    assert (april.positive_opiates_only, april.successful_tests) == (1, 1)
    engine.dispose()


def test_an_episode_id_too_long_for_an_index_entry_is_stored_and_reported(enrol, engine):
    """Before the wire contract a client could store any text as a form's episode id; one
    longer than an index entry holds (PostgreSQL: ~2,700 bytes) must not fail the write."""
    desk = enrol("bridewell")
    answers = {"remanded_at": "2026-04-10T10:00:00Z", "sent_at": "2026-04-11T09:00:00Z"}
    long_id = "e" * 5000 + "".join(f"{i:x}" for i in range(2000))  # (not compressible to fit)
    rid = plant(engine, desk.suite, "form", {"episode_id": long_id, "answers": answers})
    with engine.begin() as conn:
        conn.execute(update(Record).where(Record.id == rid).values(form_key="remand"))
    [april] = _same_as_the_scan(engine)[3:4]
    assert april.prison_referrals == 1
