"""The CJIT central store: the partnership's shared record that workstations sync to.

No Qt here: this package is a FastAPI service, its SQLAlchemy models and Alembic migrations,
and a command line (``cjit-central``). The protocol it serves is in ``docs/sync-protocol.md``.
"""
