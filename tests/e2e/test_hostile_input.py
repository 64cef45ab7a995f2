"""No input can hurt the server (issue 13, defects 3, 6, 9 and 10): the probe's requests against a
real uvicorn server on 127.0.0.1 — an alias bomb and an alias cycle, control characters, malformed
answers, oversized and endless bodies — each answered with a problem+json 4xx, quickly; an error
nobody handled is a 500 problem (or page) with the security headers and a request id."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import re
import socket
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from liubu.accounts.model import OrgKind, Role
from liubu.app import create_app
from liubu.bootstrap import Platform, bootstrap
from liubu.core import uscc_with_check
from tests.conftest import test_settings
from tests.e2e.browser import running_server
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant

PROBLEM = "application/problem+json"
SECURITY = ("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy")


def alias_bomb() -> str:
    """The probe's request body: seven levels of ten aliases (10**7 leaves once expanded)."""
    names = "abcdefgh"
    lines = ["a: &a [" + ",".join(["lol"] * 10) + "]"]
    for before, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def server(sqlite_platform: Platform) -> Iterator[str]:
    make_tenant(sqlite_platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    make_tenant(sqlite_platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    with running_server(sqlite_platform) as url:
        yield url


@dataclass
class Reply:
    status_code: int
    headers: http.client.HTTPMessage
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Client:
    """A plain HTTP/1.1 client on the standard library, one connection per request."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def post(
        self,
        path: str,
        *,
        json_body: object = None,
        form: dict[str, str] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = content if content is not None else json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request("POST", path, body=body, headers=sent)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read().decode())
        finally:
            connection.close()


def _token(client: Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/token", form={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _is_problem(response: Reply | Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    for header in SECURITY:
        assert header in response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_the_alias_bomb_is_refused_at_its_fifth_line_in_under_fifty_megabytes(server: str) -> None:
    """Refused where the expansion first passes the node bound (line 5), so the 10**7 leaves are
    never built: the traced peak says so, and no wall clock is asked (a loaded machine)."""
    client = Client(server)
    headers = _token(client, "insurer-a-actuary")
    bomb = alias_bomb()
    assert len(bomb) < 370
    # The server runs in this process: its parse is inside the traced allocations.
    tracemalloc.start()
    try:
        response = client.post("/api/risk/quantify", json_body={"model": bomb}, headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    body = _is_problem(response, 422)
    assert body["code"] == "bounded.too_many_nodes"
    # expanded sizes 11, 111, 1,111, 11,111, 111,111: line 5 is the first past 100,000 nodes
    assert body["location"] == "model.yaml:5"
    assert "column 4" in str(body["detail"])
    assert peak < 50 * 2**20


def test_an_alias_cycle_is_a_located_422_not_a_recursion_error(server: str) -> None:
    client = Client(server)
    headers = _token(client, "insurer-a-actuary")
    response = client.post("/api/risk/quantify", json_body={"model": "a: &a [*a]"}, headers=headers)
    deep = client.post(
        "/api/risk/quantify", json_body={"model": "[" * 50_000 + "]" * 50_000}, headers=headers
    )
    # 5,000 levels of JSON: more than the client's own encoder could write
    nested = b'{"model": ' + b'{"x": ' * 5_000 + b"1" + b"}" * 5_000 + b"}"
    as_json = client.post("/api/risk/quantify", content=nested, headers=headers)
    body = _is_problem(response, 422)
    assert body["code"] == "bounded.recursive"
    assert body["location"] == "model.yaml:1"
    assert _is_problem(deep, 422)["code"] == "bounded.too_deep"
    assert as_json.status_code in (400, 422), as_json.text
    _is_problem(as_json, as_json.status_code)


@pytest.mark.parametrize("character", ["\u0001", "\u001b", "\u0080", "\u009f", "\ufffe"])
def test_a_control_character_in_a_product_document_is_a_located_422(
    server: str, character: str
) -> None:
    client = Client(server)
    headers = _token(client, "insurer-a-actuary")
    response = client.post(
        "/api/products",
        json_body={"document": f"code: x\nname: a{character}b\n"},
        headers=headers,
    )
    body = _is_problem(response, 422)
    issues = body["issues"]
    assert isinstance(issues, list)
    assert issues[0]["line"] == 2


def _enterprise(client: Client, headers: dict[str, str]) -> str:
    body = {
        "name": "硬化测试企业",
        "uscc": str(uscc_with_check("91320500MA0000077")),
        "industry_section": "C",
        "industry_division": "39",
        "region_code": "320500",
        "annual_revenue": "30000000",
        "employees": 80,
        "mlps_level": 2,
    }
    response = client.post("/api/enterprises", json_body=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"x": {}}, "answers.x"),
        ({"x": {"value": 1, "evidence": 5}}, "answers.x.evidence"),
        ({"x": {"value": 1, "evidence": "abc"}}, "answers.x.evidence"),
        ({"x": {"value": 1, "extra": True}}, "answers.x"),
        ({"x": {"value": {"nested": 1}}}, "answers.x.value"),
    ],
    ids=["no_value", "evidence_number", "evidence_string", "unknown_key", "value_object"],
)
def test_malformed_answers_are_a_422_naming_the_field(
    server: str, answers: dict[str, object], field: str
) -> None:
    client = Client(server)
    headers = _token(client, "factory-enterprise_user")
    enterprise_id = _enterprise(client, headers)
    response = client.post(
        f"/api/enterprises/{enterprise_id}/answers",
        json_body={"answers": answers},
        headers=headers,
    )
    assert _is_problem(response, 422)["field"] == field


def _raw(url: str, request: bytes, *, then: Iterator[bytes] | None = None) -> tuple[bytes, int]:
    """Send ``request`` (and the chunks of ``then`` while the server listens) on a raw socket;
    return the server's reply and how many body bytes were sent before it answered."""
    parts = urlsplit(url)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        connection.settimeout(0.05)
        reply = b""
        for chunk in then or iter(()):
            with contextlib.suppress(TimeoutError):
                reply += connection.recv(65536)
            if reply:
                break
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        connection.settimeout(10)
        while b"\r\n\r\n" not in reply:
            data = connection.recv(65536)
            if not data:
                break
            reply += data
    return reply, sent


def test_a_fifty_megabyte_json_body_is_refused_from_its_content_length_without_reading_it(
    server: str,
) -> None:
    head = (
        b"POST /api/risk/quantify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
    )
    started = time.perf_counter()
    reply, _ = _raw(server, head + b'{"model": "')  # the rest is never sent
    elapsed = time.perf_counter() - started
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), reply[:300]
    assert b"application/problem+json" in rest
    assert elapsed < 1.0


def test_a_chunked_body_without_length_is_cut_off_at_the_cap(server: str) -> None:
    head = (
        b"POST /api/products HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    endless = (chunk for _ in range(50 * 16))  # 50 MiB if nobody stops it
    reply, sent = _raw(server, head, then=endless)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:300]
    # the document cap is 4 MiB; the socket buffers hold a little more in flight
    assert sent < 12 * 2**20


def test_a_multipart_upload_over_the_cap_is_refused_with_413(sqlite_platform: Platform) -> None:
    make_tenant(sqlite_platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    with TestClient(create_app(platform=sqlite_platform)) as client:
        token = client.post(
            "/api/auth/token", data={"username": "insurer-a-actuary", "password": PASSWORD}
        ).json()["access_token"]
        response = client.post(
            "/api/experience/imports",
            files={"file": ("big.csv", b"a" * (66 << 20), "text/csv")},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert _is_problem(response, 413)["reason"] == "too_large"


def test_an_unhandled_error_is_a_500_problem_with_headers_and_a_request_id(
    sqlite_platform: Platform,
) -> None:
    app = create_app(platform=sqlite_platform)

    @app.get("/api/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    @app.get("/broken-page")
    def broken_page() -> None:
        raise RuntimeError("a bug")

    # before the area pages, whose /{slug} would answer first
    app.router.routes.insert(0, app.router.routes.pop())

    with TestClient(app) as client:
        response = client.get("/api/broken", headers={"X-Request-ID": "probe-42"})
        page = client.get("/broken-page", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["X-Request-ID"] == "probe-42"
    for header in SECURITY:
        assert header in response.headers
    body = response.json()
    assert body["reason"] == "server_error"
    assert body["request_id"] == "probe-42"
    assert "a bug" not in response.text
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["X-Request-ID"] in page.text
    for header in SECURITY:
        assert header in page.headers


def test_production_sends_hsts_and_hides_the_api_docs(tmp_path: Path) -> None:
    settings = test_settings(f"sqlite:///{(tmp_path / 'liubu.db').as_posix()}", tmp_path)
    production = settings.model_copy(update={"env": "production"})
    platform = bootstrap(production, upgrade_schema=True)
    try:
        with TestClient(create_app(platform=platform)) as client:
            health = client.get("/healthz")
            hidden = [client.get(path) for path in ("/docs", "/openapi.json")]
            refused = client.post("/api/auth/token", data={"username": "x", "password": "y"})
    finally:
        platform.dispose()
    assert health.headers["Strict-Transport-Security"].startswith("max-age=")
    assert refused.headers["Strict-Transport-Security"].startswith("max-age=")
    for response in hidden:  # not served: the pages' catch-all asks for a sign-in, or 404
        assert response.status_code in (401, 404)
        assert "swagger" not in response.text.lower()
        assert '"openapi"' not in response.text


def test_development_sends_no_hsts_and_serves_the_docs(sqlite_platform: Platform) -> None:
    with TestClient(create_app(platform=sqlite_platform)) as client:
        health = client.get("/healthz")
        docs = client.get("/docs")
    assert "Strict-Transport-Security" not in health.headers
    assert docs.status_code == 200


def test_the_openapi_declares_each_operations_errors_as_problem_json(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    assert document["components"]["schemas"]["Problem"]["required"][:3] == [
        "type",
        "title",
        "status",
    ]
    assert "HTTPValidationError" not in json.dumps(document)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s >= "400"}
            assert "500" in errors, (method, path)
            for status, response in errors.items():
                assert list(response["content"]) == [PROBLEM], (method, path, status)
                schema = response["content"][PROBLEM]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}
    answers = document["paths"]["/api/enterprises/{enterprise_id}/answers"]["post"]
    assert {"400", "401", "403", "404", "409", "413", "422", "500"} <= set(answers["responses"])
    token = document["paths"]["/api/auth/token"]["post"]
    assert {"401", "422", "429"} <= set(token["responses"])
    listing = document["paths"]["/api/products"]["get"]
    assert "409" not in listing["responses"]
    assert "413" not in listing["responses"]


def test_a_value_the_database_cannot_hold_is_a_422_on_both_databases(
    api: Api, platform: Platform
) -> None:
    make_tenant(platform, OrgKind.PLATFORM, "Ops", Role.ADMIN)
    headers = api.headers("ops-admin")
    # A free-text label (organisation and enterprise names refuse control characters before
    # they reach the database: name.forbidden_characters)
    nul = api.client.post("/api/tokens", json={"name": "a\u0000b"}, headers=headers)
    # SQLite stores the NUL as any character; PostgreSQL refuses it, which must not be a 500
    if platform.settings.resolved_database_url.startswith("postgresql"):
        body = _is_problem(nul, 422)
        assert body["code"] == "request.value_not_storable"
        assert "SQL" not in nul.text
    else:
        assert nul.status_code == 201, nul.text


@pytest.mark.parametrize(
    ("model", "code"),
    [
        ("!!python/object:os.system x", "risk.yaml_syntax"),
        ("a: !!binary xx", "risk.yaml_syntax"),
        ("? [a]\n: 1", "risk.yaml_syntax"),
        ("{[a, b]: 1}", "risk.yaml_syntax"),
    ],
    ids=["python_tag", "bad_binary", "list_key", "flow_list_key"],
)
def test_a_model_with_an_unsafe_tag_or_a_list_key_is_a_located_422(
    sqlite_platform: Platform, model: str, code: str
) -> None:
    make_tenant(sqlite_platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    with TestClient(create_app(platform=sqlite_platform)) as client:
        token = client.post(
            "/api/auth/token", data={"username": "insurer-a-actuary", "password": PASSWORD}
        ).json()["access_token"]
        response = client.post(
            "/api/risk/quantify",
            json={"model": model},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = _is_problem(response, 422)
    assert body["code"] == code
    assert body["location"].startswith("model.yaml:1")


def test_an_answer_past_the_largest_float_is_a_422(server: str) -> None:
    client = Client(server)
    headers = _token(client, "factory-enterprise_user")
    enterprise_id = _enterprise(client, headers)
    response = client.post(
        f"/api/enterprises/{enterprise_id}/answers",
        content=b'{"answers": {"x": 1' + b"0" * 400 + b"}}",
        headers=headers,
    )
    assert _is_problem(response, 422)["code"] == "answers.bad_value"


def _page_csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_alias_bomb_through_the_risk_page_is_a_422_page_in_under_a_second(
    sqlite_platform: Platform,
) -> None:
    tenant = make_tenant(sqlite_platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    with TestClient(create_app(platform=sqlite_platform)) as client:
        token = _page_csrf(client.get("/login").text)
        client.post(
            "/login",
            data={"username": tenant.username, "password": PASSWORD, "csrf_token": token},
        )
        csrf = _page_csrf(client.get("/").text)
        started = time.perf_counter()
        page = client.post("/risk/run", data={"csrf_token": csrf, "model_text": alias_bomb()})
        elapsed = time.perf_counter() - started
        cycle = client.post("/risk/run", data={"csrf_token": csrf, "model_text": "a: &a [*a]"})
    assert page.status_code == 422
    assert 'data-testid="risk-error"' in page.text
    assert "model.yaml:5" in page.text
    assert elapsed < 1.0
    assert cycle.status_code == 422
    assert 'data-testid="risk-error"' in cycle.text


def test_a_web_form_upload_over_the_cap_is_refused_before_it_is_read(server: str) -> None:
    head = (
        b"POST /experience/import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 104857600\r\n\r\n"
    )
    started = time.perf_counter()
    reply, _ = _raw(server, head + b"--x\r\n")
    assert reply.startswith(b"HTTP/1.1 413"), reply[:300]
    assert time.perf_counter() - started < 1.0
    # a browser's form gets the error page, not the API's problem+json
    assert b"content-type: text/html" in reply.lower(), reply[:300]
