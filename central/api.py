"""The HTTP API (FastAPI). Stateless: every request reads what it needs from the database,
so any number of ``serve`` processes can stand behind one PostgreSQL.

Endpoints and payloads are described in docs/sync-protocol.md; the schema is at /openapi.json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from central import auth, errors, history, pull, push, reports
from central.errors import ApiError
from central.models import Device
from central.record_types import MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, RECORD_TYPES
from central.schemas import (
    MAX_INT,
    EnrolRequest,
    EnrolResponse,
    HelloRequest,
    HelloResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from central.timefmt import month_range
from central.views import iso

_bearer = HTTPBearer(auto_error=False, description="The device token from POST /v1/enrol")
Cursor = Annotated[
    int, Query(ge=0, le=MAX_INT, description="The last next_cursor received; 0 at first.")
]


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def current_device(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Device:
    if credentials is None or not credentials.credentials:
        raise ApiError(
            401, "unauthenticated", "Send the device token as 'Authorization: Bearer <token>'."
        )
    token = credentials.credentials
    if len(token) > 200 or not token.isascii():
        raise ApiError(401, "unauthenticated", "The device token is not valid.")
    try:
        return auth.authenticate(engine_of(request), token)
    except auth.AuthError as exc:
        raise ApiError(401, "unauthenticated", str(exc)) from None


DeviceDep = Annotated[Device, Depends(current_device)]


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(
        title="CJIT central store",
        version=str(PROTOCOL_VERSION),
        description="The partnership's shared record; see docs/sync-protocol.md.",
    )
    app.state.engine = engine
    errors.install(app)
    _routes(app)
    return app


def _routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/v1/enrol", response_model=EnrolResponse, tags=["auth"])
    def enrol(body: EnrolRequest, request: Request) -> dict[str, Any]:
        try:
            device, token = auth.enrol(engine_of(request), body.code, body.device_name)
        except auth.AuthError as exc:
            raise ApiError(403, "enrolment_refused", str(exc)) from None
        return {"device_id": device.id, "token": token, "suite": device.suite}

    @app.post(
        "/v1/hello",
        response_model=HelloResponse,
        tags=["sync"],
        responses={426: {"description": "The client must be upgraded first"}},
    )
    def hello(body: HelloRequest, device: DeviceDep, request: Request) -> dict[str, Any]:
        if body.protocol_version < MIN_PROTOCOL_VERSION:
            raise ApiError(
                426,
                "upgrade_required",
                "This copy of CJIT Desk is too old to sync with the central store. Ask IT to "
                "upgrade it; your unsent work is kept on this workstation until then.",
                min_protocol_version=MIN_PROTOCOL_VERSION,
            )
        info = pull.store_info(engine_of(request))
        return {
            "ok": True,
            "protocol_version": PROTOCOL_VERSION,
            "min_protocol_version": MIN_PROTOCOL_VERSION,
            "server_time": iso(datetime.now(UTC)),
            "store_epoch": info.store_epoch,
            "device_id": device.id,
            "suite": device.suite,
        }

    @app.post(
        "/v1/push",
        response_model=PushResponse,
        tags=["sync"],
        responses={409: {"description": "Batch refused; nothing stored"}},
    )
    def push_batch(body: PushRequest, device: DeviceDep, request: Request) -> dict[str, Any]:
        if body.device_id != device.id:
            raise ApiError(403, "wrong_device", "device_id does not match the device token.")
        problems = [p for record in body.records for p in record.problems()]
        problems += _duplicate_ids(body)
        if problems:
            raise ApiError(
                422,
                "invalid_request",
                "The batch is not valid: " + "; ".join(problems[:5]),
                errors=[{"field": "records", "message": p} for p in problems],
            )
        try:
            return push.push(engine_of(request), device, body)
        except push.BatchRejected as exc:
            raise ApiError(
                409,
                "batch_rejected",
                f"The batch was refused, nothing was stored: {exc}",
                problems=exc.problems,
            ) from None

    @app.get("/v1/pull", response_model=PullResponse, tags=["sync"])
    def pull_changes(
        device: DeviceDep,
        request: Request,
        cursor: Cursor = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        epoch: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9a-f-]+$")] = None,
        type: Annotated[list[Literal[RECORD_TYPES]] | None, Query()] = None,  # type: ignore[valid-type]
    ) -> dict[str, Any]:
        return pull.pull(engine_of(request), device, cursor, limit, epoch, type)

    @app.get("/v1/counts", tags=["sync"])
    def counts(device: DeviceDep, request: Request) -> dict[str, Any]:
        return pull.counts(engine_of(request), device)

    @app.get("/v1/history", tags=["sync"])
    def positive_history(
        device: DeviceDep,
        request: Request,
        since: Annotated[str | None, Query(max_length=40, pattern=r"^\d{4}-\d{2}-\d{2}")] = None,
        pnc_id: Annotated[str | None, Query(max_length=40)] = None,
    ) -> dict[str, Any]:
        _valid_since(since)
        people = history.positive_history(engine_of(request), device.suite, since, pnc_id)
        return {"suite": device.suite, "people": people}

    @app.get("/v1/reports/monthly", tags=["reports"])
    def monthly_report(
        device: DeviceDep,
        request: Request,
        first: Annotated[str, Query(alias="from", max_length=7, description="YYYY-MM")],
        last: Annotated[str | None, Query(alias="to", max_length=7, description="YYYY-MM")] = None,
        format: Literal["json", "csv"] = "json",
    ) -> Any:
        try:
            month_range(first, last or first)
        except ValueError as exc:
            raise ApiError(
                422, "invalid_request", f"The report period is not valid: {exc}"
            ) from None
        rows = reports.monthly(engine_of(request), first, last or first, device.suite)
        if format == "csv":
            return PlainTextResponse(reports.to_csv(rows), media_type="text/csv")
        return {"suite": device.suite, "months": [vars(r) for r in rows]}


def _duplicate_ids(body: PushRequest) -> list[str]:
    seen: set[str] = set()
    dupes = {r.id for r in body.records if r.id in seen or seen.add(r.id)}
    return [
        f"record {i} appears more than once in the batch; send one version" for i in sorted(dupes)
    ]


def _valid_since(since: str | None) -> None:
    if since is None:
        return
    try:
        datetime.fromisoformat(since)
    except ValueError:
        raise ApiError(
            422, "invalid_request", f"since '{since}' is not an ISO date such as 2025-04-01"
        ) from None
