"""Bühlmann–Straub credibility (Bühlmann–Straub 信度模型) of segment experience.

Segment i has periods j = 1…n_i with weights w_ij > 0 (exposure, policy-years) and observed
ratios X_ij (loss cost: incurred loss per policy-year, or claim frequency). With
w_i = Σ_j w_ij, w = Σ_i w_i and I segments, the non-parametric estimators are (Bühlmann & Gisler,
*A Course in Credibility Theory and its Applications*, Springer 2005, ch. 4; the same as
Klugman, Panjer & Willmot, *Loss Models*, non-parametric Bühlmann–Straub):

- segment means          X̄_i = Σ_j w_ij X_ij / w_i,   portfolio mean X̄ = Σ_i w_i X̄_i / w;
- expected process variance (within segments, unbiased)
                         σ̂² = Σ_i Σ_j w_ij (X_ij − X̄_i)² / Σ_i (n_i − 1);
  with equal n_i this is Bühlmann & Gisler's (1/I) Σ_i σ̂_i²;
- variance of hypothetical means (between segments, unbiased, truncated at 0)
                         τ̂² = max(0, [Σ_i w_i (X̄_i − X̄)² − (I − 1) σ̂²] / (w − Σ_i w_i² / w)),
  which equals Bühlmann & Gisler's c·{I/(I−1) Σ_i (w_i/w)(X̄_i − X̄)² − I σ̂²/w},
  c = (I−1)/I · [Σ_i (w_i/w)(1 − w_i/w)]⁻¹;
- κ = σ̂²/τ̂² and credibility factors Z_i = w_i / (w_i + κ) (Z_i = 0 when τ̂² = 0);
- credibility estimate   P_i = Z_i X̄_i + (1 − Z_i) μ_i.

The complement μ_i is either

- ``collective``: the collective mean μ̂ = Σ_i Z_i X̄_i / Σ_i Z_i (the homogeneous credibility
  estimator of B&G ch. 4; X̄ when every Z_i is 0); or
- ``prior``: an external prior per segment, e.g. the risk engine's expected loss per policy-year.
  The segments then differ a priori, and heterogeneity is what the prior does not explain: the
  estimators above are applied to the ratios Y_ij = X_ij / μ_i with weights
  w̃_ij = w_ij μ_i^(2−p), for a variance Var(X_ij) ∝ μ_i^p / w_ij (p = 1 by default: variance
  proportional to the mean, as for compound Poisson losses with a fixed severity distribution).
  This is Ohlsson's combination of a tariff with credibility (E. Ohlsson, "Combining generalized
  linear models and credibility models in practice", Scand. Actuarial J. 2008;
  Ohlsson & Johansson 2010, ch. 4). Since μ_i is fixed within a segment, the estimate is still
  P_i = Z_i X̄_i + (1 − Z_i) μ_i, with Z_i = w̃_i / (w̃_i + κ̂) on the scale of Y; σ̂², τ̂², κ̂
  and the reported collective and portfolio means (the experience-to-prior ratio) are on that
  scale too.

The structural parameters are always estimated from the data.

Overdispersion: nothing here assumes Poisson. σ̂² is the observed variation of each segment's
periods about its own mean, so for claim frequencies of over-dispersed counts (Var N_ij =
φ λ_i w_ij, risks within a segment differing beyond its factors) E σ̂² = φ E[λ_i]: κ̂ is φ times
what Poisson counts would give and every Z_i is lower, as it should be. The same holds for loss
costs, whose σ̂² carries the severity's variance too. Against a prior, ``variance_power`` p fixes
only the shape of the variance (∝ μ_i^p); its scale, which includes any φ, is σ̂². (The frequency
GLM, which does start from Poisson, estimates its φ separately: :mod:`liubu.experience.glm`.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from liubu.errors import ValidationError
from liubu.experience.dataset import ExperienceData, SegmentKey, segment_label
from liubu.experience.reasons import ExperienceCode

Measure = Literal["loss_cost", "frequency"]


@dataclass(frozen=True, slots=True)
class SegmentExperience:
    """One segment's observations: weights w_ij > 0 and ratios X_ij, one pair per period."""

    key: SegmentKey
    weights: tuple[float, ...]
    ratios: tuple[float, ...]
    periods: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        label = segment_label(self.key)
        if not self.weights or len(self.weights) != len(self.ratios):
            raise ValidationError(
                f"The segment {label!r} has {len(self.weights)} weights and "
                f"{len(self.ratios)} ratios; give one of each per period, at least one period.",
                code=ExperienceCode.CREDIBILITY_SHAPE,
                field="weights",
                value=label,
            )
        if self.periods and len(self.periods) != len(self.weights):
            raise ValidationError(
                f"The segment {label!r} names {len(self.periods)} periods for "
                f"{len(self.weights)} observations.",
                code=ExperienceCode.CREDIBILITY_SHAPE,
                field="periods",
                value=label,
            )
        if not all(math.isfinite(w) and w > 0 for w in self.weights):
            raise ValidationError(
                f"The weights {list(self.weights)} of the segment {label!r} must be positive.",
                code=ExperienceCode.CREDIBILITY_WEIGHT_NOT_POSITIVE,
                field="weights",
                value=label,
            )
        if not all(math.isfinite(x) for x in self.ratios):
            raise ValidationError(
                f"The ratios {list(self.ratios)} of the segment {label!r} must be finite.",
                code=ExperienceCode.CREDIBILITY_RATIO_NOT_FINITE,
                field="ratios",
                value=label,
            )

    @property
    def weight(self) -> float:
        return math.fsum(self.weights)

    @property
    def mean(self) -> float:
        """X̄_i, the weighted mean of the ratios."""
        return (
            math.fsum(w * x for w, x in zip(self.weights, self.ratios, strict=True)) / self.weight
        )


@dataclass(frozen=True, slots=True)
class SegmentCredibility:
    """A segment's credibility: exposure w_i, the weight its Z_i is computed from (w_i, or
    w_i·μ_i^(2−p) against a prior), n_i, X̄_i, Z_i, the complement μ_i and P_i."""

    key: SegmentKey
    weight: float
    credibility_weight: float
    n_periods: int
    mean: float
    credibility: float
    complement: float
    estimate: float

    def to_dict(self) -> dict[str, object]:
        return {
            "segment": segment_label(self.key),
            "weight": self.weight,
            "credibility_weight": self.credibility_weight,
            "n_periods": self.n_periods,
            "mean": self.mean,
            "credibility": self.credibility,
            "complement": self.complement,
            "estimate": self.estimate,
        }


@dataclass(frozen=True, slots=True)
class CredibilityResult:
    """Structural parameters and each segment's credibility estimate (frozen)."""

    complement: Literal["collective", "prior"]
    sigma2: float
    tau2: float
    tau2_unbounded: float
    kappa: float
    collective_mean: float
    portfolio_mean: float
    segments: tuple[SegmentCredibility, ...]

    def segment(self, key: SegmentKey) -> SegmentCredibility:
        for entry in self.segments:
            if entry.key == key:
                return entry
        raise ValidationError(
            f"The credibility result has no segment {segment_label(key)!r}.",
            code=ExperienceCode.CREDIBILITY_UNKNOWN_SEGMENT,
            field="segment",
            value=segment_label(key),
        )

    def estimates(self) -> dict[SegmentKey, float]:
        return {entry.key: entry.estimate for entry in self.segments}

    def to_dict(self) -> dict[str, object]:
        return {
            "complement": self.complement,
            "sigma2": self.sigma2,
            "tau2": self.tau2,
            "tau2_unbounded": self.tau2_unbounded,
            "kappa": None if math.isinf(self.kappa) else self.kappa,
            "collective_mean": self.collective_mean,
            "portfolio_mean": self.portfolio_mean,
            "segments": [entry.to_dict() for entry in self.segments],
        }


def buhlmann_straub(
    segments: Sequence[SegmentExperience],
    *,
    prior: Mapping[SegmentKey, float] | None = None,
    variance_power: float = 1.0,
) -> CredibilityResult:
    """Bühlmann–Straub credibility estimates of each segment (formulas in the module docstring).

    ``prior`` None blends with the collective mean; otherwise each segment is blended with its
    own prior μ_i > 0, which must be given for every segment, and the structural parameters are
    estimated on Y = X/μ with weights w·μ^(2−p), p = ``variance_power`` in [1, 2].
    """
    keys = [s.key for s in segments]
    _check_segments(segments, keys)
    if prior is None:
        fit = _structure(segments)
        complements = [fit.collective] * len(segments)
    else:
        complements = _priors(keys, prior, variance_power)
        fit = _structure(_normalised(segments, complements, variance_power))
    rows = tuple(
        SegmentCredibility(
            s.key,
            s.weight,
            float(fit.weights[i]),
            len(s.weights),
            s.mean,
            float(fit.z[i]),
            complements[i],
            float(fit.z[i] * s.mean + (1 - fit.z[i]) * complements[i]),
        )
        for i, s in enumerate(segments)
    )
    return CredibilityResult(
        "collective" if prior is None else "prior",
        fit.sigma2,
        max(fit.tau2_raw, 0.0),
        fit.tau2_raw,
        fit.kappa,
        fit.collective,
        fit.portfolio,
        rows,
    )


def _check_segments(segments: Sequence[SegmentExperience], keys: list[SegmentKey]) -> None:
    if len(segments) < 2 or len(set(keys)) != len(keys):
        raise ValidationError(
            f"Bühlmann–Straub needs at least two distinct segments; got "
            f"{[segment_label(k) for k in keys]}.",
            code=ExperienceCode.CREDIBILITY_TOO_FEW_SEGMENTS,
            field="segments",
            value=len(segments),
        )
    if sum(len(s.weights) - 1 for s in segments) < 1:
        raise ValidationError(
            "Bühlmann–Straub needs at least one segment observed in two or more periods to "
            "estimate the variance within segments; every segment has one period.",
            code=ExperienceCode.CREDIBILITY_ONE_PERIOD,
            field="segments",
        )


@dataclass(frozen=True, slots=True)
class _Structure:
    weights: NDArray[np.float64]
    z: NDArray[np.float64]
    sigma2: float
    tau2_raw: float
    kappa: float
    portfolio: float
    collective: float


def _structure(segments: Sequence[SegmentExperience]) -> _Structure:
    """The non-parametric estimators σ̂², τ̂², κ̂, Z_i, X̄ and μ̂ of the module docstring."""
    weight = np.array([s.weight for s in segments])
    mean = np.array([s.mean for s in segments])
    within = math.fsum(
        w * (x - s.mean) ** 2 for s in segments for w, x in zip(s.weights, s.ratios, strict=True)
    )
    sigma2 = within / sum(len(s.weights) - 1 for s in segments)
    total = float(weight.sum())
    portfolio = float(weight @ mean) / total
    between = float(weight @ (mean - portfolio) ** 2)
    tau2_raw = (between - (len(segments) - 1) * sigma2) / (total - float(weight @ weight) / total)
    tau2 = max(tau2_raw, 0.0)
    kappa = sigma2 / tau2 if tau2 > 0 else math.inf
    z = weight / (weight + kappa) if tau2 > 0 else np.zeros_like(weight)
    collective = float(z @ mean / z.sum()) if z.sum() > 0 else portfolio
    return _Structure(weight, z, sigma2, tau2_raw, kappa, portfolio, collective)


def _normalised(
    segments: Sequence[SegmentExperience], priors: list[float], power: float
) -> list[SegmentExperience]:
    """Ratios to the prior, Y_ij = X_ij/μ_i, with weights w_ij·μ_i^(2−p)."""
    return [
        SegmentExperience(
            s.key,
            tuple(w * mu ** (2 - power) for w in s.weights),
            tuple(x / mu for x in s.ratios),
            s.periods,
        )
        for s, mu in zip(segments, priors, strict=True)
    ]


def _priors(
    keys: list[SegmentKey], prior: Mapping[SegmentKey, float], variance_power: float
) -> list[float]:
    if not 1.0 <= variance_power <= 2.0:
        raise ValidationError(
            f"The variance power {variance_power} must lie in [1, 2].",
            code=ExperienceCode.CREDIBILITY_BAD_SETTING,
            field="variance_power",
            value=variance_power,
        )
    missing = [segment_label(k) for k in keys if k not in prior]
    if missing:
        raise ValidationError(
            f"The prior gives no value for the segments {missing}; give the risk engine's "
            f"expected loss per policy-year for every segment in the data.",
            code=ExperienceCode.CREDIBILITY_PRIOR_MISSING,
            field="prior",
            value=repr(missing[:10]),
        )
    values = [float(prior[k]) for k in keys]
    bad = [segment_label(k) for k, v in zip(keys, values, strict=True) if not 0 < v < math.inf]
    if bad:
        raise ValidationError(
            f"The prior of the segments {bad} must be a finite positive number.",
            code=ExperienceCode.CREDIBILITY_PRIOR_INVALID,
            field="prior",
            value=repr(bad[:10]),
        )
    return values


def experience_segments(
    data: ExperienceData, factors: Sequence[str], *, measure: Measure = "loss_cost"
) -> tuple[SegmentExperience, ...]:
    """The data summed by segment (levels of ``factors``) and period: w_ij = exposure and
    X_ij = incurred loss (``loss_cost``) or claims (``frequency``) per policy-year."""
    if measure not in ("loss_cost", "frequency"):
        raise ValidationError(
            f"The measure {measure!r} must be 'loss_cost' or 'frequency'.",
            code=ExperienceCode.CREDIBILITY_BAD_MEASURE,
            field="measure",
            value=measure,
        )
    keys, segment = data.segments(factors)
    periods, period = np.unique(data.period, return_inverse=True)
    cell = segment * len(periods) + period.reshape(-1)
    size = len(keys) * len(periods)
    exposure = np.bincount(cell, weights=data.exposure, minlength=size)
    amount = data.incurred_loss if measure == "loss_cost" else data.claim_count
    total = np.bincount(cell, weights=amount, minlength=size)
    out = []
    for i, key in enumerate(keys):
        cells = [i * len(periods) + j for j in range(len(periods))]
        present = [c for c in cells if exposure[c] > 0]
        out.append(
            SegmentExperience(
                key,
                tuple(float(exposure[c]) for c in present),
                tuple(float(total[c] / exposure[c]) for c in present),
                tuple(int(periods[c % len(periods)]) for c in present),
            )
        )
    return tuple(out)
