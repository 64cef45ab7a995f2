"""The HTTP probe: one ``GET /`` (plain or over TLS), security headers and server banners."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, replace
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import HTTP
from functools import cache

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.findings import Finding, make_finding
from liubu.assessment.scan.net import excerpt, receive, send_all
from liubu.assessment.scan.software import identify

USER_AGENT = "liubu-scan/0.1 (non-intrusive outside-in assessment)"
_HEAD_END = b"\r\n\r\n"
_VERSION_IN_BANNER = re.compile(r"\d+\.\d+")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The WHATWG MIME Sniffing standard (§7.1) reads a body starting with these tags as HTML.
_SNIFFED_HTML = re.compile(
    rb"^\s*<(!doctype html|html|head|body|script|iframe|title|div|p)[\s>]", re.I
)
_FILE = "http_headers.yaml"


@dataclass(frozen=True)
class HeaderRule:
    header: str
    finding: str
    https_only: bool
    required: re.Pattern[str] | None
    satisfied_by_csp: str | None
    on_redirects: bool
    html_only: bool


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Message
    body: bytes


@cache
def header_rules() -> tuple[HeaderRule, ...]:
    rows = require(load_table(_FILE), "headers", list, filename=_FILE, where="(top)")
    return tuple(
        HeaderRule(
            header=require(row, "header", str, filename=_FILE, where=f"headers[{index}]"),
            finding=require(row, "finding", str, filename=_FILE, where=f"headers[{index}]"),
            https_only=bool(row.get("https_only", False)),
            required=re.compile(row["required"], re.IGNORECASE) if "required" in row else None,
            satisfied_by_csp=row.get("satisfied_by_csp"),
            on_redirects=bool(row.get("on_redirects", False)),
            html_only=bool(row.get("html_only", False)),
        )
        for index, row in enumerate(rows)
    )


def parse_response(raw: bytes) -> HttpResponse | None:
    """Status, headers and whatever body arrived; None if ``raw`` is not an HTTP/1.x response."""
    head, _, body = raw.partition(_HEAD_END)
    status_line, _, header_block = head.partition(b"\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", status_line)
    if match is None:
        return None
    headers = BytesHeaderParser(policy=HTTP).parsebytes(header_block + _HEAD_END)
    return HttpResponse(int(match.group(1)), headers, body)


def _complete(data: bytes, *, want_body: bool) -> bool:
    head, separator, body = data.partition(_HEAD_END)
    if not separator:
        return False
    if not want_body:
        return True
    length = re.search(rb"(?im)^content-length:[ \t]*(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))


def request(
    sock: socket.socket,
    host_header: str,
    path: str,
    *,
    deadline: float,
    limit: float,
    want_body: bool = False,
    max_bytes: int = 65536,
) -> HttpResponse | None:
    """Send one ``GET`` and read the reply head; with ``want_body`` also the body (by its
    Content-Length, else until the server closes), never more than ``max_bytes``."""
    message = (
        f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    )
    send_all(sock, message.encode("ascii"), deadline, limit)
    raw = receive(
        sock,
        deadline,
        limit,
        stage="HTTP response",
        max_bytes=max_bytes,
        done=lambda data: _complete(data, want_body=want_body),
    )
    return parse_response(raw)


def serves_html(response: HttpResponse) -> bool:
    """Whether a browser would render the response as a page: its Content-Type says HTML, or
    there is none and the body starts like HTML (WHATWG MIME Sniffing §7.1)."""
    content_type = response.headers.get("Content-Type")
    if content_type is not None:
        return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES
    return _SNIFFED_HTML.match(response.body) is not None


def header_findings(response: HttpResponse, *, https: bool) -> list[tuple[str, str]]:
    """``(finding code, observation)`` for every missing or wrong security header.

    Redirects are judged only on the headers marked ``on_redirects`` (HSTS): the page they lead
    to carries the others. Headers marked ``html_only`` (CSP, framing, referrers) are judged only
    on responses that serve HTML: an API answering JSON has no page to frame or script.
    """
    found: list[tuple[str, str]] = []
    csp = (response.headers.get("Content-Security-Policy") or "").lower()
    redirect = response.status in _REDIRECTS
    page = serves_html(response)
    for rule in header_rules():
        if (rule.https_only and not https) or (redirect and not rule.on_redirects):
            continue
        if rule.html_only and not page:
            continue
        value = response.headers.get(rule.header)
        if rule.satisfied_by_csp and rule.satisfied_by_csp in csp:
            continue
        if value is None:
            found.append((rule.finding, f"HTTP {response.status} response has no {rule.header}."))
        elif rule.required is not None and not rule.required.search(value.strip()):
            found.append(
                (rule.finding, f"{rule.header}: {value!r} does not meet {rule.required.pattern!r}.")
            )
    return found


def banner_findings(response: HttpResponse) -> list[tuple[str, str]]:
    """Server and X-Powered-By headers that reveal software versions."""
    found = []
    for header in ("Server", "X-Powered-By"):
        value = response.headers.get(header)
        if value and (header == "X-Powered-By" or _VERSION_IN_BANNER.search(value)):
            found.append(("http.server_banner", f"{header}: {value}"))
    return found


def _plain_http_findings(response: HttpResponse) -> list[tuple[str, str]]:
    location = response.headers.get("Location") or ""
    if response.status in _REDIRECTS and location.lower().startswith("https://"):
        return []
    return [
        (
            "http.no_https_redirect",
            f"Plain HTTP answered {response.status}"
            + (f" to {location}" if location else "")
            + " instead of redirecting to HTTPS.",
        )
    ]


def without_https(finding: Finding) -> Finding:
    """``http.no_https_redirect`` restated for a host that serves no HTTPS on any scanned port:
    telling it to redirect to HTTPS would point to nothing, so it is told to enable HTTPS."""
    if finding.code != "http.no_https_redirect":
        return finding
    observed = finding.evidence.observed.replace(" instead of redirecting to HTTPS.", "")
    evidence = replace(
        finding.evidence,
        observed=f"{observed}; no scanned port of this host completed a TLS handshake, so it "
        "serves no HTTPS to redirect to.",
    )
    return make_finding("http.no_https", evidence)


def probe_http(ctx: ProbeContext, *, https: bool) -> None:
    """``GET /`` on ``ctx.port``; records headers, banners, software and findings."""
    assert ctx.port is not None
    host = ctx.server_name or ctx.address or ctx.target
    default_port = 443 if https else 80
    host_header = host if ctx.port == default_port else f"{host}:{ctx.port}"
    connection = ctx.connect_tls() if https else ctx.connect()
    with connection:
        # The body's start is needed to tell a page from an API answer when no Content-Type is sent.
        response = request(
            connection, host_header, "/", deadline=ctx.deadline(), limit=ctx.limit, want_body=True
        )
    if response is None:
        ctx.observe("http", "the reply was not an HTTP/1.x response")
        return
    ctx.observe("status", str(response.status))
    findings = header_findings(response, https=https) + banner_findings(response)
    if not https:
        findings += _plain_http_findings(response)
    for code, observed in findings:
        ctx.find(code, observed)
    for header in ("Server", "X-Powered-By"):
        value = response.headers.get(header)
        if value:
            ctx.observe(header, value)
            for found in identify("http", value):
                shown = excerpt(found.matched.encode("latin-1"))
                ctx.identify(found.cpe, f"{header}: {shown}", found.distribution)
