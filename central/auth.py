"""Enrolment codes and device tokens.

Both are random secrets stored only as SHA-256 digests: a token is 256 random bits, not a
password, so a slow hash adds nothing; an enrolment code is short enough to type but single-use
and expiring. A revoked device is refused on its very next request: every request looks the
device up, nothing is cached.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update

from central.db import plain_session, read_session
from central.models import Device, EnrolmentCode, utcnow

# No 0/O, 1/I/L: the code is read off a screen and typed on a workstation.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_SEEN_RESOLUTION = timedelta(minutes=1)
_CODE_LENGTH = 12  # ~59 bits: plenty for a single-use code that expires within hours


class AuthError(Exception):
    """Refused; the message is for the worker (and says what to do)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_enrolment_code(
    engine: Engine, suite: str, valid_hours: float = 24
) -> tuple[str, datetime]:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    now = utcnow()
    expires = now + timedelta(hours=valid_hours)
    with plain_session(engine) as session, session.begin():
        session.add(
            EnrolmentCode(
                code_hash=digest(raw),
                suite=suite,
                created_at=now,
                expires_at=expires,
                wrong_tries=0,
            )
        )
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4)), expires


class WrongCode(AuthError):
    """No such code: counted against every outstanding code (and by ``central.ratelimit``)."""


NOT_VALID = (
    "This enrolment code is not valid: it may be mistyped, used already or expired. "
    "Ask the central store's administrator for a new code."
)
# Wrong codes tried while a code is outstanding, after which it is withdrawn: it then faces
# at most this many guesses in its life (out of 31^12, about 10^18), whatever the source.
MAX_WRONG_CODES = 100


def enrol(engine: Engine, code: str, device_name: str) -> tuple[Device, str]:
    """Spend an enrolment code on a new device; returns the device and its only copy of the token.

    A wrong code is found with a read (no write lock, so guesses never queue the pushes) and
    then counted against every outstanding code in one short write."""
    code_hash = digest(_normalise_code(code))
    now = utcnow()
    with read_session(engine) as session:
        found = session.get(EnrolmentCode, code_hash)
    if found is None:
        _count_wrong_code(engine, now)
        raise WrongCode(NOT_VALID)
    token = secrets.token_urlsafe(32)
    with plain_session(engine) as session, session.begin():
        row = session.execute(
            select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash).with_for_update()
        ).scalar_one_or_none()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise AuthError(NOT_VALID)
        if row.wrong_tries >= MAX_WRONG_CODES:
            raise AuthError(
                f"This enrolment code was withdrawn: more than {MAX_WRONG_CODES} wrong codes "
                "were tried while it was outstanding. Ask the central store's administrator "
                "for a new code."
            )
        device = Device(
            id=str(uuid.uuid4()),
            name=device_name,
            suite=row.suite,
            token_hash=digest(token),
            enrolled_at=now,
        )
        session.add(device)
        row.used_at, row.used_by_device_id = now, device.id
    return device, token


def _count_wrong_code(engine: Engine, now: datetime) -> None:
    with plain_session(engine) as session, session.begin():
        session.execute(
            update(EnrolmentCode)
            .where(EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > now)
            .values(wrong_tries=EnrolmentCode.wrong_tries + 1)
        )


def authenticate(engine: Engine, token: str) -> Device:
    with read_session(engine) as session:
        device = session.execute(
            select(Device).where(Device.token_hash == digest(token))
        ).scalar_one_or_none()
        if device is not None:
            session.expunge(device)
    if device is None:
        raise AuthError("This workstation is not enrolled with the central store (unknown token).")
    if device.revoked_at is not None:
        raise AuthError(
            "This workstation's access to the central store has been revoked. "
            "Ask your team leader to enrol it again."
        )
    _touch(engine, device)
    return device


def _touch(engine: Engine, device: Device) -> None:
    # Only now and then: a write per request would queue every request behind a push on SQLite.
    now = utcnow()
    if device.last_seen_at is not None and now - device.last_seen_at < _SEEN_RESOLUTION:
        return
    with plain_session(engine) as session, session.begin():
        session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))


def revoke_device(engine: Engine, device_id: str) -> bool:
    with plain_session(engine) as session, session.begin():
        device = session.get(Device, device_id)
        if device is None:
            return False
        if device.revoked_at is None:
            device.revoked_at = utcnow()
    return True
