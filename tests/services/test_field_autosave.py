"""Autosave writes only what the worker changed, against the value the page was loaded with
(issue 11, finding 1): a stale page never reverts a field changed elsewhere meanwhile, and the
same field changed on both sides keeps both values for a person to decide."""

from sqlalchemy import select

from app.services import episodes
from app.services import sync as sync_service
from app.storage.models import FormRecord, Person, SyncConflict
from app.sync.pull import replace_conflicts

BASE = {"family_name": "Smith", "given_names": "Jo", "postcode": "NG1 1AA"}


def _stored(workspace, episode_id) -> dict:
    with workspace.store.session() as s:
        return dict(
            s.scalars(select(FormRecord).where(FormRecord.episode_id == episode_id)).one().answers
        )


def _episode_changed_elsewhere(workspace) -> str:
    """The page loaded BASE; then the record changed under it (a pull, another window)."""
    episode_id = episodes.new_episode(workspace)
    episodes.save_answers(workspace, episode_id, "custody_episode", BASE)
    episodes.save_answers(workspace, episode_id, "custody_episode", {**BASE, "postcode": "NG7 2BB"})
    return episode_id


def test_a_stale_page_saving_another_field_keeps_the_value_changed_elsewhere(workspace):
    episode_id = _episode_changed_elsewhere(workspace)
    saved = episodes.save_changes(
        workspace, episode_id, "custody_episode", {"given_names": ("Jo", "Joanne")}
    )
    assert saved.conflicts == ()
    assert _stored(workspace, episode_id) == {
        **BASE,
        "postcode": "NG7 2BB",
        "given_names": "Joanne",
    }
    with workspace.store.session() as s:
        assert s.scalars(select(Person.postcode)).one() == "NG7 2BB"


def test_the_same_field_changed_on_both_sides_keeps_the_stored_value_and_records_the_other(
    workspace,
):
    episode_id = _episode_changed_elsewhere(workspace)
    saved = episodes.save_changes(
        workspace, episode_id, "custody_episode", {"postcode": ("NG1 1AA", "NG3 3CC")}
    )
    assert saved.conflicts == ("postcode",) and saved.answers["postcode"] == "NG7 2BB"
    assert _stored(workspace, episode_id)["postcode"] == "NG7 2BB"
    (view,) = sync_service.conflicts(workspace)
    assert (view.field, view.kept, view.other) == ("answers.postcode", "NG7 2BB", "NG3 3CC")
    assert view.who.startswith("you, here")


def test_a_change_that_arrives_at_the_same_value_is_no_conflict(workspace):
    episode_id = _episode_changed_elsewhere(workspace)
    saved = episodes.save_changes(
        workspace, episode_id, "custody_episode", {"postcode": ("NG1 1AA", "NG7 2BB")}
    )
    assert saved.conflicts == () and sync_service.conflicts(workspace) == []


def test_clearing_a_field_removes_it_when_nobody_else_changed_it(workspace):
    episode_id = _episode_changed_elsewhere(workspace)
    episodes.save_changes(workspace, episode_id, "custody_episode", {"given_names": ("Jo", None)})
    assert "given_names" not in _stored(workspace, episode_id)


def test_a_local_conflict_survives_a_pull_and_is_settled_by_the_worker(workspace):
    episode_id = _episode_changed_elsewhere(workspace)
    episodes.save_changes(
        workspace, episode_id, "custody_episode", {"postcode": ("NG1 1AA", "NG3 3CC")}
    )
    with workspace.store.session() as s:
        replace_conflicts(s, [])  # a pull: the central store knows of no open conflict
    (view,) = sync_service.conflicts(workspace)
    sync_service.resolve_conflict(workspace, view.id, "NG3 3CC")
    assert _stored(workspace, episode_id)["postcode"] == "NG3 3CC"
    with workspace.store.session() as s:
        assert s.scalars(select(SyncConflict)).all() == []
        record = s.scalars(select(FormRecord)).one()
        assert record.sync_state == "pending"
    with workspace.store.session() as s:
        assert s.scalars(select(Person.postcode)).one() == "NG3 3CC", "the person follows"
