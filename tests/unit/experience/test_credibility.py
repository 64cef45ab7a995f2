"""Bühlmann–Straub credibility against a published exercise and an independent implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.experience import (
    ExperienceData,
    SegmentExperience,
    buhlmann_straub,
    experience_segments,
)

# Bühlmann & Gisler, A Course in Credibility Theory and its Applications (Springer 2005),
# Exercise 4.1: fire insurance, five risk classes observed over five years; weights are the
# numbers of policies, observations the yearly claim ratios of each class.
FIRE_WEIGHTS = [
    [729, 786, 872, 951, 1019],
    [1631, 1802, 2090, 2300, 2368],
    [796, 827, 874, 917, 944],
    [3152, 3454, 3715, 3859, 4198],
    [400, 420, 422, 424, 440],
]
FIRE_RATIOS = [
    [0.8, 1.4, 0.3, 0.88, 1.6],
    [0.06, 0.72, 0.16, 0.20, 0.38],
    [1.80, 0.6, 0.8, 1.9, 1.1],
    [0.56, 1.2, 0.84, 1.07, 0.8],
    [0.1, 0.0, 0.4, 2.4, 0.1],
]


def _fire() -> list[SegmentExperience]:
    return [
        SegmentExperience((f"R{i + 1}",), tuple(map(float, w)), tuple(x))
        for i, (w, x) in enumerate(zip(FIRE_WEIGHTS, FIRE_RATIOS, strict=True))
    ]


def test_fire_insurance_exercise_matches_the_published_figures() -> None:
    # The published solution, to the digits it is given in: σ̂² = 261.1…, τ̂² = 0.102,
    # credibility weights 0.63, 0.80, 0.63, 0.88, 0.45 and estimates 0.94, 0.40, 1.08, 0.89, 0.71.
    result = buhlmann_straub(_fire())
    assert math.trunc(result.sigma2) == 261
    assert round(result.tau2, 3) == 0.102
    assert result.kappa == pytest.approx(result.sigma2 / result.tau2, rel=1e-12)
    z = [round(s.credibility, 2) for s in result.segments]
    assert z == [0.63, 0.80, 0.63, 0.88, 0.45]
    estimates = [round(s.estimate, 2) for s in result.segments]
    assert estimates == [0.94, 0.40, 1.08, 0.89, 0.71]
    assert result.complement == "collective"


def _brute_force(weights: list[list[float]], ratios: list[list[float]]) -> dict[str, object]:
    """Bühlmann & Gisler's own form (their c-constant for τ̂²), loop by loop; σ̂² pooled over
    Σ(n_i − 1) degrees of freedom."""
    n_segments = len(weights)
    w_i = [sum(row) for row in weights]
    w = sum(w_i)
    x_i = [sum(a * b for a, b in zip(wr, xr)) / s for wr, xr, s in zip(weights, ratios, w_i)]
    x_bar = sum(a * b for a, b in zip(w_i, x_i)) / w
    ss = dof = 0.0
    for wr, xr, mean in zip(weights, ratios, x_i):
        for a, b in zip(wr, xr):
            ss += a * (b - mean) ** 2
        dof += len(wr) - 1
    sigma2 = ss / dof
    c = (n_segments - 1) / n_segments / sum((a / w) * (1 - a / w) for a in w_i)
    spread = sum((a / w) * (b - x_bar) ** 2 for a, b in zip(w_i, x_i))
    tau2 = max(0.0, c * (n_segments / (n_segments - 1) * spread - n_segments * sigma2 / w))
    z = [a / (a + sigma2 / tau2) for a in w_i]
    mu = sum(a * b for a, b in zip(z, x_i)) / sum(z)
    return {
        "sigma2": sigma2,
        "tau2": tau2,
        "z": z,
        "mu": mu,
        "estimates": [a * b + (1 - a) * mu for a, b in zip(z, x_i)],
    }


def test_unbalanced_segments_match_an_independent_loop_implementation() -> None:
    rng = np.random.default_rng(3)
    weights, ratios = [], []
    for i in range(7):
        n = int(rng.integers(1, 7))  # one segment may have a single period
        theta = rng.gamma(4.0, 0.25)
        w = rng.uniform(5, 300, size=n)
        weights.append(list(w))
        ratios.append(list(rng.gamma(2.0 * w / 50, theta / (2.0 * w / 50))))
    segments = [
        SegmentExperience((f"S{i}",), tuple(w), tuple(x))
        for i, (w, x) in enumerate(zip(weights, ratios))
    ]
    result = buhlmann_straub(segments)
    truth = _brute_force(weights, ratios)
    assert truth["tau2"] > 0
    assert result.sigma2 == pytest.approx(truth["sigma2"], rel=1e-12)
    assert result.tau2 == pytest.approx(truth["tau2"], rel=1e-10)
    assert [s.credibility for s in result.segments] == pytest.approx(truth["z"], rel=1e-10)
    assert result.collective_mean == pytest.approx(truth["mu"], rel=1e-12)
    assert [s.estimate for s in result.segments] == pytest.approx(truth["estimates"], rel=1e-10)


@pytest.mark.parametrize("power", [1.0, 1.5, 2.0])
def test_external_prior_blends_with_credibility_of_the_ratios_to_the_prior(power: float) -> None:
    # Ohlsson (2008): against a prior μ_i, the structure is estimated on Y = X/μ with weights
    # w·μ^(2−p); the estimate is Z_i X̄_i + (1 − Z_i) μ_i. Truth from the loop implementation.
    prior = {("R1",): 0.5, ("R2",): 0.9, ("R3",): 0.6, ("R4",): 1.1, ("R5",): 0.7}
    mus = [prior[(f"R{i + 1}",)] for i in range(5)]
    weights = [[w * mu ** (2 - power) for w in row] for row, mu in zip(FIRE_WEIGHTS, mus)]
    ratios = [[x / mu for x in row] for row, mu in zip(FIRE_RATIOS, mus)]
    truth = _brute_force(weights, ratios)
    assert truth["tau2"] > 0
    result = buhlmann_straub(_fire(), prior=prior, variance_power=power)
    assert result.complement == "prior"
    assert result.tau2 == pytest.approx(truth["tau2"], rel=1e-10)
    assert [s.credibility for s in result.segments] == pytest.approx(truth["z"], rel=1e-10)
    for segment, mu, z in zip(result.segments, mus, truth["z"], strict=True):
        x_bar = sum(w * x for w, x in zip(*_row(segment.key))) / sum(_row(segment.key)[0])
        assert segment.complement == mu
        assert segment.weight == sum(_row(segment.key)[0])  # exposure, not the scaled weight
        assert segment.estimate == pytest.approx(z * x_bar + (1 - z) * mu, rel=1e-12)


def _row(key: tuple[str, ...]) -> tuple[list[int], list[float]]:
    i = int(key[0][1:]) - 1
    return FIRE_WEIGHTS[i], FIRE_RATIOS[i]


def test_a_prior_that_explains_the_segments_leaves_no_heterogeneity() -> None:
    # Each segment's ratios are its prior times the same noise: the prior explains every
    # difference between segments, so τ̂² ≤ 0 against the prior, while the collective mean sees
    # large differences.
    noise = [(1.2, 0.8, 1.0), (0.9, 1.1, 1.0), (1.05, 0.95, 1.0)]
    mus = [100.0, 300.0, 900.0]
    segments = [
        SegmentExperience((f"S{i}",), (50.0, 50.0, 50.0), tuple(mu * e for e in noise[i]))
        for i, mu in enumerate(mus)
    ]
    prior = {(f"S{i}",): mu for i, mu in enumerate(mus)}
    against_prior = buhlmann_straub(segments, prior=prior)
    assert against_prior.tau2 == 0
    assert [s.estimate for s in against_prior.segments] == pytest.approx(mus)
    assert buhlmann_straub(segments).tau2 > 0


def test_no_heterogeneity_gives_zero_credibility_and_the_complement() -> None:
    # Both segments have the same mean; the within-segment spread makes τ̂² negative → 0.
    segments = [
        SegmentExperience(("a",), (10.0, 10.0), (1.0, 3.0)),
        SegmentExperience(("b",), (20.0, 20.0), (3.0, 1.0)),
    ]
    result = buhlmann_straub(segments, prior={("a",): 5.0, ("b",): 7.0})
    assert result.tau2_unbounded < 0
    assert result.tau2 == 0
    assert math.isinf(result.kappa)
    assert [s.credibility for s in result.segments] == [0.0, 0.0]
    assert [s.estimate for s in result.segments] == [5.0, 7.0]
    assert result.to_dict()["kappa"] is None
    assert buhlmann_straub(segments).collective_mean == pytest.approx(2.0)


def test_too_little_data_and_missing_prior_are_refused() -> None:
    one_period = [SegmentExperience((k,), (1.0,), (2.0,)) for k in "ab"]
    with pytest.raises(ValidationError) as caught:
        buhlmann_straub(one_period)
    assert caught.value.code == "credibility.one_period"
    with pytest.raises(ValidationError) as caught:
        buhlmann_straub(_fire()[:1])
    assert caught.value.code == "credibility.too_few_segments"
    with pytest.raises(ValidationError) as caught:
        buhlmann_straub(_fire(), prior={("R1",): 1.0})
    assert caught.value.code == "credibility.prior_missing"
    assert "R5" in caught.value.message
    with pytest.raises(ValidationError):
        SegmentExperience(("a",), (1.0, 0.0), (1.0, 1.0))


def test_experience_is_summed_by_segment_and_period() -> None:
    data = ExperienceData(
        policy_id=np.array(["P1", "P2", "P1", "P3", "P4"]),
        period=np.array([2023, 2023, 2024, 2024, 2023]),
        factors={"grade": np.array(["A", "A", "A", "B", "B"])},
        exposure=np.array([1.0, 0.5, 1.0, 2.0, 1.0]),
        claim_count=np.array([1, 0, 2, 1, 0]),
        incurred_loss=np.array([300.0, 0.0, 500.0, 80.0, 0.0]),
    )
    a, b = experience_segments(data, ["grade"])
    assert (a.key, a.periods, a.weights, a.ratios) == (
        ("A",),
        (2023, 2024),
        (1.5, 1.0),
        (200.0, 500.0),
    )
    assert (b.key, b.periods, b.weights, b.ratios) == (
        ("B",),
        (2023, 2024),
        (1.0, 2.0),
        (0.0, 40.0),
    )
    a, _ = experience_segments(data, ["grade"], measure="frequency")
    assert a.ratios == (1 / 1.5, 2.0)
