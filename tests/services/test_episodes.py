from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.errors import UserFacingError
from app.services import episodes, notices
from app.storage.models import AuditEvent, FormRecordVersion, Person
from tests.services.conftest import person, save


def _events(workspace, action):
    with workspace.store.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_saving_the_custody_episode_updates_the_search_columns(workspace):
    episode_id = person(workspace, "  Zielinski ", "Zoë", pnc="07/123456x")
    with workspace.store.session() as s:
        row = s.scalars(select(Person)).one()
    assert (row.family_name, row.family_key, row.given_key, row.pnc_id) == (
        "Zielinski",
        "zielinski",
        "zoe",
        "07/123456X",
    )
    assert episodes.load_episode(workspace, episode_id).answers["custody_episode"]["family_name"]


def test_autosave_coalesces_versions_and_audit_events_for_the_same_worker(workspace):
    episode_id = person(workspace, "Abbott", "Liam")
    for note in ("a", "ab", "abc"):
        save(workspace, episode_id, "ra3", notes=note)
    with workspace.store.session() as s:
        versions = list(s.scalars(select(FormRecordVersion).order_by(FormRecordVersion.rev)))
    ra3 = [v for v in versions if v.answers.get("notes")]
    assert len(ra3) == 1 and ra3[0].answers["notes"] == "abc"
    assert len([e for e in _events(workspace, "collection") if e.record_type == "form"]) == 2


def test_a_later_edit_after_the_gap_is_a_new_version_and_an_alteration(workspace):
    episode_id = person(workspace, "Abbott", "Liam")
    save(workspace, episode_id, "ra3", notes="first")
    with workspace.store.session() as s:  # the version was saved long ago
        for v in s.scalars(select(FormRecordVersion)):
            v.saved_at = v.saved_at - episodes.VERSION_GAP - timedelta(minutes=1)
    save(workspace, episode_id, "ra3", notes="second")
    with workspace.store.session() as s:
        revs = [
            v.answers.get("notes")
            for v in s.scalars(select(FormRecordVersion).order_by(FormRecordVersion.rev))
            if v.answers.get("notes")
        ]
    assert revs == ["first", "second"]
    assert _events(workspace, "alteration")


def test_opening_an_episode_is_logged_as_a_consultation_with_the_reason(workspace):
    episode_id = person(workspace, "Abbott", "Liam")
    episodes.load_episode(workspace, episode_id, reason="checking prior RA")
    event = _events(workspace, "consultation")[-1]
    assert (event.record_id, event.reason, event.actor) == (episode_id, "checking prior RA", "ann")


def test_a_missing_episode_says_what_to_do(workspace):
    with pytest.raises(episodes.EpisodeNotFound, match="Search for the person"):
        episodes.load_episode(workspace, "no-such-id")


def _positive_episode(workspace):
    episode_id = person(workspace, "Quinn", "Owen")
    save(
        workspace,
        episode_id,
        "custody_episode",
        custody_record_number="52/12345/26",
        arrived_at=datetime(2026, 11, 24, 9, 15, tzinfo=UTC),
        arrest_offences=["theft"],
        family_name="Quinn",
        given_names="Owen",
        date_of_birth=datetime(1990, 5, 17).date(),
        address="1 High Street\nNottingham",
        postcode="NG1 1AA",
        gender="male",
        ethnicity="white_british",
        resident_in_area=True,
    )
    save(
        workspace,
        episode_id,
        "dt1",
        test_outcome="completed",
        tested_at=datetime(2026, 11, 24, 10, 5, tzinfo=UTC),
        tested_by="DO 1",
        results={"opiates": "positive", "cocaine": "negative"},
        disputed=False,
        authority="trigger_offence",
        court_file_indicator=True,
    )
    return episode_id


def test_an_incomplete_notice_is_not_issued_and_the_message_lists_what_is_missing(workspace):
    episode_id = _positive_episode(workspace)
    save(workspace, episode_id, "ra1", requirement_made=True)
    with pytest.raises(notices.NotReadyToIssue, match="cannot be issued yet") as info:
        notices.issue_notice(workspace, episode_id, "ra1")
    assert "Date and time of the initial assessment" in str(info.value)


def test_an_issued_notice_is_frozen_and_a_reprint_is_recorded_as_such(workspace):
    episode_id, issued = _issued_ra1(workspace)
    assert issued.reference.startswith("RA1-261124-")
    assert notices.record_print(workspace, issued.id) == "print"
    assert notices.record_print(workspace, issued.id) == "reprint"
    assert [e.detail["event"] for e in _events(workspace, "disclosure")] == ["print", "reprint"]
    # A new draft of the same form starts a new record; the issued one is untouched.
    save(workspace, episode_id, "ra1", requirement_made=False)
    data = episodes.load_episode(workspace, episode_id)
    assert data.form_status["ra1"] == "draft" and data.answers["ra1"] == {"requirement_made": False}
    assert data.notices[0]["reference"] == issued.reference
    with pytest.raises(UserFacingError):
        notices.issue_notice(workspace, episode_id, "ra1")


def _issued_ra1(workspace):
    episode_id = _positive_episode(workspace)
    save(
        workspace,
        episode_id,
        "ra1",
        requirement_made=True,
        appointment_at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        assessing_cjit="nottingham",
        place="AOT, 24-30 Castle Gate, Nottingham NG1 7AT",
        follow_up_required_if_assessor_requires=True,
        copies=["detainee", "custody_record", "cjit"],
        given_by="Ann Worker",
        given_at=datetime(2026, 11, 24, 10, 40, tzinfo=UTC),
    )
    return episode_id, notices.issue_notice(workspace, episode_id, "ra1")


def test_an_ra2_varies_the_ra1_it_names_and_moves_the_appointment(workspace):
    from app.storage.models import Appointment, Notice

    episode_id, ra1 = _issued_ra1(workspace)
    ra2 = dict(
        varies_kind="ra1",
        varies_notice=ra1.reference.lower(),
        varied_by="cjit",
        reason="The detainee is in hospital.",
        new_appointment_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        new_place="AOT, 24-30 Castle Gate, Nottingham NG1 7AT",
        copies=["detainee", "cjit"],
        given_by="Ann Worker",
        given_at=datetime(2026, 11, 24, 11, 0, tzinfo=UTC),
    )
    save(workspace, episode_id, "ra2", **ra2)
    issued = notices.issue_notice(workspace, episode_id, "ra2")
    with workspace.store.session() as s:
        assert s.get(Notice, issued.id).varies_notice_id == ra1.id
        statuses = {a.notice_id: (a.status, a.kind) for a in s.scalars(select(Appointment))}
    assert statuses[ra1.id] == ("varied", "initial")
    assert statuses[issued.id] == ("booked", "initial")


def test_an_ra2_naming_a_notice_that_was_not_issued_is_refused_with_the_reason(workspace):
    episode_id, _ra1 = _issued_ra1(workspace)
    save(
        workspace,
        episode_id,
        "ra2",
        varies_kind="ra1",
        varies_notice="RA1-000000-NOPE00",
        varied_by="cjit",
        reason="Moved.",
        new_appointment_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        new_place="AOT",
        copies=["detainee", "cjit"],
        given_by="Ann Worker",
        given_at=datetime(2026, 11, 24, 11, 0, tzinfo=UTC),
    )
    with pytest.raises(
        notices.NotReadyToIssue, match="No RA1 numbered RA1-000000-NOPE00 was issued"
    ):
        notices.issue_notice(workspace, episode_id, "ra2")
