"""The book simulation (``liubu.portfolio.run_book``) against a straightforward per-year Python
loop over the same book, catalogue and terms functions, and on one and two Dask workers.

Run: ``.venv/bin/python -m benchmarks portfolio``. Sizes from the environment:
``PORTFOLIO_POLICIES`` (default 2,000), ``PORTFOLIO_YEARS`` (default 20,000),
``PORTFOLIO_LOOP_YEARS`` (default 200: the loop is timed on fewer years and compared per year).

The synthetic book spreads its policies over the demo catalogue's dependencies as the demo book
does (seeded); the catalogue is the demo catalogue. Prints simulated years per second of each, the
ratio, cold (first call in this process, imports included) and warm (a second call), and the wall
time on one and two LocalCluster workers (cluster start-up excluded) with their ratio.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from liubu.core import parse_industry, parse_region
from liubu.portfolio import Book, BookPolicy, Catalogue, Reliance, demo_catalogue, run_book
from liubu.risk import (
    CoverageTerms,
    Terms,
    annual_insured_loss,
    insured_event_loss,
    recoverable_amount,
)

POLICIES = int(os.environ.get("PORTFOLIO_POLICIES", "2000"))
YEARS = int(os.environ.get("PORTFOLIO_YEARS", "20000"))
LOOP_YEARS = int(os.environ.get("PORTFOLIO_LOOP_YEARS", "200"))
CLOUDS = ("aliyun-cn-hangzhou",) * 7 + ("tencent-ap-guangzhou",) * 4 + ("huawei-cn-north-4",) * 4
CLOUDS += ("aws-cn-north-1", "azure-chinanorth3")


def synthetic_book(n: int, seed: int = 16) -> Book:
    rng = np.random.default_rng(seed)
    industry, region = parse_industry("I65"), parse_region("330100")
    policies = []
    for i in range(n):
        reliances = [
            Reliance(CLOUDS[rng.integers(len(CLOUDS))], float(rng.choice([0, 1, 2, 4])), 0.5),
            Reliance("dnspod" if rng.random() < 0.5 else "alidns", 1.0, 0.3),
        ]
        if rng.random() < 0.25:
            reliances.append(Reliance("msp-east" if rng.random() < 0.6 else "msp-south", 4.0, 0.5))
        if rng.random() < 0.3:
            reliances.append(Reliance("weaver-ecology", 8.0, 0.2))
        limit = float(rng.choice([1e6, 2e6, 5e6]))
        terms = Terms(
            retention=float(rng.choice([1e4, 2e4, 5e4])),
            aggregate_limit=limit,
            coverages={
                "business_interruption": CoverageTerms(
                    sublimit=limit / 2, waiting_period_hours=float(rng.choice([4, 8, 12]))
                )
            },
        )
        revenue = float(np.exp(rng.normal(np.log(8e7), 1.0)))
        policies.append(BookPolicy(f"P{i:06d}", industry, region, revenue, terms, tuple(reliances)))
    return Book(tuple(policies))


def per_year_loop(book: Book, catalogue: Catalogue, years: int, seed: int) -> np.ndarray:
    """The baseline: for each year, each family, each event, the exposed policies' losses under
    their terms (numpy over the exposed policies of one event), then each policy-year capped."""
    rng = np.random.default_rng(seed)
    policies = book.policies
    revenue = np.array([p.revenue for p in policies])
    retention = np.array([p.terms.retention for p in policies])
    limit = np.array([p.terms.aggregate_limit for p in policies])
    bi = [p.terms.for_coverage("business_interruption") for p in policies]
    bi_share = np.array([c.share for c in bi])
    bi_cap = np.array([c.sublimit for c in bi])
    bi_wait = np.array([c.waiting_period_hours for c in bi])
    exposed = {}
    for family in catalogue.families:
        rows = [
            (i, r)
            for i, p in enumerate(policies)
            for r in p.reliances
            if r.dependency == family.target
        ]
        if family.target is None:
            rows = [(i, Reliance("-", 0.0, 1.0)) for i in range(len(policies))]
        exposed[family.name] = (
            np.array([i for i, _ in rows], dtype=np.int64),
            np.array([r.tolerance_hours for _, r in rows]),
            np.array([r.revenue_share for _, r in rows]),
        )
    annual = np.zeros(years)
    for year in range(years):
        per_policy = np.zeros(len(policies))
        for family in catalogue.families:
            index, tolerance, share = exposed[family.name]
            if family.kind == "attritional":
                count = rng.poisson(family.rate * len(policies))
                index = rng.integers(0, len(policies), count)
                tolerance, share = np.zeros(count), np.ones(count)
                events = [np.arange(count)]
            else:
                events = [None] * rng.poisson(family.rate)
            for event in events:
                who = index if event is None else index[event]
                hit = (
                    np.ones(len(who), bool)
                    if family.share_hit >= 1
                    else rng.random(len(who)) < family.share_hit
                )
                who, tol, sh = who[hit], tolerance[hit], share[hit]
                hours = np.zeros(len(who))
                if family.outage_hours is not None:
                    drawn = family.outage_hours.sample(rng, 1 if event is None else len(who))
                    hours = np.maximum(drawn - tol, 0.0)
                hourly = revenue[who] / 8760.0 * sh
                z = recoverable_amount(
                    hours,
                    money_per_unit=hourly * bi_share[who],
                    waiting=bi_wait[who],
                    qualifying=False,
                    cap=bi_cap[who],
                )
                if family.loss_share is not None:
                    # the direct loss's coverage has default terms in this book
                    z = z + family.loss_share.sample(rng, len(who)) * revenue[who]
                np.add.at(per_policy, who, insured_event_loss(z, retention[who]))
        annual[year] = annual_insured_loss(per_policy, limit).sum()
    return annual


def _timed(run):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def main() -> None:
    catalogue = demo_catalogue()
    book = synthetic_book(POLICIES)
    print(f"book: {POLICIES:,} policies; engine {YEARS:,} years; loop {LOOP_YEARS:,} years")
    with tempfile.TemporaryDirectory() as scratch:
        cold, result = _timed(
            lambda: run_book(book, catalogue, years=YEARS, seed=1, workers=0, ylt_dir=scratch)
        )
        warm, _ = _timed(
            lambda: run_book(book, catalogue, years=YEARS, seed=1, workers=0, ylt_dir=scratch)
        )
    loop, baseline = _timed(lambda: per_year_loop(book, catalogue, LOOP_YEARS, 1))
    engine_rate, loop_rate = YEARS / warm, LOOP_YEARS / loop
    print(
        f"engine: cold {cold:.2f} s, warm {warm:.2f} s = {engine_rate:,.0f} years/s; "
        f"{result.events:,} events; AAL {result.aal:,.0f} ± {result.aal_standard_error:,.0f}"
    )
    print(
        f"per-year loop: {loop:.2f} s = {loop_rate:,.1f} years/s; AAL {baseline.mean():,.0f} "
        f"(on {LOOP_YEARS} years)"
    )
    print(
        f"ratio (years/s, engine warm ÷ loop): {engine_rate / loop_rate:,.1f}×; "
        f"cold {YEARS / cold / loop_rate:,.1f}×"
    )
    seconds = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as scratch:
            seconds[workers], _ = _timed(
                lambda w=workers, d=scratch: run_book(
                    book, catalogue, years=YEARS, seed=1, workers=w, ylt_dir=d
                )
            )
    print(
        f"Dask: 1 worker {seconds[1]:.2f} s, 2 workers {seconds[2]:.2f} s "
        f"(each including its own LocalCluster start) = {seconds[1] / seconds[2]:.2f}×; "
        f"2 workers against this process (warm): {warm / seconds[2]:.2f}×"
    )


if __name__ == "__main__":
    main()
