"""Schemathesis drives every operation of the served OpenAPI schema, in process (ASGI).

Two properties: no request, however odd, causes a server error (issue 11); and every answer is
what the schema says — its status code documented, its content type and body valid against
the operation's response schema (issue 17: the pydantic models are the one description).
Schemathesis' own pytest plugin (``from_fixture``/``parametrize``) fails under pytest 9.2
(``'Function' object has no attribute '_nodeid'``), so this test takes each operation's
Hypothesis strategy from the loaded schema and runs it with plain ``@given``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
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


LIVE_CONFIG = Path(__file__).parent / "data" / "schemathesis.toml"


def _st_command() -> list[str]:
    """Schemathesis' own command line (``st``), from the running interpreter's environment."""
    return [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; "
            "sys.exit(schemathesis())"]  # fmt: skip


def test_every_check_of_schemathesis_passes_against_the_live_server(database_url, tmp_path):
    """Issue 15.7: the real ``serve`` process over HTTP, on SQLite and PostgreSQL, with ALL of
    schemathesis' checks: conformance of status codes, content types, bodies and headers, schema-
    valid requests accepted and schema-violating ones refused, missing auth refused, unsupported
    methods answered 405. Two refusals by design are declared in the config file (with why)."""
    from tests.sync.conftest import Central

    server = Central(database_url, tmp_path).start()
    try:
        answer = httpx.post(
            f"{server.url}/v1/enrol",
            json={"code": server.code("bridewell"), "device_name": "schemathesis"},
        )
        token = answer.json()["token"]
        run = subprocess.run(
            [*_st_command(), "--config-file", str(LIVE_CONFIG), "run",
             f"{server.url}/openapi.json", "--checks", "all", "--max-examples", "40",
             "--seed", "15", "--no-color", "-H", f"Authorization: Bearer {token}"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout
