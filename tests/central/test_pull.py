"""Pull: paging by cursor, suite isolation, reference data, cursor reset, counts."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from central.api import create_app
from central.db import make_engine, migrate, write_session
from central.models import Conflict, utcnow
from central.pull import new_epoch
from central.reference import load_folder, store_documents
from tests.central.helpers import Enroller, appointment, family, person, plant


def test_pull_pages_in_seq_order_and_ends_with_more_false(enrol):
    desk = enrol()
    desk.push(*[person(postcode=f"NG{i} 1AA") for i in range(7)])
    first = desk.pull(0, limit=3)
    assert [r["seq"] for r in first["records"]] == [1, 2, 3] and first["more"]
    assert first["next_cursor"] == 3
    records, last = desk.pull_all(limit=3)
    assert [r["fields"]["postcode"] for r in records] == [f"NG{i} 1AA" for i in range(7)]
    assert last["more"] is False and last["next_cursor"] == 7


def test_pulling_from_the_last_cursor_returns_only_newer_changes(enrol):
    desk = enrol()
    desk.push(person(postcode="NG1 1AA"))
    _, page = desk.pull_all()
    desk.push(person(postcode="NG2 2AA"))
    newer = desk.pull(page["next_cursor"])
    assert [r["fields"]["postcode"] for r in newer["records"]] == ["NG2 2AA"]


def test_an_edited_record_comes_once_at_its_newest_seq(enrol):
    desk = enrol()
    smith = person(family_name="Smith")
    desk.push(smith, person(family_name="Other"))
    desk.push({**smith, "base_rev": 1, "fields": {**smith["fields"], "family_name": "Smyth"}})
    records, _ = desk.pull_all()
    assert [(r["id"], r["rev"]) for r in records][-1] == (smith["id"], 2)
    assert len(records) == 2


def test_a_device_sees_only_its_own_suites_records(enrol):
    bridewell, other = enrol("bridewell"), enrol("mansfield")
    bridewell.push(person(family_name="Smith"))
    records, page = other.pull_all()
    assert records == [] and page["next_cursor"] == 1  # the cursor still moves past it


def test_reference_documents_arrive_in_the_pull_with_their_version(enrol, engine):
    desk = enrol()
    store_documents(engine, {"trigger_offences": [{"act": "Theft Act 1968", "section": "1"}]})
    page = desk.pull()
    [doc] = page["reference"]
    assert (doc["name"], doc["version"]) == ("trigger_offences", 1)
    assert doc["content"][0]["section"] == "1"


def test_reloading_an_unchanged_reference_document_keeps_its_version_and_sends_nothing(
    enrol, engine
):
    desk = enrol()
    store_documents(engine, {"policy": {"ra_days_out_of_hours": [5, 8]}})
    cursor = desk.pull()["next_cursor"]
    [loaded] = store_documents(engine, {"policy": {"ra_days_out_of_hours": [5, 8]}})
    assert not loaded.changed and desk.pull(cursor)["reference"] == []
    store_documents(engine, {"policy": {"ra_days_out_of_hours": [5, 9]}})
    assert desk.pull(cursor)["reference"][0]["version"] == 2


def test_load_reference_reads_named_json_files_and_ignores_others(engine, tmp_path):
    (tmp_path / "spoc_directory.json").write_text(json.dumps({"cjits": []}))
    (tmp_path / "notes.json").write_text("{}")
    loaded, ignored = load_folder(engine, tmp_path)
    assert [x.name for x in loaded] == ["spoc_directory"] and ignored == ["notes.json"]


def test_a_cursor_ahead_of_the_server_asks_the_client_to_pull_from_zero(enrol):
    desk = enrol()
    desk.push(person())
    page = desk.pull(cursor=50)
    assert page["reset"] and page["next_cursor"] == 0 and page["records"] == []
    assert "unsent work stays in the outbox" in page["message"]


def test_a_new_store_epoch_asks_every_client_to_pull_from_zero(enrol, engine):
    desk = enrol()
    desk.push(person())
    page = desk.pull()
    new_epoch(engine)
    again = desk.pull(page["next_cursor"], epoch=page["store_epoch"])
    assert again["reset"] and again["store_epoch"] != page["store_epoch"]


def test_a_type_filtered_pull_returns_only_that_type_for_repair(enrol):
    desk = enrol()
    desk.push(*family(), person())
    page = desk.pull(0, type="person")
    assert {r["type"] for r in page["records"]} == {"person"} and len(page["records"]) == 2


def test_counts_give_live_and_deleted_records_per_type_and_a_digest(enrol):
    desk = enrol()
    someone, visit = family()
    gone = appointment(visit["id"])
    desk.push(someone, visit, person(), gone)
    desk.push({**gone, "base_rev": 1, "deleted": True, "fields": {}})
    body = desk.get("/v1/counts").json()
    assert body["types"]["person"]["live"] == 2
    assert body["types"]["appointment"] == {**body["types"]["appointment"], "live": 0, "deleted": 1}
    assert body["as_of_seq"] == 5 and len(body["types"]["episode"]["digest"]) == 64


def test_the_counts_digest_changes_when_any_record_changes(enrol):
    desk = enrol()
    smith = person(family_name="Smith")
    desk.push(smith)
    before = desk.get("/v1/counts").json()["types"]["person"]["digest"]
    desk.push({**smith, "base_rev": 1, "fields": {**smith["fields"], "family_name": "Smyth"}})
    assert desk.get("/v1/counts").json()["types"]["person"]["digest"] != before


def _deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"a": value}
    return value


ANY_STORED = [
    ("fields that are a list", ["Smith", 7]),
    ("a family name that is a list", {"family_name": ["Smith"]}),
    ("JSON nested 200 levels deep", {"family_name": _deep(200)}),
    ("a number of 40 digits", {"family_name": 10**40}),
    ("a key of 10,000 characters", {"k" * 10_000: 1}),
]
SQLITE_ONLY = [
    ("a number that is not finite", {"family_name": float("nan")}),
    ("text that is not valid Unicode", {"family_name": "\ud800"}),
]


@pytest.mark.parametrize(("what", "fields"), ANY_STORED, ids=[w for w, _ in ANY_STORED])
def test_pull_and_counts_serve_any_stored_value(enrol, engine, what, fields):
    _served(enrol(), engine, what, fields)


@pytest.mark.parametrize(("what", "fields"), SQLITE_ONLY, ids=[w for w, _ in SQLITE_ONLY])
def test_pull_and_counts_serve_values_only_sqlite_can_hold(tmp_path, what, fields):
    """PostgreSQL refuses these values on insert; an SQLite store may hold them."""
    engine = make_engine(f"sqlite:///{tmp_path / 'odd.db'}")
    migrate(engine)
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        _served(Enroller(client, engine)(), engine, what, fields)
    engine.dispose()


def _served(desk, engine, what: str, fields) -> None:
    odd = plant(engine, desk.suite, "person", fields)
    fine = person()
    desk.push(fine)
    records, _ = desk.pull_all()
    assert {r["id"] for r in records} == {odd, fine["id"]}, what
    assert isinstance(records[0]["fields"], dict)
    assert desk.get("/v1/counts").json()["types"]["person"]["live"] == 2


def test_a_stored_conflict_of_any_shape_is_served(enrol, engine):
    desk = enrol()
    smith = person(family_name="Smith")
    desk.push(smith)
    desk.push({**smith, "base_rev": 1, "fields": {**smith["fields"], "family_name": "Smyth"}})
    desk.push({**smith, "base_rev": 1, "fields": {**smith["fields"], "family_name": "Smithe"}})
    with write_session(engine) as (session, _):
        session.execute(update(Conflict).values(yours=["odd"], winner="?", created_at=utcnow()))
    [conflict] = desk.pull()["conflicts"]
    assert (conflict["yours_present"], conflict["winner"]) == (False, "theirs")


def test_skip_own_leaves_out_what_this_device_wrote_but_moves_the_cursor_past_it(enrol):
    desk, colleague = enrol(), enrol()
    mine = person(family_name="Mine")
    desk.push(mine)
    colleague.push(person(family_name="Theirs"))
    page = desk.pull(0, skip_own="true")
    assert [r["fields"]["family_name"] for r in page["records"]] == ["Theirs"]
    assert page["next_cursor"] == 2 and page["more"] is False
    # A colleague's edit of my record is theirs now: it comes back to me.
    colleague.push({**mine, "base_rev": 1, "fields": {**mine["fields"], "family_name": "Mien"}})
    newer = desk.pull(page["next_cursor"], skip_own="true")
    assert [r["fields"]["family_name"] for r in newer["records"]] == ["Mien"]
    # Without it (a repair by type asks without), everything comes, mine too.
    assert len(desk.pull(0)["records"]) == 2
