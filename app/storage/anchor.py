"""The audit log's anchor: a receipt, signed by the central store, of how long this
workstation's hash chain was and what its last hash was when the central store last saw it.

Why a receipt and not a keyed chain: anything the workstation can compute, a worker who can
unlock it can compute too (the database key opens everything the app opens). What they do not
have is the central store's signing key. So the chain stays plain SHA-256 (anyone can check it),
and its length and head are signed by the central store, which keeps them per workstation and
refuses a history that does not extend them. A worker with the key can still rewrite or cut
events written since the last sync — until that next sync (docs/security.md).

The interface for the sync (``app/sync``, ``central/``):
- ``claim(session, tl_fingerprint)`` — what the client sends with a sync: chain length, head,
  and the fingerprint of the key that signs the roster;
- ``digest_from_wire(fields)`` and ``extends(prev_head, events)`` — what the central store
  checks as audit events arrive: each links to the last it holds for that device;
- ``sign(seed, ...)`` — the central store's receipt; ``accept(store, receipt)`` — the client
  checks and keeps it; ``verify(store)`` — verify-audit and the end-of-shift summary.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserFacingError
from app.storage import audit
from app.storage import keycrypto as kc
from app.storage.fsutil import atomic_write
from app.storage.models import AuditEvent, Setting

ANCHOR_SETTING = "audit_anchor"
ANCHOR_KEY_SETTING = "audit_anchor_public_key"  # the central store's, pinned at enrolment
ANCHOR_FILE = "audit-anchor.json"  # a copy outside the database: survives a lost journal


class AnchorRefused(UserFacingError):
    pass


@dataclass(frozen=True)
class Anchor:
    device_id: str
    length: int
    head: str
    issued_at: str  # the central store's clock: for people, never for ordering
    signature: str = ""

    def message(self) -> bytes:
        body = [self.device_id, self.length, self.head, self.issued_at]
        return b"cjit-audit-anchor-v1\n" + json.dumps(body).encode("ascii")

    @classmethod
    def from_json(cls, doc: dict) -> Anchor:
        return cls(
            str(doc["device_id"]),
            int(doc["length"]),
            str(doc["head"]),
            str(doc["issued_at"]),
            str(doc["signature"]),
        )


def sign(seed: bytes, device_id: str, length: int, head: str, issued_at: str) -> Anchor:
    """The central store's receipt (its Ed25519 seed never leaves it)."""
    unsigned = Anchor(device_id, length, head, issued_at)
    return Anchor(device_id, length, head, issued_at, kc.b64(kc.sign(seed, unsigned.message())))


def signature_ok(anchor: Anchor, public_key: bytes) -> bool:
    try:
        signature = kc.unb64(anchor.signature)
    except ValueError:
        return False
    return kc.signature_ok(public_key, anchor.message(), signature)


# --- the chain -------------------------------------------------------------------------------


class Chain(Sequence[str]):
    """The local chain's hashes in order, read from the store as they are asked for: a check
    needs its length, its head and one hash where a receipt ends, not all of them (697,000
    on a large store, read three times a sync into Python while the window waited for the
    GIL: bench/RESULTS.md, "responsive")."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.length = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        self._contiguous: bool | None = None

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> str:  # type: ignore[override]  # no slices needed
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        if self._numbered_from_one():  # as written: the n-th entry is seq n (an index lookup)
            return self.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == index + 1))
        query = select(AuditEvent.hash).order_by(AuditEvent.seq).offset(index).limit(1)
        return self.session.scalar(query)

    def _numbered_from_one(self) -> bool:
        if self._contiguous is None:
            low, high = self.session.execute(
                select(func.min(AuditEvent.seq), func.max(AuditEvent.seq))
            ).one()
            self._contiguous = low == 1 and high == self.length
        return self._contiguous


def chain_hashes(session: Session) -> Chain:
    return Chain(session)


def claim(session: Session, tl_fingerprint: str = "") -> dict:
    hashes = chain_hashes(session)
    return {
        "audit_length": len(hashes),
        "audit_head": hashes[-1] if hashes else audit.GENESIS,
        "tl_key": tl_fingerprint,
    }


def digest_from_wire(fields: dict) -> str:
    """An audit event's hash recomputed from its sync record's fields (as the client sends)."""
    at = datetime.fromisoformat(str(fields["at"])).astimezone(UTC)
    return audit.digest_of(
        fields["prev_hash"], fields["id"], at, fields.get("actor_id"), fields["actor"],
        fields["action"], fields.get("record_type"), fields.get("record_id"),
        fields.get("reason"), fields.get("detail") or {},
    )  # fmt: skip


def extends(prev_head: str, events: list[dict]) -> bool:
    """Whether events (in chain order) continue a chain whose last hash is ``prev_head``."""
    for fields in events:
        if fields.get("prev_hash") != prev_head or digest_from_wire(fields) != fields.get("hash"):
            return False
        prev_head = fields["hash"]
    return True


# --- comparing with the anchor ---------------------------------------------------------------


@dataclass(frozen=True)
class AnchorCheck:
    status: str  # extends | not_anchored | cut | changed | forged
    local_length: int
    anchored_length: int = 0
    issued_at: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("extends", "not_anchored")

    @property
    def message(self) -> str:
        since = self.local_length - self.anchored_length
        return {
            "extends": f"It matches the central store's receipt of {self.issued_at} "
            f"({self.anchored_length} events); {since} events since are not yet anchored.",
            "not_anchored": "No receipt from the central store yet: the log is anchored at the "
            "next sync.",
            "cut": f"At least {self.anchored_length - self.local_length} of the "
            f"{self.anchored_length} events the central store acknowledged on {self.issued_at} "
            "are missing here.",
            "changed": f"Events the central store acknowledged on {self.issued_at} (the first "
            f"{self.anchored_length}) were changed or removed since.",
            "forged": "The stored receipt from the central store is not genuine.",
        }[self.status]


def compare(hashes: list[str], anchor: Anchor | None) -> AnchorCheck:
    """Pure: the local chain's hashes (in order) against a receipt."""
    if anchor is None:
        return AnchorCheck("not_anchored", len(hashes))
    args = (len(hashes), anchor.length, anchor.issued_at)
    if len(hashes) < anchor.length:
        return AnchorCheck("cut", *args)
    if anchor.length and hashes[anchor.length - 1] != anchor.head:
        return AnchorCheck("changed", *args)
    return AnchorCheck("extends", *args)


def _public_key(session: Session) -> bytes | None:
    row = session.get(Setting, ANCHOR_KEY_SETTING)
    return kc.unb64(row.value) if row and isinstance(row.value, str) else None


def _stored(store, session: Session) -> list[Anchor]:  # noqa: ANN001
    found = []
    row = session.get(Setting, ANCHOR_SETTING)
    if row and isinstance(row.value, dict):
        found.append(row.value)
    with contextlib.suppress(OSError, ValueError):  # no copy, or a damaged one
        found.append(json.loads((Path(store.data_dir) / ANCHOR_FILE).read_text("utf-8")))
    anchors = []
    for doc in found:
        try:
            anchors.append(Anchor.from_json(doc))
        except (KeyError, TypeError, ValueError):
            continue
    return anchors


def verify(store, session: Session) -> AnchorCheck:  # noqa: ANN001
    """The local chain against the longest genuine receipt kept (database or file copy)."""
    hashes = chain_hashes(session)
    anchors = _stored(store, session)
    if not anchors:
        return compare(hashes, None)
    public_key = _public_key(session)
    genuine = [a for a in anchors if public_key and signature_ok(a, public_key)]
    if not genuine:
        return AnchorCheck("forged", len(hashes))
    return compare(hashes, max(genuine, key=lambda a: a.length))


def pinned(session: Session) -> bool:
    return _public_key(session) is not None


def pin_public_key(session: Session, public_key_b64: str) -> None:
    """At enrolment: the central store's anchor key. Trust on first use; a different key later
    is refused (a new key comes with a new enrolment, which replaces the setting on purpose)."""
    kc.unb64(public_key_b64)  # must be base64
    row = session.get(Setting, ANCHOR_KEY_SETTING)
    if row is None:
        session.add(Setting(key=ANCHOR_KEY_SETTING, value=public_key_b64))
    else:
        row.value = public_key_b64


def accept(store, session: Session, receipt: dict, device_id: str) -> AnchorCheck:  # noqa: ANN001
    """Check and keep a receipt the central store returned after a sync."""
    anchor = Anchor.from_json(receipt)
    public_key = _public_key(session)
    if public_key is None or not signature_ok(anchor, public_key):
        raise AnchorRefused("The central store's receipt of the audit log is not genuine.")
    if anchor.device_id != device_id:
        raise AnchorRefused("The central store's receipt names another workstation.")
    kept = [a for a in _stored(store, session) if signature_ok(a, public_key)]
    if kept and max(a.length for a in kept) > anchor.length:
        raise AnchorRefused("The central store's receipt is older than one already kept.")
    check = compare(chain_hashes(session), anchor)
    if check.status != "extends":
        # Kept even so, in the file (the raise rolls the caller's transaction back): it is the
        # central store's word on what this workstation sent, so verify-audit can still say
        # what is missing here when the receipt kept before was deleted as well.
        atomic_write(Path(store.data_dir) / ANCHOR_FILE, json.dumps(asdict(anchor)).encode())
        raise AnchorRefused(f"The central store's receipt does not match this log: {check.message}")
    row = session.get(Setting, ANCHOR_SETTING)
    if row is None:
        session.add(Setting(key=ANCHOR_SETTING, value=asdict(anchor)))
    else:
        row.value = asdict(anchor)
    atomic_write(Path(store.data_dir) / ANCHOR_FILE, json.dumps(asdict(anchor)).encode())
    return check
