"""The outermost layer of every HTTP response (API, pages, static files, docs): a request id,
the security headers, body size limits and the last-resort handler of unhandled errors.

A pure ASGI middleware rather than ``@app.middleware("http")``: it sees every response,
including those it makes itself (413, 500), and a body it refuses is never read into memory.

- **Request id.** A client's ``X-Request-ID`` (up to 64 of ``[A-Za-z0-9._-]``) or a new one;
  echoed on every response and written into the log line of an unhandled error, so a user can
  quote it and an operator find the trace.
- **Body limits** (:class:`BodyLimits`, docs: README "Configuration"). A declared
  ``Content-Length`` over the route's cap is refused (413) before a byte is read; a body
  without one (chunked) is cut off when it passes the cap. Refusal inside the app is raised as
  :class:`BodyTooLarge` (an ``HTTPException``, which FastAPI's body parsing lets through).
- **Unhandled errors** become a 500 ``application/problem+json`` (or, for a browser, the error
  page) naming the request id, with the security headers; the trace goes to the log only.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liubu.api.problems import problem
from liubu.errors import Reason

log = logging.getLogger("liubu.http")

REQUEST_ID = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}
# Two years, as the HSTS preload list asks; sent only when the settings say production (served
# behind TLS), never in development on plain http://127.0.0.1.
HSTS = "max-age=63072000; includeSubDomains"

# Routes that take more than a small JSON body, by method and path: product documents and risk
# models (YAML text, also as a web form), reserving triangles, and the bulk personal-policy
# import file.
_DOCUMENT_ROUTES = frozenset(
    {
        ("POST", "/api/products"),
        ("POST", "/api/risk/quantify"),
        ("POST", "/risk/run"),
        ("POST", "/api/reserving"),  # a 200 × 200 triangle as JSON cells is some 2.5 MB
    }
)
# Bulk uploads: the personal-policy CSV, and security events (NDJSON, often gzip; the route
# caps them again once decompressed).
_IMPORT_ROUTES = frozenset(
    {("POST", "/api/personal-policies/imports"), ("POST", "/api/monitoring/events")}
)

HtmlErrorPage = Callable[[Request, int, str], Response]
WantsHtml = Callable[[Request], bool]


@dataclass(frozen=True)
class BodyLimits:
    """Request body caps in bytes (``LIUBU_MAX_*_BYTES``)."""

    body: int = 1 << 20  # JSON and urlencoded forms
    document: int = 4 << 20  # product documents and risk models
    upload: int = 65 << 20  # any multipart upload (experience files are up to 64 MiB)
    personal_import: int = 256 << 20  # the bulk personal-policy CSV

    def for_request(self, method: str, path: str, content_type: str) -> int:
        route = (method, path.rstrip("/") or "/")
        if route in _IMPORT_ROUTES:
            return self.personal_import
        if route in _DOCUMENT_ROUTES:
            return max(self.document, self.upload if _multipart(content_type) else 0)
        if _multipart(content_type):
            return self.upload
        return self.body


def _multipart(content_type: str) -> bool:
    return content_type.lower().startswith("multipart/form-data")


class BodyTooLarge(HTTPException):
    """The body passed the route's cap while it was being read (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the {limit:,} bytes allowed here.")
        self.limit = limit


def too_large(path: str, limit: int) -> Response:
    return problem(
        413,
        f"The request body is larger than the {limit:,} bytes allowed here.",
        reason=Reason.TOO_LARGE,
        instance=path,
        extra={"limit": limit},
        headers={"Connection": "close"},
    )


class HttpGuard:
    """See the module docstring. ``html_error`` renders the error page for a browser
    (``wants_html``); without them every error is problem+json."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: BodyLimits | None = None,
        hsts: bool = False,
        html_error: HtmlErrorPage | None = None,
        wants_html: WantsHtml | None = None,
    ) -> None:
        self.app = app
        self.limits = limits or BodyLimits()
        self.hsts = hsts
        self.html_error = html_error
        self.wants_html = wants_html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get(REQUEST_ID, "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                self._decorate(MutableHeaders(scope=message), path, request_id)
            await send(message)

        limit = self.limits.for_request(scope["method"], path, headers.get("content-type", ""))
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response: Response
            if not declared.isdigit():
                response = problem(
                    400,
                    "The Content-Length header is not a number.",
                    reason=Reason.MALFORMED_REQUEST,
                    instance=path,
                )
            else:
                response = self._error(scope, 413, request_id, too_large(path, limit))
            await response(scope, receive, guarded_send)
            return

        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except BodyTooLarge as error:  # read outside a route (e.g. a middleware's form)
            if not started:
                response = self._error(scope, 413, request_id, too_large(path, error.limit))
                await response(scope, receive, guarded_send)
        except Exception:
            log.exception("unhandled error, request %s: %s %s", request_id, scope["method"], path)
            if not started:
                response = self._error(scope, 500, request_id, server_error(path, request_id))
                await response(scope, receive, guarded_send)

    def _decorate(self, headers: MutableHeaders, path: str, request_id: str) -> None:
        for name, value in SECURITY_HEADERS.items():
            if path.startswith("/docs") and name == "Content-Security-Policy":
                continue  # Swagger UI runs an inline script of its own
            headers.setdefault(name, value)
        if self.hsts:
            headers.setdefault("Strict-Transport-Security", HSTS)
        headers[REQUEST_ID] = request_id

    def _error(self, scope: Scope, status: int, request_id: str, problem: Response) -> Response:
        """The guard's own error (413, 500): the error page for a browser, else ``problem``."""
        request = Request(scope)
        if self.html_error is not None and self.wants_html is not None:
            try:
                if self.wants_html(request):
                    return self.html_error(request, status, request_id)
            except Exception:  # the page itself failed: the problem below still answers
                log.exception("error page failed, request %s", request_id)
        return problem


def server_error(path: str, request_id: str) -> Response:
    extra: dict[str, Any] = {"request_id": request_id}
    return problem(
        500,
        f"Something went wrong on our side. Quote the request id {request_id} when you report it.",
        reason=Reason.SERVER_ERROR,
        instance=path,
        extra=extra,
    )
