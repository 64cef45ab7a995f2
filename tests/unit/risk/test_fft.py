"""The Fourier engine against Panjer's recursion, closed forms and the `aggregate` package."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, stats

from liubu.errors import ValidationError
from liubu.risk import (
    Bernoulli,
    Component,
    CoverageTerms,
    Dependence,
    Empirical,
    Lognormal,
    Model,
    NegativeBinomial,
    Pert,
    Poisson,
    Scenario,
    Terms,
    quantify,
)


def _single(freq, severity, terms=None, coverage="extortion") -> Model:
    return Model((Scenario("s", freq, (Component(coverage, severity),)),), terms or Terms())


def _panjer_poisson(rate: float, severity_pmf: np.ndarray, size: int) -> np.ndarray:
    """Panjer (1981) recursion for a compound Poisson on a lattice (a = 0, b = λ)."""
    out = np.zeros(size)
    out[0] = math.exp(-rate * (1.0 - severity_pmf[0]))
    j = np.arange(len(severity_pmf))
    for k in range(1, size):
        m = min(k, len(severity_pmf) - 1)
        out[k] = rate / k * np.sum(j[1 : m + 1] * severity_pmf[1 : m + 1] * out[k - j[1 : m + 1]])
    return out


def test_compound_poisson_on_a_lattice_equals_panjers_recursion() -> None:
    severity = Empirical((100.0, 500.0, 1000.0), (0.8, 0.16, 0.04))
    result = quantify(_single(Poisson(5.0), severity), bucket=100.0, log2=10)
    assert result.annual.probs[6] == pytest.approx(0.059893, abs=5e-7)  # P(S = 600)
    lattice = np.zeros(11)
    lattice[[1, 5, 10]] = [0.8, 0.16, 0.04]
    panjer = _panjer_poisson(5.0, lattice, 1024)
    assert np.max(np.abs(result.annual.probs - panjer)) < 1e-9
    assert result.mean == pytest.approx(1000.0, rel=1e-9)


def test_expected_annual_loss_of_a_poisson_lognormal_interval_scenario() -> None:
    model = _single(Poisson(0.1), Lognormal.from_interval90(1e5, 1e6))
    assert model.ground_up_mean == pytest.approx(40_400.128, abs=5e-4)
    result = quantify(model)
    assert result.engine == "fft"
    assert result.mean == pytest.approx(40_400.128, rel=1e-4)
    check = result.settings["grid"]["self_check"]
    assert abs(check["mean_error"]) < 1e-4
    assert check["mean_exact"] == pytest.approx(40_400.128, abs=5e-4)


def test_occurrence_exceedance_is_one_minus_exp_of_minus_rate_times_survival() -> None:
    result = quantify(_single(Poisson(0.5), Lognormal(12.0, 1.0)), log2=16)
    assert result.occurrence_exceedance_probability(1e5) == pytest.approx(0.29068, abs=5e-6)
    assert result.occurrence_exceedance_probability(1e6) == pytest.approx(0.017212, abs=5e-7)
    for x in (3e4, 2e5, 5e6):
        exact = 1 - math.exp(-0.5 * stats.lognorm(1.0, scale=math.exp(12.0)).sf(x))
        assert result.occurrence_exceedance_probability(x) == pytest.approx(exact, rel=1e-4)


def _aggregate(program: str, bucket: float, log2: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from aggregate import build

        dist = build(program, bs=bucket, log2=log2)
        return dist.est_m, dist.q(0.99), dist.q(0.995)


@pytest.mark.parametrize(
    ("program", "freq", "severity"),
    [
        (
            "agg A 3 claims sev lognorm 20000 cv 1.2 poisson",
            Poisson(3.0),
            Lognormal.from_mean_cv(20_000.0, 1.2),
        ),
        (
            "agg B 2 claims sev lognorm 50000 cv 0.8 mixed gamma 0.4",
            NegativeBinomial(2.0, 0.4),
            Lognormal.from_mean_cv(50_000.0, 0.8),
        ),
        (
            "agg C 8 claims dsev [100 500 1000] [.8 .16 .04] poisson",
            Poisson(8.0),
            Empirical((100.0, 500.0, 1000.0), (0.8, 0.16, 0.04)),
        ),
        (
            "agg D 1 claim sev lognorm 10000 cv 2 bernoulli",
            Bernoulli(1.0),
            Lognormal.from_mean_cv(10_000.0, 2.0),
        ),
    ],
)
def test_matches_the_aggregate_package_on_compound_distributions(program, freq, severity) -> None:
    bucket, log2 = (100.0, 16) if "dsev" not in program else (100.0, 10)
    mean, q99, q995 = _aggregate(program, bucket, log2)
    result = quantify(_single(freq, severity), bucket=bucket, log2=log2, discretisation="round")
    assert result.mean == pytest.approx(mean, rel=1e-4)
    assert result.var(0.99) == pytest.approx(q99, rel=1e-4)
    assert result.var(0.995) == pytest.approx(q995, rel=1e-4)


def test_retention_sublimit_and_coinsurance_give_the_closed_form_layer_mean() -> None:
    sev = Lognormal(11.0, 1.0)
    terms = Terms(
        retention=20_000.0,
        coverages={"extortion": CoverageTerms(sublimit=300_000.0, coinsurance=0.2)},
    )
    result = quantify(_single(Poisson(0.7), sev, terms))
    # Z = min(0.8 X, 300k); I = (Z − 20k)+ = 0.8·(min(X, 375k) − 25k)+
    expected = 0.7 * 0.8 * (sev.lev(375_000.0) - sev.lev(25_000.0))
    assert result.mean == pytest.approx(expected, rel=2e-4)
    assert result.ground_up_mean == pytest.approx(0.7 * sev.mean, rel=1e-12)
    assert result.retained_mean == pytest.approx(0.7 * sev.mean - result.mean, rel=1e-12)


@pytest.mark.parametrize("semantics", ["time_deductible", "qualifying"])
def test_business_interruption_waiting_period_acts_in_hours(semantics) -> None:
    hours, rate, wait = Pert(2.0, 10.0, 80.0), 1_000.0, 12.0
    comp = Component("business_interruption", outage_hours=hours, loss_per_hour=rate)
    terms = Terms(
        coverages={
            "business_interruption": CoverageTerms(
                waiting_period_hours=wait, waiting_period_type=semantics
            )
        }
    )
    result = quantify(Model((Scenario("outage", Poisson(1.5), (comp,)),), terms))
    frozen = stats.beta(hours.alpha, hours.beta, loc=2.0, scale=78.0)
    pay = (lambda h: rate * (h - wait)) if semantics == "time_deductible" else (lambda h: rate * h)
    per_event, _ = integrate.quad(lambda h: pay(h) * frozen.pdf(h), wait, 80.0, epsrel=1e-11)
    assert result.mean == pytest.approx(1.5 * per_event, rel=2e-4)


def test_annual_aggregate_limit_caps_the_annual_sum_exactly() -> None:
    sev = Empirical((100.0, 500.0, 1000.0), (0.8, 0.16, 0.04))
    free = quantify(_single(Poisson(5.0), sev), bucket=100.0, log2=10)
    capped = quantify(
        _single(Poisson(5.0), sev, Terms(aggregate_limit=1_500.0)), bucket=100.0, log2=10
    )
    expected = float(np.dot(np.minimum(free.annual.values, 1_500.0), free.annual.probs))
    assert capped.mean == pytest.approx(expected, rel=1e-12)
    assert capped.var(0.999) == 1_500.0


def test_independent_components_convolve_and_the_retention_applies_once_per_event() -> None:
    a, b = Empirical((0.0, 1000.0), (0.5, 0.5)), Empirical((0.0, 2000.0), (0.5, 0.5))
    scenario = Scenario("pair", Bernoulli(1.0), (Component("forensics", a), Component("pr", b)))
    result = quantify(Model((scenario,), Terms(retention=1500.0)), bucket=100.0, log2=8)
    # event sums 0, 1000, 2000, 3000 with probability 1/4 each; less 1500 once: 0, 0, 500, 1500
    assert result.mean == pytest.approx((500.0 + 1500.0) / 4, rel=1e-10)
    # shared in proportion to each coverage's recoverable amount: 1000/3000 of 1500 in the
    # 3000 event for forensics; all 500 of the 2000 event and 2000/3000 of 1500 for PR
    assert result.contribution("coverage:forensics") == pytest.approx(
        1000.0 / 3000.0 * 1500 / 4, rel=1e-9
    )
    assert result.contribution("coverage:pr") == pytest.approx(
        (500.0 + 2000.0 / 3000.0 * 1500.0) / 4, rel=1e-9
    )


def test_euler_contributions_add_up_to_the_mean_and_to_tvar() -> None:
    scenarios = (
        Scenario(
            "a",
            Poisson(0.4),
            (
                Component("extortion", Lognormal(12.0, 1.1)),
                Component("forensics", Lognormal(10.0, 0.8)),
            ),
        ),
        Scenario("b", NegativeBinomial(1.2, 0.5), (Component("pr", Lognormal(9.0, 1.0)),)),
    )
    result = quantify(Model(scenarios, Terms(retention=10_000.0, aggregate_limit=2e6)))
    for level in (None, 0.9, 0.99):
        total = result.mean if level is None else result.tvar(level)
        by_scenario = sum(result.contribution(f"scenario:{n}", level) for n in ("a", "b"))
        by_coverage = sum(
            result.contribution(f"coverage:{c}", level) for c in ("extortion", "forensics", "pr")
        )
        assert by_scenario == pytest.approx(total, rel=1e-7)
        assert by_coverage == pytest.approx(total, rel=1e-7)


def test_the_fourier_engine_refuses_dependent_components() -> None:
    scenario = Scenario(
        "dep",
        Poisson(1.0),
        (Component("forensics", Lognormal(9.0, 1.0)), Component("pr", Lognormal(9.0, 1.0))),
        Dependence("gaussian", 0.5),
    )
    model = Model((scenario,))
    with pytest.raises(ValidationError, match="dependent components"):
        quantify(model, engine="fft")
    assert quantify(model, years=4096).engine == "mc"


def test_the_self_check_reports_its_own_error_on_a_coarse_grid() -> None:
    model = _single(Poisson(2.0), Lognormal(10.0, 1.5))
    exact_mean = 2.0 * model.scenarios[0].components[0].ground_up.mean
    fine = quantify(model, log2=14).settings["grid"]["self_check"]
    coarse = quantify(model, log2=6).settings["grid"]["self_check"]
    rounded = quantify(model, log2=6, discretisation="round").settings["grid"]["self_check"]
    assert fine["mean_exact"] == pytest.approx(exact_mean, rel=1e-12)
    # the engine's own error is measured against the model limited at the grid's top; the full
    # error adds the expected loss beyond the top (which the top point's value restores)
    assert abs(fine["mean_error_within_grid"]) < 1e-5
    assert abs(fine["cv_error_within_grid"]) < 1e-3
    assert fine["mean_error"] == pytest.approx(-fine["mean_beyond_grid"], abs=1e-5)
    # moment matching keeps the mean on a coarse grid; the CV shows the coarseness
    assert abs(coarse["mean_error_within_grid"]) < 1e-5
    assert abs(coarse["cv_error_within_grid"]) > 10 * abs(fine["cv_error_within_grid"])
    # rounding does not keep the mean, and the check says by how much
    assert rounded["mean_computed"] / exact_mean - 1 == pytest.approx(rounded["mean_error"])
    assert abs(rounded["mean_error"]) > 1e-3
