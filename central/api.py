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

from central import anchors, auth, errors, exchange, history, pull, push, reports
from central.errors import ApiError
from central.gate import DEFAULT_MAX_BODY_BYTES, STATE_DEVICE, Gate
from central.models import Device
from central.ratelimit import EnrolLimiter
from central.record_types import MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, RECORD_TYPES
from central.schemas import (
    MAX_INT,
    MONTH_PATTERN,
    AnchorClaim,
    AnchorResponse,
    CountsResponse,
    DateText,
    EnrolRequest,
    EnrolResponse,
    HealthResponse,
    HelloRequest,
    HelloResponse,
    HistoryResponse,
    MonthlyResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    error_responses,
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
    """The device the gate authenticated (before the body was read); checked again here
    only if the gate was bypassed (an app built without it)."""
    device = getattr(request.state, STATE_DEVICE, None)
    if device is not None:
        return device
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


def create_app(
    engine: Engine,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    enrol_limiter: EnrolLimiter | None = None,
) -> FastAPI:
    app = FastAPI(
        title="CJIT central store",
        version=str(PROTOCOL_VERSION),
        description="The partnership's shared record; see docs/sync-protocol.md.",
    )
    app.state.engine = engine
    app.state.enrol_limiter = limiter = enrol_limiter or EnrolLimiter()
    errors.install(app)
    app.add_middleware(Gate, engine=engine, max_body_bytes=max_body_bytes, enrol_limiter=limiter)
    _routes(app)
    return app


AUTHENTICATED = error_responses(401, 422)


def _routes(app: FastAPI) -> None:
    @app.get("/healthz", response_model=HealthResponse, tags=["service"])
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.post(
        "/v1/enrol",
        response_model=EnrolResponse,
        tags=["auth"],
        responses=error_responses(403, 413, 422, 429),
        description="Wrong codes are limited per address and for the whole service, before "
        "the database is touched (429 with Retry-After); a code is withdrawn after "
        f"{auth.MAX_WRONG_CODES} wrong codes were tried while it was outstanding.",
    )
    def enrol(body: EnrolRequest, request: Request) -> dict[str, Any]:
        # Past the limit, the gate has already answered 429 (central/gate.py).
        limiter: EnrolLimiter = request.app.state.enrol_limiter
        address = request.client.host if request.client else "unknown"
        try:
            device, token = auth.enrol(engine_of(request), body.code, body.device_name)
        except auth.WrongCode as exc:
            limiter.failed(address)
            raise ApiError(403, "enrolment_refused", str(exc)) from None
        except auth.AuthError as exc:
            raise ApiError(403, "enrolment_refused", str(exc)) from None
        return {
            "device_id": device.id,
            "token": token,
            "suite": device.suite,
            "anchor_public_key": anchors.public_key(engine_of(request)),
        }

    @app.post(
        "/v1/hello",
        response_model=HelloResponse,
        tags=["sync"],
        responses=error_responses(401, 413, 422, 426),
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
        responses=error_responses(401, 403, 409, 413, 422),
        description="Records are checked one by one against the wire contract; a record that "
        "breaks it is listed in `refused` ({id, index, code, field, message}) and the others "
        "are stored (docs/sync-protocol.md 4). Protocol 3: `then` asks for the first pull "
        "page, the counts, the test history and the audit anchor in the same answer, read "
        "after the batch is committed (4.7).",
    )
    def push_batch(body: PushRequest, device: DeviceDep, request: Request) -> dict[str, Any]:
        if body.device_id != device.id:
            raise ApiError(403, "wrong_device", "device_id does not match the device token.")
        then = body.then
        try:  # protocol 3 (4.7): ``then`` is read after the batch's commit
            return push.push(
                engine_of(request),
                device,
                body,
                None if then is None else lambda bind: exchange.answer_then(bind, device, then),
            )
        except push.BatchIdReused as exc:
            raise ApiError(409, "batch_id_reused", str(exc)) from None

    @app.post(
        "/v1/anchor",
        response_model=AnchorResponse,
        tags=["sync"],
        responses=error_responses(401, 413, 422),
        description="After the push: the workstation's audit chain (length, head, team-leader "
        "key) against what the central store holds from it; a signed receipt of the latter "
        "(docs/security.md, the audit anchor).",
    )
    def audit_anchor(body: AnchorClaim, device: DeviceDep, request: Request) -> dict[str, Any]:
        return anchors.answer_claim(
            engine_of(request), device, body.audit_length, body.audit_head, body.tl_key
        )

    @app.get("/v1/pull", response_model=PullResponse, tags=["sync"], responses=AUTHENTICATED)
    def pull_changes(
        device: DeviceDep,
        request: Request,
        cursor: Cursor = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        epoch: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9a-f-]+$")] = None,
        type: Annotated[list[Literal[RECORD_TYPES]] | None, Query()] = None,  # type: ignore[valid-type]
        skip_own: Annotated[
            bool, Query(description="Leave out records whose current version this device wrote.")
        ] = False,
    ) -> PullResponse:
        return pull.pull(engine_of(request), device, cursor, limit, epoch, type, skip_own)

    @app.get(
        "/v1/counts",
        response_model=CountsResponse,
        tags=["sync"],
        responses=error_responses(401),
    )
    def counts(device: DeviceDep, request: Request) -> CountsResponse:
        return pull.counts(engine_of(request), device)

    @app.get("/v1/history", response_model=HistoryResponse, tags=["sync"], responses=AUTHENTICATED)
    def positive_history(
        device: DeviceDep,
        request: Request,
        since: Annotated[DateText | None, Query(description="YYYY-MM-DD")] = None,
        pnc_id: Annotated[str | None, Query(max_length=40)] = None,
    ) -> dict[str, Any]:
        people = history.positive_history(engine_of(request), device.suite, since, pnc_id)
        return {"suite": device.suite, "people": people}

    @app.get(
        "/v1/reports/monthly",
        response_model=MonthlyResponse,
        tags=["reports"],
        description="UK months `from`..`to` (default: `from` alone). A range that ends before "
        "it starts, or covers more than 10 years, is refused (422).",
        responses={
            **AUTHENTICATED,
            200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        },
    )
    def monthly_report(
        device: DeviceDep,
        request: Request,
        first: Annotated[str, Query(alias="from", pattern=MONTH_PATTERN, description="YYYY-MM")],
        last: Annotated[
            str | None, Query(alias="to", pattern=MONTH_PATTERN, description="YYYY-MM")
        ] = None,
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
