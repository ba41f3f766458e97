"""Erasure on arrival (issue 16.5): a pulled closed episode older than the erasure policy is
never placed; it goes to the erasure ledger with its children. The end state must be the one
placing it and erasing it at the end of the sync gives (a desk that pulled it while it was
recent, then erased it): nothing of it readable, the same ledger, the same positive test
history kept, a valid audit chain, a count check that agrees, a quiet second sync — and the
episode behaves as before when it becomes relevant again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.services import episodes, history
from app.storage import audit
from app.storage.models import AuditEvent, Setting, SyncErased, TestHistory
from app.sync import counts, minimise, pull
from tests.sync.conftest import enrolled
from tests.sync.helpers import answers, local_ids, new_episode, save_dt1, server_counts, sync

pytestmark = pytest.mark.slow
LATER = timedelta(days=45)  # past the default 30 days of the erasure policy


def _later(ws) -> None:
    ws.clock = lambda: datetime.now(UTC) + LATER


def _ledger(ws) -> set[tuple]:
    with ws.store.session() as s:
        return {
            (e.record_id, e.record_type, e.server_rev, e.deleted)
            for e in s.scalars(select(SyncErased))
        }


def _local_history(ws) -> list[tuple]:
    with ws.store.session() as s:
        rows = s.scalars(select(TestHistory).where(TestHistory.source == "local"))
        return sorted(
            (r.family_key, r.date_of_birth, r.tested_at, tuple(r.substances)) for r in rows
        )


def _erasure_events(ws) -> list[AuditEvent]:
    with ws.store.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "erasure")).all()
        s.expunge_all()
        return list(events)


def _agrees(ws) -> None:
    """The chain verifies and the count check finds nothing to repair."""
    with ws.store.session() as s:
        assert audit.verify(s).ok
    mismatches, _, _ = counts.compare(ws.store, server_counts(ws))
    assert mismatches == []


@pytest.fixture
def suite_with_history(pair, central, tmp_path, suite):
    """A: an old episode (a positive drug test, closed) and a recent open one, synced;
    C: a desk that pulled them while they were recent (it will place, then erase)."""
    a, _ = pair
    old = new_episode(a, "Grey", "Sam")
    dt1 = save_dt1(a, old, datetime.now(UTC) - timedelta(days=1), cocaine="positive")
    episodes.close_episode(a, old)
    recent = new_episode(a, "Green", "Lee")
    sync(a)
    c = enrolled(central, tmp_path / "c", suite)
    sync(c)
    assert old in local_ids(c, "episode")
    yield a, c, old, dt1, recent
    c.close()


def test_a_new_desk_never_places_an_old_closed_episode_and_ends_as_placing_then_erasing(
    pair, suite_with_history
):
    a, c, old, dt1, recent = suite_with_history
    _, b = pair  # the new desk: its first sync happens 45 days later
    _later(b)
    summary = sync(b)
    assert summary.failures == [] and summary.erased == 1
    assert old not in local_ids(b, "episode") and recent in local_ids(b, "episode")
    assert dt1 not in local_ids(b, "form")
    events = _erasure_events(b)
    assert [e.detail["event"] for e in events] == ["erased_on_arrival"]
    assert events[0].detail["episodes"] == [old] and events[0].record_id is None

    _later(c)  # the desk that placed it erases it at its next sync, as before
    assert sync(c).erased == 1
    assert [e.detail["event"] for e in _erasure_events(c)] == ["erased_after_sync"]
    assert old not in local_ids(c, "episode") and dt1 not in local_ids(c, "form")

    assert _ledger(b) == _ledger(c) and (dt1, "form") in {x[:2] for x in _ledger(b)}
    assert _local_history(b) == _local_history(c) != []
    assert local_ids(b, "person") >= local_ids(c, "person")  # the person stays
    for ws in (b, c):
        _agrees(ws)
    with b.store.session() as s:  # nothing is left noted for a pull that did not finish
        assert not s.scalars(select(Setting).where(Setting.key.like("sync_arrival:%"))).all()

    again = sync(b)  # quiet: nothing pulled, nothing erased, no new erasure event
    assert (again.pulled, again.erased, again.failures) == (0, 0, [])
    assert len(_erasure_events(b)) == 1


def test_an_erased_episode_edited_centrally_stays_erased_and_a_new_arrest_is_placed(
    pair, suite_with_history
):
    a, c, old, dt1, _ = suite_with_history
    _, b = pair
    _later(b)
    _later(c)
    sync(b)
    sync(c)
    # A (which keeps it: its clock is today's) edits the old drug test after both erased it
    episodes.save_answers(a, old, "dt1", {**answers(a, old, "dt1"), "authority": "inspector"})
    again = new_episode(a, "Grey", "Sam")  # the same person arrested again
    sync(a)
    for ws in (b, c):
        summary = sync(ws)
        assert summary.failures == [] and summary.erased == 0
        assert dt1 not in local_ids(ws, "form") and old not in local_ids(ws, "episode")
        assert again in local_ids(ws, "episode")
        prefill = history.target_testing_prefill(ws, again)
        assert prefill["positive_test_last_12_months"][0] is True
        _agrees(ws)
    assert _ledger(b) == _ledger(c)
    revs = {x[0]: x[2] for x in _ledger(b)}
    assert revs[dt1] == server_revs(b)[dt1]  # the ledger follows the central edit
    assert len(_erasure_events(b)) == 1


def server_revs(ws) -> dict[str, int]:
    import httpx

    from app.services import sync as sync_service
    from app.sync import state

    token = state.read(ws.store, state.TOKEN)[state.TOKEN]
    url = sync_service.central_url(ws)
    body = httpx.get(
        f"{url}/v1/pull", params={"cursor": 0, "limit": 1000},
        headers={"Authorization": f"Bearer {token}"}, timeout=10,
    ).json()  # fmt: skip
    return {r["id"]: r["rev"] for r in body["records"]}


def test_an_episode_an_open_conflict_names_is_placed_not_erased(pair, suite_with_history):
    a, c, old, _, _ = suite_with_history
    base = answers(a, old, "custody_episode")
    episodes.save_answers(a, old, "custody_episode", {**base, "family_name": "Graye"})
    episodes.save_answers(c, old, "custody_episode", {**base, "family_name": "Gray"})
    sync(a)
    assert sync(c).conflicts >= 1  # open on the central store: every desk of the suite sees it
    _, b = pair
    _later(b)
    summary = sync(b)
    assert summary.failures == [] and summary.erased == 0
    assert old in local_ids(b, "episode")  # as erasure after placing would leave it
    assert _erasure_events(b) == []
    _agrees(b)


def test_a_pull_stopped_half_way_erases_the_rest_of_an_episode_when_it_resumes(
    pair, suite_with_history, monkeypatch
):
    """Pages of 1 record: the desk stops after the page that erased the episode, before its
    drug test (edited after closing, so it comes later) arrives; the next sync erases the test
    on arrival too and keeps its positive history, as placing then erasing would."""
    a, c, old, dt1, _ = suite_with_history
    episodes.save_answers(a, old, "dt1", {**answers(a, old, "dt1"), "authority": "inspector"})
    sync(a)
    _, b = pair
    _later(b)
    _later(c)
    sync(c)
    monkeypatch.setattr(pull, "PAGE", 1)

    from app.services import sync as sync_service

    class StopAfterEpisode:
        def step(self, text: str, done: int = 0, total: int | None = None) -> None:
            pass

        def cancelled(self) -> bool:
            with b.store.session() as s:
                return s.get(SyncErased, old) is not None

    stopped = sync_service.sync_now(b, StopAfterEpisode())
    assert stopped.failures  # "Sync stopped before it finished"
    assert dt1 not in {x[0] for x in _ledger(b)}  # not arrived yet
    with b.store.session() as s:
        assert s.scalars(select(Setting).where(Setting.key.like("sync_arrival:%"))).all()
    assert sync(b).failures == []
    assert _ledger(b) == _ledger(c)
    assert _local_history(b) == _local_history(c) != []
    _agrees(b)


def test_bulk_chained_erasure_events_verify_and_name_each_episode(pair):
    a, _ = pair
    made = [new_episode(a, f"Old{n}", "Pat") for n in range(3)]
    for episode_id in made:
        episodes.close_episode(a, episode_id)
    sync(a)
    with a.store.session() as s:
        audit.record(s, a.worker, "consultation", "custody_episode", made[0])  # before them
    erased = minimise.erase_old_episodes(a.store, a.worker, datetime.now(UTC) + LATER, 30)
    assert erased == 3
    with a.store.session() as s:
        assert audit.verify(s).ok
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(3)).all()
    assert sorted(e.record_id for e in last) == sorted(made)
    assert {e.detail["event"] for e in last} == {"erased_after_sync"}
    with a.store.session() as s:  # the next event chains on the last of them
        audit.record(s, a.worker, "consultation", "person", None)
    with a.store.session() as s:
        assert audit.verify(s).ok


@pytest.mark.parametrize("later", [False, True], ids=["placed", "erased"])
def test_records_on_pages_before_their_episode_wait_for_it(
    pair, suite_with_history, monkeypatch, later
):
    """Pages of one record: the drug test (saved before the episode was closed) comes before
    its episode, waits, and is then placed — or, for a desk whose first sync is 45 days
    later, goes to the ledger with its episode, history kept."""
    a, c, old, dt1, recent = suite_with_history
    episodes.reopen_episode(a, old)  # the episode changes after its drug test was stored
    episodes.close_episode(a, old)
    sync(a)
    order = list(server_revs(a))  # the central store's order: seq
    assert order.index(dt1) < order.index(old)
    _, b = pair
    monkeypatch.setattr(pull, "PAGE", 1)
    if later:
        _later(b)
        _later(c)
        sync(c)
    summary = sync(b)
    assert summary.failures == [] and summary.erased == (1 if later else 0)
    if later:
        assert _ledger(b) == _ledger(c) and _local_history(b) == _local_history(c) != []
        assert dt1 not in local_ids(b, "form")
    else:
        assert dt1 in local_ids(b, "form") and old in local_ids(b, "episode")
        assert local_ids(b, "form") == local_ids(c, "form")
    assert recent in local_ids(b, "episode")
    _agrees(b)
