"""Every version match says how sure it is: a banner from a distribution's package gives
tentative CVE findings that say why and cost less; Redis without a password names its version."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from liubu.assessment import load_questionnaire, score
from liubu.assessment.scan import Confidence, ScanResult, scan
from liubu.assessment.vulnerabilities import vulnerability_findings
from liubu.intel import VulnerabilityIndex, load_paths
from tests.integration.scan.servers import (
    Listener,
    Page,
    banner_handler,
    http_handler,
    redis_server,
)

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
# Redis 7.2.4's reply to INFO server (abridged to its first lines, as the server words them).
REDIS_INFO = (
    b"# Server\r\nredis_version:7.2.4\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
    b"redis_build_id:4a3e4b2f1b0c2a5d\r\nredis_mode:standalone\r\nos:Linux 6.1.0-18-amd64 x86_64"
)


def _scan(services: dict[int, str]) -> ScanResult:
    return scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(services),
        services=services,
        allow_private=True,
        per_probe_timeout=3.0,
        deadline=20.0,
        host_interval=0.0,
    )[0]


@pytest.fixture(scope="module")
def result() -> Iterator[tuple[ScanResult, dict[str, int]]]:
    listeners = {
        "ssh": Listener(banner_handler(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n")),
        "http_debian": Listener(
            http_handler({}, Page(headers=(("Server", "Apache/2.4.49 (Debian)"),)))
        ),
        "http_upstream": Listener(
            http_handler({}, Page(headers=(("Server", "Apache/2.4.49 (Unix)"),)))
        ),
        "redis": Listener(redis_server(REDIS_INFO)),
    }
    kinds = {"ssh": "ssh", "http_debian": "http", "http_upstream": "http", "redis": "redis"}
    ports = {role: listener.port for role, listener in listeners.items()}
    yield _scan({ports[role]: kinds[role] for role in ports}), ports
    for listener in listeners.values():
        listener.stop()


def _software(result: ScanResult, port: int) -> list[tuple[str, str | None, Confidence]]:
    return sorted(
        (s.cpe, s.distribution, s.confidence) for s in result.software if s.evidence.port == port
    )


def test_a_debian_revision_banner_keeps_the_upstream_cpe_and_is_tentative(
    result: tuple[ScanResult, dict[str, int]],
) -> None:
    scanned, ports = result
    assert _software(scanned, ports["ssh"]) == [
        (
            "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*",
            "Debian-2+deb12u10",
            Confidence.TENTATIVE,
        )
    ]


def test_an_unauthenticated_redis_names_its_version_and_cpe(
    result: tuple[ScanResult, dict[str, int]],
) -> None:
    scanned, ports = result
    assert _software(scanned, ports["redis"]) == [
        ("cpe:2.3:a:redis:redis:7.2.4:*:*:*:*:*:*:*", None, Confidence.CONFIRMED)
    ]
    codes = {f.code for f in scanned.findings if f.evidence.port == ports["redis"]}
    assert codes == {"service.redis_exposed", "service.redis_no_auth"}


@pytest.fixture(scope="module")
def index() -> VulnerabilityIndex:
    # CISA KEV and the CVE 5 record of CVE-2024-38475 (Apache httpd mod_rewrite, ≤ 2.4.59).
    return VulnerabilityIndex.from_bundle(
        load_paths(
            [
                SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json",
                SHARED / "cve5_vulnrichment" / "kev_subset" / "CVE-2024-38475.json",
            ]
        )
    )


def test_a_cve_matched_on_a_distribution_package_is_tentative_says_why_and_costs_half(
    result: tuple[ScanResult, dict[str, int]], index: VulnerabilityIndex
) -> None:
    scanned, ports = result
    debian = [s for s in scanned.software if s.evidence.port == ports["http_debian"]]
    upstream = [s for s in scanned.software if s.evidence.port == ports["http_upstream"]]
    (tentative,), _ = vulnerability_findings(index, debian)
    (confirmed,), _ = vulnerability_findings(index, upstream)
    assert (tentative.code, confirmed.code) == ("vuln.known_exploited", "vuln.known_exploited")
    assert (tentative.confidence, confirmed.confidence) == (
        Confidence.TENTATIVE,
        Confidence.CONFIRMED,
    )
    assert tentative.caveat is not None
    assert confirmed.caveat is None
    assert "may be fixed by the distribution's security update" in tentative.caveat.en
    assert "Debian" in tentative.caveat.en
    assert "发行版的安全更新" in tentative.caveat.zh
    assert "confirm the package version" in tentative.evidence.observed

    questionnaire = load_questionnaire()
    alone = score([tentative], None, questionnaire=questionnaire)
    sure = score([confirmed], None, questionnaire=questionnaire)
    # A critical finding costs 0.75 of the factor's 20 points = 15; tentative weighs 0.5 → 7.5.
    assert sure.factor("vulnerabilities").points == Decimal(5)
    assert alone.factor("vulnerabilities").points == Decimal("12.5")
    assert "known_exploited_vulnerability" in {c.id for c in sure.caps}
    assert "known_exploited_vulnerability" not in {c.id for c in alone.caps}
    (reason,) = alone.factor("vulnerabilities").reasons
    assert reason.to_dict()["confidence"] == "tentative"
