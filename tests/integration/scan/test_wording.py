"""What the scan tells a host must fit the host: a site with no HTTPS is told to enable it, not
to redirect to it; an API answering JSON is not asked for page-only headers; a quoted HSTS
max-age is accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from liubu.assessment.scan import ScanResult, scan
from tests.integration.scan.conftest import GOOD_HEADERS, Certificates
from tests.integration.scan.servers import Listener, Page, http_handler, server_context, tls_handler

JSON = (("Content-Type", "application/json"),)


def _scan(services: dict[int, str], ca_bundle: str | None = None) -> ScanResult:
    return scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(services),
        services=services,
        allow_private=True,
        per_probe_timeout=3.0,
        deadline=20.0,
        host_interval=0.0,
        ca_bundle=ca_bundle,
    )[0]


@pytest.fixture
def plain_site() -> Iterator[Listener]:
    listener = Listener(http_handler({}, Page(headers=GOOD_HEADERS)))
    yield listener
    listener.stop()


def test_a_host_serving_no_https_is_told_to_enable_it_not_to_redirect_to_it(
    plain_site: Listener,
) -> None:
    result = _scan({plain_site.port: "http"})
    (finding,) = [f for f in result.findings if f.code.startswith("http.no_https")]
    assert finding.code == "http.no_https"
    assert finding.remediation.en.startswith("Enable HTTPS first")
    assert "serves no HTTPS to redirect to" in finding.evidence.observed
    assert "http.no_https_redirect" not in result.codes()


def test_a_host_that_serves_https_elsewhere_is_told_to_redirect(
    plain_site: Listener, certificates: Certificates
) -> None:
    context = server_context(certificates.good.cert_file, certificates.good.key_file)
    secure = Listener(tls_handler(context, http_handler({}, Page(headers=GOOD_HEADERS))))
    try:
        result = _scan(
            {plain_site.port: "http", secure.port: "https"}, str(certificates.ca.cert_file)
        )
    finally:
        secure.stop()
    assert result.codes() == {"http.no_https_redirect"}
    (finding,) = result.findings
    assert finding.remediation.en.startswith("Redirect every plain-HTTP request to HTTPS")


def test_an_api_answering_json_over_tls_raises_no_page_header_finding(
    certificates: Certificates,
) -> None:
    hsts = (("Strict-Transport-Security", 'max-age="31536000"'),)  # quoted, RFC 6797 §6.1.1
    page = Page(headers=(*JSON, *hsts, ("X-Content-Type-Options", "nosniff")), body=b"{}")
    context = server_context(certificates.good.cert_file, certificates.good.key_file)
    api = Listener(tls_handler(context, http_handler({}, page)))
    try:
        result = _scan({api.port: "https"}, str(certificates.ca.cert_file))
    finally:
        api.stop()
    assert result.codes() == set()
