"""index custody_episode.status (the shift board's "still open" arm)

Without it the board's ``status = 'open' OR arrived_at BETWEEN …`` walks every episode (1.1-1.3 s
on a 110,000-episode store); with it SQLite answers each arm from an index (14-44 ms). See
bench/RESULTS.md.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_episode_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_episode_status"))
