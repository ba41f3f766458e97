"""sync_problem: the central store's refusal as data (code and field), not only a sentence

docs/sync-protocol.md 4.4: a refused record comes back as {id, code, field, message}. The code
decides what the worker is told to do and whether the record is sent again by itself (a child
held back because its parent was refused goes again once the parent is in).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_problem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("field", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_problem", schema=None) as batch_op:
        batch_op.drop_column("field")
        batch_op.drop_column("code")
