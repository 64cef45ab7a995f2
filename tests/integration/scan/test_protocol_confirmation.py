"""A service finding rests on a confirmed protocol: each service's documented harmless hello,
answered by a real loopback server speaking that protocol, raises the finding; a web server
on the same port raises only the informational ``service.unidentified``, which costs no point."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from decimal import Decimal

import pytest

from liubu.assessment import load_questionnaire, score
from liubu.assessment.scan import ScanResult, Severity, scan
from tests.integration.scan.servers import (
    ELASTICSEARCH_ROOT,
    Listener,
    Page,
    http_handler,
    mongodb_handler,
    mssql_handler,
    rdp_handler,
    smb_handler,
)

# The protocol servers answer only a well-formed request of their protocol, as real ones do.
SPEAKERS = {
    "rdp": rdp_handler,
    "smb": smb_handler,
    "mssql": mssql_handler,
    "mongodb": mongodb_handler,
    "elasticsearch": http_handler(
        {}, Page(headers=(("Content-Type", "application/json"),), body=ELASTICSEARCH_ROOT)
    ),
}
EXPECTED = {
    "rdp": "service.rdp_exposed",
    "smb": "service.smb_exposed",
    "mssql": "service.database_exposed",
    "mongodb": "service.database_exposed",
    "elasticsearch": "service.database_exposed",
}
WEB_PAGE = Page(headers=(("Content-Type", "text/html"),))
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def web_server(sock: socket.socket) -> None:
    """A web server as nginx behaves: a page for a GET, 400 at once for bytes that are not
    HTTP (it does not wait for a header block that will never come)."""
    first = sock.recv(4096)
    if not first.startswith(b"GET "):
        sock.sendall(BAD_REQUEST)
        return
    while b"\r\n\r\n" not in first:
        first += sock.recv(4096)
    lines = ["HTTP/1.1 200 OK", "Content-Type: text/html", f"Content-Length: {len(WEB_PAGE.body)}"]
    sock.sendall("\r\n".join([*lines, "Connection: close", "", ""]).encode() + WEB_PAGE.body)


def _scan(listeners: dict[str, Listener]) -> ScanResult:
    services = {listener.port: name for name, listener in listeners.items()}
    return scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(services),
        services=services,
        allow_private=True,
        per_probe_timeout=2.0,
        deadline=20.0,
        host_interval=0.0,
    )[0]


@pytest.fixture(scope="module")
def speaking() -> Iterator[tuple[ScanResult, dict[str, int]]]:
    listeners = {name: Listener(handler) for name, handler in SPEAKERS.items()}
    yield _scan(listeners), {name: listener.port for name, listener in listeners.items()}
    for listener in listeners.values():
        listener.stop()


@pytest.fixture(scope="module")
def impostors() -> Iterator[tuple[ScanResult, dict[str, int]]]:
    """A plain web server on each service's port: open, but none of those protocols."""
    listeners = {name: Listener(web_server) for name in SPEAKERS}
    yield _scan(listeners), {name: listener.port for name, listener in listeners.items()}
    for listener in listeners.values():
        listener.stop()


@pytest.mark.parametrize("service", sorted(SPEAKERS))
def test_a_server_that_speaks_the_protocol_raises_the_service_finding(
    speaking: tuple[ScanResult, dict[str, int]], service: str
) -> None:
    result, ports = speaking
    codes = {f.code for f in result.findings if f.evidence.port == ports[service]}
    assert codes == {EXPECTED[service]}
    (finding,) = [f for f in result.findings if f.evidence.port == ports[service]]
    assert f"protocol confirmed ({service})" in finding.evidence.observed


@pytest.mark.parametrize("service", sorted(SPEAKERS))
def test_a_web_server_on_the_port_raises_only_an_unidentified_open_port(
    impostors: tuple[ScanResult, dict[str, int]], service: str
) -> None:
    result, ports = impostors
    (finding,) = [f for f in result.findings if f.evidence.port == ports[service]]
    assert finding.code == "service.unidentified"
    assert finding.severity is Severity.INFO
    assert f"does not confirm {service}" in finding.evidence.observed


def test_an_http_server_on_3389_moves_neither_the_score_nor_the_grade(
    impostors: tuple[ScanResult, dict[str, int]],
) -> None:
    result, _ = impostors
    questionnaire = load_questionnaire()
    assert result.codes() == {"service.unidentified"}
    scored = score(result.findings, None, questionnaire=questionnaire)
    clean = score([], None, questionnaire=questionnaire)
    # Scan only: factors 1-5 are worth 20 + 20 + 7 + 8 + 5 = 60 points, none lost.
    assert (scored.value, scored.grade, scored.caps) == (Decimal(60), clean.grade, clean.caps)
    assert "rdp_exposed" not in {cap.id for cap in scored.caps}
    (reason,) = scored.factor("network_exposure").reasons
    assert (reason.ref, reason.points) == ("service.unidentified", 0)
    assert len(reason.assets) == len(SPEAKERS)


def test_the_elasticsearch_root_document_names_its_version(
    speaking: tuple[ScanResult, dict[str, int]],
) -> None:
    result, ports = speaking
    cpes = {s.cpe for s in result.software if s.evidence.port == ports["elasticsearch"]}
    assert cpes == {"cpe:2.3:a:elastic:elasticsearch:7.10.2:*:*:*:*:*:*:*"}
