"""The simulation against closed forms: compound Poisson books whose annual loss is a lattice.

A book of n identical policies, all relying wholly on one provider, hit by one Poisson(λ) outage
family of fixed duration h: every event costs each policy the same insured amount
x = min(0.9·(1,000·h), 50,000) − 2,000 (coinsurance 10 %, sublimit, retention), so the book's annual
loss is n·x·N with N ~ Poisson(λ) and the largest event n·x·1{N ≥ 1}. Its AAL is λ·n·x, its AEP
and OEP at each return period are exact Poisson quantiles (checked only where the Poisson cdf is
clearly away from 1 − 1/T, so that Monte Carlo noise cannot move the empirical quantile).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from liubu.portfolio import Book, Catalogue, Reliance, run_book
from liubu.risk import Constant
from tests.unit.portfolio.books import BI_TERMS, cloud, identical_book, one_provider, outage, policy

YEARS = 100_000
LAM = 0.2
N_POLICIES = 40
HOURS = 30.0
X = min(0.9 * 1_000.0 * HOURS, 50_000.0) - 2_000.0  # 25,000 per policy per event


@pytest.fixture(scope="module")
def one_family(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    book = identical_book(N_POLICIES, dependency="cloud-a", terms=BI_TERMS)
    return run_book(
        book,
        one_provider(LAM, HOURS),
        years=YEARS,
        seed=7,
        workers=0,
        ylt_dir=str(tmp_path_factory.mktemp("ylt")),
    )


def _clear(cdf_values: np.ndarray, q: float, years: int) -> bool:
    """True when no Poisson atom's cdf lies within 6 standard errors of q."""
    se = math.sqrt(q * (1 - q) / years)
    return bool(np.all(np.abs(cdf_values - q) > 6 * se))


def test_aal_is_lambda_n_x_within_monte_carlo_error(one_family) -> None:  # type: ignore[no-untyped-def]
    expected = LAM * N_POLICIES * X
    sd = math.sqrt(LAM) * N_POLICIES * X  # sd of n·x·N
    assert abs(one_family.aal - expected) < 4 * sd / math.sqrt(YEARS)
    assert one_family.aal_standard_error == pytest.approx(sd / math.sqrt(YEARS), rel=0.02)


def test_aep_at_each_return_period_is_the_poisson_quantile(one_family) -> None:  # type: ignore[no-untyped-def]
    checked = []
    atoms = stats.poisson.cdf(np.arange(12), LAM)
    for row in one_family.curve:
        q = 1 - 1 / row.return_period
        if not _clear(atoms, q, YEARS):
            continue
        count = stats.poisson.ppf(q, LAM)
        assert row.aep == count * N_POLICIES * X, row
        checked.append(row.return_period)
    assert {100, 200, 250} <= set(checked)


def test_oep_at_each_return_period_is_one_event_or_none(one_family) -> None:  # type: ignore[no-untyped-def]
    p_none = math.exp(-LAM)
    for row in one_family.curve:
        q = 1 - 1 / row.return_period
        expected = 0.0 if p_none >= q else N_POLICIES * X
        assert row.oep == expected, row


def test_tvar_is_the_mean_of_the_worst_years_and_contributions_add_up(one_family) -> None:  # type: ignore[no-untyped-def]
    for tail in one_family.tails:
        worst = np.sort(one_family.annual)[::-1][: YEARS // tail.return_period]
        assert tail.tvar == pytest.approx(worst.mean(), rel=1e-12)
        for by in ("policy", "family", "dependency", "industry", "region"):
            parts = one_family.contributions_by(by)
            index = (100, 200).index(tail.return_period)
            assert math.fsum(c.tvar[index] for c in parts) == pytest.approx(tail.tvar, rel=1e-9)
            assert math.fsum(c.aal for c in parts) == pytest.approx(one_family.aal, rel=1e-9)
    # identical policies share the tail equally
    policies = one_family.contributions_by("policy")
    assert max(c.tvar[1] for c in policies) == pytest.approx(min(c.tvar[1] for c in policies))


def test_independent_families_aep_matches_a_numerical_convolution(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Family A: λa = 0.3, each event costs 1 unit (10 policies × 1,000); family B: λb = 0.05,
    # each event costs 3 units (30 policies on another provider × 1,000). Units of 1,000 CNY,
    # ground-up (no terms): a policy of 1,000 CNY an hour down for 1 hour.
    lam_a, lam_b, years = 0.3, 0.05, 100_000
    on_a = tuple(policy(f"A{i}", relies_on=(Reliance("cloud-a", 0.0, 1.0),)) for i in range(10))
    on_b = tuple(policy(f"B{i}", relies_on=(Reliance("cloud-b", 0.0, 1.0),)) for i in range(30))
    catalogue = Catalogue(
        (cloud("cloud-a"), cloud("cloud-b", "tencent_cloud")),
        (
            outage("a_down", "cloud-a", lam_a, Constant(1.0)),
            outage("b_down", "cloud-b", lam_b, Constant(1.0)),
        ),
    )
    result = run_book(
        Book(on_a + on_b), catalogue, years=years, seed=11, workers=0, ylt_dir=str(tmp_path)
    )
    units = 60
    pmf_a = stats.poisson.pmf(np.arange(units), lam_a)
    pmf_b = np.zeros(units)
    pmf_b[::3] = stats.poisson.pmf(np.arange(len(pmf_b[::3])), lam_b)
    pmf = np.convolve(pmf_a, pmf_b)[:units]
    cdf = np.cumsum(pmf)
    empirical = np.searchsorted(np.sort(result.annual / 10_000.0), np.arange(units), side="right")
    se = np.sqrt(cdf * (1 - cdf) / years) + 1e-12
    assert np.all(np.abs(empirical / years - cdf) < 5 * se + 1e-9)
    checked = []
    for row in result.curve:
        q = 1 - 1 / row.return_period
        if not _clear(cdf[:20], q, years):
            continue
        assert row.aep == np.searchsorted(cdf, q) * 10_000.0, row
        checked.append(row.return_period)
    assert {100, 200} <= set(checked)
