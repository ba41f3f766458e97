"""Issue 13: a record transferred to the CJIT of residence reaches that CJIT's suite through
the REAL central service (SQLite and PostgreSQL): two suites, one workstation each. The
receiving workstation sees a referred-in episode on its board after sync, with its booked
appointment, and records the assessment's attendance on it."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.services import board, episodes, forms_context, printed_records, reference
from app.storage.models import Appointment, AuditEvent, FormRecord, Notice
from central import reference as central_reference
from tests.sync.conftest import enrolled
from tests.sync.helpers import sync

pytestmark = pytest.mark.slow


def _spoc(central, tmp_path, sender_suite: str, receiver_suite: str) -> tuple[str, str]:
    tag = secrets.token_hex(3)
    spoc = dict(reference.bundled().documents["spoc_directory"])
    base = spoc["cjits"][1]
    sender = {**spoc["cjits"][0], "id": f"sender_{tag}", "suite": sender_suite}
    receiver = {**base, "id": f"receiver_{tag}", "name": f"Receiving CJIT {tag}",
                "suite": receiver_suite}  # fmt: skip
    spoc["cjits"] = [*spoc["cjits"], sender, receiver]
    spoc["version"] = f"transfer-{tag}"
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "spoc_directory.json").write_text(json.dumps(spoc))
    central_reference.load_folder(central.engine, folder)
    return sender["id"], receiver["id"]


def _save(ws, episode_id, form_key, **answers):
    stored, version = forms_context.stored(form_key, answers)
    episodes.save_answers(ws, episode_id, form_key, stored, version)


def test_a_transfer_reaches_the_cjit_of_residence_in_its_own_suite(central, tmp_path):
    a_suite, b_suite = f"suite_{secrets.token_hex(4)}", f"suite_{secrets.token_hex(4)}"
    _, receiver = _spoc(central, tmp_path, a_suite, b_suite)
    a = enrolled(central, tmp_path / "a", a_suite)
    b = enrolled(central, tmp_path / "b", b_suite)
    try:
        sync(a)
        sync(b)
        now = datetime.now(UTC).replace(microsecond=0)
        appointment = now + timedelta(days=1)
        episode_id = episodes.new_episode(a)
        _save(a, episode_id, "custody_episode", family_name="Quinn", given_names="Owen",
              date_of_birth=datetime(1990, 5, 17).date(), arrived_at=now - timedelta(hours=3),
              custody_record_number="52/12345/26", resident_in_area=False,
              cjit_of_residence=receiver, phone="07700 900123")  # fmt: skip
        _save(a, episode_id, "dt1", test_outcome="completed", tested_at=now - timedelta(hours=2),
              tested_by="DO 1", results={"opiates": "positive", "cocaine": "negative"},
              disputed=False, authority="trigger_offence")  # fmt: skip
        _save(a, episode_id, "transfer", receiving_cjit=receiver, reason="resident_elsewhere",
              appointment_at=appointment, place="CJIT Office, 12 Westgate, Mansfield",
              notice_reference="RA1-TEST-1", summary="Daily heroin use.")  # fmt: skip
        printed = printed_records.print_record(a, episode_id, "transfer")
        _save(a, episode_id, "transfer", receiving_cjit=receiver, reason="resident_elsewhere",
              appointment_at=appointment, place="CJIT Office, 12 Westgate, Mansfield",
              notice_reference="RA1-TEST-1", summary="Daily heroin use.", sent_at=now,
              sent_by="Ann Worker")  # fmt: skip
        assert not sync(a).failures
        sync(b)

        with b.store.session() as s:
            [referral] = s.scalars(
                select(FormRecord).where(FormRecord.form_key == "referral_in")
            ).all()
            assert referral.answers["notice_reference"] == "RA1-TEST-1"
            assert referral.answers["positive_for"] == ["opiates"]
            received = referral.episode_id
            [booked] = s.scalars(
                select(Appointment).where(Appointment.episode_id == received)
            ).all()
            assert (booked.kind, booked.status) == ("initial", "booked")
            assert s.scalars(select(Notice).where(Notice.id == printed.id)).first() is None
        rows = {r.id: r for r in board.shift_board(b)}
        assert rows[received].name == "QUINN, Owen"
        assert rows[received].steps["after"] == "Referred in"
        assert received != episode_id  # a new episode of the receiving CJIT

        # The receiving CJIT records the assessment on the referred-in episode, and it syncs.
        _save(b, received, "ra3", appointment_at=appointment, outcome="attended_and_remained",
              recorded_by="B Worker", recorded_at=appointment + timedelta(minutes=50))  # fmt: skip
        assert not sync(b).failures

        with a.store.session() as s:
            events = s.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure"))
            transfers = [e.detail for e in events if e.detail.get("form") == "transfer"]
            assert [(d["event"], d["to"]) for d in transfers] == [("reported", "cjit_of_residence")]
            assert (
                s.scalars(select(FormRecord).where(FormRecord.form_key == "referral_in")).first()
                is None
            )
    finally:
        a.close()
        b.close()
