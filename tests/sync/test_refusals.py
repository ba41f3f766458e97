"""One workstation's odd records through the real central service (issue 11, items 4 and 7):
each is refused alone, named to the worker in words they know, the rest of the work goes on,
the other workstations keep syncing, and a 413 splits the batch until it fits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app import demo
from app.services import episodes
from app.services import sync as sync_service
from app.storage.models import Appointment, CustodyEpisode, FormRecord, Person, SyncProblem
from central.models import Record, RecordVersion
from tests.central.helpers import plant
from tests.central.pg import create_database, drop_database
from tests.sync.conftest import Central, enrolled
from tests.sync.helpers import (
    answers,
    assert_same_everywhere,
    local_ids,
    new_episode,
    save_dt1,
    server_counts,
    sync,
)

pytestmark = pytest.mark.slow


def _problems(ws) -> dict[str, tuple[str, str | None]]:
    with ws.store.session() as s:
        return {p.record_id: (p.code, p.field) for p in s.scalars(select(SyncProblem))}


def _ids(ws, episode_id: str) -> tuple[str, str, str]:
    with ws.store.session() as s:
        episode = s.get(CustodyEpisode, episode_id)
        form = s.scalars(
            select(FormRecord.id).where(
                FormRecord.episode_id == episode_id, FormRecord.form_key == "custody_episode"
            )
        ).one()
        return episode.person_id, episode_id, form


def test_odd_records_are_held_and_named_while_the_rest_reaches_every_workstation(pair):
    a, b = pair
    good = new_episode(a, "Good", "Gail")
    dt1 = save_dt1(a, good, datetime(2026, 11, 24, 10, tzinfo=UTC))
    odd = new_episode(a, "Odd", "Otto", date_of_birth="1025-05-17")  # a typing slip
    answers_now = answers(a, good, "dt1")
    episodes.save_answers(a, good, "dt1", {**answers_now, "tested_at": 1764000000})
    summary = sync_service.sync_now(a)
    assert not summary.offline
    person_id, episode_id, form_id = _ids(a, odd)
    assert _problems(a) == {
        person_id: ("out_of_range", "date_of_birth"),
        form_id: ("out_of_range", "answers.date_of_birth"),
        episode_id: ("parent_refused", "person_id"),
        dt1: ("wrong_type", "answers.tested_at"),
    }
    words = "\n".join(f"{f.reason} {f.what_to_do}" for f in summary.failures)
    assert "the person Otto Odd" in words
    assert "the custody episode of Otto Odd (custody record 52/11111/26)" in words
    assert "as soon as the person Otto Odd is accepted" in words
    assert "the DT1 drug test record of Gail Good" in words
    assert "Date and time of the test" in words  # the question, as the form asks it
    assert person_id not in words and "1025" not in words.replace("1900", "")
    sync(b)  # the other workstation is not held up by A's odd records
    assert good in local_ids(b, "episode") and odd not in local_ids(b, "episode")
    with b.store.session() as s:
        assert s.get(FormRecord, dt1) is None  # refused: it reached nobody

    fixed = answers(a, odd, "custody_episode")
    episodes.save_answers(a, odd, "custody_episode", {**fixed, "date_of_birth": "1985-05-17"})
    episodes.save_answers(a, good, "dt1", {**answers_now, "tested_at": "2026-11-24T10:00:00+00:00"})
    assert sync(a).failures == []  # the episode held for its person went by itself
    assert _problems(a) == {}
    sync(b)
    assert answers(b, odd, "custody_episode")["date_of_birth"] == "1985-05-17"
    assert answers(b, good, "dt1")["tested_at"] == "2026-11-24T10:00:00+00:00"
    assert_same_everywhere(a, b)


def test_every_record_a_worked_shift_makes_is_accepted(pair):
    a, b = pair
    demo.fill(a, episodes_today=12, history_episodes=12)
    assert sync(a).failures == [] and _problems(a) == {}
    sync(b)
    assert_same_everywhere(a, b)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def small_central(request, tmp_path: Path):
    """A central store taking at most 32 kB per request."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'small.db'}", False
    else:
        url, drop = create_database("_small"), True
    server = Central(url, tmp_path, "--max-body-mb", "0.03125").start()
    yield server
    server.stop()
    if drop:
        drop_database(url)


def test_a_413_splits_the_batch_until_it_fits_and_a_record_too_large_is_named(
    small_central, tmp_path, suite
):
    a = enrolled(small_central, tmp_path / "a", suite)
    b = enrolled(small_central, tmp_path / "b", suite)
    try:
        demo.fill(a, episodes_today=10, history_episodes=0)  # hundreds of kB in all
        wordy = new_episode(a, "Wordy", "Wren")
        long_answers = {f: "x" * 19_000 for f in ("address", "arrest_offence_other")}
        long_answers["phone"] = "0" * 20
        episodes.save_answers(
            a, wordy, "custody_episode", {**answers(a, wordy, "custody_episode"), **long_answers}
        )
        summary = sync_service.sync_now(a)
        assert not summary.offline
        _, _, form_id = _ids(a, wordy)
        assert _problems(a) == {form_id: ("too_large", None)}
        [failure] = summary.failures
        assert "the custody episode form of Wren Wordy" in failure.reason
        assert "larger than the central store accepts" in failure.reason
        assert "Shorten" in failure.what_to_do
        sync(b)
        assert wordy in local_ids(b, "episode")  # the rest of the episode went
        counts = server_counts(a)["types"]
        assert counts["episode"]["live"] == 11 and counts["notice"]["live"] > 0
    finally:
        a.close()
        b.close()


def _plant_shift(central, suite: str) -> dict[str, str]:
    """Records stored on the central store before the wire contract existed."""
    good = plant(central.engine, suite, "person", {"family_name": "Good", "given_names": "Gus"})
    visit = {"person_id": good, "custody_record_number": "52/1/26", "status": "open"}
    episode = plant(central.engine, suite, "episode", visit)
    dt1 = {"episode_id": episode, "form_key": "dt1", "form_version": 1, "status": "draft"}
    ids = {"good": good, "episode": episode}
    ids["named_by_list"] = plant(central.engine, suite, "person", {"family_name": ["Smith"]})
    ids["born_int"] = plant(central.engine, suite, "person", {"date_of_birth": 19900101})
    ids["no_person"] = plant(central.engine, suite, "episode", {"status": "open"})
    ids["object_status"] = plant(central.engine, suite, "episode", {**visit, "status": {}})
    ids["at_tomorrow"] = plant(
        central.engine, suite, "appointment",
        {"episode_id": episode, "kind": "initial", "at": "tomorrow", "status": "booked"},
    )  # fmt: skip
    ids["answers_list"] = plant(central.engine, suite, "form", {**dt1, "answers": ["x"]})
    ids["tested_at_int"] = plant(
        central.engine, suite, "form",
        {**dt1, "answers": {"test_outcome": "completed", "tested_at": 1764000000}},
    )  # fmt: skip
    return ids


def test_a_pull_of_values_no_form_would_produce_keeps_what_it_can_and_says_what_it_could_not(
    central, pair, suite
):
    a, b = pair
    ids = _plant_shift(central, suite)
    for ws in (b, b, a):  # and again: nothing is stuck
        summary = sync_service.sync_now(ws)
        assert not summary.offline
        [unread] = [f for f in summary.failures if "cannot read" in f.reason]
        assert "Tell IT" in unread.what_to_do
    with b.store.session() as s:
        placed = {
            kind: {row.id for row in s.scalars(select(model))}
            for kind, model in (("person", Person), ("episode", CustodyEpisode),
                                ("form", FormRecord), ("appointment", Appointment))
        }  # fmt: skip
        assert s.get(Person, ids["named_by_list"]).family_name == ""  # kept, without the list
        assert s.get(Person, ids["born_int"]).date_of_birth is None
        assert s.get(FormRecord, ids["tested_at_int"]).answers["tested_at"] == 1764000000
    assert {ids["good"], ids["named_by_list"], ids["born_int"]} <= placed["person"]
    assert placed["episode"] == {ids["episode"]}
    assert placed["appointment"] == set() and ids["answers_list"] not in placed["form"]
    reported = " ".join(f.reason for f in summary.failures)
    for name in ("named_by_list", "born_int", "no_person", "object_status", "at_tomorrow"):
        assert ids[name] in reported or "more" in reported
    assert "Smith" not in reported


def test_a_record_whose_parent_the_central_store_lost_waits_and_goes_once_it_is_back(central, pair):
    a, b = pair
    episode_id = new_episode(a, "Lost", "Lou")
    sync(a)
    person_id, _, _ = _ids(a, episode_id)
    with central.engine.begin() as conn:  # the person vanishes from the central store
        conn.execute(delete(RecordVersion).where(RecordVersion.record_id == person_id))
        conn.execute(delete(Record).where(Record.id == person_id))
    with a.store.session() as s:  # the episode is edited: it names a person the store lacks
        s.get(CustodyEpisode, episode_id).sync_state = "pending"
    summary = sync_service.sync_now(a)  # refused, released, refused again: never a loop
    assert not summary.offline
    assert _problems(a) == {} or _problems(a) == {episode_id: ("unknown_reference", "person_id")}
    assert sync(a).failures == []  # the count check put the person back; the episode followed
    assert _problems(a) == {}
    sync(b)
    assert_same_everywhere(a, b)
