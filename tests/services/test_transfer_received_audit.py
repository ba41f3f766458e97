"""DPA 2018 s.62 on the receiving side of a transfer: the referral the central store opens in
this suite from another CJIT's transfer is logged as a collection when it first arrives by a
pull (once: not again when a later version arrives); a referral recorded by hand at another
workstation of this suite is not a transfer and is not logged so."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.storage.models import AuditEvent
from app.sync.apply import apply_records


def _records(transfer_id: str | None, rev: int = 1) -> tuple[str, list[dict]]:
    person_id, episode_id, form_id = (str(uuid.uuid5(uuid.NAMESPACE_URL, f"{transfer_id}{n}"))
                                      for n in range(3))  # fmt: skip
    answers = {"received_at": "2026-11-24T12:00:00+00:00", "referring_cjit": "nottingham",
               "appointment_at": "2026-11-25T10:00:00+00:00"}  # fmt: skip
    if transfer_id:
        answers["transfer_id"] = transfer_id
    base = {"deleted": False, "rev": rev, "updated_at": "2026-11-24T12:00:00Z"}
    return form_id, [
        {**base, "type": "person", "id": person_id, "seq": 1,
         "fields": {"family_name": "Quinn", "given_names": "Owen", "date_of_birth": None,
                    "pnc_id": None, "postcode": None}},
        {**base, "type": "episode", "id": episode_id, "seq": 2,
         "fields": {"person_id": person_id, "custody_record_number": "", "arrived_at": None,
                    "status": "open", "closed_at": None, "created_by": None}},
        {**base, "type": "form", "id": form_id, "seq": 3,
         "fields": {"episode_id": episode_id, "form_key": "referral_in", "form_version": 1,
                    "answers": answers, "status": "draft"}},
    ]  # fmt: skip


def _collections(ws):
    with ws.store.session() as s:
        return [
            (e.record_id, e.detail)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "collection"))
        ]


def test_a_transferred_referral_is_logged_as_collected_once(workspace):
    transfer_id = str(uuid.uuid4())
    form_id, records = _records(transfer_id)
    with workspace.store.session() as s:
        apply_records(s, records)
    _, again = _records(transfer_id, rev=2)
    with workspace.store.session() as s:
        apply_records(s, again)
    [(record_id, detail)] = _collections(workspace)
    assert record_id == form_id
    assert detail["event"] == "transfer_received" and detail["transfer_id"] == transfer_id
    assert detail["from"] == "nottingham"


def test_a_referral_recorded_by_hand_elsewhere_is_not_a_transfer(workspace):
    _, records = _records(None)
    with workspace.store.session() as s:
        apply_records(s, records)
    assert _collections(workspace) == []
