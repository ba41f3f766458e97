"""The central store's first schema.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

import sqlalchemy as sa
from alembic import op

from central.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "store_info",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("store_epoch", sa.String(36), nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("suite", sa.String(64), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _when("enrolled_at"),
        _when("revoked_at", True),
        _when("last_seen_at", True),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("suite", sa.String(64), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", True),
        sa.Column("used_by_device_id", sa.String(36), nullable=True),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("suite", sa.String(64), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("form_key", sa.String(32), nullable=True),
        _when("updated_at"),
        sa.Column("updated_by_device_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_records_suite_seq", "records", ["suite", "seq"])
    op.create_index("ix_records_suite_type", "records", ["suite", "type"])
    op.create_index("ix_records_suite_form_key", "records", ["suite", "form_key"])
    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("rev", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=True),
        _when("created_at"),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(36), nullable=False, index=True),
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("suite", sa.String(64), nullable=False, index=True),
        sa.Column("field", sa.String(300), nullable=False),
        sa.Column("yours", sa.JSON(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("winner", sa.String(8), nullable=False),
        sa.Column("base_rev", sa.Integer(), nullable=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        _when("created_at"),
        _when("resolved_at", True),
        sa.Column("resolved_by_device_id", sa.String(36), nullable=True),
    )
    op.create_table(
        "push_batches",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "reference_documents",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        _when("updated_at"),
    )


def downgrade() -> None:
    for table in (
        "reference_documents",
        "push_batches",
        "conflicts",
        "record_versions",
        "records",
        "enrolment_codes",
        "devices",
        "store_info",
    ):
        op.drop_table(table)
