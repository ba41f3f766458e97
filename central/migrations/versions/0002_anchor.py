"""The audit anchor: the central store's signing key and each workstation's held chain.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from central.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anchor_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "device_anchors",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), primary_key=True),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(64), nullable=False),
        sa.Column("tl_key", sa.String(100), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("problem_code", sa.String(40), nullable=True),
        sa.Column("problem", sa.String(500), nullable=True),
        sa.Column("problem_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("device_anchors")
    op.drop_table("anchor_key")
