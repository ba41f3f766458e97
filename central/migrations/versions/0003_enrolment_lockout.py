"""Enrolment codes count the wrong codes tried while they are outstanding (issue 15.6).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.add_column(sa.Column("wrong_tries", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.drop_column("wrong_tries")
