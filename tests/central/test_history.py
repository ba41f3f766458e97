"""The target-testing history: earlier positive tests per person of the suite."""

from __future__ import annotations

from tests.central.helpers import episode, form, person


def _person_with_test(
    desk,
    pnc_id: str,
    results: dict,
    outcome: str = "completed",
    tested_at: str = "2026-04-02T10:00:00Z",
):
    someone = person(pnc_id=pnc_id)
    visit = episode(
        someone["id"], custody_record_number="CR1", arrived_at=tested_at, status="closed"
    )
    dt1 = form(
        visit["id"],
        "dt1",
        {
            "test_outcome": outcome,
            "tested_at": tested_at,
            "results": results,
            "disputed": False,
            "authority": "trigger_offence",
        },
    )
    desk.push(someone, visit, dt1)
    return someone


def test_a_positive_test_appears_in_the_persons_history(enrol):
    desk = enrol()
    person = _person_with_test(desk, "01/123456A", {"opiates": "positive", "cocaine": "negative"})
    [summary] = desk.get("/v1/history").json()["people"]
    assert summary["person_id"] == person["id"] and summary["pnc_id"] == "01/123456A"
    assert summary["date_of_birth"] == "1990-01-01" and "postcode" not in summary
    [test] = summary["positive_tests"]
    assert (
        test["substances_positive"] == ["opiates"] and test["tested_at"] == "2026-04-02T10:00:00Z"
    )


def test_negative_and_refused_tests_are_not_history(enrol):
    desk = enrol()
    _person_with_test(desk, "A", {"opiates": "negative", "cocaine": "negative"})
    _person_with_test(desk, "B", {"opiates": "positive"}, outcome="refused")
    assert desk.get("/v1/history").json()["people"] == []


def test_history_can_be_narrowed_to_one_pnc_id_and_a_start_date(enrol):
    desk = enrol()
    _person_with_test(desk, "A", {"cocaine": "positive"})
    _person_with_test(desk, "B", {"cocaine": "positive"}, tested_at="2024-01-01T10:00:00Z")
    assert [p["pnc_id"] for p in desk.get("/v1/history", pnc_id="A").json()["people"]] == ["A"]
    assert [p["pnc_id"] for p in desk.get("/v1/history", since="2025-04-01").json()["people"]] == [
        "A"
    ]


def test_another_suites_history_is_not_visible(enrol):
    _person_with_test(enrol("mansfield"), "A", {"cocaine": "positive"})
    assert enrol("bridewell").get("/v1/history").json()["people"] == []
