"""index form_record.form_key (the waiting list's "every RA3 / lab result / remand" reads)

The waiting list asks for all forms of a kind (attendance records, laboratory results, the
forms of the rest of the pathway). Without an index SQLite reads every form record, answers
and all, for each such question (several seconds a refresh on a 110,000-episode store); with
it, only the forms of that kind. See bench/RESULTS.md.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("form_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_record_form_key"), ["form_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_record_form_key"))
