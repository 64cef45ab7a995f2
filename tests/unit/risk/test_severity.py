"""Severities against closed forms, scipy.stats and numerical integration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from liubu.errors import ValidationError
from liubu.risk import (
    Constant,
    Empirical,
    Gpd,
    Lognormal,
    Mixture,
    Normal,
    Pert,
    Scaled,
    Spliced,
)


def test_lognormal_from_a_90_percent_interval_matches_the_published_oracle() -> None:
    ln = Lognormal.from_interval90(1.0, 10.0)
    assert ln.mu == pytest.approx(1.151293, abs=1e-6)
    assert ln.sigma == pytest.approx(0.699936, abs=1e-6)
    assert ln.mean == pytest.approx(4.040012826945728, rel=1e-12)
    # the interval ends really are the 5th and 95th percentiles
    assert stats.lognorm(ln.sigma, scale=math.exp(ln.mu)).ppf([0.05, 0.95]) == pytest.approx(
        [1.0, 10.0], rel=1e-9
    )


def test_pert_in_the_standard_form_has_the_published_mean_sd_and_its_given_mode() -> None:
    p = Pert(5.0, 20.0, 50.0)
    assert p.mean == pytest.approx(22.5, rel=1e-12)
    assert p.sd == pytest.approx(8.2916, abs=5e-5)
    grid = np.linspace(5.0, 50.0, 450_001)
    density = stats.beta(p.alpha, p.beta, loc=5.0, scale=45.0).pdf(grid)
    assert grid[np.argmax(density)] == pytest.approx(20.0, abs=1e-3)


def test_limited_expected_value_of_a_lognormal_layer_matches_its_closed_form() -> None:
    mu, sigma, d, u = 11.0, 1.3, 50_000.0, 400_000.0
    ln = Lognormal(mu, sigma)

    def lev(x: float) -> float:  # Klugman, Panjer & Willmot, Loss Models, appendix A
        z = (math.log(x) - mu - sigma**2) / sigma
        return math.exp(mu + sigma**2 / 2) * stats.norm.cdf(z) + x * stats.norm.sf(
            (math.log(x) - mu) / sigma
        )

    assert ln.lev(u) - ln.lev(d) == pytest.approx(lev(u) - lev(d), rel=1e-12)
    by_quad, _ = integrate.quad(lambda x: float(ln.sf(x)), d, u, epsrel=1e-12, limit=200)
    assert ln.lev(u) - ln.lev(d) == pytest.approx(by_quad, rel=1e-9)


CASES = [
    (Lognormal(10.0, 1.2), stats.lognorm(1.2, scale=math.exp(10.0))),
    (
        Pert(1_000.0, 4_000.0, 20_000.0),
        stats.beta(1 + 4 * 3 / 19, 1 + 4 * 16 / 19, loc=1000.0, scale=19_000.0),
    ),
    (Gpd(0.3, 10_000.0, 5_000.0), stats.genpareto(0.3, loc=5_000.0, scale=10_000.0)),
    (Gpd(-0.2, 10_000.0), stats.genpareto(-0.2, scale=10_000.0)),
    (Gpd.pareto(2.5, 1_000.0), stats.pareto(2.5, scale=1_000.0)),
    (Scaled(Lognormal(2.0, 0.5), 300.0), stats.lognorm(0.5, scale=300.0 * math.exp(2.0))),
]


@pytest.mark.parametrize(("severity", "frozen"), CASES)
def test_cdf_quantiles_and_moments_agree_with_scipy(severity, frozen) -> None:
    xs = frozen.ppf([0.01, 0.3, 0.5, 0.9, 0.999])
    assert severity.cdf(xs) == pytest.approx(frozen.cdf(xs), abs=1e-12)
    assert severity.ppf([0.01, 0.5, 0.999]) == pytest.approx(
        frozen.ppf([0.01, 0.5, 0.999]), rel=1e-9
    )
    assert severity.mean == pytest.approx(frozen.mean(), rel=1e-9)
    assert severity.variance == pytest.approx(frozen.var(), rel=1e-8)


@pytest.mark.parametrize(("severity", "frozen"), CASES)
def test_partial_moments_agree_with_numerical_integration(severity, frozen) -> None:
    x = float(frozen.ppf(0.8))
    for order in (1, 2):
        expected, _ = integrate.quad(
            lambda t: t**order * frozen.pdf(t), frozen.support()[0], x, epsrel=1e-11, limit=400
        )
        assert severity.partial_moment(x, order) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize(("severity", "frozen"), CASES)
def test_limited_expected_values_agree_with_scipy(severity, frozen) -> None:
    """E[min(X, u)] on an array (the grid's path, specialised per family) against SciPy's
    expectation; below the support it is u itself, at infinity the mean."""
    low = frozen.support()[0]
    us = np.array([0.0, *frozen.ppf([0.05, 0.5, 0.95, 0.9999]), math.inf])
    found = severity.lev_array(us)
    for u, value in zip(us[1:-1], found[1:-1], strict=True):
        # E[min(X, u)] = ∫₀ᵘ P(X > x) dx, and P(X > x) = 1 below the support
        tail, _ = integrate.quad(frozen.sf, max(low, 0.0), u, epsrel=1e-11, limit=400)
        expected = max(low, 0.0) + tail
        assert value == pytest.approx(expected, rel=1e-8)
    assert found[0] == pytest.approx(min(0.0, low), abs=1e-9)
    assert found[-1] == pytest.approx(frozen.mean(), rel=1e-9)
    assert severity.lev_array(us.reshape(2, 3)).shape == (2, 3)


@pytest.mark.parametrize(("severity", "frozen"), CASES)
def test_samples_follow_the_distribution(severity, frozen) -> None:
    draws = severity.sample(np.random.default_rng(11), 20_000)
    assert stats.kstest(draws, frozen.cdf).pvalue > 1e-3


def test_spliced_keeps_the_body_below_the_threshold_and_the_tail_above() -> None:
    body, tail = Lognormal(10.0, 1.0), Gpd.pareto(1.8, 100_000.0)
    spliced = Spliced(body, tail, 100_000.0)
    p = float(body.sf(100_000.0))
    assert spliced.cdf(50_000.0) == pytest.approx(float(body.cdf(50_000.0)), rel=1e-12)
    assert spliced.sf(300_000.0) == pytest.approx(p * (100_000.0 / 300_000.0) ** 1.8, rel=1e-12)
    expected = body.partial_moment(100_000.0, 1) + p * tail.mean
    assert spliced.mean == pytest.approx(expected, rel=1e-10)
    draws = spliced.sample(np.random.default_rng(3), 40_000)
    assert np.mean(draws > 100_000.0) == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 40_000))


def test_mixture_constant_empirical_and_censored_normal_moments() -> None:
    mix = Mixture((Constant(0.0), Lognormal(8.0, 0.5)), (0.7, 0.3))
    assert mix.mean == pytest.approx(0.3 * math.exp(8.0 + 0.125), rel=1e-12)
    assert float(mix.cdf(0.0)) == pytest.approx(0.7)
    assert float(mix.ppf(0.85)) == pytest.approx(float(Lognormal(8.0, 0.5).ppf(0.5)), rel=1e-9)
    emp = Empirical((100.0, 500.0, 1000.0), (0.8, 0.16, 0.04))
    assert emp.mean == pytest.approx(200.0)
    assert emp.variance == pytest.approx(0.8 * 1e4 + 0.16 * 25e4 + 0.04 * 1e6 - 200.0**2)
    normal = Normal(100.0, 80.0)
    censored = stats.norm(100.0, 80.0).expect(lambda x: max(x, 0.0), lb=-np.inf, ub=np.inf)
    assert normal.mean == pytest.approx(censored, rel=1e-7)
    second = stats.norm(100.0, 80.0).expect(lambda x: max(x, 0.0) ** 2, lb=-np.inf, ub=np.inf)
    assert normal.moment(2) == pytest.approx(second, rel=1e-7)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Lognormal.from_interval90(10.0, 1.0), "lognormal.interval90.low"),
        (lambda: Lognormal(1.0, -0.5), "lognormal.sigma"),
        (lambda: Lognormal(float("nan"), 1.0), "lognormal.mu"),
        (lambda: Pert(5.0, 60.0, 50.0), "pert.mode"),
        (lambda: Pert(50.0, 50.0, 50.0), "pert.low"),
        (lambda: Pert(1.0, 2.0, float("inf")), "pert.high"),
        (lambda: Constant(-1.0), "constant.value"),
        (lambda: Empirical((1.0, float("nan"))), "empirical.values[1]"),
        (lambda: Gpd(0.2, 0.0), "gpd.scale"),
    ],
)
def test_bad_parameters_raise_an_error_naming_the_parameter_and_value(make, field) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == field
    assert field.split(".")[-1].split("[")[0] in caught.value.message
