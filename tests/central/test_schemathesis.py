"""Schemathesis drives every operation of the served OpenAPI schema, in process (ASGI).

Two properties: no request, however odd, causes a server error (issue 11); and every answer is
what the schema says — its status code documented, its content type and body valid against
the operation's response schema (issue 17: the pydantic models are the one description).
Schemathesis' own pytest plugin (``from_fixture``/``parametrize``) fails under pytest 9.2
(``'Function' object has no attribute '_nodeid'``), so this test takes each operation's
Hypothesis strategy from the loaded schema and runs it with plain ``@given``.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from central.api import create_app  # noqa: E402

CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(engine):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(engine))


def test_the_schema_lists_every_operation(api_schema):
    paths = {result.ok().path for result in api_schema.get_all_operations()}
    assert {"/v1/push", "/v1/pull", "/v1/enrol", "/v1/hello", "/v1/reports/monthly"} <= paths


def test_no_generated_request_causes_a_server_error_and_every_answer_is_as_documented(
    api_schema, enrol
):
    token = enrol().token
    strategies = [result.ok().as_strategy() for result in api_schema.get_all_operations()]

    @settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of(strategies))
    def check(case):
        # Authenticated, so the generated data reaches the handlers rather than stopping at 401.
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, f"{case.method} {case.path}: {response.text}"
        case.validate_response(response, checks=CONFORMANCE)

    check()


def test_the_schema_documents_each_refusal_with_the_one_error_body(client):
    schema = client.get("/openapi.json").json()
    push = schema["paths"]["/v1/push"]["post"]["responses"]
    for status in ("401", "403", "409", "413", "422"):
        assert push[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }, status
    record = schema["components"]["schemas"]["PushRequest"]["properties"]["records"]["items"]
    assert set(record["properties"]) == {"type", "id", "base_rev", "deleted", "fields", "resolves"}
    refused = schema["components"]["schemas"]["Refusal"]["properties"]
    assert {"id", "index", "code", "field", "message"} <= set(refused)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "schema" in operation["responses"]["200"]["content"]["application/json"], (
                method,
                path,
            )
