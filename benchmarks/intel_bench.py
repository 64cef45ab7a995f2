"""Vulnerability intelligence: loading the real feeds, and matching assets by index vs linear scan.

Run: ``.venv/bin/python -m benchmarks.intel_bench`` (or ``python -m benchmarks intel``), from the
repository root, with the shared data at ``../shared/data`` (or ``LIUBU_SHARED_DATA``). On one core:

- load times for the full KEV catalogue (JSON and CSV), all 360,142 EPSS rows (29 files, both
  layouts), the NVD API 2.0 samples and the 1,132 CVE JSON 5 records (median of 3 runs each);
- 100,000 synthetic assets, each 1-3 CPE names drawn from the products the index knows, with
  versions on, next to, or far from the criteria's bounds (seeded);
- the index matching all 100,000 assets (a cold and a warm pass), and the index against the
  linear baseline (every configuration of every CVE, same evaluator) on a random 5,000-asset
  subsample, timed in alternation chunk by chunk (index, linear, index, linear, …) so that
  drift in a shared machine's load hits both alike; the linear time is *extrapolated* to
  100,000 rather than run in full; the two must return identical hits on the subsample.
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
CHUNKS = 10
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


def cold_and_warm(run: Callable[[], Any], *, repeat: int) -> tuple[float, Any, float]:
    """Seconds of the first call (cold: files not yet read in this process), its value, and the
    median of ``repeat`` more calls (warm)."""
    start = time.perf_counter()
    value = run()
    cold = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return cold, value, statistics.median(times)


def _timed(name: str, job: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    cold, records, seconds = cold_and_warm(job, repeat=3)
    print(
        f"{name:40s} {len(records):9,d} {cold:8.3f} {seconds:8.3f} {len(records) / seconds:11,.0f}"
    )
    return tuple(records)


def _loading() -> VulnerabilityIndex:
    kev_dir = SHARED / "cisa_kev"
    responses = SHARED / "nvd_api2_nvd-go" / "responses"
    nvd_files = sorted([*responses.glob("cves-*.json"), *responses.glob("cve-*.json")])
    epss_files = sorted((SHARED / "epss").rglob("*.csv"))
    cve5_files = sorted((SHARED / "cve5_vulnrichment").rglob("CVE-*.json"))
    print(f"{'loading (cold; warm: median of 3)':40s} {'records':>9s} {'cold s':>8s} "
          f"{'warm s':>8s} {'records/s':>11s}")  # fmt: skip
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
    cold, index, seconds = cold_and_warm(
        lambda: VulnerabilityIndex.from_records(nvd=nvd, cve5=cve5, kev=kev, epss=epss), repeat=3
    )
    print(f"{'index build':40s} {'':9s} {cold:8.3f} {seconds:8.3f}")
    assert isinstance(index, VulnerabilityIndex)
    print(index.summary())
    return index


def _matching(index: VulnerabilityIndex) -> None:
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    assets = synthetic_assets(index, ASSETS, rng)
    names = sum(len(a) for a in assets)
    print(f"\n{ASSETS:,d} synthetic assets, {names:,d} CPE names, "
          f"built in {time.perf_counter() - start:.1f} s (seed {SEED})")  # fmt: skip

    passes = []
    for _ in range(2):  # the first pass is the cold one (the index's own caches empty)
        start = time.perf_counter()
        index_hits = [index.hits(cpes) for cpes in assets]
        passes.append(time.perf_counter() - start)
    start = time.perf_counter()
    matches = sum(len(index.match_asset(cpes)) for cpes in assets[:10_000])
    enrich_seconds = time.perf_counter() - start

    sample = [int(i) for i in rng.choice(ASSETS, size=LINEAR_SAMPLE, replace=False)]
    index_chunks, linear_chunks, linear_hits = _alternating(index, [assets[i] for i in sample])
    assert linear_hits == [index_hits[i] for i in sample], "index and linear scan disagree"

    size = LINEAR_SAMPLE // CHUNKS
    index_per_asset = statistics.median(index_chunks[1:]) / size
    linear_per_asset = statistics.median(linear_chunks[1:]) / size
    hits = sum(len(h) for h in index_hits)
    print(f"index, all {ASSETS:,d} assets: cold pass {passes[0]:.2f} s, "
          f"warm pass {passes[1]:.2f} s "
          f"({passes[1] / ASSETS * 1e6:.1f} µs/asset), {hits:,d} hits, "
          f"{sum(bool(h) for h in index_hits):,d} assets with a finding")  # fmt: skip
    print(f"index + KEV/EPSS enrichment (match_asset): 10,000 assets in {enrich_seconds:.2f} s, "
          f"{matches:,d} findings")  # fmt: skip
    print(f"alternating on the {LINEAR_SAMPLE:,d}-asset subsample, {CHUNKS} chunks of {size} "
          f"(index, linear, index, linear, …); identical hits:")  # fmt: skip
    for label, chunks in (("index", index_chunks), ("linear", linear_chunks)):
        print(f"  {label:>6}: first chunk {chunks[0] / size * 1e6:8.1f} µs/asset, median of "
              f"the others {statistics.median(chunks[1:]) / size * 1e6:8.1f} µs/asset")  # fmt: skip
    print(f"linear, extrapolated to {ASSETS:,d} assets: {linear_per_asset * ASSETS:.0f} s "
          f"(estimate: per-asset median x {ASSETS:,d}, not run)")  # fmt: skip
    print(f"ratio linear / index per asset (same assets, alternated): "
          f"{linear_per_asset / index_per_asset:.0f}x; first chunks "
          f"{linear_chunks[0] / index_chunks[0]:.0f}x")  # fmt: skip


def _alternating(
    index: VulnerabilityIndex, assets: list[list[Cpe]]
) -> tuple[list[float], list[float], list[Any]]:
    """Seconds per chunk for the index and the linear scan, timed in turn on the same chunk so
    that drift in the machine's load falls on both alike; and the linear scan's hits."""
    size = len(assets) // CHUNKS
    vulnerabilities = index.vulnerabilities
    index_times, linear_times, found = [], [], []
    for k in range(CHUNKS):
        chunk = assets[k * size : (k + 1) * size]
        start = time.perf_counter()
        for cpes in chunk:
            index.hits(cpes)
        index_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        found += [match_linear(cpes, vulnerabilities) for cpes in chunk]
        linear_times.append(time.perf_counter() - start)
    return index_times, linear_times, found


def main() -> None:
    if not SHARED.is_dir():
        raise SystemExit(f"the shared data is not at {SHARED}; set LIUBU_SHARED_DATA")
    index = _loading()
    _matching(index)


if __name__ == "__main__":
    main()
