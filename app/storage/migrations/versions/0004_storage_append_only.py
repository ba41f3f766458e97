"""issued notices and their prints cannot be deleted (audit events already could not be)

The only deletion of a notice the workstation makes is data minimisation (app/sync/minimise.py):
a notice synced to the central store, whose erasure is first written to the ``sync_erased``
ledger. Anything else — a bug, or ``DELETE FROM notice`` typed by someone with the key — is
refused by the database itself (issue 15.4). Audit events keep their trigger from 0001.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TRIGGER notice_append_only_delete BEFORE DELETE ON notice "
        "WHEN OLD.sync_state != 'synced' OR OLD.server_rev IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM sync_erased WHERE record_id = OLD.id) "
        "BEGIN SELECT RAISE(ABORT, 'notice is append-only: an issued notice cannot be deleted'); "
        "END"
    )
    op.execute(
        "CREATE TRIGGER notice_print_append_only_delete BEFORE DELETE ON notice_print "
        "WHEN NOT EXISTS (SELECT 1 FROM sync_erased WHERE record_id = OLD.notice_id) "
        "BEGIN SELECT RAISE(ABORT, 'notice_print is append-only: a print record cannot be "
        "deleted'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER notice_print_append_only_delete")
    op.execute("DROP TRIGGER notice_append_only_delete")
