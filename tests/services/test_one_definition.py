"""One definition of "a positive test" (app.forms.facts) for the rules, the board, history
and printing: a refused test with a stale positive answer is positive nowhere."""

from __future__ import annotations

from app.services import board, history
from tests.services.helpers import PERSON, POSITIVE, at, episode

REFUSED_WITH_STALE_RESULT = {**POSITIVE, "test_outcome": "refused"}


def test_a_refused_test_is_not_a_positive_test_anywhere(workspace):
    earlier = episode(workspace, dt1=REFUSED_WITH_STALE_RESULT)
    later = episode(workspace, person={**PERSON, "custody_record_number": "52/2/26"}, dt1=None)
    assert history.prior_positives(workspace, later) == []
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[earlier].steps["test"] == "Refused" and rows[earlier].steps["ra1"] == "—"
    assert not [w for w in board.waiting(workspace) if w.kind == "ra1_needed"]


def test_a_completed_positive_test_is_positive_everywhere(workspace):
    earlier = episode(workspace)
    later = episode(workspace, person={**PERSON, "custody_record_number": "52/2/26"})
    [prior] = history.prior_positives(workspace, later)
    assert prior.substances == ("opiates",)
    rows = {r.id: r for r in board.shift_board(workspace, day=at(24, 12).date())}
    assert rows[earlier].steps["test"] == "Positive: opiates"
    assert rows[earlier].steps["ra1"] == "Needed"
    assert {w.episode_id for w in board.waiting(workspace) if w.kind == "ra1_needed"} == {
        earlier,
        later,
    }


def test_an_under_18_with_a_positive_test_is_not_listed_as_needing_an_ra1(workspace):
    from datetime import date

    young = episode(workspace, person={**PERSON, "date_of_birth": date(2009, 6, 1)})
    assert young not in {w.episode_id for w in board.waiting(workspace) if w.kind == "ra1_needed"}
