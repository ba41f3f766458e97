"""Per-episode report facts, and a form's episode id indexed (issue 16.4).

The pathway figures of the monthly report are per episode (a test with its laboratory result,
an RA3 with its FTA report…): ``report_episode_facts`` holds what each episode adds, recomputed
when one of its forms changes (central/report_facts.py). Finding an episode's forms needs the
episode id of a form indexed: an index on (type, the JSON field's episode id), so no code that
stores records changes. The expression is the one ``central.report_facts.episode_of`` queries
with, written the same way (a test reads the query plans).

Not a partial index over forms: PostgreSQL estimates an indexed expression from the statistics
of a NON-partial index only; without them it took 1000 episode ids for 570,000 rows of the
1-million-episode store and read the table in seq order (3.5 s per 1000 episodes instead of
10 ms). ``ANALYZE`` gathers those statistics now, not at the next automatic analyze.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The first 200 characters: an id is 36, and a longer value a client once stored (before the
# wire contract) must not exceed what an index entry can hold (PostgreSQL: ~2,700 bytes) and
# so fail this migration or a later write.
EPISODE_OF = {
    "postgresql": "left((fields ->> 'episode_id'), 200)",
    # json_valid first: SQLite's JSON functions fail on text Python wrote for a value JSON has
    # not (NaN), which an SQLite store may hold; an index that failed would refuse the write.
    "sqlite": "CASE WHEN json_valid(fields)"
    " THEN substr(CAST(json_extract(fields, '$.episode_id') AS TEXT), 1, 200) END",
}
INDEX = "ix_records_type_episode"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    episode = EPISODE_OF.get(dialect, EPISODE_OF["postgresql"])
    op.execute(f"CREATE INDEX {INDEX} ON records (type, {episode})")
    if dialect == "postgresql":
        op.execute("ANALYZE records")
    op.create_table(
        "report_episode_facts",
        sa.Column("episode_id", sa.Text(), primary_key=True),
        sa.Column("suite", sa.String(64), primary_key=True),
        sa.Column("figure", sa.String(40), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_report_episode_facts_month_suite", "report_episode_facts", ["month", "suite"]
    )
    op.create_table(
        "report_episode_facts_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_episode_facts_state")
    op.drop_index("ix_report_episode_facts_month_suite", table_name="report_episode_facts")
    op.drop_table("report_episode_facts")
    op.execute(f"DROP INDEX {INDEX}")
