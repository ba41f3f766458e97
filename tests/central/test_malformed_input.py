"""Malformed requests get a 4xx that says what is wrong, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.central.helpers import new_id, person, record

EXPLICIT_CASES = [
    ("post", "/v1/push", b"{not json", "not valid JSON"),
    ("post", "/v1/push", b"[]", "Input should be a valid dictionary"),
    (
        "post",
        "/v1/push",
        json.dumps({"batch_id": "x", "device_id": new_id(), "records": []}).encode(),
        "batch_id",
    ),
    ("post", "/v1/enrol", json.dumps({"code": "A\u0000B", "device_name": "Desk"}).encode(), "NUL"),
    (
        "post",
        "/v1/hello",
        json.dumps({"protocol_version": "one", "app_version": "1"}).encode(),
        "protocol_version",
    ),
    ("post", "/v1/hello", b'{"protocol_version": 1, "app_version": "\\ud800"}', "lone surrogates"),
]


@pytest.mark.parametrize(("method", "path", "body", "says"), EXPLICIT_CASES)
def test_a_malformed_body_is_a_4xx_that_names_the_problem(enrol, method, path, body, says):
    desk = enrol()
    response = desk.client.request(
        method, path, content=body, headers={**desk.headers, "Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert says in response.text
    assert "detail" in response.json()


def _push(desk, records):
    body = {"batch_id": new_id(), "device_id": desk.device_id, "records": records}
    return desk.client.post("/v1/push", json=body, headers=desk.headers)


def _refused_alone(response, index: int = 0) -> dict:
    """The response stored the batch but refused the record at ``index``: its reason."""
    assert response.status_code == 200, response.text
    [refused] = response.json()["refused"]
    assert refused["index"] == index and refused["message"]
    return refused


def test_a_record_of_an_unknown_type_is_refused_with_the_list_of_types(enrol):
    refused = _refused_alone(_push(enrol(), [record("custody_log")]))
    assert refused["code"] == "invalid_record" and refused["field"] == "type"
    assert "'person'" in refused["message"]


def test_a_form_without_a_form_key_is_refused(enrol):
    refused = _refused_alone(_push(enrol(), [record("form", answers={})]))
    assert refused["code"] == "missing_field"


def test_nul_characters_inside_fields_are_refused_not_stored(enrol):
    refused = _refused_alone(_push(enrol(), [person(family_name="Sm\u0000ith")]))
    assert refused["code"] == "invalid_record" and "NUL" in refused["message"]


def test_a_non_finite_number_is_refused(enrol):
    desk = enrol()
    body = '{"batch_id": "%s", "device_id": "%s", "records": [{"type": "person", "id": "%s", "fields": {"x": NaN}}]}'
    response = desk.client.post(
        "/v1/push",
        content=body % (new_id(), desk.device_id, new_id()),
        headers={**desk.headers, "Content-Type": "application/json"},
    )
    assert "non-finite" in _refused_alone(response)["message"]


def test_the_same_record_twice_in_one_batch_is_refused_once_and_stored_once(enrol):
    someone = person()
    response = _push(desk := enrol(), [someone, someone])
    assert _refused_alone(response, index=1)["code"] == "duplicate_in_batch"
    assert [r["id"] for r in response.json()["results"]] == [someone["id"]]
    assert desk


def test_json_nested_beyond_reason_is_a_malformed_request(enrol):
    deep: dict = {}
    for _ in range(40):
        deep = {"a": deep}
    response = _push(enrol(), [record("person", family_name=deep)])
    assert response.status_code == 422 and "nested deeper" in response.json()["detail"]


def test_out_of_range_query_values_are_a_422(enrol):
    desk = enrol()
    assert desk.get("/v1/pull", cursor=2**70).status_code == 422
    assert desk.get("/v1/pull", cursor=-1).status_code == 422
    assert desk.get("/v1/pull", limit=0).status_code == 422
    assert desk.get("/v1/history", since="2025-13-45").status_code == 422


def test_an_unknown_path_is_a_404_with_a_body(client, enrol):
    response = client.get("/v1/nothing-here", headers=enrol().headers)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/nothing").status_code == 404


def test_the_openapi_schema_is_served(client):
    schema = client.get("/openapi.json").json()
    assert {"/v1/push", "/v1/pull", "/v1/enrol", "/v1/hello", "/v1/counts"} <= set(schema["paths"])


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
record_like = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["person", "form", "notice", "x"]) | st.text(max_size=5),
        "id": st.uuids().map(str) | st.text(max_size=40),
    },
    optional={
        "base_rev": json_values | st.integers(-3, 2**64),
        "deleted": json_values,
        "fields": st.dictionaries(
            st.sampled_from(["form_key", "answers", "a"]) | st.text(max_size=4),
            json_values,
            max_size=4,
        ),
        "resolves": json_values,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {"records": st.lists(record_like, max_size=3) | json_values},
        optional={"batch_id": st.uuids().map(str) | json_values, "device_id": json_values},
    )
    | json_values
)
def test_no_generated_push_body_causes_a_server_error(enrol_once, body):
    desk = enrol_once
    if isinstance(body, dict) and body.get("device_id") is None:
        body = {**body, "device_id": desk.device_id}
    response = desk.client.post("/v1/push", json=body, headers=desk.headers)
    assert response.status_code < 500, response.text


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(["/v1/enrol", "/v1/hello"]), body=json_values)
def test_no_generated_enrol_or_hello_body_causes_a_server_error(enrol_once, path, body):
    response = enrol_once.client.post(path, json=body, headers=enrol_once.headers)
    assert response.status_code < 500, response.text


@pytest.fixture
def enrol_once(enrol):
    return enrol()
