"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

# Issued notices and audit events are append-only: the database itself refuses a change, so
# no code path (or a bug in one) can rewrite a legal document or the s.62 log.
APPEND_ONLY = {
    "notice": "kind, reference, episode_id, form_record_id, varies_notice_id, content, pdf, issued_at, issued_by",
    "notice_print": "notice_id, kind, at, by",
    "audit_event": "seq, id, at, actor_id, actor, action, record_type, record_id, reason, detail, prev_hash, hash",
}


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=True),
        sa.Column("record_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_sync_state"), ["sync_state"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("given_names", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("pnc_id", sa.String(length=20), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("family_key", sa.String(length=120), nullable=False),
        sa.Column("given_key", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.Column("local_rev", sa.Integer(), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_date_of_birth"), ["date_of_birth"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_family_key"), ["family_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_given_key"), ["given_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_pnc_id"), ["pnc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_sync_state"), ["sync_state"], unique=False)

    op.create_table(
        "reference_document",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("yours", sa.JSON(), nullable=True),
        sa.Column("theirs", sa.JSON(), nullable=True),
        sa.Column("winner", sa.String(length=10), nullable=False),
        sa.Column("detected_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflict_record_id"), ["record_id"], unique=False)

    op.create_table(
        "test_history",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pnc_id", sa.String(length=20), nullable=True),
        sa.Column("family_key", sa.String(length=120), nullable=False),
        sa.Column("given_key", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("tested_at", sa.String(length=32), nullable=False),
        sa.Column("substances", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("test_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_test_history_family_key"), ["family_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_test_history_pnc_id"), ["pnc_id"], unique=False)

    op.create_table(
        "tombstone",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tombstone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tombstone_record_id"), ["record_id"], unique=False)

    op.create_table(
        "worker",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("removed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "custody_episode",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("custody_record_number", sa.String(length=40), nullable=False),
        sa.Column("arrived_at", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("current_step", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.Column("local_rev", sa.Integer(), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["worker.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_episode_arrived_at"), ["arrived_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_custody_episode_custody_record_number"),
            ["custody_record_number"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_custody_episode_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_custody_episode_sync_state"), ["sync_state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_custody_episode_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "form_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("form_key", sa.String(length=30), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.Column("local_rev", sa.Integer(), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["custody_episode.id"],
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["worker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("form_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_form_record_episode_form", ["episode_id", "form_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_form_record_sync_state"), ["sync_state"], unique=False)

    op.create_table(
        "form_record_version",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("form_record_id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.String(length=32), nullable=False),
        sa.Column("saved_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["form_record_id"],
            ["form_record.id"],
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"],
            ["worker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("form_record_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_record_version_form_record_id"), ["form_record_id"], unique=False
        )

    op.create_table(
        "notice",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("form_record_id", sa.String(length=36), nullable=True),
        sa.Column("varies_notice_id", sa.String(length=36), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.Column("issued_by", sa.String(length=36), nullable=True),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.Column("local_rev", sa.Integer(), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["custody_episode.id"],
        ),
        sa.ForeignKeyConstraint(
            ["form_record_id"],
            ["form_record.id"],
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["worker.id"],
        ),
        sa.ForeignKeyConstraint(
            ["varies_notice_id"],
            ["notice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_sync_state"), ["sync_state"], unique=False)

    op.create_table(
        "appointment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("episode_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("cjit_id", sa.String(length=40), nullable=True),
        sa.Column("notice_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sync_state", sa.String(length=10), nullable=False),
        sa.Column("local_rev", sa.Integer(), nullable=False),
        sa.Column("server_rev", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["custody_episode.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointment_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointment_sync_state"), ["sync_state"], unique=False)

    op.create_table(
        "notice_print",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("notice_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["by"],
            ["worker.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notice_print", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_print_notice_id"), ["notice_id"], unique=False)

    for table, columns in APPEND_ONLY.items():
        op.execute(
            f"CREATE TRIGGER {table}_append_only_update BEFORE UPDATE OF {columns} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    op.execute(
        "CREATE TRIGGER audit_event_append_only_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_event_append_only_delete")
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_append_only_update")

    with op.batch_alter_table("notice_print", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_print_notice_id"))

    op.drop_table("notice_print")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_sync_state"))
        batch_op.drop_index(batch_op.f("ix_appointment_episode_id"))
        batch_op.drop_index(batch_op.f("ix_appointment_at"))

    op.drop_table("appointment")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_sync_state"))
        batch_op.drop_index(batch_op.f("ix_notice_episode_id"))

    op.drop_table("notice")
    with op.batch_alter_table("form_record_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_record_version_form_record_id"))

    op.drop_table("form_record_version")
    with op.batch_alter_table("form_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_record_sync_state"))
        batch_op.drop_index("ix_form_record_episode_form")

    op.drop_table("form_record")
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_episode_updated_at"))
        batch_op.drop_index(batch_op.f("ix_custody_episode_sync_state"))
        batch_op.drop_index(batch_op.f("ix_custody_episode_person_id"))
        batch_op.drop_index(batch_op.f("ix_custody_episode_custody_record_number"))
        batch_op.drop_index(batch_op.f("ix_custody_episode_arrived_at"))

    op.drop_table("custody_episode")
    op.drop_table("worker")
    with op.batch_alter_table("tombstone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tombstone_record_id"))

    op.drop_table("tombstone")
    with op.batch_alter_table("test_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_history_pnc_id"))
        batch_op.drop_index(batch_op.f("ix_test_history_family_key"))

    op.drop_table("test_history")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflict_record_id"))

    op.drop_table("sync_conflict")
    op.drop_table("setting")
    op.drop_table("reference_document")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_sync_state"))
        batch_op.drop_index(batch_op.f("ix_person_pnc_id"))
        batch_op.drop_index(batch_op.f("ix_person_given_key"))
        batch_op.drop_index(batch_op.f("ix_person_family_key"))
        batch_op.drop_index(batch_op.f("ix_person_date_of_birth"))

    op.drop_table("person")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_sync_state"))
        batch_op.drop_index(batch_op.f("ix_audit_event_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
