"""Security-header judgement on raw HTTP/1.1 responses."""

from __future__ import annotations

import pytest

from liubu.assessment.scan.http_probe import (
    HttpResponse,
    banner_findings,
    header_findings,
    parse_response,
    serves_html,
)

ALL_HEADERS = (
    b"Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\r\n"
    b"Content-Security-Policy: default-src 'self'\r\n"
    b"X-Frame-Options: SAMEORIGIN\r\n"
    b"x-content-type-options: nosniff\r\n"
    b"Referrer-Policy: no-referrer\r\n"
)


def _response(
    status: bytes, headers: bytes = b"", body: bytes = b"<!DOCTYPE html><p>hello</p>"
) -> HttpResponse:
    response = parse_response(b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n" + body)
    assert response is not None
    return response


def test_a_bare_page_misses_every_header_and_plain_http_is_not_asked_for_hsts() -> None:
    bare = _response(b"200 OK", b"Content-Type: text/html\r\n")
    codes = {code for code, _ in header_findings(bare, https=True)}
    assert codes == {
        "http.missing_hsts",
        "http.missing_csp",
        "http.missing_x_frame_options",
        "http.missing_x_content_type_options",
        "http.missing_referrer_policy",
    }
    assert "http.missing_hsts" not in {code for code, _ in header_findings(bare, https=False)}


def test_a_page_with_every_header_passes_whatever_their_case() -> None:
    assert header_findings(_response(b"200 OK", ALL_HEADERS), https=True) == []


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (b"Strict-Transport-Security: max-age=0", "http.missing_hsts"),  # RFC 6797 §6.1.1: off
        (b"X-Frame-Options: ALLOW-FROM https://a.example", "http.missing_x_frame_options"),
        (b"X-Content-Type-Options: sniff", "http.missing_x_content_type_options"),
    ],
)
def test_a_header_with_an_ineffective_value_counts_as_missing(header: bytes, code: str) -> None:
    headers = b"".join(
        line + b"\r\n"
        for line in ALL_HEADERS.split(b"\r\n")
        if line and not line.lower().startswith(header.split(b":")[0].lower())
    )
    found = header_findings(_response(b"200 OK", headers + header + b"\r\n"), https=True)
    assert [c for c, _ in found] == [code]


def test_csp_frame_ancestors_stands_in_for_x_frame_options() -> None:
    headers = ALL_HEADERS.replace(b"X-Frame-Options: SAMEORIGIN\r\n", b"").replace(
        b"default-src 'self'", b"default-src 'self'; frame-ancestors 'none'"
    )
    assert header_findings(_response(b"200 OK", headers), https=True) == []


def test_a_redirect_is_judged_on_hsts_alone() -> None:
    redirect = _response(b"301 Moved Permanently", b"Location: https://a.example/\r\n", b"")
    assert [c for c, _ in header_findings(redirect, https=True)] == ["http.missing_hsts"]
    assert header_findings(redirect, https=False) == []


def test_banners_count_when_they_carry_a_version_or_name_the_framework() -> None:
    page = _response(b"200 OK", b"Server: nginx\r\nX-Powered-By: Express\r\n")
    assert banner_findings(page) == [("http.server_banner", "X-Powered-By: Express")]
    versioned = _response(b"200 OK", b"Server: Apache/2.4.49 (Unix)\r\n")
    assert banner_findings(versioned) == [("http.server_banner", "Server: Apache/2.4.49 (Unix)")]


def test_a_non_http_reply_is_not_parsed() -> None:
    assert parse_response(b"SSH-2.0-OpenSSH_8.2p1\r\n") is None


@pytest.mark.parametrize(
    "value",
    [
        b'max-age="31536000"',  # RFC 6797 §6.1.1: the value may be a quoted-string
        b'MAX-AGE = "63072000"; includeSubDomains',  # directive names are case-insensitive
        b"includeSubDomains; max-age=31536000",
    ],
)
def test_a_quoted_or_reordered_hsts_max_age_is_accepted(value: bytes) -> None:
    headers = ALL_HEADERS.replace(b"max-age=63072000; includeSubDomains; preload", value)
    assert header_findings(_response(b"200 OK", headers), https=True) == []


def test_an_api_answering_json_is_asked_only_for_the_headers_that_apply_to_any_response() -> None:
    api = _response(b"200 OK", b"Content-Type: application/json; charset=utf-8\r\n", b"{}")
    assert not serves_html(api)
    assert {code for code, _ in header_findings(api, https=True)} == {
        "http.missing_hsts",
        "http.missing_x_content_type_options",
    }


@pytest.mark.parametrize(
    ("headers", "body", "html"),
    [
        (b"Content-Type: text/html; charset=utf-8\r\n", b"", True),
        (b"Content-Type: application/xhtml+xml\r\n", b"<?xml version='1.0'?>", True),
        (b"Content-Type: text/plain\r\n", b"<html>", False),  # the declared type wins
        (b"", b"  <html><body>x</body></html>", True),  # no type: sniffed (WHATWG §7.1)
        (b"", b'{"status": "ok"}', False),
    ],
)
def test_html_is_told_by_content_type_or_else_by_sniffing_the_body(
    headers: bytes, body: bytes, html: bool
) -> None:
    assert serves_html(_response(b"200 OK", headers, body)) is html
