"""The audit anchor, the central store's half (docs/security.md, "The audit anchor on the wire").

A worker who can unlock a workstation can rewrite its audit log and re-hash the chain; what they
cannot do is change what the central store already holds. So for each device the central store
keeps the length and last hash of the chain it received, and:

- **as audit events arrive** (``check_pushed``, called by ``central.push`` inside the push's
  write transaction): each new event must link to the last hash held for its device
  (``app.storage.anchor.extends``: its ``prev_hash`` is that hash and its ``hash`` is the digest
  of its own fields). One that does not is refused (``audit_chain_broken``) and not stored, and
  so is every later one until the log sent extends the held one again;
- **after the push** (``answer_claim``, ``POST /v1/anchor``): the workstation says how long its
  chain is and what its head is. Shorter than what is held, or another head at the same length,
  is a history rewritten since it was sent (``audit_history_rewritten``); a team-leader key
  other than the one the log last named likewise. Refusals are data ``{id, code, field,
  message}``, logged and kept on the device's row for the partnership;
- **a receipt** signed with the central store's Ed25519 key over what it holds
  (``app.storage.anchor.sign``), which the workstation keeps and checks offline later.

The pure parts (the digest of an event, the chain check, the receipt's bytes) are
``app.storage.anchor``'s: one definition for both sides. The signing key is made once per central
store and kept in its database (``anchor_key``), so every ``serve`` process behind one
PostgreSQL signs alike; workstations pin its public half at enrolment.

A device's held chain starts at the first audit event it pushes: the start of the log for a new
workstation; after a re-enrolment (a new device id), where the log stood — the events before
are held under the old device id.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.storage import anchor
from app.storage import keycrypto as kc
from central.contract import Checked, Refused
from central.db import read_session, write_session
from central.models import AnchorKey, Device, DeviceAnchor, Record, utcnow
from central.views import iso

log = logging.getLogger(__name__)
KEY_EVENTS = ("store_created", "store_rekeyed")  # audit events naming the team-leader key
BROKEN = "audit_chain_broken"
REWRITTEN = "audit_history_rewritten"


# --- the signing key -------------------------------------------------------------------------


def ensure_key(session: Session) -> AnchorKey:
    """The store's signing key, made on first use (inside a serialised write transaction)."""
    row = session.get(AnchorKey, 1)
    if row is None:
        seed = os.urandom(32)
        row = AnchorKey(
            id=1,
            seed=kc.b64(seed),
            public_key=kc.b64(kc.signing_public(seed)),
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
    return row


def public_key(engine: Engine) -> str:
    """Base64 of the Ed25519 public key, as ``/v1/enrol`` answers it."""
    with read_session(engine) as session:
        row = session.get(AnchorKey, 1)
        if row is not None:
            return row.public_key
    with write_session(engine) as (session, _info):
        return ensure_key(session).public_key


# --- as audit events arrive ------------------------------------------------------------------


def check_pushed(
    session: Session, device: Device, checked: list[Checked], refused: list[Refused]
) -> list[Checked]:
    """Refuse the batch's new audit events that do not extend the device's held chain; move
    the held chain on by those that do. Returns the records still to be stored."""
    events = [c for c in checked if c.record.type == "audit_event" and not c.record.deleted]
    if not events:
        return checked
    stored = _stored_ids(session, device.suite, [c.record.id for c in events])
    held = session.get(DeviceAnchor, device.id)
    out: set[int] = set()
    for item in sorted(events, key=lambda c: _seq(c.record.fields)):
        if item.record.id in stored:  # a replay (append-only: identical, checked before)
            continue
        fields = {**item.record.fields, "id": item.record.id}
        start = held is None or not held.head  # nothing held yet: the chain starts here
        prev = fields.get("prev_hash") if start else held.head
        problem = _link_problem(prev, fields)
        if problem is not None:
            out.add(item.index)
            refused.append(
                Refused(item.index, item.record.id, "audit_event", BROKEN, problem[0], problem[1])
            )
            continue
        if held is None:
            held = DeviceAnchor(device_id=device.id, length=0, head="", updated_at=utcnow())
            session.add(held)
        if start:  # the events before were held under an earlier enrolment, or none
            held.length = max(_seq(fields) - 1, 0)
        held.length, held.head, held.updated_at = held.length + 1, fields["hash"], utcnow()
        detail = fields.get("detail") or {}
        if detail.get("event") in KEY_EVENTS and isinstance(detail.get("tl_key"), str):
            held.tl_key = detail["tl_key"][:100]
    if out:
        count = len(out)
        _problem(session, device, held, BROKEN, f"{count} pushed audit events did not extend")
    return [c for c in checked if c.index not in out]


def _seq(fields: dict[str, Any]) -> int:
    value = fields.get("seq")
    return value if isinstance(value, int) else 0


def _stored_ids(session: Session, suite: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(Record.id).where(Record.suite == suite, Record.id.in_(chunk))
        found.update(session.scalars(query))
    return found


def _link_problem(prev: Any, fields: dict[str, Any]) -> tuple[str, str] | None:
    if fields.get("prev_hash") != prev:
        return (
            "prev_hash",
            "This audit log entry does not follow the last one the central store holds from "
            "this workstation: entries it had already sent were removed or changed. The central "
            "store keeps the log as it was sent; tell your team leader.",
        )
    try:
        ok = anchor.extends(prev, [fields])
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        return (
            "hash",
            "This audit log entry's hash does not match its content: it was changed after it "
            "was written. Tell your team leader.",
        )
    return None


def _problem(
    session: Session, device: Device, held: DeviceAnchor | None, code: str, text: str
) -> None:
    """Logged (ids and counts only) and kept on the device's row for the partnership."""
    log.warning("audit anchor: %s device=%s suite=%s: %s", code, device.id, device.suite, text)
    if held is None:
        held = DeviceAnchor(device_id=device.id, length=0, head="", updated_at=utcnow())
        session.add(held)
    held.problem_code, held.problem, held.problem_at = code, text[:500], utcnow()


# --- the claim and the receipt ---------------------------------------------------------------


def answer_claim(engine: Engine, device: Device, length: int, head: str, tl_key: str) -> dict:
    """Compare what the workstation says it holds with what the central store holds; answer
    the refusals found, a receipt signed over what the central store holds, and the public key
    (pinned by a workstation enrolled before the anchor existed: trust on first use, over the
    same TLS channel as its enrolment). Read in a snapshot; a write only for a refusal."""
    with read_session(engine) as session:
        held = session.get(DeviceAnchor, device.id)
        key = session.get(AnchorKey, 1)
        refused = _compare(device, held, length, head, tl_key)
    if refused or key is None:
        with write_session(engine) as (session, _info):
            key = ensure_key(session)
            for item in refused:
                row = session.get(DeviceAnchor, device.id)
                _problem(session, device, row, item["code"], f"{item['field']}: claim {length}")
    answer: dict[str, Any] = {"receipt": None, "refused": refused, "public_key": key.public_key}
    if held is not None and held.head:
        issued = iso(datetime.now(UTC))
        signed = anchor.sign(kc.unb64(key.seed), device.id, held.length, held.head, issued)
        answer["receipt"] = {
            "device_id": signed.device_id,
            "length": signed.length,
            "head": signed.head,
            "issued_at": signed.issued_at,
            "signature": signed.signature,
        }
    return answer


def _compare(
    device: Device, held: DeviceAnchor | None, length: int, head: str, tl_key: str
) -> list[dict[str, Any]]:
    if held is None or not held.head:
        return []
    found = []

    def refuse(field: str, message: str) -> None:
        found.append({"id": device.id, "code": REWRITTEN, "field": field, "message": message})

    if length < held.length:
        refuse(
            "audit_length",
            f"This workstation's audit log has {length} entries, but the central store already "
            f"holds {held.length} from it: at least {held.length - length} were removed after "
            "they were sent. The central store keeps them; tell your team leader.",
        )
    elif length == held.length and head != held.head:
        refuse(
            "audit_head",
            f"The last of the {length} entries of this workstation's audit log is not the one "
            "the central store received: entries were changed after they were sent. The "
            "central store keeps them as sent; tell your team leader.",
        )
    if held.tl_key and tl_key and tl_key != held.tl_key:
        refuse(
            "tl_key",
            "The team-leader key of this workstation is not the one its audit log last named: "
            "the key or the log was replaced outside CJIT Desk. Tell your team leader.",
        )
    return found


# --- for the partnership ---------------------------------------------------------------------


def listing(engine: Engine) -> list[str]:
    """One line per device: its held chain and its last refusal (``cjit-central audit-anchors``)."""
    with read_session(engine) as session:
        rows = session.execute(
            select(Device, DeviceAnchor)
            .join(DeviceAnchor, DeviceAnchor.device_id == Device.id, isouter=True)
            .order_by(Device.suite, Device.name)
        ).all()
    lines = []
    for device, held in rows:
        line = f"{device.id}  {device.suite}  {device.name}: "
        if held is None or not held.head:
            line += "no audit event held yet"
        else:
            line += f"{held.length} events held, last {held.head[:12]}"
        if held is not None and held.problem_code:
            line += f"; REFUSED {held.problem_code} at {iso(held.problem_at)} ({held.problem})"
        lines.append(line)
    return lines
