"""The local schema. Answers live as versioned JSON per form record; typed columns exist only
where the app queries (person search, the shift board, sync).

Times are stored as UTC. IDs are UUID strings made where the record is created, because records
are created offline on several workstations.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out (SQLite keeps no time zone)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    pass


class SyncColumns:
    """Every row that travels to the central store carries its own sync state.

    ``local_rev`` grows on every local edit; a push acknowledges a given ``local_rev``, so an edit
    made while the row was in flight leaves it pending (Anki's usn lesson).
    """

    sync_state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    local_rev: Mapped[int] = mapped_column(Integer, default=1)
    server_rev: Mapped[int | None] = mapped_column(Integer, default=None)


class Worker(Base):
    __tablename__ = "worker"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))  # "worker" | "team_leader"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Person(SyncColumns, Base):
    __tablename__ = "person"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    family_name: Mapped[str] = mapped_column(String(120), default="")
    given_names: Mapped[str] = mapped_column(String(120), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    pnc_id: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    postcode: Mapped[str | None] = mapped_column(String(10), default=None)
    # Lower-case, accent-free search keys, kept beside the names for indexed prefix search.
    family_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    given_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    episodes: Mapped[list[CustodyEpisode]] = relationship(back_populates="person")


class CustodyEpisode(SyncColumns, Base):
    __tablename__ = "custody_episode"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    custody_record_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed
    current_step: Mapped[str] = mapped_column(String(30), default="custody_episode")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("worker.id"), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    person: Mapped[Person] = relationship(back_populates="episodes")
    forms: Mapped[list[FormRecord]] = relationship(back_populates="episode")


class FormRecord(SyncColumns, Base):
    """One form of one episode: the answers document as it is now."""

    __tablename__ = "form_record"
    __table_args__ = (Index("ix_form_record_episode_form", "episode_id", "form_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    episode_id: Mapped[str] = mapped_column(ForeignKey("custody_episode.id"))
    form_key: Mapped[str] = mapped_column(String(30), index=True)
    form_version: Mapped[int] = mapped_column(Integer, default=1)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | complete | issued
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("worker.id"), default=None)

    episode: Mapped[CustodyEpisode] = relationship(back_populates="forms")


class FormRecordVersion(Base):
    """The history of a form record's answers: who changed what, when."""

    __tablename__ = "form_record_version"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    form_record_id: Mapped[str] = mapped_column(ForeignKey("form_record.id"), index=True)
    rev: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str | None] = mapped_column(ForeignKey("worker.id"), default=None)


class Appointment(SyncColumns, Base):
    __tablename__ = "appointment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    episode_id: Mapped[str] = mapped_column(ForeignKey("custody_episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # initial | follow_up | annex_e
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(Text, default="")
    cjit_id: Mapped[str | None] = mapped_column(String(40), default=None)
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("notice.id"), default=None)
    status: Mapped[str] = mapped_column(String(20), default="booked")


class Notice(SyncColumns, Base):
    """An issued notice, frozen: its content never changes (a database trigger enforces it).
    A change after issue is a new RA2 that names the notice it varies."""

    __tablename__ = "notice"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    episode_id: Mapped[str] = mapped_column(ForeignKey("custody_episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # ra1 | ra2 | ra4 | ra5 | dt1 …
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    form_record_id: Mapped[str | None] = mapped_column(ForeignKey("form_record.id"), default=None)
    varies_notice_id: Mapped[str | None] = mapped_column(ForeignKey("notice.id"), default=None)
    content: Mapped[dict] = mapped_column(JSON)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str | None] = mapped_column(ForeignKey("worker.id"), default=None)


class NoticePrint(Base):
    """Each print, reprint or PDF export of a notice (a disclosure, also in the audit log)."""

    __tablename__ = "notice_print"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # print | reprint | pdf_export
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(ForeignKey("worker.id"), default=None)


class AuditEvent(Base):
    """DPA 2018 s.62 log. Append-only (triggers) and hash-chained (``app.storage.audit``)."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(36), default=None)
    actor: Mapped[str] = mapped_column(String(64))  # username, or "system"
    action: Mapped[str] = mapped_column(String(20), index=True)
    record_type: Mapped[str | None] = mapped_column(String(30), default=None)
    record_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    sync_state: Mapped[str] = mapped_column(String(10), default="pending", index=True)


class ReferenceDocument(Base):
    """Reference data (trigger offences, SPOC directory, wording, policy…) as pulled or bundled."""

    __tablename__ = "reference_document"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20), default="bundled")  # bundled | central
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TestHistory(Base):
    """Earlier positive tests of a person, kept after old episodes are erased from this
    workstation: the target-testing profile pre-fills from it."""

    __tablename__ = "test_history"
    __test__ = False  # not a pytest test class, whatever its name
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pnc_id: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    family_key: Mapped[str] = mapped_column(String(120), index=True)
    given_key: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    tested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    substances: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20), default="local")  # local | central


class Tombstone(Base):
    """A deletion that must still travel to the central store."""

    __tablename__ = "tombstone"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    server_rev: Mapped[int | None] = mapped_column(Integer, default=None)
    sync_state: Mapped[str] = mapped_column(String(10), default="pending")


class SyncConflict(Base):
    """A same-field conflict the central store resolved; the worker confirms or changes it."""

    __tablename__ = "sync_conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(60))
    yours: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    theirs: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    winner: Mapped[str] = mapped_column(String(10))  # yours | theirs
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(36), default=None)
    # 0002: the device that pushed the losing value, the server rev that holds the winner.
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)
    server_rev: Mapped[int | None] = mapped_column(Integer, default=None)
    base_rev: Mapped[int | None] = mapped_column(Integer, default=None)
    yours_present: Mapped[bool] = mapped_column(Boolean, default=True)
    theirs_present: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """Small key/value state inside the encrypted store: sync cursor, device token, policy
    overrides set by a team leader."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)


class SyncBatch(Base):
    """A push batch persisted before it is sent and re-sent unchanged until acknowledged
    (docs/sync-protocol.md 4.2). ``items`` holds [type, id, local_rev, base_rev] per record."""

    __tablename__ = "sync_batch"
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[dict] = mapped_column(JSON)
    items: Mapped[list] = mapped_column(JSON)


class SyncErased(Base):
    """A record erased from this workstation by data minimisation: id and rev only, so the
    count check still agrees with the central store and a re-pull does not restore it."""

    __tablename__ = "sync_erased"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(30), index=True)
    server_rev: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncProblem(Base):
    """A record the central store refused (4.4): held back until a worker changes it (or, for
    ``parent_refused``/``unknown_reference``, until the record it names is on the central
    store). ``code`` and ``field`` are the refusal as data (0004), ``reason`` its sentence."""

    __tablename__ = "sync_problem"
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    code: Mapped[str | None] = mapped_column(String(40), default=None)
    field: Mapped[str | None] = mapped_column(String(300), default=None)
