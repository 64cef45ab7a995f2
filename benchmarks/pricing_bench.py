"""Pricing one SME across every eligible catalogue product, up to three options each.

Run: ``.venv/bin/python -m benchmarks pricing``. The eligible, filed products are found first
(``check_eligibility``, not timed). Then, interleaved in one run on one core, it times:

- the whole pricing: ``liubu.underwriting.price_options`` for every eligible product (terms
  mapping, library scenarios, the risk engine, loads, the filed rate plan, the worksheet) and
  each option's ``to_dict()`` serialised to JSON, as the API would send it;
- the baseline: the risk-engine calls alone (``liubu.risk.quantify`` on the very same models,
  built beforehand), i.e. the part of pricing that is not underwriting's own work;
- the engine plus the per-scenario and per-coverage means the worksheet reports (the Fourier
  engine computes them by Euler allocation on first use).

The ratio pricing / engine says what underwriting adds on top of the engine.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from liubu.products import ProductSpec, load_reference_catalogue
from liubu.risk import Model, quantify
from liubu.risk.grid import clear_caches
from liubu.underwriting import Applicant, QuoteOption, check_eligibility, price_options
from liubu.underwriting.exposure import exposure_of, for_product
from liubu.underwriting.terms import option_terms

REPEAT = 21
SME = Applicant(
    industry_section="C",
    revenue=Decimal(30_000_000),
    score=72.5,
    grade="B",
    mlps_level=2,
    claims_count=0,
    factors={
        "group_size": 120,
        "security_services": "mss_standard",
        "industry": "general_customers",
    },
)


def eligible_products() -> list[ProductSpec]:
    return [
        spec
        for spec in load_reference_catalogue()
        if spec.status == "filed"
        and not check_eligibility(
            spec,
            industry_section=SME.industry_section,
            revenue=SME.revenue,
            mlps_level=SME.mlps_level,
            score=SME.score,
            insured_kind=SME.insured_kind,
        )
    ]


def price_all(products: list[ProductSpec]) -> list[QuoteOption]:
    options: list[QuoteOption] = []
    for spec in products:
        priced = price_options(spec, SME, limits=spec.limit_options[:3])
        for option in priced:
            json.dumps(option.to_dict())  # what the API would send
        options.extend(priced)
    return options


def engine_models(products: list[ProductSpec]) -> list[Model]:
    exposure = exposure_of(SME)
    models = []
    for spec in products:
        scenarios = for_product(exposure, spec).scenarios
        for limit in spec.limit_options[:3]:
            mapped = option_terms(spec, limit=limit)
            if mapped.modelled and scenarios:
                models.append(Model(scenarios, mapped.terms))
    return models


def with_allocation(model: Model) -> float:
    """The engine plus the per-scenario and per-coverage means the worksheet reports."""
    result = quantify(model)
    return sum(result.contribution(f"scenario:{name}") for name in result.scenarios) + sum(
        result.contribution(f"coverage:{code}") for code in result.coverages
    )


def main() -> None:
    products = eligible_products()
    models = engine_models(products)
    # Interleaved (after one warm-up of each), so that load from other jobs on the shared machine
    # hits all three alike.
    runs: dict[str, Callable[[], object]] = {
        "pricing": lambda: price_all(products),
        "engine": lambda: [quantify(m) for m in models],
        "allocated": lambda: [with_allocation(m) for m in models],
    }
    options = price_all(products)
    results = [quantify(m) for m in models]
    runs["allocated"]()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(REPEAT):
        for name, run in runs.items():
            clear_caches()  # each run cold: nothing remembered from the run before
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    pricing, engine, allocated = (statistics.median(times[name]) for name in runs)
    assert len(results) == sum(o.technical_premium is not None for o in options)
    for option, result in zip(
        (o for o in options if o.technical_premium is not None), results, strict=True
    ):
        # The benchmark prices what the baseline quantifies.
        assert option.worksheet.step("expected_insured_loss").exact == Decimal(repr(result.mean))
    print(f"applicant: section C, revenue ¥30m, score 72.5; {len(products)} eligible products")
    print(f"{'product':44} {'limit':>10} {'technical':>12} {'filed':>10} {'adequacy':>8}")
    for o in options:
        technical = "-" if o.technical_premium is None else f"{o.technical_premium.amount:,.2f}"
        print(
            f"{o.product:44} {o.limit.amount:>10,.0f} {technical:>12} "
            f"{o.filed_premium.amount:>10,.2f} {o.rate_adequacy!s:>8}"
        )
    n = len(options)
    print(f"\nmedian of {REPEAT} runs; ratio to the engine alone")
    rows = [
        ("pricing (price_options + to_dict)", pricing, n),
        ("risk engine alone (quantify)", engine, len(models)),
        ("engine + scenario/coverage means", allocated, len(models)),
    ]
    for name, seconds, count in rows:
        per_call = 1000 * seconds / count
        print(f"{name:36} {seconds:8.4f} s {per_call:7.2f} ms/call {seconds / engine:5.2f}")
    print(f"options priced: {n}; engine calls: {len(models)}")


if __name__ == "__main__":
    main()
