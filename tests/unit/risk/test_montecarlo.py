"""Monte Carlo: reproducibility for any chunk size, dependence, and agreement with the FFT."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from liubu.risk import (
    Bernoulli,
    Component,
    Constant,
    CoverageTerms,
    Dependence,
    Lognormal,
    Model,
    Modifier,
    NegativeBinomial,
    Poisson,
    Scenario,
    Terms,
    library_scenarios,
    quantify,
)
from liubu.risk.frequency import Frequency
from liubu.risk.measures import LossDistribution
from liubu.risk.montecarlo import BLOCK_YEARS, _event_years
from tests.unit.risk.simulated import occurrence_per_year, per_year


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
        assert np.array_equal(first.annual.probs, other.annual.probs)
        assert np.array_equal(first.occurrence.values, other.occurrence.values)
        assert first.to_dict()["by_coverage"] == other.to_dict()["by_coverage"]
        assert first.to_dict()["by_scenario"] == other.to_dict()["by_scenario"]
        assert first.ground_up_mean == other.ground_up_mean
        assert first.mean_standard_error == other.mean_standard_error
        assert first.settings["events"] == other.settings["events"]
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
    for level in (0.9, 0.99):  # the largest event of a year, against the exact distribution
        _assert_var_in_interval(exact.occurrence.var(level), sim, level, occurrence_per_year(sim))


def _assert_var_in_interval(value: float, sim, level: float, years=None) -> None:
    """Distribution-free confidence interval for a quantile from order statistics."""
    years = per_year(sim) if years is None else years
    n = len(years)
    half = 3.0 * math.sqrt(n * level * (1 - level))
    low = years[max(int(n * level - half), 0)]
    high = years[min(int(n * level + half), n - 1)]
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
    fx = per_year(sim, sim.annual.parts["coverage:forensics"])
    fy = per_year(sim, sim.annual.parts["coverage:pr"])
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
        np.corrcoef(
            per_year(r, r.annual.parts["scenario:a"]), per_year(r, r.annual.parts["scenario:b"])
        )[0, 1]
        for r in (independent, joined)
    ]
    assert abs(corr[0]) < 0.03
    assert corr[1] > 0.5
    assert joined.mean == pytest.approx(independent.mean, rel=0.03)  # margins unchanged
    assert stats.poisson.mean(2.0) == 2.0


def _counting(frequency: Frequency) -> Model:
    """Each event insured for exactly 1: a year's total is its count of events."""
    return Model((Scenario("n", frequency, (Component("pr", Constant(1.0)),)),))


@pytest.mark.parametrize(
    "frequency", [Poisson(0.7), Poisson(3.0), NegativeBinomial(0.7, 1.2)], ids=repr
)
def test_per_year_counts_follow_the_frequency(frequency: Frequency) -> None:
    """A Poisson scenario's events are drawn as one Poisson count per block and placed in
    uniform years; each year's count must still be Poisson(λ), and any other law keeps its own."""
    years = 3 * BLOCK_YEARS + 123  # whole blocks and a partial one
    sim = quantify(_counting(frequency), engine="mc", years=years, seed=17)
    counts = per_year(sim)
    assert len(counts) == years
    assert np.array_equal(counts, np.rint(counts))
    n, mean, var = len(counts), frequency.mean, frequency.variance
    # the sample mean and variance within four standard errors (the variance's from the fourth
    # central moment, estimated)
    assert abs(counts.mean() - mean) < 4 * math.sqrt(var / n)
    fourth = float(np.mean((counts - counts.mean()) ** 4))
    assert abs(counts.var() - var) < 4 * math.sqrt((fourth - var * var) / n)
    pmf = stats.poisson(mean).pmf if isinstance(frequency, Poisson) else _nbinom(frequency).pmf
    for k in range(5):
        p = float(pmf(k))
        assert abs(np.mean(counts == k) - p) < 4 * math.sqrt(p * (1 - p) / n), k
    assert sim.settings["events"] == int(counts.sum())
    # the years without an event are the atom at 0, with their share of the years
    assert sim.annual.values[0] == 0.0
    assert sim.annual.probs[0] == pytest.approx(np.mean(counts == 0), abs=0.5 / years)


def _nbinom(frequency: NegativeBinomial) -> Any:
    r = 1.0 / frequency.cv**2
    return stats.nbinom(r, r / (r + frequency.mean))


def test_pooled_events_fall_in_every_year_of_the_block_uniformly() -> None:
    rng = np.random.default_rng(5)
    (years,) = _event_years(_counting(Poisson(40.0)), rng, 1000, 500)
    counts = np.bincount(years - 500)
    assert years.min() >= 500
    assert len(counts) == 1000
    assert abs(counts.mean() - 40.0) < 4 * math.sqrt(40.0 / 1000)
    assert abs(counts[:500].mean() - counts[500:].mean()) < 4 * math.sqrt(2 * 40.0 / 500)
    lag = np.corrcoef(counts[:-1], counts[1:])[0, 1]
    assert abs(lag) < 4 / math.sqrt(1000)


def test_the_atom_at_zero_gives_what_one_value_per_year_gives() -> None:
    sim = quantify(_model(), engine="mc", years=2 * BLOCK_YEARS + 77, seed=8)
    compact = sim.annual
    years = sim.settings["years"]
    assert compact.values[0] == 0.0
    assert 0 < compact.probs[0] < 1
    assert len(compact.values) < years
    assert compact.probs.sum() == pytest.approx(1.0, abs=1e-12)
    expanded = LossDistribution(
        per_year(sim),
        np.full(years, 1.0 / years),
        {name: per_year(sim, part) for name, part in compact.parts.items()},
    )
    assert compact.mean == pytest.approx(expanded.mean, rel=1e-12)
    assert compact.variance == pytest.approx(expanded.variance, rel=1e-10)
    assert sim.mean_standard_error == pytest.approx(expanded.sd / math.sqrt(years), rel=1e-10)
    for level in (0.1, 0.5, 0.9, 0.99, 0.995):
        assert compact.var(level) == expanded.var(level)
        assert compact.tvar(level) == pytest.approx(expanded.tvar(level), rel=1e-10)
        for name in compact.parts:
            assert compact.co_tvar(level, name) == pytest.approx(
                expanded.co_tvar(level, name), rel=1e-9, abs=1e-6
            )
    for name in compact.parts:
        assert compact.part_mean(name) == pytest.approx(expanded.part_mean(name), rel=1e-9)
    xs = np.linspace(0.0, float(compact.values[-1]), 50)
    assert np.allclose(compact.sf(xs), expanded.sf(xs), rtol=0, atol=1e-12)
    largest = occurrence_per_year(sim)
    assert sim.occurrence.var(0.99) == LossDistribution(largest, np.full(years, 1 / years)).var(
        0.99
    )
