"""The gate every request passes before any handler sees it (ASGI middleware).

1. **Authentication before the body.** A request to ``/v1/…`` (all but ``/v1/enrol``) must
   carry a valid device token; without one it is answered 401 from its headers alone, and not
   one byte of its body is read — a 300 MB upload without a token costs the server nothing.
2. **A body limit on the bytes actually streamed.** ``Content-Length`` is only a hint: the
   body is counted as it arrives, chunked or not, and the request is answered 413 the moment
   it passes the limit. Nothing beyond the limit is ever held in memory.

3. **Wrong enrolment codes** (``central.ratelimit``): an address or a service past its limit is
   answered 429 from the headers, before its body is read or any handler runs.

The refusals close the connection (``Connection: close``), so the client's remaining upload is
dropped by the server rather than read. The device found is left in the request's state for
the handlers (``api.current_device``), so a request is authenticated once.
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central import auth
from central.errors import error_body
from central.ratelimit import EnrolLimiter

DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024  # a push batch
SMALL_BODY_BYTES = 64 * 1024  # enrol, hello: a few short strings
PUBLIC = frozenset({"/v1/enrol"})
STATE_DEVICE = "device"


class Gate:
    def __init__(
        self,
        app: ASGIApp,
        engine: Engine,
        max_body_bytes: int,
        enrol_limiter: EnrolLimiter | None = None,
    ) -> None:
        self.app, self.engine, self.max_body_bytes = app, engine, max_body_bytes
        self.enrol_limiter = enrol_limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path == "/v1/enrol" and self.enrol_limiter is not None:
            # 3. Wrong enrolment codes: turned away from the headers, before the body is read
            # or anything else runs (central/ratelimit.py); the handler counts the failures.
            refusal = _too_many(self.enrol_limiter, client_address(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        if path.startswith("/v1/") and path not in PUBLIC:
            refusal = await self._authenticate(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        limit = self.max_body_bytes if path == "/v1/push" else SMALL_BODY_BYTES
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, limit, _declared_length(scope))
        if body is None:  # the client went away
            return
        if isinstance(body, JSONResponse):
            await body(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _authenticate(self, scope: Scope) -> JSONResponse | None:
        token = _bearer(scope)
        if token is None:
            return _refuse(
                401,
                "unauthenticated",
                "Send the device token as 'Authorization: Bearer <token>'.",
            )
        if len(token) > 200 or not token.isascii():
            return _refuse(401, "unauthenticated", "The device token is not valid.")
        try:
            device = await run_in_threadpool(auth.authenticate, self.engine, token)
        except auth.AuthError as exc:
            return _refuse(401, "unauthenticated", str(exc))
        scope.setdefault("state", {})[STATE_DEVICE] = device
        return None


def client_address(scope: Scope) -> str:
    """The client's address (uvicorn has already put a trusted proxy's X-Forwarded-For here)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _too_many(limiter: EnrolLimiter, address: str) -> JSONResponse | None:
    wait = limiter.retry_after(address)
    if wait is None:
        return None
    return _refuse(
        429,
        "too_many_attempts",
        f"Too many wrong enrolment codes were tried from here. Wait {wait} seconds, then type "
        "the code again carefully.",
        retry_after=wait,
    )


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials.strip():
                return credentials.strip()
            return None
    return None


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _too_large(limit: int) -> JSONResponse:
    return _refuse(
        413,
        "too_large",
        f"The request body must be at most {limit} bytes; send fewer records per batch.",
        max_bytes=limit,
    )


async def _read_body(
    receive: Receive, limit: int, declared: int | None
) -> bytes | JSONResponse | None:
    if declared is not None and declared > limit:
        return _too_large(limit)  # said so up front: not one byte read
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, handed to the app as one message; then the real channel."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _refuse(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    headers = {"Connection": "close"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(error_body(code, detail, **extra), status_code=status, headers=headers)
