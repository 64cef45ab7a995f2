"""The OpenAPI document with the errors each operation can answer, as RFC 9457 problems.

FastAPI declares only a 422 with its own ``HTTPValidationError`` body, which the API never sends.
Here every operation instead lists, under ``application/problem+json`` with one ``Problem``
schema, the statuses that apply to it:

- 400 (body not parseable), 413 (body over its cap) and 422 (body refused) for a request body;
- 422 for any parameter, 404 for a record named in the path, the query or a signed-in body;
- 401 and 403 for a signed-in operation, 409 for one that changes state;
- 401 and 429 for the token endpoint (bad credentials, too many failures), 429 for the password
  change (a wrong current password counts as a failed sign-in);
- 503 for the readiness probe;
- 500 everywhere: the last-resort answer, with the request id to quote.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from liubu.api.problems import PROBLEM_JSON

_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; clients switch on `code`.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "reason", "code"],
    "properties": {
        "type": {"type": "string", "description": "urn:liubu:problem:<reason>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "The full sentence."},
        "reason": {"type": "string", "description": "Stable generic reason (docs/errors.md)."},
        "code": {"type": "string", "description": "Stable code of the rule refused."},
        "instance": {"type": "string"},
        "field": {"type": "string"},
        "location": {"type": "string", "description": "file:line of a located error"},
        "request_id": {"type": "string", "description": "Set on a 500: quote it."},
        "limit": {"type": "integer", "description": "Set on a 413: the cap in bytes."},
    },
    "additionalProperties": True,
}
_DESCRIPTIONS = {
    "400": "The body is not valid JSON (or not a valid form).",
    "401": "Not signed in, or the credentials are wrong or expired.",
    "403": "Signed in, but the role or organisation may not do this.",
    "404": "No such record of yours (another tenant's is not revealed).",
    "409": "A duplicate, a stale version or a state that forbids the change.",
    "413": "The body is larger than this operation accepts.",
    "422": "The input was refused; `field` (and `location` for files) say where.",
    "429": "Too many failed attempts; retry after `Retry-After` seconds.",
    "500": "An error nobody handled; the trace is logged under `request_id`.",
    "503": "Not ready: the database does not answer.",
}
_CHANGES = {"post", "put", "patch", "delete"}
_TOKEN = "/api/auth/token"  # noqa: S105 - a path, not a secret
_PASSWORD = "/api/me/password"  # noqa: S105 - a path, not a secret


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    """The error statuses that apply to one operation (see the module docstring)."""
    statuses = {"500"}
    parameters = operation.get("parameters", [])
    if "requestBody" in operation:
        statuses |= {"400", "413", "422"}
    if parameters:
        statuses.add("422")
    if any(p.get("in") in ("path", "query") for p in parameters):
        statuses.add("404")
    if operation.get("security"):
        statuses |= {"401", "403"}
        if method in _CHANGES:
            statuses.add("409")
        if "requestBody" in operation:  # a body that names a product, an enterprise, …
            statuses.add("404")
    if path == _TOKEN:
        statuses |= {"401", "429"}
    if path == _PASSWORD:
        statuses.add("429")
    if path == "/readyz":
        statuses.add("503")
    return statuses


def problem_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with problem+json error responses, built once."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = _PROBLEM_SCHEMA
    reference = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(path, method, operation)):
                responses[status] = {
                    "description": _DESCRIPTIONS[status],
                    "content": {PROBLEM_JSON: reference},
                }
    # FastAPI's validation error bodies are never sent: their schemas go with their responses.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document


def install_openapi(app: FastAPI) -> None:
    app.openapi = lambda: problem_openapi(app)  # type: ignore[method-assign]
