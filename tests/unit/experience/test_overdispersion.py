"""Overdispersion in the experience frequency GLM (quasi-Poisson, φ = max(Pearson X²/df, 1)):
against statsmodels' own Pearson scale on the demo book, and the coverage of the Wald intervals
on synthetic over-dispersed books whose true relativities are known."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import scipy.integrate
import scipy.stats
import statsmodels.api as sm
import statsmodels.formula.api as smf

from liubu.demo import demo_experience_data
from liubu.errors import ValidationError
from liubu.experience import (
    ExperienceData,
    SegmentExperience,
    buhlmann_straub,
    fit_frequency,
)

DEMO_FACTORS = ["security_grade", "mlps_level"]


@pytest.fixture(scope="module")
def demo_book() -> ExperienceData:
    """The demo insurer's experience (liubu.demo.load_demo_experience stores exactly this)."""
    return demo_experience_data()


def test_demo_book_dispersion_and_standard_errors_equal_statsmodels_pearson_scale(
    demo_book: ExperienceData,
) -> None:
    fit = fit_frequency(demo_book, DEMO_FACTORS, base_levels={"security_grade": "C"})
    base_mlps = fit.base_levels["mlps_level"]
    # Peer: statsmodels' formula interface on the segment totals, scale="X2" (Pearson X²/df).
    rows = pd.DataFrame(
        {
            "grade": demo_book.factors["security_grade"],
            "mlps": demo_book.factors["mlps_level"],
            "claims": demo_book.claim_count,
            "exposure": demo_book.exposure,
        }
    )
    cells = rows.groupby(["grade", "mlps"], as_index=False)[["claims", "exposure"]].sum()
    peer = smf.glm(
        f"claims ~ C(grade, Treatment('C')) + C(mlps, Treatment('{base_mlps}'))",
        data=cells,
        offset=np.log(cells["exposure"]),
        family=sm.families.Poisson(),
    ).fit(scale="X2")
    assert len(cells) == 15
    assert peer.df_resid == 8
    assert fit.pearson_dispersion == pytest.approx(peer.scale, rel=1e-8)
    assert fit.pearson_chi2 == pytest.approx(peer.pearson_chi2, rel=1e-8)
    assert fit.deviance == pytest.approx(peer.deviance, rel=1e-8)
    assert (fit.df_resid, fit.dispersion_estimated) == (8, True)
    # The book is over-dispersed (its segments differ beyond the factors: segment_sd 0.15), so
    # φ = φ̂ and the standard errors are statsmodels' with the Pearson scale.
    assert peer.scale > 1.5
    assert fit.dispersion == pytest.approx(peer.scale, rel=1e-8)
    assert fit.base_se == pytest.approx(peer.bse["Intercept"], rel=1e-8)
    z = scipy.stats.norm.ppf(0.975)
    for factor, term, base in (
        ("security_grade", "C(grade, Treatment('C'))", "C"),
        ("mlps_level", f"C(mlps, Treatment('{base_mlps}'))", base_mlps),
    ):
        for entry in fit.relativities[factor]:
            if entry.level == base:
                continue
            name = f"{term}[T.{entry.level}]"
            assert entry.coef == pytest.approx(peer.params[name], abs=1e-8)
            assert entry.se == pytest.approx(peer.bse[name], rel=1e-8)
            low, high = np.exp(peer.params[name] + np.array([-z, z]) * peer.bse[name])
            assert (entry.ci_low, entry.ci_high) == pytest.approx((low, high), rel=1e-8)


def test_fixed_dispersion_keeps_the_poisson_errors_and_still_reports_the_estimate(
    demo_book: ExperienceData,
) -> None:
    pearson = fit_frequency(demo_book, DEMO_FACTORS)
    fixed = fit_frequency(demo_book, DEMO_FACTORS, dispersion="fixed")
    # Peer: the plain Poisson fit (scale 1) of statsmodels on the same segments.
    keys, segment = demo_book.segments(DEMO_FACTORS)
    claims = np.bincount(segment, weights=demo_book.claim_count)
    exposure = np.bincount(segment, weights=demo_book.exposure)
    design = np.column_stack(
        [np.ones(len(keys))]
        + [
            [key[i] == level for key in keys]
            for i, factor in enumerate(DEMO_FACTORS)
            for level in demo_book.levels(factor)
            if level != fixed.base_levels[factor]
        ]
    ).astype(float)
    peer = sm.GLM(claims, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit()
    assert fixed.base_se == pytest.approx(peer.bse[0], rel=1e-8)
    assert (fixed.dispersion, fixed.dispersion_estimated) == (1.0, False)
    assert fixed.pearson_dispersion == pytest.approx(peer.pearson_chi2 / peer.df_resid, rel=1e-8)
    assert pearson.base_se == pytest.approx(peer.bse[0] * math.sqrt(pearson.dispersion), rel=1e-8)
    document = pearson.to_dict()
    assert document["pearson_dispersion"] == pearson.pearson_dispersion
    assert document["dispersion_estimated"] is True


def test_an_unknown_dispersion_setting_is_refused(demo_book: ExperienceData) -> None:
    with pytest.raises(ValidationError) as caught:
        fit_frequency(demo_book, DEMO_FACTORS, dispersion="deviance")  # type: ignore[arg-type]
    assert caught.value.code == "experience.bad_setting"


# A book of 4 × 3 × 3 = 36 segments, 8 parameters, 28 residual degrees of freedom.
TRUTH = {
    "grade": {"A": 0.6, "B": 1.0, "C": 1.3, "D": 1.8},
    "mlps": {"2": 1.0, "3": 0.8, "none": 1.25},
    "industry": {"C": 1.0, "I": 1.4, "Q": 0.9},
}
BASE = {"grade": "B", "mlps": "2", "industry": "C"}
PHI = 2.5
REPLICATES = 400
CELLS = list(itertools.product(*(list(levels.items()) for levels in TRUTH.values())))
EXPOSURE = np.full(len(CELLS), 150.0)  # policy-years per segment
MEAN = 0.2 * EXPOSURE * np.array([math.prod(r for _, r in cell) for cell in CELLS])


def _book(rng: np.random.Generator, phi: float) -> ExperienceData:
    """One row per segment. Claims are gamma-Poisson: N ~ Poisson(Λ), Λ ~ Gamma(shape μ/(φ−1),
    scale φ−1), so E N = μ and Var N = μ + μ(φ−1) = φμ (negative binomial, the variance that
    quasi-Poisson assumes); φ = 1 draws plain Poisson counts."""
    lam = rng.gamma(MEAN / (phi - 1), phi - 1) if phi > 1 else MEAN
    claims = rng.poisson(lam)
    return ExperienceData(
        policy_id=np.array([f"S{i}" for i in range(len(CELLS))]),
        period=np.full(len(CELLS), 2024),
        factors={name: np.array([cell[i][0] for cell in CELLS]) for i, name in enumerate(TRUTH)},
        exposure=EXPOSURE,
        claim_count=claims,
        incurred_loss=claims * 1000.0,
    )


def _coverage(phi: float, dispersion: str, seed: int) -> tuple[float, float]:
    """Share of the 95 % intervals (7 per book) that cover the true relativity, and mean φ̂."""
    covered = total = 0
    estimates = []
    for rng in (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(REPLICATES)):
        fit = fit_frequency(_book(rng, phi), list(TRUTH), base_levels=BASE, dispersion=dispersion)  # type: ignore[arg-type]
        estimates.append(fit.pearson_dispersion)
        for factor, levels in TRUTH.items():
            for level, true in levels.items():
                entry = fit.relativity(factor, level)
                if not entry.is_base:
                    total += 1
                    covered += entry.ci_low <= true <= entry.ci_high
    assert total == 7 * REPLICATES
    return covered / total, float(np.mean(estimates))


# Tolerance: the replicates are independent, the 7 intervals of one book are not. The share is
# the mean over 400 books of each book's share, whose variance is at most p(1 − p) (all 7 moving
# together), so its standard deviation is at most √(0.95 · 0.05 / 400) ≈ 0.011; ±0.04 is more
# than 3.6 of them. The seeds are fixed, so the test is deterministic.
TOLERANCE = 0.04
Z95 = float(scipy.stats.norm.ppf(0.975))


def test_intervals_on_an_over_dispersed_book_cover_near_nominal_only_with_the_dispersion() -> None:
    with_phi, mean_estimate = _coverage(PHI, "pearson", seed=151)
    assert mean_estimate == pytest.approx(PHI, rel=0.05)  # φ̂ is (nearly) unbiased for φ
    assert abs(with_phi - 0.95) <= TOLERANCE
    # With φ fixed at 1 the intervals are √2.5 ≈ 1.58 times too narrow: a Wald interval of
    # half-width z·se/√φ covers with probability 2Φ(z/√φ) − 1 ≈ 0.785.
    without, _ = _coverage(PHI, "fixed", seed=151)
    expected = 2 * scipy.stats.norm.cdf(Z95 / math.sqrt(PHI)) - 1
    assert abs(without - expected) <= TOLERANCE
    assert without < 0.95 - 2 * TOLERANCE


def test_on_a_poisson_book_the_floor_at_one_errs_on_the_wide_side_as_the_theory_says() -> None:
    # Poisson counts: φ̂ ≈ X²/28 with X² ~ χ²₂₈ (independent of the estimates, asymptotically),
    # and the interval's half-width is z·√max(φ̂, 1)·se, so the coverage is
    # E[2Φ(z·√max(χ²₂₈/28, 1)) − 1], a little above nominal.
    df = len(CELLS) - 8

    def covered(x: float) -> float:
        return float(
            (2 * scipy.stats.norm.cdf(Z95 * math.sqrt(max(x / df, 1.0))) - 1)
            * scipy.stats.chi2.pdf(x, df)
        )

    expected = sum(scipy.integrate.quad(covered, a, b)[0] for a, b in ((0, df), (df, np.inf)))
    share, mean_estimate = _coverage(1.0, "pearson", seed=152)
    assert mean_estimate == pytest.approx(1.0, rel=0.05)
    assert 0.95 < expected < 0.97
    assert abs(share - expected) <= TOLERANCE


def test_buhlmann_straub_sees_the_overdispersion_of_counts_and_gives_less_credibility() -> None:
    # Bühlmann–Straub estimates the within-segment variance σ² from the periods, assuming no
    # Poisson: for claim frequencies X_ij = N_ij / w_ij with Var N_ij = φ λ_i w_ij, σ² = φ E[λ].
    # The same segments with over-dispersed counts get κ = σ²/τ² φ times larger, so lower Z.
    rng = np.random.default_rng(7)
    segments, periods, weight = 40, 5, 200.0
    sigma2 = {1.0: [], 3.0: []}
    z_mean = {1.0: [], 3.0: []}
    for _ in range(60):
        lam = rng.gamma(8.0, 0.1 / 8.0, size=segments)  # mean 0.1, variance τ² = 0.00125
        for phi in (1.0, 3.0):
            mu = np.repeat(lam[:, None] * weight, periods, axis=1)
            drawn = rng.gamma(mu / (phi - 1), phi - 1) if phi > 1 else mu
            counts = rng.poisson(drawn)
            result = buhlmann_straub(
                [
                    SegmentExperience((f"s{i}",), (weight,) * periods, tuple(counts[i] / weight))
                    for i in range(segments)
                ]
            )
            sigma2[phi].append(result.sigma2)
            z_mean[phi].append(np.mean([s.credibility for s in result.segments]))
    # σ̂² is unbiased: E σ̂² = φ E[λ] = 0.1 φ (the mean of 60 books is within a few per cent).
    assert np.mean(sigma2[1.0]) == pytest.approx(0.1, rel=0.05)
    assert np.mean(sigma2[3.0]) == pytest.approx(0.3, rel=0.05)
    # Z = w_i/(w_i + σ²/τ²) with w_i = 5 × 200: 1000/(1000 + 80) ≈ 0.93 and 1000/(1000 + 240)
    # ≈ 0.81 at the true structural parameters.
    assert np.mean(z_mean[3.0]) < np.mean(z_mean[1.0]) - 0.05
    assert np.mean(z_mean[1.0]) == pytest.approx(1000 / 1080, abs=0.03)
    assert np.mean(z_mean[3.0]) == pytest.approx(1000 / 1240, abs=0.05)
