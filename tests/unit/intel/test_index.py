"""The vulnerability index: same findings as the linear baseline, enriched, and idempotent."""

from __future__ import annotations

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.intel import (
    ConfigNode,
    Configuration,
    Cpe,
    CpeCriterion,
    IntelBundle,
    Vulnerability,
    VulnerabilityIndex,
    load_paths,
    match_linear,
    parse_cpe,
)

from .conftest import EPSS_BY_YEAR, FEEDS, KEV, NVD


def _random_version(rng: np.random.Generator, criterion: CpeCriterion) -> str:
    """A version near the criterion's bounds (on them, just past them) or a random one."""
    anchors = [b for b in criterion.bounds if b] or [criterion.criteria.version]
    anchor = str(rng.choice(anchors)).replace("\\", "")
    if anchor in ("*", "-") or rng.random() < 0.3:
        return ".".join(str(int(x)) for x in rng.integers(0, 12, size=int(rng.integers(1, 4))))
    digits = [int(part) if part.isdigit() else 0 for part in anchor.split(".")]
    digits[-1] = max(0, digits[-1] + int(rng.integers(-1, 2)))
    return ".".join(map(str, digits))


def synthetic_assets(
    index: VulnerabilityIndex, count: int, rng: np.random.Generator
) -> list[list[Cpe]]:
    products = sorted(index.products())
    assets = []
    for _ in range(count):
        names = []
        for _ in range(int(rng.integers(1, 4))):
            key = products[int(rng.integers(len(products)))]
            criteria = index.vulnerable_criteria(key)
            criterion = criteria[int(rng.integers(len(criteria)))]
            base = Cpe((criterion.criteria.part, *key, *("*",) * 8))
            names.append(base.with_version(_random_version(rng, criterion)))
        assets.append(names)
    return assets


@pytest.mark.parametrize("assume_platforms", [False, True])
def test_index_and_linear_scan_find_the_same_cves_on_random_assets(
    index: VulnerabilityIndex, assume_platforms: bool
) -> None:
    assets = synthetic_assets(index, 150, np.random.default_rng(20240))
    found = 0
    for cpes in assets:
        by_index = index.hits(cpes, assume_platforms=assume_platforms)
        linear = match_linear(cpes, index.vulnerabilities, assume_platforms=assume_platforms)
        assert by_index == linear
        found += len(by_index)
    assert found > 50  # the sample exercises real matches, not only misses


def test_a_bitbucket_banner_gets_cve_2022_43781_with_cvss_and_epss(
    index: VulnerabilityIndex,
) -> None:
    banner = parse_cpe("cpe:2.3:a:atlassian:bitbucket:7.6.18:*:*:*:*:*:*:*")
    (match,) = [m for m in index.match(banner) if m.cve_id == "CVE-2022-43781"]
    rows = (EPSS_BY_YEAR / "CVE_2022_EPSS.csv").read_text().splitlines()
    _, epss, percentile = next(r for r in rows if r.startswith("CVE-2022-43781;")).split(";")
    assert (match.epss, match.epss_percentile) == (float(epss), float(percentile))
    assert (match.base_score, match.severity) == (9.8, "CRITICAL")
    catalogue = (KEV / "known_exploited_vulnerabilities.csv").read_text(encoding="utf-8")
    assert match.in_kev is ("CVE-2022-43781" in catalogue)
    assert index.match(parse_cpe("cpe:2.3:a:atlassian:bitbucket:7.6.19:*:*:*:*:*:*:*")) == []


def test_known_exploited_cves_come_first_with_their_ransomware_flag(
    index: VulnerabilityIndex, bundle: IntelBundle
) -> None:
    ransomware = {e.cve_id for e in bundle.kev if e.ransomware}
    vulnerable = [v for v in index.vulnerabilities if v.cve_id in ransomware and v.configurations]
    assert vulnerable
    criterion = next(c for c in vulnerable[0].configurations[0].criteria if c.vulnerable)
    version = criterion.version_start_including or "0.1"
    asset = criterion.criteria
    if asset.version == "*":
        asset = asset.with_version(version)
    matches = index.match(asset, assume_platforms=True)
    assert vulnerable[0].cve_id in {m.cve_id for m in matches}
    flagged = next(m for m in matches if m.cve_id == vulnerable[0].cve_id)
    assert flagged.in_kev
    assert flagged.ransomware
    in_kev = [m.in_kev for m in matches]
    assert in_kev == sorted(in_kev, reverse=True)


def test_rejected_cves_are_never_matched() -> None:
    name = "cpe:2.3:a:vendor:app:1.0:*:*:*:*:*:*:*"
    node = ConfigNode("OR", (CpeCriterion(criteria=parse_cpe(name), vulnerable=True),))
    rejected = Vulnerability("CVE-2020-0001", (Configuration((node,)),), None, True, "nvd")
    live = Vulnerability("CVE-2020-0002", (Configuration((node,)),), None, False, "nvd")
    index = VulnerabilityIndex([rejected, live])
    assert [hit.cve_id for hit in index.hits([parse_cpe(name)])] == ["CVE-2020-0002"]
    assert match_linear([parse_cpe(name)], [rejected, live]) == index.hits([parse_cpe(name)])
    assert index.summary().rejected == 1


def test_nvd_rejected_records_are_kept_flagged_in_the_index(index: VulnerabilityIndex) -> None:
    flagged = {v.cve_id for v in index.vulnerabilities if v.rejected}
    assert {"CVE-2022-44577", "CVE-1999-1056"} <= flagged  # vulnStatus Rejected in the pages


def test_an_asset_named_by_a_pattern_is_refused(index: VulnerabilityIndex) -> None:
    with pytest.raises(ValidationError) as caught:
        index.hits([parse_cpe("cpe:2.3:a:atlassian:bitbucket:7.*:*:*:*:*:*:*:*")])
    assert caught.value.code == "intel.asset_wildcard"


def test_loading_the_same_files_twice_builds_the_same_index(index: VulnerabilityIndex) -> None:
    again = load_paths(FEEDS)
    assert VulnerabilityIndex.from_bundle(again).fingerprint() == index.fingerprint()


def test_records_given_twice_give_the_same_index_as_once(bundle: IntelBundle) -> None:
    once = VulnerabilityIndex.from_records(nvd=bundle.nvd, cve5=bundle.cve5, kev=bundle.kev)
    twice = VulnerabilityIndex.from_records(
        nvd=bundle.nvd + bundle.nvd, cve5=bundle.cve5 + bundle.cve5, kev=bundle.kev + bundle.kev
    )
    assert twice.fingerprint() == once.fingerprint()
    assert twice.summary() == once.summary()
    banner = [parse_cpe("cpe:2.3:a:atlassian:bitbucket:8.1.4:*:*:*:*:*:*:*")]
    assert twice.match_asset(banner) == once.match_asset(banner)


def test_nvd_configurations_win_over_those_derived_from_cve5(bundle: IntelBundle) -> None:
    nvd_ids = {r.cve_id for r in bundle.nvd if r.configurations}
    index = VulnerabilityIndex.from_records(nvd=bundle.nvd, cve5=bundle.cve5)
    sources = {v.cve_id: v.source for v in index.vulnerabilities}
    assert all(sources[cve_id] == "nvd" for cve_id in nvd_ids)
    assert "cve5" in sources.values()
    assert (NVD / "cves-2023.json").exists()
