"""A sent transfer opens a referral in the receiving suite (central.transfers), on SQLite and
PostgreSQL: the receiving suite pulls the person, the episode, the referral and the booked
appointment; the sending suite's other records stay where they are."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from central import reference
from tests.central.helpers import family, form

SPOC = json.loads((Path(__file__).parents[2] / "resources" / "spoc_directory.json").read_text())


def _spoc_with_suites(engine, **suites: str) -> None:
    doc = copy.deepcopy(SPOC)
    for cjit in doc["cjits"]:
        if cjit["id"] in suites:
            cjit["suite"] = suites[cjit["id"]]
    reference.store_documents(engine, {"spoc_directory": doc})


def _sent_transfer(desk, sent=True):
    someone, visit = family(family_name="Quinn", given_names="Owen")
    ep = visit["id"]
    custody = form(ep, "custody_episode", {"family_name": "Quinn", "given_names": "Owen",
                                           "phone": "07700 900123", "resident_in_area": False,
                                           "cjit_of_residence": "mansfield_ashfield"})  # fmt: skip
    dt1 = form(ep, "dt1", {"test_outcome": "completed", "tested_at": "2026-11-24T10:05:00Z",
                           "results": {"opiates": "positive", "cocaine": "negative"}},
               form_version=2)  # fmt: skip
    notes = form(ep, "ra3", {"notes": "stays with the sending suite"}, form_version=2)
    answers = {"receiving_cjit": "mansfield_ashfield", "reason": "resident_elsewhere",
               "appointment_at": "2026-11-25T10:00:00Z", "place": "CJIT Office, Mansfield",
               "notice_reference": "RA1-261124-ABC123", "summary": "Daily heroin use."}  # fmt: skip
    if sent:
        answers["sent_at"] = "2026-11-24T11:20:00Z"
    transfer = form(ep, "transfer", answers)
    desk.push(someone, visit, custody, dt1, notes, transfer)
    return transfer


def _by_type(pulled):
    out = {}
    for r in pulled:
        out.setdefault(r["type"], []).append(r)
    return out


def test_a_sent_transfer_reaches_the_receiving_suite_once(enrol, engine):
    _spoc_with_suites(engine, nottingham="bridewell", mansfield_ashfield="mansfield")
    bridewell = enrol("bridewell")
    mansfield = enrol("mansfield", "Mansfield desk")
    transfer = _sent_transfer(bridewell)
    got = _by_type(mansfield.pull_all()[0])
    assert [r["fields"]["family_name"] for r in got["person"]] == ["Quinn"]
    forms = {f["fields"]["form_key"]: f["fields"]["answers"] for f in got["form"]}
    assert set(forms) == {"custody_episode", "referral_in"}  # not the RA3's notes
    referral = forms["referral_in"]
    assert referral["transfer_id"] == transfer["id"]
    assert referral["referring_cjit"] == "nottingham"
    assert referral["positive_for"] == ["opiates"]
    assert referral["appointment_at"] == "2026-11-25T10:00:00Z"
    assert forms["custody_episode"]["phone"] == "07700 900123"
    assert forms["custody_episode"]["resident_in_area"] is True
    [appointment] = got["appointment"]
    assert appointment["fields"]["kind"] == "initial"
    assert appointment["fields"]["status"] == "booked"
    # Pushed again (an edit after sending): routed once only.
    bridewell.push({**transfer, "base_rev": 1, "fields": {
        **transfer["fields"], "answers": {**transfer["fields"]["answers"], "summary": "More."}}})  # fmt: skip
    assert len(_by_type(mansfield.pull_all()[0])["form"]) == 2


def test_a_draft_transfer_or_a_cjit_off_this_store_is_not_routed(enrol, engine):
    _spoc_with_suites(engine, nottingham="bridewell")
    bridewell = enrol("bridewell")
    mansfield = enrol("mansfield", "Mansfield desk")
    _sent_transfer(bridewell, sent=False)
    _sent_transfer(bridewell)  # Mansfield has no suite here: the printed copy goes instead
    assert "form" not in _by_type(mansfield.pull_all()[0])
    assert len(_by_type(bridewell.pull_all()[0])["form"]) == 8
