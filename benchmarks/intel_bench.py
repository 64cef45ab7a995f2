"""Vulnerability intelligence: loading the real feeds, and matching assets by index vs linear scan.

Run: ``.venv/bin/python -m benchmarks.intel_bench`` (or ``python -m benchmarks intel``), from the
repository root, with the shared data at ``../shared/data`` (or ``LIUBU_SHARED_DATA``). On one core:

- load times for the full KEV catalogue (JSON and CSV), all 360,142 EPSS rows (29 files, both
  layouts), the NVD API 2.0 samples and the 1,132 CVE JSON 5 records (median of 3 runs each);
- 100,000 synthetic assets, each 1-3 CPE names drawn from the products the index knows, with
  versions on, next to, or far from the criteria's bounds (seeded);
- the index matching all 100,000 assets, against the linear baseline (every configuration of
  every CVE, same evaluator) timed on a random 5,000-asset subsample and *extrapolated* to
  100,000 (x 20) rather than run in full; the two must return identical hits on the subsample.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from liubu.intel import (
    Cpe,
    CpeCriterion,
    VulnerabilityIndex,
    load_cve5,
    load_epss,
    load_kev_csv,
    load_kev_json,
    load_nvd,
    match_linear,
)

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data"))
ASSETS = 100_000
LINEAR_SAMPLE = 5_000
SEED = 20_250_825


def _version_near(rng: np.random.Generator, criterion: CpeCriterion) -> str:
    """A version on or next to one of the criterion's bounds, or (30 %) a random one."""
    anchors = [bound for bound in criterion.bounds if bound] or [criterion.criteria.version]
    anchor = str(anchors[int(rng.integers(len(anchors)))]).replace("\\", "")
    if anchor in ("*", "-") or rng.random() < 0.3:
        return ".".join(str(int(x)) for x in rng.integers(0, 12, size=int(rng.integers(1, 4))))
    parts = [int(part) if part.isdigit() else 0 for part in anchor.split(".")]
    parts[-1] = max(0, parts[-1] + int(rng.integers(-1, 2)))
    return ".".join(map(str, parts))


def synthetic_assets(
    index: VulnerabilityIndex, count: int, rng: np.random.Generator
) -> list[list[Cpe]]:
    products = sorted(index.products())
    criteria = {key: index.vulnerable_criteria(key) for key in products}
    assets: list[list[Cpe]] = []
    for _ in range(count):
        names = []
        for _ in range(int(rng.integers(1, 4))):
            key = products[int(rng.integers(len(products)))]
            criterion = criteria[key][int(rng.integers(len(criteria[key])))]
            base = Cpe((criterion.criteria.part, *key, *("*",) * 8))
            names.append(base.with_version(_version_near(rng, criterion)))
        assets.append(names)
    return assets


def median_seconds(run: Callable[[], Any], *, repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls (after one warm-up) and the last call's value."""
    value = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _timed(name: str, job: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    seconds, records = median_seconds(job, repeat=3)
    print(f"{name:40s} {len(records):9,d} {seconds:8.3f} {len(records) / seconds:11,.0f}")
    return tuple(records)


def _loading() -> VulnerabilityIndex:
    kev_dir = SHARED / "cisa_kev"
    responses = SHARED / "nvd_api2_nvd-go" / "responses"
    nvd_files = sorted([*responses.glob("cves-*.json"), *responses.glob("cve-*.json")])
    epss_files = sorted((SHARED / "epss").rglob("*.csv"))
    cve5_files = sorted((SHARED / "cve5_vulnrichment").rglob("CVE-*.json"))
    print(f"{'loading (median of 3)':40s} {'records':>9s} {'seconds':>8s} {'records/s':>11s}")
    kev = _timed(
        "KEV JSON", lambda: load_kev_json(kev_dir / "known_exploited_vulnerabilities.json").records
    )
    _timed("KEV CSV", lambda: load_kev_csv(kev_dir / "known_exploited_vulnerabilities.csv").records)
    epss = _timed(
        f"EPSS, {len(epss_files)} files (both layouts)",
        lambda: tuple(r for p in epss_files for r in load_epss(p).records),
    )
    nvd = _timed(
        f"NVD CVE API 2.0, {len(nvd_files)} files",
        lambda: tuple(r for p in nvd_files for r in load_nvd(p).records),
    )
    cve5 = _timed(
        f"CVE JSON 5, {len(cve5_files)} files",
        lambda: tuple(r for p in cve5_files for r in load_cve5(p).records),
    )
    seconds, index = median_seconds(
        lambda: VulnerabilityIndex.from_records(nvd=nvd, cve5=cve5, kev=kev, epss=epss), repeat=3
    )
    print(f"{'index build':40s} {'':9s} {seconds:8.3f}")
    print(index.summary())
    return index


def _matching(index: VulnerabilityIndex) -> None:
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    assets = synthetic_assets(index, ASSETS, rng)
    names = sum(len(a) for a in assets)
    print(f"\n{ASSETS:,d} synthetic assets, {names:,d} CPE names, "
          f"built in {time.perf_counter() - start:.1f} s (seed {SEED})")  # fmt: skip

    start = time.perf_counter()
    index_hits = [index.hits(cpes) for cpes in assets]
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    matches = sum(len(index.match_asset(cpes)) for cpes in assets[:10_000])
    enrich_seconds = time.perf_counter() - start

    sample = [int(i) for i in rng.choice(ASSETS, size=LINEAR_SAMPLE, replace=False)]
    vulnerabilities = index.vulnerabilities
    start = time.perf_counter()
    linear_hits = [match_linear(assets[i], vulnerabilities) for i in sample]
    linear_sample_seconds = time.perf_counter() - start
    assert linear_hits == [index_hits[i] for i in sample], "index and linear scan disagree"

    index_per_asset = index_seconds / ASSETS
    linear_per_asset = linear_sample_seconds / LINEAR_SAMPLE
    hits = sum(len(h) for h in index_hits)
    print(f"index:  {ASSETS:,d} assets in {index_seconds:.2f} s "
          f"({index_per_asset * 1e6:.1f} µs/asset), {hits:,d} hits, "
          f"{sum(bool(h) for h in index_hits):,d} assets with a finding")  # fmt: skip
    print(f"index + KEV/EPSS enrichment (match_asset): 10,000 assets in {enrich_seconds:.2f} s, "
          f"{matches:,d} findings")  # fmt: skip
    print(f"linear: {LINEAR_SAMPLE:,d}-asset subsample in {linear_sample_seconds:.2f} s "
          f"({linear_per_asset * 1e6:.0f} µs/asset); identical hits on the subsample")  # fmt: skip
    print(f"linear, extrapolated to {ASSETS:,d} assets: {linear_per_asset * ASSETS:.0f} s "
          f"(estimate: subsample time x {ASSETS // LINEAR_SAMPLE}, not run)")  # fmt: skip
    print(f"ratio linear / index per asset: {linear_per_asset / index_per_asset:.0f}x")


def main() -> None:
    if not SHARED.is_dir():
        raise SystemExit(f"the shared data is not at {SHARED}; set LIUBU_SHARED_DATA")
    index = _loading()
    _matching(index)


if __name__ == "__main__":
    main()
