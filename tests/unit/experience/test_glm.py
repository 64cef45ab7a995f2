"""Frequency and severity GLMs against closed forms, an independent optimiser, and synthetic data
generated with known relativities."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

from liubu.errors import ValidationError
from liubu.experience import (
    ExperienceData,
    fit_frequency,
    fit_severity,
    pure_premium_relativities,
    synthetic_experience,
)
from liubu.experience import glm as glm_module
from liubu.experience._statsmodels import GlmOutcome

Z95 = scipy.stats.norm.ppf(0.975)


def _data(rows: list[tuple[str, float, int, float]], factor: str = "grade") -> ExperienceData:
    """Rows (level, exposure, claims, loss), one policy each, one period."""
    return ExperienceData(
        policy_id=np.array([f"P{i}" for i in range(len(rows))]),
        period=np.full(len(rows), 2024),
        factors={factor: np.array([r[0] for r in rows])},
        exposure=np.array([r[1] for r in rows]),
        claim_count=np.array([r[2] for r in rows]),
        incurred_loss=np.array([r[3] for r in rows]),
    )


# Level a: exposure 10 + 30 = 40, claims 2 + 6 = 8, loss 30 000 + 90 000.
# Level b: exposure 20, claims 10, loss 80 000 + 45 000 (rows of 6 and 4 claims... split below).
# Level c: exposure 25 + 5 = 30, claims 3 + 3 = 6, loss 20 000 + 16 000.
HAND = [
    ("a", 10.0, 2, 30_000.0),
    ("a", 30.0, 6, 90_000.0),
    ("b", 12.0, 6, 80_000.0),
    ("b", 8.0, 4, 45_000.0),
    ("c", 25.0, 3, 20_000.0),
    ("c", 5.0, 3, 16_000.0),
]


def test_poisson_single_factor_relativity_is_the_ratio_of_claim_frequencies() -> None:
    fit = fit_frequency(_data(HAND), ["grade"], base_levels={"grade": "a"})
    freq = {"a": 8 / 40, "b": 10 / 20, "c": 6 / 30}
    assert fit.base_value == pytest.approx(freq["a"], rel=1e-9)
    for level in ("b", "c"):
        assert fit.relativity("grade", level).relativity == pytest.approx(
            freq[level] / freq["a"], rel=1e-9
        )
    # Closed form: Var(log λ̂_L) = 1/claims_L, so se(log relativity) = √(1/n_L + 1/n_base).
    assert fit.relativity("grade", "b").se == pytest.approx(math.sqrt(1 / 10 + 1 / 8), rel=1e-6)
    assert fit.relativity("grade", "c").se == pytest.approx(math.sqrt(1 / 6 + 1 / 8), rel=1e-6)
    assert fit.base_se == pytest.approx(math.sqrt(1 / 8), rel=1e-6)
    # One parameter per segment: no residual degrees of freedom, so φ stays 1, flagged.
    assert (fit.dispersion, fit.df_resid, fit.pearson_dispersion) == (1.0, 0.0, None)
    assert fit.dispersion_estimated is False


def test_wald_interval_is_exp_of_coef_plus_minus_z_se() -> None:
    fit = fit_frequency(_data(HAND), ["grade"], base_levels={"grade": "a"}, confidence=0.9)
    entry = fit.relativity("grade", "b")
    z = scipy.stats.norm.ppf(0.95)
    assert entry.ci_low == pytest.approx(math.exp(entry.coef - z * entry.se), rel=1e-12)
    assert entry.ci_high == pytest.approx(math.exp(entry.coef + z * entry.se), rel=1e-12)
    base = fit.relativity("grade", "a")
    assert (base.relativity, base.se, base.ci_low, base.ci_high, base.is_base) == (1, 0, 1, 1, True)


def test_gamma_single_factor_relativity_is_the_ratio_of_average_severities() -> None:
    fit = fit_severity(_data(HAND), ["grade"], base_levels={"grade": "a"})
    severity = {"a": 120_000 / 8, "b": 125_000 / 10, "c": 36_000 / 6}
    assert fit.base_value == pytest.approx(severity["a"], rel=1e-8)
    for level in ("b", "c"):
        assert fit.relativity("grade", level).relativity == pytest.approx(
            severity[level] / severity["a"], rel=1e-8
        )


def test_default_base_level_is_the_level_with_most_exposure() -> None:
    fit = fit_frequency(_data(HAND), ["grade"])
    assert fit.base_levels == {"grade": "a"}  # a: 40, c: 30, b: 20 policy-years


def _two_factor_data() -> ExperienceData:
    rng = np.random.default_rng(11)
    grade = rng.choice(["A", "B", "C"], size=400)
    mlps = rng.choice(["2", "3"], size=400)
    exposure = rng.uniform(0.2, 1.0, size=400).round(3)
    rate = 0.4 * np.where(grade == "A", 0.5, np.where(grade == "B", 1.0, 1.6))
    rate *= np.where(mlps == "3", 0.8, 1.0)
    counts = rng.poisson(rate * exposure)
    loss = np.where(counts > 0, rng.gamma(2.0 * np.maximum(counts, 1), 5000.0), 0.0).round(2)
    return ExperienceData(
        policy_id=np.array([f"P{i}" for i in range(400)]),
        period=np.full(400, 2024),
        factors={"grade": grade, "mlps": mlps},
        exposure=exposure,
        claim_count=counts,
        incurred_loss=loss,
    )


def test_two_factor_poisson_fit_equals_an_independent_maximum_likelihood() -> None:
    data = _two_factor_data()
    fit = fit_frequency(data, ["grade", "mlps"], base_levels={"grade": "B", "mlps": "2"})
    # Independent: minimise the Poisson negative log-likelihood of the row-level data by BFGS,
    # with parameters (log base, log rel A, log rel C, log rel mlps 3).
    g, m = data.factors["grade"], data.factors["mlps"]
    design = np.column_stack([np.ones(400), g == "A", g == "C", m == "3"]).astype(float)
    y, offset = data.claim_count, np.log(data.exposure)

    def negative_loglik(beta: np.ndarray) -> float:
        eta = design @ beta + offset
        return float(np.sum(np.exp(eta) - y * eta))

    def gradient(beta: np.ndarray) -> np.ndarray:
        return design.T @ (np.exp(design @ beta + offset) - y)

    best = scipy.optimize.minimize(
        negative_loglik, np.zeros(4), jac=gradient, method="BFGS", options={"gtol": 1e-10}
    )
    mu = np.exp(design @ best.x + offset)
    se = np.sqrt(np.diag(np.linalg.inv(design.T @ (mu[:, None] * design))))  # Fisher information
    # Quasi-Poisson: Pearson X² on the 6 segments (grade × mlps) of the same fit, over 6 − 4 df;
    # the standard errors carry √max(X²/df, 1).
    segment = np.unique(np.column_stack([g, m]), axis=0, return_inverse=True)[1].reshape(-1)
    observed, expected = np.bincount(segment, weights=y), np.bincount(segment, weights=mu)
    pearson = float(np.sum((observed - expected) ** 2 / expected))
    se = se * math.sqrt(max(pearson / 2, 1.0))
    got = [
        math.log(fit.base_value),
        fit.relativity("grade", "A").coef,
        fit.relativity("grade", "C").coef,
        fit.relativity("mlps", "3").coef,
    ]
    got_se = [
        fit.base_se,
        fit.relativity("grade", "A").se,
        fit.relativity("grade", "C").se,
        fit.relativity("mlps", "3").se,
    ]
    assert got == pytest.approx(list(best.x), abs=1e-6)
    assert got_se == pytest.approx(list(se), rel=1e-5)
    assert fit.pearson_dispersion == pytest.approx(pearson / 2, rel=1e-6)
    assert fit.dispersion == pytest.approx(max(pearson / 2, 1.0), rel=1e-6)
    assert fit.predict({"grade": "A", "mlps": "3"}) == pytest.approx(
        math.exp(best.x[0] + best.x[1] + best.x[3]), rel=1e-6
    )


TRUE_FREQUENCY = {
    "security_grade": {"A": 0.55, "B": 0.8, "C": 1.0, "D": 1.35, "E": 1.9},
    "mlps_level": {"none": 1.25, "2": 1.0, "3": 0.85},
    "industry_section": {"C": 1.0, "I": 1.4, "Q": 1.2},
}
TRUE_SEVERITY = {
    "security_grade": {"A": 0.8, "B": 0.9, "C": 1.0, "D": 1.1, "E": 1.3},
    "mlps_level": {"none": 1.1, "2": 1.0, "3": 0.9},
    "industry_section": {"C": 1.0, "I": 1.5, "Q": 1.2},
}
BASE = {"security_grade": "C", "mlps_level": "2", "industry_section": "C"}


@pytest.fixture(scope="module")
def synthetic() -> ExperienceData:
    # 30 000 policies × 3 years × mean exposure 0.75 × 0.06 ≈ 4 300 claims.
    return synthetic_experience(
        n_policies=30_000,
        relativities=TRUE_FREQUENCY,
        severity_relativities=TRUE_SEVERITY,
        base_frequency=0.06,
        severity_mean=150_000,
        severity_shape=1.2,
        rng=np.random.default_rng(20240601),
    )


@pytest.mark.parametrize("kind", ["frequency", "severity"])
def test_glm_relativities_are_recovered_from_synthetic_claims(
    synthetic: ExperienceData, kind: str
) -> None:
    fitter, truth = (
        (fit_frequency, TRUE_FREQUENCY) if kind == "frequency" else (fit_severity, TRUE_SEVERITY)
    )
    fit = fitter(synthetic, list(truth), base_levels=BASE)
    for factor, levels in truth.items():
        for level, true in levels.items():
            entry = fit.relativity(factor, level)
            if entry.is_base:
                continue
            assert abs(entry.coef - math.log(true)) < 3 * entry.se, (factor, level)
            assert entry.se < 0.12  # the data are informative enough for the check to bite
    base_truth = 0.06 if kind == "frequency" else 150_000
    assert abs(math.log(fit.base_value / base_truth)) < 3 * fit.base_se


def test_gamma_dispersion_estimates_one_over_shape(synthetic: ExperienceData) -> None:
    fit = fit_severity(synthetic, list(TRUE_SEVERITY), base_levels=BASE)
    assert fit.dispersion == pytest.approx(1 / 1.2, rel=0.08)


def test_poisson_wald_intervals_cover_the_true_relativities_about_95_percent_of_the_time() -> None:
    # Poisson counts, dispersion fixed at 1: the plain Poisson intervals. (The default estimated
    # φ = max(φ̂, 1) is checked in test_overdispersion.py.)
    truth = {"grade": {"A": 0.6, "B": 1.0, "C": 1.5}, "mlps": {"2": 1.0, "3": 0.8, "4": 0.7}}
    rng = np.random.default_rng(5)
    covered = total = 0
    for _ in range(80):
        data = synthetic_experience(
            n_policies=2_000,
            relativities=truth,
            base_frequency=0.15,
            severity_mean=1e5,
            severity_shape=1.0,
            rng=rng,
        )
        fit = fit_frequency(
            data, ["grade", "mlps"], base_levels={"grade": "B", "mlps": "2"}, dispersion="fixed"
        )
        for factor, levels in truth.items():
            for level, true in levels.items():
                entry = fit.relativity(factor, level)
                if not entry.is_base:
                    total += 1
                    covered += entry.ci_low <= true <= entry.ci_high
    # 320 intervals; at a true 95 % coverage the share lies in [0.915, 0.985] with ~99.7 %.
    assert total == 320
    assert 0.915 <= covered / total <= 0.985


def test_loss_cost_relativity_multiplies_frequency_and_severity(synthetic: ExperienceData) -> None:
    frequency = fit_frequency(synthetic, list(TRUE_FREQUENCY), base_levels=BASE)
    severity = fit_severity(synthetic, list(TRUE_FREQUENCY), base_levels=BASE)
    combined = pure_premium_relativities(frequency, severity)
    entry = next(r for r in combined["security_grade"] if r.level == "E")
    f, s = frequency.relativity("security_grade", "E"), severity.relativity("security_grade", "E")
    assert entry.relativity == pytest.approx(f.relativity * s.relativity, rel=1e-12)
    assert entry.se == pytest.approx(math.sqrt(f.se**2 + s.se**2), rel=1e-12)
    assert abs(entry.coef - math.log(1.9 * 1.3)) < 3 * entry.se


def test_level_without_claims_is_refused_or_merged_into_the_base() -> None:
    rows = [*HAND, ("d", 4.0, 0, 0.0)]
    with pytest.raises(ValidationError) as caught:
        fit_frequency(_data(rows), ["grade"])
    assert caught.value.code == "experience.level_without_claims"
    assert "'d'" in caught.value.message
    fit = fit_frequency(_data(rows), ["grade"], base_levels={"grade": "a"}, sparse="merge")
    assert fit.merged == {"grade": {"d": "a"}}
    merged = fit.relativity("grade", "d")
    assert (merged.relativity, merged.merged_into, merged.exposure) == (1.0, "a", 4.0)
    # Merged into a: base frequency (8 + 0) / (40 + 4).
    assert fit.base_value == pytest.approx(8 / 44, rel=1e-9)


def test_aliased_factors_are_refused_naming_the_levels() -> None:
    data = _two_factor_data()
    twin = ExperienceData(
        policy_id=data.policy_id,
        period=data.period,
        factors={"grade": data.factors["grade"], "grade_copy": data.factors["grade"]},
        exposure=data.exposure,
        claim_count=data.claim_count,
        incurred_loss=data.incurred_loss,
    )
    with pytest.raises(ValidationError) as caught:
        fit_frequency(twin, ["grade", "grade_copy"])
    assert caught.value.code == "experience.aliased"
    assert "grade" in caught.value.message


def test_a_fit_that_does_not_converge_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(*args: object, **kwargs: object) -> GlmOutcome:
        return GlmOutcome(
            np.zeros(3),
            np.ones(3),
            False,
            100,
            1.0,
            1.0,
            3.0,
            6,
            ("ConvergenceWarning: IRLS",),
            1.0,
        )

    monkeypatch.setattr(glm_module, "fit_glm", stuck)
    with pytest.raises(ValidationError) as caught:
        fit_frequency(_data(HAND), ["grade"])
    assert caught.value.code == "experience.glm_not_converged"
    assert "ConvergenceWarning" in caught.value.message


def test_unknown_factor_and_base_level_are_refused() -> None:
    with pytest.raises(ValidationError, match="no factor 'size'"):
        fit_frequency(_data(HAND), ["size"])
    with pytest.raises(ValidationError, match="base level 'z'"):
        fit_frequency(_data(HAND), ["grade"], base_levels={"grade": "z"})
    with pytest.raises(ValidationError, match="not among the fitted factors"):
        fit_frequency(_data(HAND), ["grade"], base_levels={"mlps": "2"})


def test_fit_to_dict_is_json_ready() -> None:
    import json

    fit = fit_severity(_data(HAND), ["grade"])
    text = json.dumps(fit.to_dict())
    assert '"kind": "severity"' in text
