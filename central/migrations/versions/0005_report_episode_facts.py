"""Per-episode report facts, and a form's episode id indexed (issue 16.4).

The pathway figures of the monthly report are per episode (a test with its laboratory result,
an RA3 with its FTA report…): ``report_episode_facts`` holds what each episode adds, recomputed
when one of its forms changes (central/report_facts.py). Finding an episode's forms needs the
episode id of a form indexed: an expression index on the JSON field, only over forms (the
central store never writes the id anywhere else, so no code that stores records changes). The
expression is the one ``central.report_facts.episode_of`` queries with, written the same way.

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

# Kept in step with central.report_facts.EPISODE_OF (a test compares them).
EPISODE_OF = {
    "postgresql": "(fields ->> 'episode_id')",
    "sqlite": "CAST(json_extract(fields, '$.episode_id') AS TEXT)",
}
INDEX = "ix_records_form_episode"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(
        f"CREATE INDEX {INDEX} ON records ({EPISODE_OF.get(dialect, EPISODE_OF['postgresql'])})"
        " WHERE type = 'form'"
    )
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
