"""The watch index finds exactly the watched assets an observation names: addresses exactly and
inside networks (against a loop over ``ipaddress`` networks), names under a watched domain, and
CVEs whose applicability (from the real CVE JSON 5 record, through liubu.intel) covers a watched
software version."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime

import numpy as np
import pytest

from liubu.intel import VulnerabilityIndex, load_cve5, parse_any_cpe
from liubu.monitoring import (
    AlertSeverity,
    AssetKind,
    IndicatorKind,
    MatchKind,
    Observation,
    WatchedAsset,
    WatchIndex,
    host_asset,
    match,
)
from tests.unit.monitoring.realdata import (
    APACHE_CVE,
    APACHE_CVE5,
    feodo_observation,
    feodo_rows,
    require_shared,
)

SEEN = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _asset(kind: AssetKind, value: str, *, policy: str = "LB1") -> WatchedAsset:
    return WatchedAsset(
        enterprise_id=f"e-{policy}",
        enterprise_name="示例企业",
        policy_id=f"p-{policy}",
        policy_number=policy,
        insurer_tenant_id="insurer",
        client_tenant_id="client",
        kind=kind,
        value=value,
        origin="asset",
    )


def _seen(kind: IndicatorKind, value: str, rule: str = "rule") -> Observation:
    return Observation(
        kind=kind,
        value=value,
        source="test",
        rule=rule,
        severity=AlertSeverity.HIGH,
        seen_at=SEEN,
        fingerprint=f"{kind}:{value}",
    )


def test_an_insured_feodo_address_matches_and_an_uninsured_one_does_not() -> None:
    require_shared()
    rows = feodo_rows()
    insured, uninsured = rows[0], rows[1]
    index = WatchIndex([_asset(AssetKind.IPV4, insured["dst_ip"])])
    found = list(match([feodo_observation(row) for row in rows], index))
    assert [(c.asset.value, c.match_kind) for c in found] == [(insured["dst_ip"], MatchKind.IP)]
    assert uninsured["dst_ip"] != insured["dst_ip"]


def test_a_name_under_a_watched_domain_matches_it_and_a_lookalike_does_not() -> None:
    index = WatchIndex([_asset(AssetKind.DOMAIN, "example.cn")])
    under = list(match([_seen(IndicatorKind.DOMAIN, "A.B.Example.CN.")], index))
    assert [(c.asset.value, c.match_kind) for c in under] == [("example.cn", MatchKind.SUBDOMAIN)]
    same = list(match([_seen(IndicatorKind.DOMAIN, "example.cn")], index))
    assert [c.match_kind for c in same] == [MatchKind.DOMAIN]
    for other in ("badexample.cn", "example.cn.evil.com", "cn"):
        assert not list(match([_seen(IndicatorKind.DOMAIN, other)], index)), other


def test_a_url_matches_by_its_host() -> None:
    index = WatchIndex(
        [_asset(AssetKind.DOMAIN, "example.cn"), _asset(AssetKind.IPV4, "192.0.2.7")]
    )
    hosts = list(match([_seen(IndicatorKind.URL, "http://shop.example.cn/login")], index))
    assert [c.asset.value for c in hosts] == ["example.cn"]
    addresses = list(match([_seen(IndicatorKind.URL, "https://192.0.2.7:8443/x")], index))
    assert [(c.asset.value, c.match_kind) for c in addresses] == [("192.0.2.7", MatchKind.IP)]


def test_an_address_inside_a_watched_network_matches_it() -> None:
    index = WatchIndex([_asset(AssetKind.CIDR, host_asset("203.0.113.0/24")[1])])
    inside = list(match([_seen(IndicatorKind.IPV4, "203.0.113.200")], index))
    assert [(c.asset.value, c.match_kind) for c in inside] == [("203.0.113.0/24", MatchKind.CIDR)]
    assert not list(match([_seen(IndicatorKind.IPV4, "203.0.114.1")], index))


def test_networks_are_found_as_a_loop_over_every_network_finds_them() -> None:
    """Overlapping and nested networks of both IP versions, random addresses: the bisect index
    agrees with ``address in network`` over every network."""
    rng = random.Random(19)
    networks = []
    for _ in range(300):
        if rng.random() < 0.8:
            base = ipaddress.IPv4Address(rng.randrange(0x0A000000, 0x0A100000))
            networks.append(ipaddress.ip_network(f"{base}/{rng.randint(12, 30)}", strict=False))
        else:
            base6 = ipaddress.IPv6Address((0x20010DB8 << 96) + rng.randrange(2**40))
            networks.append(ipaddress.ip_network(f"{base6}/{rng.randint(88, 124)}", strict=False))
    assets = [_asset(AssetKind.CIDR, str(n), policy=f"LB{i}") for i, n in enumerate(networks)]
    index = WatchIndex(assets)
    for _ in range(2000):
        if rng.random() < 0.8:
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(
                rng.randrange(0x0A000000, 0x0A100000)
            )
            kind = IndicatorKind.IPV4
        else:
            address = ipaddress.IPv6Address((0x20010DB8 << 96) + rng.randrange(2**40))
            kind = IndicatorKind.IPV6
        expected = sorted(
            a.policy_number for a, n in zip(assets, networks, strict=True) if address in n
        )
        found = sorted(c.asset.policy_number for c in match([_seen(kind, str(address))], index))
        assert found == expected, address


@pytest.fixture(scope="module")
def apache_index() -> VulnerabilityIndex:
    require_shared()
    return VulnerabilityIndex.from_records(cve5=load_cve5(APACHE_CVE5).records)


def _apache(version: str) -> str:
    return f"cpe:2.3:a:apache:http_server:{version}:*:*:*:*:*:*:*"


def test_a_kev_cve_matches_the_software_versions_its_record_names(
    apache_index: VulnerabilityIndex,
) -> None:
    # CISA's ADP record: 2.4.0 ≤ version ≤ 2.4.59 is affected
    watched = {v: _asset(AssetKind.CPE, _apache(v), policy=v) for v in ("2.4.49", "2.4.59")}
    safe = [_asset(AssetKind.CPE, _apache(v), policy=v) for v in ("2.4.60", "2.2.34")]
    other = _asset(AssetKind.CPE, "cpe:2.3:a:nginx:nginx:1.18.0:*:*:*:*:*:*:*", policy="ng")
    index = WatchIndex([*watched.values(), *safe, other], vulnerabilities=apache_index)
    found = list(match([_seen(IndicatorKind.CVE, APACHE_CVE)], index))
    assert sorted(c.asset.policy_number for c in found) == ["2.4.49", "2.4.59"]
    assert {c.match_kind for c in found} == {MatchKind.CVE}
    assert {c.detail for c in found} == {_apache("2.4.49"), _apache("2.4.59")}


def test_a_cve_intel_does_not_know_matches_nothing(apache_index: VulnerabilityIndex) -> None:
    index = WatchIndex([_asset(AssetKind.CPE, _apache("2.4.49"))], vulnerabilities=apache_index)
    assert not list(match([_seen(IndicatorKind.CVE, "CVE-1999-0001")], index))
    without_intel = WatchIndex([_asset(AssetKind.CPE, _apache("2.4.49"))])
    assert not list(match([_seen(IndicatorKind.CVE, APACHE_CVE)], without_intel))


def test_host_names_are_classified_and_normalised() -> None:
    assert host_asset("192.0.2.1") == (AssetKind.IPV4, "192.0.2.1")
    assert host_asset("2001:DB8::0:1") == (AssetKind.IPV6, "2001:db8::1")
    assert host_asset("Shop.Example.CN.") == (AssetKind.DOMAIN, "shop.example.cn")
    assert host_asset("203.0.113.9/24") == (AssetKind.CIDR, "203.0.113.0/24")


def test_every_cve_matches_the_assets_intels_per_asset_matching_finds() -> None:
    """On the real NVD and CVE JSON 5 data: for about 1,600 software names with versions near the
    criteria's bounds (seeded), the watch index's CVE matches are exactly the pairs that
    ``VulnerabilityIndex.hits`` finds asset by asset (including AND configurations)."""
    require_shared()
    from benchmarks.intel_bench import synthetic_assets

    from liubu.intel import load_nvd
    from tests.unit.monitoring.realdata import SHARED

    responses = SHARED / "nvd_api2_nvd-go" / "responses"
    nvd = [
        r
        for p in sorted([*responses.glob("cves-*.json"), *responses.glob("cve-*.json")])
        for r in load_nvd(p).records
    ]
    cve5 = [
        r for p in sorted((SHARED / "cve5_vulnrichment").rglob("CVE-*.json"))
        for r in load_cve5(p).records
    ]  # fmt: skip
    intel = VulnerabilityIndex.from_records(nvd=nvd, cve5=cve5)
    rng = np.random.default_rng(19)
    names = {c.formatted for cpes in synthetic_assets(intel, 800, rng) for c in cpes}
    assets = [_asset(AssetKind.CPE, name, policy=f"LB{i}") for i, name in enumerate(names)]
    expected = {
        (hit.cve_id, asset.policy_number)
        for asset in assets
        for hit in intel.hits([parse_any_cpe(asset.value)], assume_platforms=True)
    }
    index = WatchIndex(assets, vulnerabilities=intel)
    cves = [_seen(IndicatorKind.CVE, v.cve_id) for v in intel.vulnerabilities]
    found = {(c.observation.value, c.asset.policy_number) for c in match(cves, index)}
    assert len(expected) > 100
    assert found == expected
