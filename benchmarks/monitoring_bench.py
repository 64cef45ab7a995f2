"""In-term monitoring: a 1,000-CVE delta (KEV additions, EPSS jumps) matched against 100,000
insured assets with :class:`liubu.monitoring.WatchIndex`, against a per-asset loop.

Run: ``.venv/bin/python -m benchmarks.monitoring_bench`` (or ``python -m benchmarks monitoring``)
from the repository root, with the shared data at ``../shared/data`` (or ``LIUBU_SHARED_DATA``).

- the vulnerability index is built from the real NVD API 2.0 samples, CVE JSON 5 records and
  the KEV catalogue;
- 100,000 watched assets (seeded): 70,000 software names drawn as ``intel_bench`` draws them
  (versions on, beside or far from the criteria's bounds), 30,000 addresses and domains;
- 1,000 CVE observations drawn from the CVEs the index knows;
- the watch index: build once, then match the delta (median of 3 each);
- the baseline: for each asset, intel's own per-asset matching (``VulnerabilityIndex.hits``)
  kept to the delta's CVEs — what matching per asset with the existing index costs. Both must
  find the same (CVE, asset) pairs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from benchmarks.intel_bench import SHARED, synthetic_assets
from liubu.intel import VulnerabilityIndex, load_cve5, load_kev_json, load_nvd
from liubu.monitoring import (
    AlertSeverity,
    AssetKind,
    IndicatorKind,
    Observation,
    WatchedAsset,
    WatchIndex,
    match,
)

ASSETS = 100_000
SOFTWARE = 70_000
DELTA = 1_000
SEED = 20_261_207
SEEN = datetime(2026, 12, 7, tzinfo=UTC)


def _index() -> VulnerabilityIndex:
    responses = SHARED / "nvd_api2_nvd-go" / "responses"
    nvd_files = sorted([*responses.glob("cves-*.json"), *responses.glob("cve-*.json")])
    cve5_files = sorted((SHARED / "cve5_vulnrichment").rglob("CVE-*.json"))
    kev = load_kev_json(SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json").records
    return VulnerabilityIndex.from_records(
        nvd=[r for p in nvd_files for r in load_nvd(p).records],
        cve5=[r for p in cve5_files for r in load_cve5(p).records],
        kev=kev,
    )


def _asset(number: int, kind: AssetKind, value: str) -> WatchedAsset:
    return WatchedAsset(
        enterprise_id=f"e{number // 5}",
        enterprise_name=f"enterprise {number // 5}",
        policy_id=f"p{number // 5}",
        policy_number=f"LB{number // 5:012d}",
        insurer_tenant_id="insurer",
        client_tenant_id=f"c{number // 5}",
        kind=kind,
        value=value,
        origin="scan" if kind is AssetKind.CPE else "asset",
    )


def watched_assets(index: VulnerabilityIndex, rng: np.random.Generator) -> list[WatchedAsset]:
    names = [cpe for cpes in synthetic_assets(index, SOFTWARE, rng) for cpe in cpes][:SOFTWARE]
    assets = [_asset(i, AssetKind.CPE, cpe.formatted) for i, cpe in enumerate(names)]
    for i in range(len(assets), ASSETS):
        if i % 2:
            value = ".".join(str(int(x)) for x in rng.integers(1, 255, size=4))
            assets.append(_asset(i, AssetKind.IPV4, value))
        else:
            assets.append(_asset(i, AssetKind.DOMAIN, f"host{i}.example{i % 997}.cn"))
    return assets


def delta(index: VulnerabilityIndex, rng: np.random.Generator) -> list[Observation]:
    known = [v.cve_id for v in index.vulnerabilities if v.configurations and not v.rejected]
    chosen = rng.choice(len(known), size=min(DELTA, len(known)), replace=False)
    return [
        Observation(
            kind=IndicatorKind.CVE,
            value=known[int(i)],
            source="kev",
            rule="kev.listed",
            severity=AlertSeverity.CRITICAL,
            seen_at=SEEN,
            fingerprint=f"kev:{known[int(i)]}",
        )
        for i in chosen
    ]


def per_asset_loop(
    index: VulnerabilityIndex, assets: list[WatchedAsset], observations: list[Observation]
) -> set[tuple[str, str, str]]:
    """The baseline: each software asset matched on its own, kept to the delta's CVEs."""
    from liubu.intel import parse_any_cpe

    wanted = {o.value for o in observations}
    found = set()
    for asset in assets:
        if asset.kind is not AssetKind.CPE:
            continue
        for hit in index.hits([parse_any_cpe(asset.value)], assume_platforms=True):
            if hit.cve_id in wanted:
                found.add((hit.cve_id, asset.policy_number, asset.value))
    return found


def _median(run: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    if not SHARED.is_dir():
        raise SystemExit(f"the shared data is not at {SHARED}; set LIUBU_SHARED_DATA")
    rng = np.random.default_rng(SEED)
    vulnerabilities = _index()
    assets = watched_assets(vulnerabilities, rng)
    observations = delta(vulnerabilities, rng)
    distinct = len({a.value for a in assets if a.kind is AssetKind.CPE})
    print(f"{len(assets):,d} watched assets ({SOFTWARE:,d} software, {distinct:,d} distinct "
          f"names); a delta of {len(observations):,d} CVEs (seed {SEED})")  # fmt: skip

    build, watch = _median(lambda: WatchIndex(assets, vulnerabilities=vulnerabilities))

    def matched() -> set[tuple[str, str, str]]:
        fresh = WatchIndex(assets, vulnerabilities=vulnerabilities)  # per-CVE caches empty
        start = time.perf_counter()
        found = {(c.observation.value, c.asset.policy_number, c.asset.value)
                 for c in match(observations, fresh)}  # fmt: skip
        timings.append(time.perf_counter() - start)
        return found

    timings: list[float] = []
    index_hits = set()
    for _ in range(3):
        index_hits = matched()
    match_seconds = statistics.median(timings)
    loop_seconds, loop_hits = _median(
        lambda: per_asset_loop(vulnerabilities, assets, observations), repeat=1
    )
    assert loop_hits == index_hits, "the watch index and the per-asset loop disagree"
    print(f"watch index build: {build:.2f} s ({len(watch):,d} assets)")
    print(f"delta matched with the watch index: {match_seconds:.3f} s "
          f"({len(index_hits):,d} (CVE, asset) pairs)")  # fmt: skip
    print(f"per-asset loop (intel's index per asset): {loop_seconds:.2f} s, same pairs")
    print(f"ratio per-asset loop / watch index (match): {loop_seconds / match_seconds:.0f}x; "
          f"with the build: {loop_seconds / (match_seconds + build):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
