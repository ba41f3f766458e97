"""Enrolment, tokens and revocation."""

from __future__ import annotations

from sqlalchemy import select

from central.auth import create_enrolment_code, digest, revoke_device
from central.models import Device, EnrolmentCode


def test_an_enrolment_code_gives_a_device_token_for_its_suite(client, engine):
    code, _ = create_enrolment_code(engine, "bridewell")
    response = client.post("/v1/enrol", json={"code": code, "device_name": "Desk 1"})
    assert response.status_code == 200
    body = response.json()
    assert body["suite"] == "bridewell" and len(body["token"]) >= 43


def test_codes_and_tokens_are_stored_only_as_digests(client, engine):
    code, _ = create_enrolment_code(engine, "bridewell")
    body = client.post("/v1/enrol", json={"code": code, "device_name": "Desk 1"}).json()
    with engine.connect() as conn:
        device = conn.execute(select(Device)).one()
        stored_code = conn.execute(select(EnrolmentCode.code_hash)).scalar_one()
    assert device.token_hash == digest(body["token"]) and body["token"] not in device.token_hash
    assert code.replace("-", "") not in stored_code


def test_an_enrolment_code_works_only_once(client, engine):
    code, _ = create_enrolment_code(engine, "bridewell")
    assert client.post("/v1/enrol", json={"code": code, "device_name": "A"}).status_code == 200
    again = client.post("/v1/enrol", json={"code": code, "device_name": "B"})
    assert again.status_code == 403
    assert "used already" in again.json()["detail"]


def test_an_expired_enrolment_code_is_refused(client, engine):
    code, _ = create_enrolment_code(engine, "bridewell", valid_hours=-1)
    response = client.post("/v1/enrol", json={"code": code, "device_name": "A"})
    assert response.status_code == 403 and response.json()["code"] == "enrolment_refused"


def test_a_code_typed_in_lower_case_without_dashes_still_works(client, engine):
    code, _ = create_enrolment_code(engine, "bridewell")
    typed = code.replace("-", "").lower()
    assert client.post("/v1/enrol", json={"code": typed, "device_name": "A"}).status_code == 200


def test_every_sync_endpoint_needs_a_bearer_token(client):
    for method, path in [
        ("post", "/v1/hello"),
        ("post", "/v1/push"),
        ("get", "/v1/pull"),
        ("get", "/v1/counts"),
        ("get", "/v1/history"),
        ("get", "/v1/reports/monthly?from=2026-04"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in response.json()["detail"]


def test_an_unknown_token_is_refused_with_a_message(client):
    response = client.get("/v1/pull", headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401
    assert "not enrolled" in response.json()["detail"]


def test_revoking_a_device_stops_it_at_once(enrol, engine):
    desk = enrol()
    assert desk.get("/v1/counts").status_code == 200
    assert revoke_device(engine, desk.device_id)
    response = desk.get("/v1/counts")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_revoking_one_device_leaves_the_others_working(enrol, engine):
    first, second = enrol(name="Desk 1"), enrol(name="Desk 2")
    revoke_device(engine, first.device_id)
    assert second.get("/v1/counts").status_code == 200


def test_hello_returns_server_time_and_the_store_epoch(enrol):
    desk = enrol()
    response = desk.client.post(
        "/v1/hello", json={"protocol_version": 2, "app_version": "0.1.0"}, headers=desk.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["suite"] == "bridewell" and body["server_time"].endswith("Z")
    assert body["store_epoch"]


def test_an_old_client_is_told_to_upgrade_first(enrol):
    desk = enrol()
    # Version 1 resent refused records for ever and could not rebase: it must upgrade.
    response = desk.client.post(
        "/v1/hello", json={"protocol_version": 1, "app_version": "0.0.1"}, headers=desk.headers
    )
    assert response.status_code == 426 and response.json()["min_protocol_version"] == 2
    assert (
        "upgrade" in response.json()["detail"]
        and "unsent work is kept" in response.json()["detail"]
    )


def test_a_device_cannot_push_as_another_device(enrol):
    first, second = enrol(name="Desk 1"), enrol(name="Desk 2")
    first.device_id = second.device_id
    response = first.push_response()
    assert response.status_code == 403 and response.json()["code"] == "wrong_device"
