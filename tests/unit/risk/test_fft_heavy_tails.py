"""The Fourier engine on heavy tails without an aggregate limit: ground-up enterprise models
against Monte Carlo, convergence of the self-check as the grid is refined, and the precision of
the stop-loss transforms the discretisation takes differences of."""

from __future__ import annotations

import math

import pytest
from scipy import integrate, stats

from liubu.risk import (
    Component,
    Constant,
    Gpd,
    Lognormal,
    Mixture,
    Model,
    NegativeBinomial,
    Poisson,
    Scenario,
    Spliced,
    library_scenarios,
    quantify,
)
from tests.unit.risk.simulated import per_year

LEVELS = (0.9, 0.95, 0.99, 0.995)


def _ground_up(section: str, revenue: float) -> Model:
    """Every library scenario for the firm, no terms (what the diagnosis page quantifies)."""
    return Model(library_scenarios(section, revenue))


@pytest.mark.parametrize(("section", "revenue"), [("C", 180e6), ("I", 30e6)])
def test_ground_up_enterprise_model_agrees_with_monte_carlo(section: str, revenue: float) -> None:
    model = _ground_up(section, revenue)
    exact = quantify(model)
    sim = quantify(model, engine="mc", years=1_000_000)
    bucket = exact.settings["grid"]["bucket"]
    assert abs(sim.mean - exact.mean) < 3 * sim.mean_standard_error
    # no terms: the insured mean is the closed-form ground-up mean Σ λ·E[X] (the top point
    # carries the expected loss beyond the grid)
    assert exact.mean == pytest.approx(model.ground_up_mean, rel=1e-5)
    years = per_year(sim)
    n = len(years)
    for level in LEVELS:
        # distribution-free interval from order statistics (three standard deviations of the
        # binomial count); the lattice VaR is the first lattice point at or above the quantile,
        # so it may stand up to one bucket above it
        half = 3.0 * math.sqrt(n * level * (1 - level))
        low = years[int(n * level - half)]
        high = years[int(n * level + half)]
        assert low <= exact.var(level) <= high + bucket, level
    # usable quantiles: the bucket is small beside the 99.5 % quantile (the capital level; with
    # insured-claim frequencies of a few per cent a year the 90 % quantile is a year without loss)
    assert 0 < 50 * bucket < sim.var(0.995)


def _stop_loss_by_quadrature(sf, u: float) -> float:
    """∫_u^∞ P(X > x) dx, in t = ln(x/u) (the integrand is below 10⁻³⁰ of its start by t = 80
    for these tails)."""
    value, _ = integrate.quad(
        lambda t: float(sf(u * math.exp(t))) * u * math.exp(t),
        0.0,
        80.0,
        epsabs=0.0,
        epsrel=1e-12,
        limit=400,
    )
    return float(value)


@pytest.mark.parametrize(
    ("severity", "frozen"),
    [
        (Lognormal(12.98, 1.8936), stats.lognorm(1.8936, scale=math.exp(12.98))),
        (
            Lognormal(15.629058, 1.8936).scaled(0.071011),
            stats.lognorm(1.8936, scale=0.071011 * math.exp(15.629058)),
        ),
        (Gpd(0.4, 2e5, 1e4), stats.genpareto(0.4, loc=1e4, scale=2e5)),
    ],
)
def test_stop_loss_keeps_its_relative_precision_far_in_the_tail(severity, frozen) -> None:
    for u in (1e6, 1e8, 1e10, 1e11):
        truth = _stop_loss_by_quadrature(frozen.sf, u)
        assert float(severity.stop_loss(u)) == pytest.approx(truth, rel=1e-8), u
        # the survival function too (1 − cdf is all rounding error out there)
        assert float(severity.sf(u)) == pytest.approx(float(frozen.sf(u)), rel=1e-10), u


def test_mixture_and_splice_stop_loss_keep_their_relative_precision() -> None:
    body, tail = Lognormal(12.0, 1.0), Lognormal(14.0, 2.0)
    mixture = Mixture((Constant(0.0), tail), (0.71, 0.29))
    spliced = Spliced(body, tail, 5e5)
    p = spliced.p
    frozen_tail = stats.lognorm(2.0, scale=math.exp(14.0))
    for u in (1e8, 1e10, 1e11):
        tail_stop_loss = _stop_loss_by_quadrature(frozen_tail.sf, u)
        assert float(mixture.stop_loss(u)) == pytest.approx(0.29 * tail_stop_loss, rel=1e-8)
        expected = p * tail_stop_loss / float(frozen_tail.sf(5e5))
        assert float(spliced.stop_loss(u)) == pytest.approx(expected, rel=1e-8)


def test_a_fine_grid_keeps_every_component_mean_over_a_wide_range() -> None:
    """The bug: E[min(Z, u)] differences far in the tail were rounding noise; clipping the
    negative masses they gave inflated the lattice mean by 6.6 % at 2^18 buckets of 500,000."""
    breach = Lognormal(15.629058, 1.8936)
    components = tuple(
        Component(code, breach.scaled(share))
        for code, share in (("forensics", 0.071011), ("notification", 0.016629))
    )
    ransom = Component(
        "extortion", Mixture((Constant(0.0), Lognormal(14.166167, 1.445714)), (0.71, 0.29))
    )
    model = Model((Scenario("s", Poisson(0.02), (*components, ransom)),))
    check = quantify(model, log2=18, bucket=500_000.0).settings["grid"]["self_check"]
    assert check["discretisation_mean_error"] < 1e-9
    assert abs(check["mean_error_within_grid"]) < 1e-6
    # the second moment over 2.6·10¹¹ carries the tilt's round-off (e^10·10⁻¹⁶ per point)
    # weighted by x², hence a looser bound; the bug gave a CV error of 5.4 here
    assert abs(check["cv_error_within_grid"]) < 2e-3


def test_self_check_converges_as_the_grid_is_refined_on_a_sigma_three_lognormal() -> None:
    """The same top (8.19·10⁹, where P(X > top) = 9.5·10⁻⁶) with ever finer buckets: the
    engine's own CV error shrinks (it grew from 0.29 to 5.4 before the fix), the mean stays exact,
    and what lies beyond the top is the closed-form stop loss."""
    rate, mu, sigma = 0.5, 10.0, 3.0
    model = Model((Scenario("s", Poisson(rate), (Component("extortion", Lognormal(mu, sigma)),)),))
    mean = rate * math.exp(mu + sigma**2 / 2)  # compound Poisson: λ·E[X]
    cv = math.exp(sigma**2 / 2) / math.sqrt(rate)  # √(λ·E[X²]) / (λ·E[X])
    frozen = stats.lognorm(sigma, scale=math.exp(mu))
    errors = []
    for log2 in (13, 15, 17):
        result = quantify(model, log2=log2, bucket=2**13 * 1e6 / 2**log2)
        check = result.settings["grid"]["self_check"]
        assert check["mean_exact"] == pytest.approx(mean, rel=1e-12)
        assert check["cv_exact"] == pytest.approx(cv, rel=1e-12)
        # moment matching keeps the mean on any grid; the top point restores what lies beyond
        assert abs(check["mean_error_within_grid"]) < 1e-6
        beyond = rate * _stop_loss_by_quadrature(frozen.sf, check["top"])
        assert check["mean_beyond_grid"] == pytest.approx(beyond / mean, rel=1e-6)
        assert check["mean_error"] == pytest.approx(-beyond / mean, abs=1e-6)
        assert result.mean == pytest.approx(mean, rel=1e-6)
        errors.append(abs(check["cv_error_within_grid"]))
    assert errors[0] > errors[1] > errors[2]
    assert errors[0] > 1e-5 > 1e-6 > errors[2]


def test_euler_contributions_add_up_with_the_tail_beyond_the_grid() -> None:
    scenarios = (
        Scenario(
            "a",
            Poisson(0.3),
            (
                Component("extortion", Lognormal(13.0, 2.0)),
                Component("forensics", Lognormal(11.0, 1.0)),
            ),
        ),
        Scenario("b", NegativeBinomial(0.5, 0.8), (Component("pr", Lognormal(10.0, 2.5)),)),
    )
    result = quantify(Model(scenarios))
    assert result.settings["grid"]["self_check"]["tail_value"] is not None
    for level in (None, 0.9, 0.99):
        total = result.mean if level is None else result.tvar(level)
        by_scenario = sum(result.contribution(f"scenario:{n}", level) for n in ("a", "b"))
        by_coverage = sum(
            result.contribution(f"coverage:{c}", level) for c in ("extortion", "forensics", "pr")
        )
        assert by_scenario == pytest.approx(total, rel=1e-7)
        assert by_coverage == pytest.approx(total, rel=1e-7)
    assert result.mean == pytest.approx(result.ground_up_mean, rel=1e-5)
    # no retention: a coverage's mean contribution is E[N]·E[X_c] (forensics has a light tail,
    # so hardly any of it is in the top point, whose value is shared pro rata)
    forensics = 0.3 * math.exp(11.0 + 0.5)
    assert result.contribution("coverage:forensics") == pytest.approx(forensics, rel=1e-6)
    assert result.contribution("scenario:b") == pytest.approx(
        0.5 * math.exp(10.0 + 3.125), rel=1e-3
    )
