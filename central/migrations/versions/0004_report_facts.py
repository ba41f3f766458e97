"""Report facts: what each form record adds to the monthly report (issue 16.4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("figure", sa.String(40), primary_key=True),
        sa.Column("suite", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_report_facts_month_suite", "report_facts", ["month", "suite"])
    op.create_table(
        "report_facts_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_facts_state")
    op.drop_index("ix_report_facts_month_suite", table_name="report_facts")
    op.drop_table("report_facts")
