"""What another workstation may push of issue 13's forms, at the very edges of the wire
contract, pulled onto this workstation (app.sync.apply): the waiting list, the shift board
and the episode's forms still load (a pull can never stop the shift)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.services import board, episode_screen
from app.sync.apply import apply_records
from tests.central.test_pathway_wire_hostile import EDGE_TIMES, _edge_forms


def _pulled(seq: int, rec: dict) -> dict:
    return {**rec, "rev": 1, "seq": seq, "updated_at": "2026-11-24T10:00:00Z"}


@pytest.mark.parametrize("at", EDGE_TIMES)
def test_edge_values_pulled_keep_the_board_and_waiting_list(workspace, at):
    person_id, episode_id = str(uuid.uuid4()), str(uuid.uuid4())
    records = [
        {"type": "person", "id": person_id, "deleted": False,
         "fields": {"family_name": "Edge", "given_names": "Ed", "date_of_birth": "1990-01-01",
                    "pnc_id": None, "postcode": None}},
        {"type": "episode", "id": episode_id, "deleted": False,
         "fields": {"person_id": person_id, "custody_record_number": "52/1/26",
                    "arrived_at": "2026-11-24T09:00:00Z", "status": "open",
                    "closed_at": None, "created_by": None}},
    ]  # fmt: skip
    seen = set()
    for rec in _edge_forms(episode_id, at):
        if rec["fields"]["form_key"] in seen:
            continue  # one form of a kind per episode on a workstation
        seen.add(rec["fields"]["form_key"])
        records.append(rec)
    with workspace.store.session() as s:
        applied = apply_records(s, [_pulled(i + 1, r) for i, r in enumerate(records)])
    assert applied.applied == len(records), applied
    for day in (datetime(2026, 11, 24, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC)):
        workspace.clock = lambda day=day: day
        board.waiting(workspace, day=day.date())
        rows = {r.id: r for r in board.shift_board(workspace, day=day.date())}
        assert episode_id in rows or day.year == 2099
        assert episode_screen.open_episode(workspace, episode_id, consultation=False)
