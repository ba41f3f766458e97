"""Every refusal answers with a body a person can read: ``{"detail", "code", "errors"?}``.

FastAPI's default 422 lists pydantic internals; here each problem becomes "where: what",
and an unexpected error is logged by type only (never the request body: personal data).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "header", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "request body"


def readable(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for error in errors:
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        if error.get("type") == "string_pattern_mismatch":
            from central.schemas import PATTERN_WORDS

            pattern = (error.get("ctx") or {}).get("pattern")
            message = PATTERN_WORDS.get(pattern, "is not written in the expected form")
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            out.append({"field": "request body", "message": f"is not valid JSON ({reason})"})
            continue
        out.append({"field": _where(tuple(error.get("loc", ()))), "message": message})
    return out


async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = readable(list(exc.errors()))
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    body = error_body(
        "invalid_request", f"The request is not valid: {summary}{more}", errors=problems
    )
    return JSONResponse(body, status_code=422)


async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return JSONResponse(
        error_body(exc.code, exc.detail, **exc.extra), status_code=exc.status, headers=headers
    )


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:  # FastAPI's "error parsing the body": bytes that are not JSON
        problems = [{"field": "request body", "message": "is not valid JSON (or not UTF-8)"}]
        body = error_body(
            "invalid_request",
            "The request is not valid: request body is not JSON.",
            errors=problems,
        )
        return JSONResponse(body, status_code=422)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    detail = (
        "The central store hit an unexpected error; the change was not stored. Try again later."
    )
    return JSONResponse(error_body("server_error", detail), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
