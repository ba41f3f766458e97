"""index custody_episode.status (the shift board's "still open" arm)

Without it the board's ``status = 'open' OR arrived_at BETWEEN …`` walks every episode (1.1-1.3 s
on a 110,000-episode store); with it SQLite answers each arm from an index (14-44 ms). See
bench/RESULTS.md.

Revision ID: 0002b
Revises: 0001
Create Date: 2026-11-23

Merge note: the sync branch adds "0002" (also revising "0001"); when both are merged, set this
file's ``down_revision`` to "0002" so the history stays one line (one head).
"""

from alembic import op

revision = "0002b"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_episode_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_episode_status"))
