"""Out-of-area transfers between suites of one central store (004 IE4a, IE4b; issue 13).

A workstation records a transfer (form ``transfer``) and, once it is sent (``sent_at``),
pushes it like every record. When the receiving CJIT's entry in the SPOC directory names a
``suite`` of this central store, the push that stores the sent transfer also opens, in that
suite, what the receiving CJIT needs to record the assessment: the person, a new episode, a
``referral_in`` form (the appointment, the notice, the test's positives, the summary, the
transfer's id) and the booked initial appointment. The receiving workstations pull them like
any record. A CJIT not on this central store (no ``suite``) gets the printed transfer.

*(decisions)* Only the person's identity and contact details, the DT1's result and what the
transfer form says travel: the rest of the episode stays with the sending suite (data
minimisation, DPA 2018 Part 3). A transfer is routed once (ids derived from the transfer's
id, so a replay or an edit after sending never duplicates it; a correction is made by
telephone and on the receiving side). The move is a disclosure: the sending workstation
audits it when ``sent_at`` is recorded (``app.services.pathway``); the central store logs the
routing (ids only) and writes the pushing batch and device on the first version of every
record it opens in the receiving suite.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms.codec import AnswerTypeError, decode, encode
from app.forms.facts import positive_substances
from app.forms.registry import FORMS
from app.sync.wire import FIELDS, parse_datetime
from central.db import next_seq
from central.models import Record, RecordVersion, ReferenceDocument, StoreInfo, utcnow

log = logging.getLogger(__name__)
NAMESPACE = uuid.UUID("6f1f6c1e-3c55-4b8e-9a51-7c3c1f2a9e13")
PERSON_FIELDS = ("family_name", "given_names", "date_of_birth", "pnc_id", "postcode")
# Not ethnicity: racial or ethnic origin is sensitive processing (DPA 2018 s.35(8)), strictly
# necessary only for the CJIT that monitors it, and the receiving CJIT records it as the
# person describes themselves at the assessment (the field's own rule).
CONTACT_ANSWERS = (
    "family_name", "given_names", "date_of_birth", "pnc_id", "address", "postcode", "phone",
    "gender",
)  # fmt: skip
SUITE_LENGTH = Record.__table__.c.suite.type.length
DERIVED = ("person", "episode", "custody", "referral", "appointment")


def is_transfer(record_type: str, fields: Any) -> bool:
    """Whether a pushed record may be a transfer to route (read before any lookup)."""
    return (
        record_type == "form" and isinstance(fields, dict) and fields.get("form_key") == "transfer"
    )


def derived_id(transfer_id: str, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{transfer_id}:{what}"))


@dataclass(frozen=True)
class _Via:
    """The push that routes: its batch and device are written on the routed records' first
    versions, so the central store's own history shows who disclosed them to the suite."""

    info: StoreInfo
    batch_id: str | None
    device_id: str | None


def route(
    session: Session,
    info: StoreInfo,
    suite: str,
    record_ids: Iterable[str],
    *,
    batch_id: str | None = None,
    device_id: str | None = None,
) -> int:
    """Open a referral in the receiving suite for each sent transfer among the stored
    records of this push; returns how many were routed."""
    via, spocs = _Via(info, batch_id, device_id), _spocs(session)
    due: list[tuple[Record, dict[str, Any], str]] = []
    for record_id in record_ids:
        row = session.get(Record, record_id)
        if row is None or row.deleted or row.type != "form" or row.form_key != "transfer":
            continue
        answers = row.fields.get("answers") if isinstance(row.fields, dict) else None
        if not isinstance(answers, dict) or not answers.get("sent_at"):
            continue
        target = (spocs.get(str(answers.get("receiving_cjit"))) or {}).get("suite")
        if not isinstance(target, str) or not target or target == suite:
            continue
        if len(target) > SUITE_LENGTH:  # no device can be enrolled in it
            log.warning("transfer not routed transfer=%s: the SPOC suite is too long", row.id)
            continue
        taken = [what for what in DERIVED if session.get(Record, derived_id(row.id, what))]
        if taken:
            # Routed already, or an id a workstation used first (never by accident: only
            # this module derives them); routing over it would fail the whole push.
            if "referral" not in taken:
                log.warning("transfer not routed transfer=%s ids taken=%s", row.id, taken)
            continue
        due.append((row, answers, target))
    # The sending episodes' custody and DT1 forms, for all the push's transfers at once: the
    # forms are found by a JSON field, so one query per transfer scanned the suite's forms
    # again for each (20 transfers against 100 000 forms held the write lock for 10 s).
    forms = _episode_forms(session, suite, {str(row.fields.get("episode_id")) for row, _, _ in due})
    for row, answers, target in due:
        _open_referral(session, via, row, answers, target, _sender(spocs, suite), forms)
        log.info(
            "transfer routed transfer=%s from_suite=%s to_suite=%s batch=%s device=%s",
            row.id, suite, target, batch_id, device_id,
        )  # fmt: skip
    return len(due)


def _spocs(session: Session) -> dict[str, dict[str, Any]]:
    doc = session.get(ReferenceDocument, "spoc_directory")
    cjits = doc.content.get("cjits") if doc is not None and isinstance(doc.content, dict) else []
    return {str(c.get("id")): c for c in cjits or [] if isinstance(c, dict)}


def _sender(spocs: dict[str, dict[str, Any]], suite: str) -> str | None:
    return next((cid for cid, c in spocs.items() if c.get("suite") == suite), None)


def _episode_forms(
    session: Session, suite: str, episode_ids: set[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(episode id, form key): answers} of the episodes' custody and DT1 forms."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    ordered = sorted(episode_ids)
    for start in range(0, len(ordered), 500):
        episode = Record.fields["episode_id"].as_string()
        rows = session.execute(
            select(episode, Record.form_key, Record.fields).where(
                Record.suite == suite,
                Record.form_key.in_(("custody_episode", "dt1")),
                Record.deleted.is_(False),
                episode.in_(ordered[start : start + 500]),
            )
        )
        for episode_id, key, fields in rows:
            answers = fields.get("answers") if isinstance(fields, dict) else None
            if isinstance(answers, dict):
                found.setdefault((episode_id, key), answers)
    return found


def _open_referral(
    session: Session,
    via: _Via,
    transfer: Record,
    answers: dict[str, Any],
    target: str,
    sender: str | None,
    forms: dict[tuple[str, str], dict[str, Any]],
) -> None:
    episode_id = str(transfer.fields.get("episode_id"))
    episode = session.get(Record, episode_id)
    person = session.get(Record, str((episode.fields if episode else {}).get("person_id")))
    custody = forms.get((episode_id, "custody_episode"), {})
    dt1 = forms.get((episode_id, "dt1"), {})
    new_person, new_episode = derived_id(transfer.id, "person"), derived_id(transfer.id, "episode")
    person_fields = person.fields if person is not None else {}
    _add(session, via, target, "person", new_person,
         {k: person_fields.get(k) for k in PERSON_FIELDS})  # fmt: skip
    _add(session, via, target, "episode", new_episode, {
        "person_id": new_person, "custody_record_number": "", "arrived_at": None,
        "status": "open", "closed_at": None, "created_by": None,
    })  # fmt: skip
    identity = {k: custody[k] for k in CONTACT_ANSWERS if custody.get(k) not in (None, "")}
    identity["resident_in_area"] = True  # they live in the receiving CJIT's area
    _add_form(session, via, target, derived_id(transfer.id, "custody"), new_episode,
              "custody_episode", identity)  # fmt: skip
    appointment_at = _instant(answers.get("appointment_at"))
    referral = {
        "referring_cjit": sender,
        "referring_force": f"{transfer.suite} (transferred through the central store)",
        "received_at": utcnow().isoformat(),
        "notice_reference": answers.get("notice_reference"),
        "tested_at": _instant(dt1.get("tested_at")),
        "positive_for": positive_substances(dt1) or None,
        "appointment_at": appointment_at,
        "place": answers.get("place"),
        "summary": answers.get("summary"),
        "transfer_id": transfer.id,
    }
    referral = {k: v for k, v in referral.items() if v not in (None, "")}
    _add_form(session, via, target, derived_id(transfer.id, "referral"), new_episode,
              "referral_in", referral)  # fmt: skip
    if appointment_at:
        _add(session, via, target, "appointment", derived_id(transfer.id, "appointment"), {
            "episode_id": new_episode, "kind": "initial", "at": appointment_at,
            "place": answers.get("place") or "", "cjit_id": _fits(answers.get("receiving_cjit")),
            "notice_id": None, "status": "booked",
        })  # fmt: skip


def _fits(cjit_id: Any) -> str | None:
    """The receiving CJIT on the appointment, when its SPOC id fits the wire's field (an id
    that does not is left out rather than make the appointment unplaceable)."""
    limit = FIELDS["appointment"]["cjit_id"].max_length or 0
    return cjit_id if isinstance(cjit_id, str) and len(cjit_id) <= limit else None


def _instant(raw: Any) -> str | None:
    """An answer's time as the wire writes an instant (UTC, offset written), read as the
    workstation reads answers: a time without an offset is UK local time, a bare date its
    midnight. An appointment record's time must carry its offset, or the receiving
    workstations could not place it."""
    if parse_datetime(raw) is not None:
        return raw  # written with its offset already: passed on as written
    field = FORMS["transfer"].field("appointment_at")
    try:
        return encode(field, decode(field, raw))
    except (AnswerTypeError, OverflowError):
        return None


def _add_form(
    session: Session,
    via: _Via,
    suite: str,
    rid: str,
    episode_id: str,
    key: str,
    answers: dict,
) -> None:
    _add(session, via, suite, "form", rid, {
        "episode_id": episode_id, "form_key": key, "form_version": FORMS[key].version,
        "answers": answers, "status": "draft",
    })  # fmt: skip


def _add(
    session: Session, via: _Via, suite: str, kind: str, rid: str, fields: dict[str, Any]
) -> None:
    now, seq = utcnow(), next_seq(via.info)
    session.add(
        Record(
            id=rid, type=kind, suite=suite, rev=1, seq=seq, deleted=False, fields=fields,
            form_key=fields.get("form_key") if kind == "form" else None,
            updated_at=now, updated_by_device_id=None,
        )
    )  # fmt: skip
    session.add(
        RecordVersion(
            record_id=rid, rev=1, seq=seq, deleted=False, fields=fields,
            batch_id=via.batch_id, device_id=via.device_id, created_at=now,
        )
    )  # fmt: skip
    session.flush()
