"""Frequencies: generating functions against scipy's count distributions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from liubu.errors import ValidationError
from liubu.risk import Bernoulli, NegativeBinomial, PertPoisson, Poisson


def _pgf_from_pmf(pmf: np.ndarray, z: np.ndarray) -> np.ndarray:
    return np.array([np.sum(pmf * zi ** np.arange(len(pmf))) for zi in z])


Z = np.exp(2j * np.pi * np.array([0.0, 0.01, 0.2, 0.5])) * np.array([1.0, 0.9, 0.7, 0.95])


def test_poisson_and_negative_binomial_generating_functions_match_their_pmfs() -> None:
    k = np.arange(200)
    assert Poisson(3.0).pgf(Z) == pytest.approx(_pgf_from_pmf(stats.poisson.pmf(k, 3.0), Z))
    nb = NegativeBinomial(4.0, 0.5)
    r = 1 / 0.25
    pmf = stats.nbinom.pmf(k, r, r / (r + 4.0))
    assert nb.pgf(Z) == pytest.approx(_pgf_from_pmf(pmf, Z))
    assert nb.variance == pytest.approx(stats.nbinom.var(r, r / (r + 4.0)))
    assert nb.pgf_derivative(np.array([1.0]))[0] == pytest.approx(4.0)


def test_pert_mixed_poisson_matches_numerical_integration_over_the_rate() -> None:
    freq = PertPoisson(0.5, 2.0, 12.0)
    rate = stats.beta(freq.rate.alpha, freq.rate.beta, loc=0.5, scale=11.5)
    for k in (0, 1, 3, 7, 15):
        expected, _ = integrate.quad(
            lambda lam: stats.poisson.pmf(k, lam) * rate.pdf(lam), 0.5, 12.0, epsrel=1e-11
        )
        assert freq.pmf(20)[k] == pytest.approx(expected, rel=1e-8, abs=1e-14)
    assert freq.pgf(Z) == pytest.approx(_pgf_from_pmf(freq.pmf(120), Z), abs=1e-12)
    assert freq.variance == pytest.approx(rate.mean() + rate.var())


def test_samples_have_the_stated_mean() -> None:
    rng = np.random.default_rng(5)
    for freq in (
        Poisson(2.0),
        NegativeBinomial(2.0, 0.8),
        Bernoulli(0.3),
        PertPoisson(1.0, 2.0, 4.0),
    ):
        draws = freq.sample(rng, 100_000)
        assert draws.mean() == pytest.approx(freq.mean, abs=4 * np.sqrt(freq.variance / 1e5))
        assert draws.var() == pytest.approx(freq.variance, rel=0.05)


def test_frequency_modifier_scales_the_expected_count() -> None:
    assert Poisson(0.2).scaled(1.5).mean == pytest.approx(0.3)
    assert NegativeBinomial(2.0, 0.4).scaled(0.5).mean == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="above 1"):
        Bernoulli(0.6).scaled(2.0)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Poisson(-0.1), "poisson.rate"),
        (lambda: Bernoulli(1.2), "bernoulli.p"),
        (lambda: NegativeBinomial(1.0, 0.0), "negative_binomial.cv"),
        (lambda: Poisson(float("inf")), "poisson.rate"),
    ],
)
def test_bad_frequencies_are_refused(make, field) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == field
