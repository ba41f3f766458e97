"""``report monthly`` for 12 months over years of a partnership's records, on PostgreSQL.

The store: ``bench.central_gen`` (50 suites x 20,000 episodes over 5 years = 1 million
episodes, ~5 million records, COPY-loaded and kept between runs). Ours: the report the
``cjit-central report monthly`` command and the API run (``central.reports.monthly``: catch up
the per-form and per-episode report facts with the change log — nothing to do once they are
current — then an indexed ``GROUP BY`` of each), median of runs, in this process; the command
itself is also run once as a subprocess (interpreter start included). The first catch-up
(every form and every episode of 5 years) is timed separately: it happens once, after that
only what was pushed since the previous report.

Baseline, and the check: the same figures by a plain SQL count written here independently of
the app's rules (JSON operators over every form in ``records``, UK months by
``AT TIME ZONE 'Europe/London'``): Figure 4, and the pathway's figures of the drug test (by
drug after the episode's laboratory result, tests confirmed negative); the row fails if any
of them differs in any month.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import date

from bench import central_gen, pg
from bench.common import ROOT, Row, child_env, ms

KEY, WHAT = "reports", "report monthly, 12 months, 1M episodes / 50 suites (PostgreSQL)"
TARGET = "< 1 s, same answer as plain SQL"
TARGET_MS = 1000.0

_MONTH = "to_char(({col})::timestamptz AT TIME ZONE 'Europe/London', 'YYYY-MM')"
PLAIN_SQL = f"""
WITH forms AS (
    SELECT form_key, fields ->> 'episode_id' AS episode, seq, fields -> 'answers' AS a
    FROM records
    WHERE type = 'form' AND NOT deleted
    AND form_key IN ('dt1', 'ra1', 'ra3', 'ra3_follow_up', 'lab_result')
), tests AS (
    SELECT {_MONTH.format(col="a ->> 'tested_at'")} AS month, episode, a FROM forms
    WHERE form_key = 'dt1' AND a ->> 'test_outcome' = 'completed'
), made AS (
    SELECT {_MONTH.format(col="a ->> 'given_at'")} AS month FROM forms
    WHERE form_key = 'ra1' AND a ->> 'requirement_made' = 'true'
), attendance AS (
    SELECT {_MONTH.format(col="a ->> 'recorded_at'")} AS month, a ->> 'outcome' AS outcome
    FROM forms WHERE form_key IN ('ra3', 'ra3_follow_up')
), lab AS (  -- an episode's laboratory result: the one changed last
    SELECT DISTINCT ON (episode) episode, a -> 'confirmed' AS confirmed FROM forms
    WHERE form_key = 'lab_result' ORDER BY episode, seq DESC
), drugs AS (  -- per successful test: opiates / cocaine still positive after the laboratory
    SELECT t.month,
        COALESCE(t.a -> 'results' ->> 'opiates' = 'positive', false)
            AND NOT (disputed AND COALESCE(l.confirmed ->> 'opiates' = 'negative', false))
            AS opiates,
        COALESCE(t.a -> 'results' ->> 'cocaine' = 'positive', false)
            AND NOT (disputed AND COALESCE(l.confirmed ->> 'cocaine' = 'negative', false))
            AS cocaine,
        disputed AND NOT EXISTS (
            SELECT 1 FROM json_each_text(t.a -> 'results') r
            WHERE r.value = 'positive' AND (l.confirmed ->> r.key) IS DISTINCT FROM 'negative'
        ) AS confirmed_negative
    FROM (
        SELECT *, (COALESCE(a ->> 'disputed' = 'true', false) AND EXISTS (
            SELECT 1 FROM json_each_text(a -> 'results') r WHERE r.value = 'positive'
        )) AS disputed FROM tests
    ) t LEFT JOIN lab l USING (episode)
)
SELECT month, 'successful_tests', count(*) FROM tests GROUP BY month
UNION ALL
SELECT month, 'positive_tests', count(*) FROM tests
WHERE EXISTS (SELECT 1 FROM json_each_text(a -> 'results') r WHERE r.value = 'positive')
GROUP BY month
UNION ALL
SELECT month, 'inspector_authority_tests', count(*) FROM tests
WHERE a ->> 'authority' = 'inspector' GROUP BY month
UNION ALL
SELECT month, 'required_assessments_made', count(*) FROM made GROUP BY month
UNION ALL
SELECT month, 'attended', count(*) FROM attendance
WHERE outcome = 'attended_and_remained' GROUP BY month
UNION ALL
SELECT month, 'failed_to_attend', count(*) FROM attendance
WHERE outcome IN ('failed_to_attend', 'failed_to_remain') GROUP BY month
UNION ALL
SELECT month, 'positive_opiates_only', count(*) FROM drugs
WHERE opiates AND NOT cocaine GROUP BY month
UNION ALL
SELECT month, 'positive_cocaine_only', count(*) FROM drugs
WHERE cocaine AND NOT opiates GROUP BY month
UNION ALL
SELECT month, 'positive_both', count(*) FROM drugs WHERE opiates AND cocaine GROUP BY month
UNION ALL
SELECT month, 'tests_confirmed_negative', count(*) FROM drugs
WHERE confirmed_negative GROUP BY month
"""

# The figures the plain SQL counts: Figure 4, and the pathway's figures of the drug test (per
# episode: a test with its laboratory result). The generator makes no RA3, FTA report, RoB,
# remand, transfer or referral, so the other pathway figures are zero on both sides.
FIGURE_4 = (
    "successful_tests",
    "positive_tests",
    "inspector_authority_tests",
    "required_assessments_made",
    "attended",
    "failed_to_attend",
)
PATHWAY_TESTS = (
    "positive_opiates_only",
    "positive_cocaine_only",
    "positive_both",
    "tests_confirmed_negative",
)
COMPARED = FIGURE_4 + PATHWAY_TESTS


def last_twelve_months(today: date | None = None) -> tuple[str, str]:
    today = today or date.today()
    index = today.year * 12 + today.month - 1 - 1  # the last full month
    first = index - 11
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{index // 12:04d}-{index % 12 + 1:02d}"


def plain_counts(dsn: str, first: str, last: str) -> dict[tuple[str, str], int]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(PLAIN_SQL).fetchall()
    return {(m, f): n for m, f, n in rows if m is not None and first <= m <= last}


def run(quick: bool = False, runs: int = 5) -> Row:
    row = Row(KEY, WHAT, TARGET)
    reason = pg.unreachable()
    if reason:
        row.status = f"skipped: {reason}"
        return row
    from central import report_facts, reports, reports_pathway
    from central.db import make_engine

    suites, episodes, db = (3, 300, "history_quick") if quick else (50, 20_000, "history")
    if quick:
        row.what = f"report monthly, 12 months, {suites * episodes} episodes (quick)"
    made = central_gen.ensure(suites, episodes, db=db)
    engine = make_engine(pg.url(db))
    first, last = last_twelve_months()
    try:
        start = time.perf_counter()
        caught_up = report_facts.refresh(engine)
        catch_up_s = time.perf_counter() - start
        if caught_up:  # as autovacuum soon would after a bulk write: statistics, visibility
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE report_facts, report_episode_facts"
                )
        samples, base = [], []
        for _ in range(runs if not quick else 2):
            start = time.perf_counter()
            months = reports.monthly(engine, first, last)
            samples.append(ms(time.perf_counter() - start))
            start = time.perf_counter()
            plain = plain_counts(pg.dsn(db), first, last)
            base.append(ms(time.perf_counter() - start))
        # The way before the per-episode facts (every pathway form of every year, grouped by
        # episode in Python): its time, and its figures, which must be ours.
        start = time.perf_counter()
        scanned = reports_pathway.pathway_figures(engine, [m.month for m in months], None)
        scan_ms = ms(time.perf_counter() - start)
        with engine.connect() as conn:
            records = conn.exec_driver_sql("SELECT count(*) FROM records").scalar()
            facts = conn.exec_driver_sql("SELECT count(*) FROM report_facts").scalar()
            episode_facts = conn.exec_driver_sql(
                "SELECT count(*) FROM report_episode_facts"
            ).scalar()
    finally:
        engine.dispose()
    ours = {  # the figures the plain SQL counts (COMPARED)
        (m.month, name): getattr(m, name) for m in months for name in COMPARED if getattr(m, name)
    }
    differ = sorted(set(ours.items()) ^ set(plain.items()))
    scan_differs = [
        (m.month, k, getattr(m, k), n)
        for m in months
        for k, n in scanned[m.month].items()
        if getattr(m, k) != n
    ]
    cli_ms = _cli(pg.url(db), first, last)
    row.ours, row.baseline = statistics.median(samples), statistics.median(base)
    row.detail = {
        "months": [first, last], "generator": made, "records": records, "report_facts": facts,
        "report_episode_facts": episode_facts,
        "first_catch_up_s": round(catch_up_s, 1), "forms_caught_up": caught_up,
        "report_ms": samples, "plain_sql_ms": base, "cli_ms": cli_ms,
        "differences": differ[:10], "figures_compared": len(ours),
        "pathway_by_scan_ms": scan_ms, "pathway_scan_differences": scan_differs[:10],
        "successful_tests_12_months": sum(m.successful_tests for m in months),
    }  # fmt: skip
    row.finish(row.ours < TARGET_MS and not differ and not scan_differs and bool(ours))
    if differ:
        row.status += f" ({len(differ)} figures differ from plain SQL)"
    if scan_differs:
        row.status += f" ({len(scan_differs)} pathway figures differ from the scan)"
    return row


def _cli(url: str, first: str, last: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "central", "report", "monthly", "--month", first, "--to", last,
         "--database-url", url, "--format", "csv"],
        cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"cjit-central report failed: {done.stderr[-800:]}")
    return ms(time.perf_counter() - start)
