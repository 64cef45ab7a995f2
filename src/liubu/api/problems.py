"""The API's one error translator: every failure becomes RFC 9457 ``application/problem+json``.

Body fields: ``type`` (a URN per reason code), ``title``, ``status``, ``detail`` (the full
sentence), ``reason`` (stable code), ``code`` (the rule broken) and, where known, ``field``,
``value`` and ``location``. Nothing else about the server leaks.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from liubu.api.reasons import ApiCode
from liubu.errors import LiubuError, RateLimitedError, Reason

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    reason: str,
    code: str | None = None,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:liubu:problem:{reason}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "reason": reason,
        "code": code or reason,
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _liubu_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LiubuError)
    headers = {}
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return problem(
        error.status,
        error.message,
        reason=str(error.reason),
        code=error.code,
        instance=request.url.path,
        extra=error.detail,
        headers=headers,
    )


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = error.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(
            400,
            "The request body is not valid JSON.",
            reason=Reason.MALFORMED_REQUEST,
            instance=request.url.path,
        )
    first = errors[0] if errors else {}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    message = str(first.get("msg", "invalid value"))
    return problem(
        422,
        f"The field {field or 'input'} is invalid: {message}.",
        reason=Reason.INVALID,
        code=ApiCode.REQUEST_INVALID,
        instance=request.url.path,
        extra={
            "field": field,
            "errors": [
                {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg")}
                for e in errors
            ],
        },
    )


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    reasons = {
        401: Reason.UNAUTHENTICATED,
        403: Reason.FORBIDDEN,
        404: Reason.NOT_FOUND,
        413: Reason.TOO_LARGE,
    }
    reason = str(reasons.get(error.status_code, "http_error"))
    return problem(
        error.status_code,
        str(error.detail),
        reason=reason,
        instance=request.url.path,
        headers=getattr(error, "headers", None),
    )


async def _unstorable(request: Request, error: Exception) -> JSONResponse:
    """A value the schema let through but the database cannot hold (PostgreSQL refuses a NUL in
    text and an integer past its column's range): the client's input, so 422, not 500. The
    unit of work has rolled back; the driver's message (SQL, parameters) is not shown."""
    assert isinstance(error, DataError)
    return problem(
        422,
        "A value in the request cannot be stored: text with a NUL character, or a number "
        "outside the range the field holds.",
        reason=Reason.INVALID,
        code=ApiCode.VALUE_NOT_STORABLE,
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LiubuError, _liubu_error)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
