"""sync outbox: persisted push batches, the erased-records ledger, records needing attention,
and who/when/which-rev for conflicts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # docs/sync-protocol.md 4.2: a batch is persisted (id and body) before it is sent, and
    # re-sent unchanged until the server answers 200 or 4xx.
    op.create_table(
        "sync_batch",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    # Data minimisation: ids and revs (no content) of records erased from this workstation, so
    # the count check still matches the server and a re-pull does not bring them back.
    op.create_table(
        "sync_erased",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("erased_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    with op.batch_alter_table("sync_erased", schema=None) as batch_op:
        batch_op.create_index("ix_sync_erased_record_type", ["record_type"], unique=False)
    # 4.4: records the server refused, held back from pushes until a worker changes them.
    op.create_table(
        "sync_problem",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("server_rev", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("base_rev", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("yours_present", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("theirs_present", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        for column in ("theirs_present", "yours_present", "base_rev", "server_rev", "device_id"):
            batch_op.drop_column(column)
    op.drop_table("sync_problem")
    with op.batch_alter_table("sync_erased", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_erased_record_type")
    op.drop_table("sync_erased")
    op.drop_table("sync_batch")
