"""Issue 15.6: /v1/enrol had no limit (400-530 guesses a second, and the flood slowed pushes).
Wrong codes are now limited per address and for the whole service before the database is
touched (429 with Retry-After), and a code is withdrawn after N wrong codes were tried while it
was outstanding."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from central import auth
from central.auth import create_enrolment_code
from central.ratelimit import EnrolLimiter
from tests.central.helpers import person


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _try(client, code: str = "AAAA-BBBB-CCCC"):
    return client.post("/v1/enrol", json={"code": code, "device_name": "guess"})


def test_an_address_is_held_off_after_ten_wrong_codes_and_let_in_when_they_age_out():
    clock = Clock()
    limiter = EnrolLimiter(failures=10, window=900, clock=clock)
    for _ in range(10):
        assert limiter.retry_after("10.0.0.9") is None
        limiter.failed("10.0.0.9")
    assert limiter.retry_after("10.0.0.9") == 900
    assert limiter.retry_after("10.0.0.8") is None  # another address is not held off
    clock.now += 600
    assert limiter.retry_after("10.0.0.9") == 300
    clock.now += 300
    assert limiter.retry_after("10.0.0.9") is None


def test_many_addresses_together_are_held_to_the_service_wide_rate():
    clock = Clock()
    limiter = EnrolLimiter(failures=10, per_second=5, burst=20, clock=clock)
    for n in range(20):
        limiter.failed(f"10.0.{n}.1")
    assert limiter.retry_after("10.9.9.9") == 1  # the bucket is empty: wait a second
    clock.now += 1
    assert limiter.retry_after("10.9.9.9") is None


def test_the_eleventh_wrong_code_gets_429_with_retry_after_and_so_does_a_right_one(client, engine):
    for _ in range(10):
        assert _try(client).status_code == 403
    refused = _try(client)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert refused.json()["retry_after"] == int(refused.headers["Retry-After"])
    assert "Wait" in refused.json()["detail"]
    code, _ = create_enrolment_code(engine, "bridewell")
    assert _try(client, code).status_code == 429  # no more tries from here meanwhile


def test_enrolling_many_workstations_in_a_row_is_never_limited(enrol):
    for n in range(60):  # more than the burst: only wrong codes count
        enrol(name=f"desk {n}")


def test_a_limited_enrolment_costs_the_database_nothing_and_pushes_go_on(enrol, client, engine):
    desk = enrol()
    for _ in range(10):
        _try(client)
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert all(_try(client).status_code == 429 for _ in range(50))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []  # a flood is turned away before the database
    desk.push(person())  # pushes are not limited


def test_a_code_is_withdrawn_after_too_many_wrong_codes_were_tried(engine, monkeypatch):
    monkeypatch.setattr(auth, "MAX_WRONG_CODES", 3)
    code, _ = create_enrolment_code(engine, "bridewell")
    for _ in range(3):
        with pytest.raises(auth.WrongCode):
            auth.enrol(engine, "WRONG-CODE-0000", "guess")
    with pytest.raises(auth.AuthError, match="withdrawn"):
        auth.enrol(engine, code, "the real desk")
    fresh, _ = create_enrolment_code(engine, "bridewell")  # wrong tries before it do not count
    device, _ = auth.enrol(engine, fresh, "the real desk")
    assert device.suite == "bridewell"


def test_the_workstation_shows_the_wait_in_words(client):
    from app.sync import errors
    from app.sync.transport import _refusal

    for _ in range(10):
        _try(client)
    response = _try(client)
    refusal = _refusal(response)
    assert isinstance(refusal, errors.Refused) and "Wait" in refusal.detail


def test_a_limited_enrolment_is_turned_away_before_its_body_is_read(client):
    for _ in range(10):
        _try(client)
    huge = client.post("/v1/enrol", content=b"x" * 1_000_000)  # past the 64 kB body limit
    assert huge.status_code == 429 and huge.headers["Connection"] == "close"
