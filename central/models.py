"""Tables of the central store (SQLAlchemy 2, ``Mapped[...]``).

The migration in ``migrations/versions`` creates exactly these; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stored in UTC, always handed back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class StoreInfo(Base):
    """One row. ``change_seq`` is the change sequence AND the lock that serialises writers.

    ``store_epoch`` changes when an operator restores a backup (``cjit-central new-epoch``),
    telling every client that its cursor belongs to a different history.
    """

    __tablename__ = "store_info"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    store_epoch: Mapped[str] = mapped_column(String(36))


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    suite: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    suite: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_device_id: Mapped[str | None] = mapped_column(String(36))
    # Wrong codes tried while this one was outstanding (central.auth.MAX_WRONG_CODES).
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Record(Base):
    """The current version of each record. ``seq`` is the change sequence of its last change."""

    __tablename__ = "records"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    suite: Mapped[str] = mapped_column(String(64))
    rev: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    deleted: Mapped[bool]
    fields: Mapped[dict[str, Any]]
    # Denormalised from fields so reports and history can filter without JSON operators.
    form_key: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]
    updated_by_device_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index("ix_records_suite_seq", "suite", "seq"),
        Index("ix_records_suite_type", "suite", "type"),
        Index("ix_records_suite_form_key", "suite", "form_key"),
        # A form's episode id (migration 0005, which spells it for SQLite too).
        # (spelled as PostgreSQL reflects it, so the schema comparison sees the same index)
        Index("ix_records_type_episode", "type", text("\"left\"(fields ->> 'episode_id', 200)")),
    )


class RecordVersion(Base):
    """Every version ever stored: the base of a three-way merge is looked up here."""

    __tablename__ = "record_versions"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool]
    fields: Mapped[dict[str, Any]]
    batch_id: Mapped[str | None] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]


class Conflict(Base):
    """A field both sides changed: the winner is applied, both values kept for the worker."""

    __tablename__ = "conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    record_type: Mapped[str] = mapped_column(String(32))
    suite: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(300))
    yours: Mapped[dict[str, Any]]  # {"value": …} so null and "absent" stay distinct
    theirs: Mapped[dict[str, Any]]
    winner: Mapped[str] = mapped_column(String(8))
    base_rev: Mapped[int | None]
    rev: Mapped[int]
    device_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_device_id: Mapped[str | None] = mapped_column(String(36))


class PushBatch(Base):
    """The stored acknowledgement of a push, returned again when the batch is replayed."""

    __tablename__ = "push_batches"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("devices.id"))
    request_digest: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ReferenceDocument(Base):
    __tablename__ = "reference_documents"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    content: Mapped[Any] = mapped_column(JSON)  # a list or an object, as the file holds
    content_digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class AnchorKey(Base):
    """One row: the Ed25519 key that signs audit receipts (``central.anchors``). Made once per
    central store, in its database, so every ``serve`` process signs with the same key."""

    __tablename__ = "anchor_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seed: Mapped[str] = mapped_column(String(64))  # base64 of 32 bytes; never leaves the store
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class DeviceAnchor(Base):
    """How long each workstation's audit chain is, as far as the central store holds it, and
    its last hash: a pushed event must extend it (docs/security.md, the audit anchor)."""

    __tablename__ = "device_anchors"
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("devices.id"), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger)
    head: Mapped[str] = mapped_column(String(64))
    tl_key: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    # The last refusal, kept for the partnership (``cjit-central anchors``).
    problem_code: Mapped[str | None] = mapped_column(String(40))
    problem: Mapped[str | None] = mapped_column(String(500))
    problem_at: Mapped[datetime | None]


class ReportFact(Base):
    """What one form record adds to the monthly report: one row per figure it counts in
    (central/report_facts.py). Kept up to date from the change sequence, so a report sums a
    few rows per record in its months instead of reading every form the partnership holds."""

    __tablename__ = "report_facts"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    figure: Mapped[str] = mapped_column(String(40), primary_key=True)
    suite: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_report_facts_month_suite", "month", "suite"),)


class ReportFactsState(Base):
    """One row: the change sequence up to which report_facts is complete."""

    __tablename__ = "report_facts_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class ReportEpisodeFact(Base):
    """What one episode adds to the pathway figures of the monthly report (issue 13's
    figures are per episode: a test with its laboratory result…): one row per figure and
    month, recomputed whenever one of the episode's forms changes (central/report_facts.py).
    Forms are found by their episode id through ``ix_records_type_episode`` (migration 0005,
    an index on the type and the JSON field)."""

    __tablename__ = "report_episode_facts"
    episode_id: Mapped[str] = mapped_column(Text, primary_key=True)
    suite: Mapped[str] = mapped_column(String(64), primary_key=True)
    figure: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_report_episode_facts_month_suite", "month", "suite"),)


class ReportEpisodeFactsState(Base):
    """One row: the change sequence up to which report_episode_facts is complete."""

    __tablename__ = "report_episode_facts_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
