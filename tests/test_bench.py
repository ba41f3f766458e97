"""The benchmark harness and its data generator work (functional only: no timing is asserted)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.services import search
from app.storage import audit, keyslots
from app.storage.models import CustodyEpisode, FormRecord, Person
from bench import __main__ as bench_main
from bench import datagen
from bench.common import Row, percentile


@pytest.fixture(autouse=True)
def _quick_key_slots(monkeypatch):
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "time_cost", 1)
    monkeypatch.setitem(keyslots.ARGON2_PARAMS, "memory_cost", 8192)


def test_generated_store_is_shaped_like_the_services_make_it(tmp_path):
    ws = datagen.create_store(tmp_path / "data")
    try:
        counts = datagen.fill(ws, people=30, episodes=40, seed=1)
        assert (counts.people, counts.episodes) == (30, 40)
        with ws.store.session() as s:
            assert audit.verify(s).ok
            assert s.scalar(select(func.count()).select_from(CustodyEpisode)) == 40
            person = s.scalars(select(Person).limit(1)).one()
            record = s.scalars(select(FormRecord).where(FormRecord.form_key == "dt1")).first()
            assert record.answers["test_outcome"] == "completed"
        assert any(h.person_id == person.id for h in search.search_people(ws, person.family_name))
    finally:
        ws.close()


def test_the_suite_writes_json_and_a_table_and_one_broken_row_does_not_stop_it(
    tmp_path, capsys, monkeypatch
):
    def fake_row(key, quick, stores):  # noqa: ANN001, ANN202
        if key == "sync":
            raise RuntimeError("central did not start")
        return Row(key, key, "< 100 ms", ours=40.0, baseline=20.0).finish(True)

    monkeypatch.setattr(bench_main, "_run_row", fake_row)
    out = tmp_path / "results.json"
    bench_main.main(["--only", "pdf", "sync", "--out", str(out)])
    results = json.loads(out.read_text())
    assert [r["key"] for r in results["rows"]] == ["pdf", "sync"]
    assert [r["status"] for r in results["rows"]][0] == "met"
    assert results["rows"][0]["ratio"] == 2.0
    assert results["rows"][1]["status"].startswith("error: RuntimeError")
    assert "nproc" in results["machine"]
    assert "what" in capsys.readouterr().out


def test_percentile_is_nearest_rank():
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 95) == 95.0
    assert percentile([3.0], 95) == 3.0
