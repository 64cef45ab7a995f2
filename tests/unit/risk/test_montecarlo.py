"""Monte Carlo: reproducibility for any chunk size, dependence, and agreement with the FFT."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from liubu.risk import (
    Bernoulli,
    Component,
    CoverageTerms,
    Dependence,
    Lognormal,
    Model,
    Modifier,
    Poisson,
    Scenario,
    Terms,
    library_scenarios,
    quantify,
)
from liubu.risk.montecarlo import BLOCK_YEARS


def _model(dependence: Dependence = Dependence(), rho: float = 0.0) -> Model:
    scenarios = (
        Scenario(
            "a",
            Poisson(1.3),
            (
                Component("extortion", Lognormal(11.0, 1.0)),
                Component("forensics", Lognormal(9.5, 0.7)),
            ),
            dependence,
        ),
        Scenario("b", Poisson(0.6), (Component("pr", Lognormal(10.0, 1.2)),)),
    )
    terms = Terms(
        retention=5_000.0,
        aggregate_limit=400_000.0,
        coverages={"extortion": CoverageTerms(sublimit=150_000.0, coinsurance=0.1)},
    )
    return Model(scenarios, terms, scenario_correlation=rho)


def test_the_same_seed_gives_the_same_numbers_for_any_chunk_size() -> None:
    runs = [
        quantify(_model(), engine="mc", years=3 * BLOCK_YEARS + 123, seed=42, chunk_size=c)
        for c in (1, BLOCK_YEARS, 2 * BLOCK_YEARS, 10**7)
    ]
    first = runs[0]
    for other in runs[1:]:
        assert np.array_equal(first.annual.values, other.annual.values)
        assert np.array_equal(first.occurrence.values, other.occurrence.values)
        assert first.to_dict()["by_coverage"] == other.to_dict()["by_coverage"]
    assert quantify(_model(), engine="mc", years=5000, seed=43).mean != pytest.approx(
        quantify(_model(), engine="mc", years=5000, seed=42).mean, rel=1e-12
    )


def test_progress_reports_years_done_until_the_total() -> None:
    seen: list[tuple[int, int]] = []
    quantify(
        _model(),
        engine="mc",
        years=3 * BLOCK_YEARS,
        chunk_size=BLOCK_YEARS,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(BLOCK_YEARS * k, 3 * BLOCK_YEARS) for k in (1, 2, 3)]


def test_monte_carlo_agrees_with_the_fourier_engine_with_terms() -> None:
    exact = quantify(_model())
    sim = quantify(_model(), engine="mc", years=200_000, seed=1)
    assert abs(sim.mean - exact.mean) < 3 * sim.mean_standard_error
    assert sim.ground_up_mean == pytest.approx(exact.ground_up_mean, rel=0.02)
    _assert_var_in_interval(exact.var(0.99), sim, 0.99)


def _assert_var_in_interval(value: float, sim, level: float) -> None:
    """Distribution-free confidence interval for a quantile from order statistics."""
    n = len(sim.annual.values)
    half = 3.0 * math.sqrt(n * level * (1 - level))
    low = sim.annual.values[max(int(n * level - half), 0)]
    high = sim.annual.values[min(int(n * level + half), n - 1)]
    assert low <= value <= high


def test_fft_and_monte_carlo_agree_on_every_library_scenario() -> None:
    scenarios = library_scenarios("I", "1b_10b")
    for scenario in scenarios:
        # raise each frequency to about one event a year so that VaR99 is not trivially zero
        boost = Modifier(frequency=1.0 / scenario.frequency.mean)
        model = Model(
            (scenario.modified(boost),), Terms(retention=10_000.0, aggregate_limit=20_000_000.0)
        )
        exact = quantify(model)
        sim = quantify(model, engine="mc", years=60_000, seed=7)
        assert abs(sim.mean - exact.mean) < 3 * sim.mean_standard_error, scenario.name
        _assert_var_in_interval(exact.var(0.99), sim, 0.99)


def test_comonotone_components_add_their_quantiles() -> None:
    x, y = Lognormal(10.0, 1.0), Lognormal(9.0, 0.5)
    scenario = Scenario(
        "co",
        Bernoulli(1.0),
        (Component("forensics", x), Component("pr", y)),
        Dependence("comonotone"),
    )
    sim = quantify(Model((scenario,)), years=100_000, seed=3)
    assert sim.engine == "mc"
    _assert_var_in_interval(float(x.ppf(0.95) + y.ppf(0.95)), sim, 0.95)


def test_gaussian_copula_gives_the_requested_correlation_of_normal_scores() -> None:
    x, y = Lognormal(10.0, 1.0), Lognormal(9.0, 0.5)
    scenario = Scenario(
        "g",
        Bernoulli(1.0),
        (Component("forensics", x), Component("pr", y)),
        Dependence("gaussian", 0.6),
    )
    sim = quantify(Model((scenario,)), years=50_000, seed=9)
    fx = sim.annual.parts["coverage:forensics"].astype(np.float64)
    fy = sim.annual.parts["coverage:pr"].astype(np.float64)
    zx, zy = (np.log(fx) - 10.0) / 1.0, (np.log(fy) - 9.0) / 0.5
    assert np.corrcoef(zx, zy)[0, 1] == pytest.approx(0.6, abs=0.02)


def test_scenario_correlation_makes_annual_losses_move_together() -> None:
    scenarios = tuple(
        Scenario(n, Poisson(2.0), (Component(c, Lognormal(9.0, 0.3)),))
        for n, c in (("a", "forensics"), ("b", "pr"))
    )
    independent = quantify(Model(scenarios), engine="mc", years=40_000, seed=5)
    joined = quantify(Model(scenarios, scenario_correlation=0.8), years=40_000, seed=5)
    assert joined.settings["why"].startswith("scenarios are correlated")
    corr = [
        np.corrcoef(r.annual.parts["scenario:a"], r.annual.parts["scenario:b"])[0, 1]
        for r in (independent, joined)
    ]
    assert abs(corr[0]) < 0.03
    assert corr[1] > 0.5
    assert joined.mean == pytest.approx(independent.mean, rel=0.03)  # margins unchanged
    assert stats.poisson.mean(2.0) == 2.0
