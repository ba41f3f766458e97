"""Stored forms are read at their version and field by field (issue 11.10): a bad stored
value is kept and shown beside its field, never blanked; an older version migrates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.services import board, episodes, forms_context
from app.storage.models import FormRecord
from tests.services.conftest import save
from tests.services.helpers import at, episode


def _spoil(workspace, episode_id: str, form_key: str, **raw) -> None:
    """Write raw stored answers as an older or buggy workstation could have."""
    with workspace.store.session() as s:
        record = s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id == episode_id, FormRecord.form_key == form_key
            )
        ).one()
        record.answers = {**record.answers, **raw}


def _stored(workspace, episode_id: str, form_key: str) -> FormRecord:
    with workspace.store.session() as s:
        record = s.scalars(
            select(FormRecord).where(
                FormRecord.episode_id == episode_id, FormRecord.form_key == form_key
            )
        ).one()
        s.expunge(record)
        return record


def test_one_bad_value_is_shown_beside_its_field_and_the_rest_of_the_form_loads(workspace):
    episode_id = episode(workspace)
    _spoil(workspace, episode_id, "custody_episode", date_of_birth="17/05/1990")
    forms = forms_context.episode_forms(episodes.load_episode(workspace, episode_id))
    person = forms.answers["custody_episode"]
    assert person["family_name"] == "Quinn" and person["postcode"] == "NG1 1AA"
    assert "date_of_birth" not in person
    [problem] = forms.problems["custody_episode"]
    assert (problem.field, problem.code) == ("date_of_birth", "stored_value_unreadable")
    assert "'17/05/1990' cannot be read as a date" in problem.message
    assert forms.unreadable["custody_episode"] == {"date_of_birth": "17/05/1990"}


def test_the_next_autosave_keeps_the_bad_value_until_the_worker_enters_a_new_one(workspace):
    episode_id = episode(workspace)
    _spoil(workspace, episode_id, "custody_episode", date_of_birth="17/05/1990")
    forms = forms_context.episode_forms(episodes.load_episode(workspace, episode_id))
    # The page saves what it shows (the date field empty) with one field changed.
    save(
        workspace,
        episode_id,
        "custody_episode",
        **{**forms.answers["custody_episode"], "phone": "07700 900123"},
    )
    kept = _stored(workspace, episode_id, "custody_episode").answers
    assert kept["date_of_birth"] == "17/05/1990" and kept["phone"] == "07700 900123"
    save(
        workspace,
        episode_id,
        "custody_episode",
        **{**forms.answers["custody_episode"], "date_of_birth": date(1990, 5, 17)},
    )
    assert _stored(workspace, episode_id, "custody_episode").answers["date_of_birth"] == (
        "1990-05-17"
    )


def test_a_version_1_dt1_is_migrated_when_read_and_saved_as_version_2(workspace):
    episode_id = episode(workspace)
    with workspace.store.session() as s:
        record = s.scalars(select(FormRecord).where(FormRecord.form_key == "dt1")).one()
        record.form_version = 1
        record.answers = {**record.answers, "ra_at": "2026-12-25T10:00:00+00:00"}
    data = episodes.load_episode(workspace, episode_id)
    assert data.form_versions["dt1"] == 1
    forms = forms_context.episode_forms(data)
    assert "ra_at" not in forms.answers["dt1"] and forms.answers["dt1"]["tested_at"] == at(
        24, 10, 5
    )
    assert "dt1" not in forms.problems
    assert board.shift_board(workspace, day=at(24, 12).date())[0].steps["test"] == (
        "Positive: opiates"
    )
    save(workspace, episode_id, "dt1", **{**forms.answers["dt1"], "tested_by": "DO 2"})
    stored = _stored(workspace, episode_id, "dt1")
    assert stored.form_version == 2 and "ra_at" not in stored.answers


def test_a_form_from_a_newer_client_is_reported_and_kept_whole(workspace):
    episode_id = episode(workspace)
    with workspace.store.session() as s:
        record = s.scalars(select(FormRecord).where(FormRecord.form_key == "dt1")).one()
        record.form_version = 7
    forms = forms_context.episode_forms(episodes.load_episode(workspace, episode_id))
    assert forms.answers["dt1"] == {}
    assert [p.code for p in forms.problems["dt1"]] == ["form_unreadable"]
    assert "newer version of CJIT Desk" in forms.problems["dt1"][0].message
    assert forms.unreadable["dt1"]["tested_by"] == "DO 1"
