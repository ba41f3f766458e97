"""The DPA 2018 s.62 audit log: who, when, which record, what was done and why.

Each event carries the hash of the one before it. Editing, inserting or deleting a past event
breaks the chain, and ``verify`` finds where. The table is append-only in the database as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.models import AuditEvent, new_id, utcnow

GENESIS = "0" * 64

# s.62(1): collection, alteration, consultation, disclosure (including transfers), combination,
# erasure. "authentication" and "administration" cover sign-in, locks and worker management.
ACTIONS = (
    "collection",
    "alteration",
    "consultation",
    "disclosure",
    "combination",
    "erasure",
    "authentication",
    "administration",
)


@dataclass(frozen=True)
class Actor:
    id: str | None
    username: str


SYSTEM = Actor(None, "system")


def digest_of(
    prev_hash: str,
    event_id: str,
    at: datetime,
    actor_id: str | None,
    actor: str,
    action: str,
    record_type: str | None,
    record_id: str | None,
    reason: str | None,
    detail: dict,
) -> str:
    body = json.dumps(
        [
            prev_hash,
            event_id,
            at.isoformat(timespec="microseconds"),
            actor_id,
            actor,
            action,
            record_type,
            record_id,
            reason,
            detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def _last_hash(session: Session) -> str:
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    return last or GENESIS


def record(
    session: Session,
    actor: Actor,
    action: str,
    record_type: str | None = None,
    record_id: str | None = None,
    reason: str | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add an event to the session; it commits with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    detail = detail or {}
    session.flush()  # the previous event must have its seq before this one links to it
    prev = _last_hash(session)
    event_id, at = new_id(), utcnow()
    event = AuditEvent(
        id=event_id,
        at=at,
        actor_id=actor.id,
        actor=actor.username,
        action=action,
        record_type=record_type,
        record_id=record_id,
        reason=reason,
        detail=detail,
        prev_hash=prev,
        hash=digest_of(
            prev,
            event_id,
            at,
            actor.id,
            actor.username,
            action,
            record_type,
            record_id,
            reason,
            detail,
        ),
    )
    session.add(event)
    session.flush()
    return event


def event_digest(event: AuditEvent, prev_hash: str) -> str:
    """What an event's hash must be, given the hash of the one before it."""
    return digest_of(
        prev_hash,
        event.id,
        event.at,
        event.actor_id,
        event.actor,
        event.action,
        event.record_type,
        event.record_id,
        event.reason,
        event.detail,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session) -> VerifyResult:
    prev, count = GENESIS, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        count += 1
        if event.prev_hash != prev:
            return VerifyResult(
                False,
                count,
                event.seq,
                f"event {event.seq} does not follow the one before it "
                "(an event was removed or inserted)",
            )
        if event.hash != event_digest(event, prev):
            return VerifyResult(False, count, event.seq, f"event {event.seq} was altered")
        prev = event.hash
    return VerifyResult(True, count)
