"""Each weakness, served for real on loopback, is found; the well-configured site raises none."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from liubu.assessment.scan import (
    Factor,
    FindingStatus,
    ScanResult,
    ScanStatus,
    Severity,
    Target,
    definition,
    scan,
)
from tests.integration.scan.conftest import Certificates, Site
from tests.integration.scan.dnszone import ZoneServer


@pytest.fixture(scope="module")
def results(
    zone: ZoneServer, certificates: Certificates, bad_site: Site, good_site: Site
) -> dict[str, ScanResult]:
    scanned = scan(
        [
            Target("bad.test", ports=tuple(bad_site.ports.values())),
            Target("good.test", ports=tuple(good_site.ports.values())),
        ],
        verified={"bad.test", "good.test"},
        services={**bad_site.services, **good_site.services},
        dns_server=zone.address,
        dkim_selectors=("sel1",),
        allow_private=True,
        deadline=60.0,
        per_probe_timeout=5.0,
        host_interval=0.0,
        ca_bundle=str(certificates.ca.cert_file),
    )
    return {result.target: result for result in scanned}


def _codes_at(result: ScanResult, port: int | None) -> set[str]:
    return {f.code for f in result.findings if f.evidence.port == port}


EXPECTED_BAD = {
    "https": {
        "tls.certificate_expired",
        "tls.self_signed",
        "tls.protocol_outdated",
        "tls.hostname_mismatch",
        "tls.weak_key",
        "http.missing_hsts",
        "http.missing_csp",
        "http.missing_x_frame_options",
        "http.missing_x_content_type_options",
        "http.missing_referrer_policy",
        "http.server_banner",
        "software.end_of_life",  # OpenSSL 1.0.2k: the 1.0.2 line ended 2019-12-31
    },
    "https_stranger": {"tls.untrusted_chain"},
    "https_expiring": {"tls.certificate_expiring"},
    "http": {
        "http.no_https_redirect",
        "http.missing_csp",
        "http.missing_x_frame_options",
        "http.missing_x_content_type_options",
        "http.missing_referrer_policy",
        "http.server_banner",
        "software.end_of_life",  # nginx 1.18 (2021-05-25) and PHP 7.4 (2022-11-28)
    },
    "rdp": {"service.rdp_exposed"},
    "redis": {"service.redis_exposed", "service.redis_no_auth"},
    "redis_auth": {"service.redis_exposed"},
    "telnet": {"service.telnet_exposed"},
    "mysql": {"service.database_exposed", "software.end_of_life"},  # MySQL 5.7: 2023-10-31
}


@pytest.mark.parametrize("role", sorted(EXPECTED_BAD))
def test_each_weak_listener_raises_exactly_its_findings(
    results: dict[str, ScanResult], bad_site: Site, role: str
) -> None:
    assert _codes_at(results["bad.test"], bad_site.ports[role]) == EXPECTED_BAD[role]


def test_the_weak_domain_has_permissive_spf_monitor_only_dmarc_and_no_caa(
    results: dict[str, ScanResult],
) -> None:
    assert _codes_at(results["bad.test"], None) == {
        "email.spf_permissive",
        "email.dmarc_p_none",
        "dns.no_caa",
        "email.dkim_missing",
    }


def test_the_well_configured_site_raises_no_finding_and_completes(
    results: dict[str, ScanResult],
) -> None:
    good = results["good.test"]
    assert [f.code for f in good.findings] == []
    assert good.timeouts == ()
    assert good.status is ScanStatus.COMPLETE


def test_tls_versions_seen_are_those_each_server_enables(
    results: dict[str, ScanResult], bad_site: Site, good_site: Site
) -> None:
    def offered(result: ScanResult, port: int) -> str:
        (value,) = [
            o.value for o in result.observations if o.port == port and o.name == "versions_offered"
        ]
        return value

    # The legacy server's context allows TLS 1.0 upward; the good one TLS 1.2 upward.
    assert offered(results["bad.test"], bad_site.ports["https"]).split()[:2] == [
        "TLSv1.0",
        "TLSv1.1",
    ]
    assert offered(results["good.test"], good_site.ports["https"]) == "TLSv1.2 TLSv1.3"


def test_findings_carry_vocabulary_severity_and_utc_evidence_from_the_scanner_address(
    results: dict[str, ScanResult],
) -> None:
    bad = results["bad.test"]
    for finding in bad.findings:
        entry = definition(finding.code)
        assert (finding.severity, finding.factor) == (entry.severity, entry.factor)
        assert finding.status is FindingStatus.DETECTED
        assert finding.remediation.zh
        assert finding.remediation.en
        evidence = finding.evidence
        assert evidence.observed_at.utcoffset() == timedelta(0)
        assert bad.started <= evidence.observed_at <= bad.finished
        assert ipaddress.ip_address(evidence.source).is_loopback
    rdp = next(f for f in bad.findings if f.code == "service.rdp_exposed")
    assert (rdp.severity, rdp.factor) == (Severity.CRITICAL, Factor.NETWORK_EXPOSURE)
    assert "protocol confirmed" in rdp.evidence.observed


def test_redis_evidence_quotes_the_reply_that_proves_no_authentication(
    results: dict[str, ScanResult], bad_site: Site
) -> None:
    (no_auth,) = [f for f in results["bad.test"].findings if f.code == "service.redis_no_auth"]
    assert no_auth.evidence.port == bad_site.ports["redis"]
    assert "+PONG" in no_auth.evidence.observed


def test_software_is_named_in_cpe_2_3_from_the_banners(results: dict[str, ScanResult]) -> None:
    cpes = {item.cpe for item in results["bad.test"].software}
    assert cpes == {
        "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
        "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*",
        "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:nginx:nginx:1.18.0:*:*:*:*:*:*:*",
        "cpe:2.3:a:php:php:7.4.3:*:*:*:*:*:*:*",
        "cpe:2.3:a:oracle:mysql:5.7.33:*:*:*:*:*:*:*",
    }
    assert results["good.test"].software == ()


def test_the_result_serialises_to_plain_data_with_its_settings(
    results: dict[str, ScanResult],
) -> None:
    data = results["bad.test"].to_dict()
    assert data["status"] == "complete"
    assert data["settings"]["allow_private"] is True  # type: ignore[index]
    findings = data["findings"]
    assert isinstance(findings, list)
    codes = [finding["code"] for finding in findings]
    assert codes == [f.code for f in results["bad.test"].findings]
