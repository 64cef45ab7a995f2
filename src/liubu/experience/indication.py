"""The rate-indication report (费率指示报告): what the claims experience says about the filed
coefficients of a product — advice for actuaries, never applied to the product.

For the factors in ``factor_map`` (experience column → the product's filed coefficient):

1. *Experience relativities*: quasi-Poisson frequency × Gamma severity GLM relativities of the
   loss cost per level, with Wald intervals (:func:`~liubu.experience.fit_frequency`,
   :func:`~liubu.experience.fit_severity`); the frequency's standard errors carry its estimated
   dispersion φ = max(Pearson X²/df, 1), so an over-dispersed book has wider intervals; levels
   without claims are pooled into the base level by default (``sparse="merge"``).
2. *Credibility*: each segment (a combination of the factors' levels) has its loss cost per period
   blended by Bühlmann–Straub with the prior from the risk engine:
   P_i = Z_i X̄_i + (1 − Z_i) prior_i (:func:`~liubu.experience.buhlmann_straub`). Z does not come
   from the GLM's standard errors: Bühlmann–Straub estimates the variance within segments from
   the periods themselves, so overdispersion already raises κ and lowers Z (no Poisson
   assumption to correct; see :mod:`liubu.experience.credibility`).
3. *Credibility-weighted relativities*: multiplicative relativities fitted to the blended losses
   P_i·w_i (quasi-Poisson, balanced on every level's total; :func:`segment_relativities`).
4. *Suggestion*: per factor, relativities r_L are rebalanced so the exposure-weighted mean of the
   suggested coefficients equals that of the filed ones, s_L = r_L · Σ w_L c_L / Σ w_L r_L
   (c_L: the filed guide's value at the level's reading; 1 where the coefficient has no guide),
   rounded half-up to 4 decimals; a suggestion outside the filed range [lo, hi] needs a new filed
   version of the rate plan. The overall rate level (base premiums) is out of scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from liubu.core import half_up
from liubu.errors import ValidationError
from liubu.experience.credibility import CredibilityResult, buhlmann_straub, experience_segments
from liubu.experience.dataset import ExperienceData, SegmentKey
from liubu.experience.glm import Sparse, fit_frequency, fit_severity, segment_relativities
from liubu.experience.labels import Status, advisory_notes, status_label
from liubu.experience.reasons import ExperienceCode
from liubu.experience.results import (
    FrequencyFit,
    Relativity,
    SeverityFit,
    pure_premium_relativities,
)
from liubu.products import Coefficient, ProductSpec, Text

QUANTUM = Decimal("0.0001")
Reading = str | int | float | Decimal


@dataclass(frozen=True, slots=True)
class FactorLink:
    """How an experience factor maps onto a filed coefficient of the product.

    ``readings`` gives, for each level in the data, the input of the coefficient's guide: a level
    of a level table (default: the level itself) or a number on a points/steps guide (e.g.
    security grade ``"A"`` → score ``90``), which must then be given for every level.
    """

    coefficient: str
    readings: Mapping[str, Reading] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LevelIndication:
    """One level: experience and credibility relativities, filed and suggested coefficients."""

    level: str
    reading: str
    exposure: float
    claims: int
    incurred_loss: float
    experience_relativity: float
    experience_ci: tuple[float, float]
    merged_into: str | None
    credibility_relativity: float
    filed_value: Decimal | None
    suggested: Decimal
    filed_range: tuple[Decimal, Decimal]
    status: Status

    @property
    def label(self) -> Text:
        return status_label(self.status)

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "reading": self.reading,
            "exposure": self.exposure,
            "claims": self.claims,
            "incurred_loss": self.incurred_loss,
            "experience_relativity": self.experience_relativity,
            "experience_ci": list(self.experience_ci),
            "merged_into": self.merged_into,
            "credibility_relativity": self.credibility_relativity,
            "filed_value": None if self.filed_value is None else str(self.filed_value),
            "suggested": str(self.suggested),
            "filed_range": [str(self.filed_range[0]), str(self.filed_range[1])],
            "status": self.status,
            "status_label": self.label.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class FactorIndication:
    """The levels of one experience factor against one filed coefficient."""

    factor: str
    coefficient: str
    base_level: str
    levels: tuple[LevelIndication, ...]

    @property
    def outside_filed_range(self) -> tuple[str, ...]:
        return tuple(lv.level for lv in self.levels if lv.status == "outside_filed_range")

    def to_dict(self) -> dict[str, object]:
        return {
            "factor": self.factor,
            "coefficient": self.coefficient,
            "base_level": self.base_level,
            "levels": [level.to_dict() for level in self.levels],
        }


@dataclass(frozen=True, slots=True)
class RateIndication:
    """The report (frozen). ``needs_new_filing`` is True when any suggestion leaves its range."""

    product_id: str
    source: str
    factors: tuple[FactorIndication, ...]
    credibility: CredibilityResult
    frequency: FrequencyFit
    severity: SeverityFit
    notes: tuple[Text, ...]

    @property
    def needs_new_filing(self) -> bool:
        return any(f.outside_filed_range for f in self.factors)

    def factor(self, name: str) -> FactorIndication:
        for entry in self.factors:
            if entry.factor == name:
                return entry
        raise ValidationError(
            f"The rate indication has no factor {name!r}.",
            code=ExperienceCode.UNKNOWN_FACTOR,
            field="factor",
            value=name,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.product_id,
            "source": self.source,
            "needs_new_filing": self.needs_new_filing,
            "factors": [f.to_dict() for f in self.factors],
            "credibility": self.credibility.to_dict(),
            "frequency": self.frequency.to_dict(),
            "severity": self.severity.to_dict(),
            "notes": [note.to_dict() for note in self.notes],
        }


def rate_indication(
    data: ExperienceData,
    *,
    prior: Mapping[SegmentKey, float],
    product: ProductSpec,
    factor_map: Mapping[str, FactorLink],
    base_levels: Mapping[str, str] | None = None,
    sparse: Sparse = "merge",
    min_claims: int = 1,
    confidence: float = 0.95,
) -> RateIndication:
    """The rate indication of ``product`` from ``data`` (steps in the module docstring).

    ``prior`` maps each segment — a tuple of levels in the order of ``factor_map`` — to the risk
    engine's expected loss per policy-year. The product is only read.
    """
    factors = tuple(factor_map)
    if not factors:
        raise ValidationError(
            "The factor map is empty; map at least one experience factor to a coefficient.",
            code=ExperienceCode.NO_FACTORS,
            field="factor_map",
        )
    filed = {f: _filed_values(product, f, link, data.levels(f)) for f, link in factor_map.items()}
    frequency, severity = _fits(
        data, factors, base_levels, sparse=sparse, min_claims=min_claims, confidence=confidence
    )
    experience = pure_premium_relativities(frequency, severity)
    segments = experience_segments(data, factors)
    credibility = buhlmann_straub(segments, prior=prior)
    blended = credibility_relativities(credibility, factors, frequency.base_levels)
    out = []
    for f in factors:
        coefficient, values = filed[f]
        out.append(
            FactorIndication(
                f,
                coefficient.factor,
                frequency.base_levels[f],
                _levels(experience[f], blended[f], values, coefficient),
            )
        )
    return RateIndication(
        product.product_id,
        data.source,
        tuple(out),
        credibility,
        frequency,
        severity,
        advisory_notes(),
    )


def _fits(
    data: ExperienceData,
    factors: tuple[str, ...],
    base_levels: Mapping[str, str] | None,
    *,
    sparse: Sparse,
    min_claims: int,
    confidence: float,
) -> tuple[FrequencyFit, SeverityFit]:
    frequency = fit_frequency(
        data,
        factors,
        base_levels=base_levels,
        sparse=sparse,
        min_claims=min_claims,
        confidence=confidence,
    )
    severity = fit_severity(
        data,
        factors,
        base_levels=frequency.base_levels,
        sparse=sparse,
        min_claims=min_claims,
        confidence=confidence,
    )
    return frequency, severity


def credibility_relativities(
    result: CredibilityResult, factors: tuple[str, ...], base_levels: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Relativities fitted to the credibility estimates P_i weighted by segment exposure."""
    keys = [s.key for s in result.segments]
    weight = np.array([s.weight for s in result.segments])
    estimate = np.array([s.estimate for s in result.segments])
    return segment_relativities(
        keys, estimate * weight, weight, factors=factors, base_levels=base_levels
    )


def _filed_values(
    product: ProductSpec, factor: str, link: FactorLink, levels: tuple[str, ...]
) -> tuple[Coefficient, dict[str, tuple[str, Decimal | None]]]:
    coefficient = product.rate_plan.coefficient(link.coefficient)
    values: dict[str, tuple[str, Decimal | None]] = {}
    for level in levels:
        given = link.readings.get(level, level)
        reading = Decimal(repr(given)) if isinstance(given, float) else given
        if not (coefficient.levels or coefficient.guide):
            values[level] = (str(reading), None)
            continue
        try:
            values[level] = (str(reading), coefficient.value_for(reading))
        except ValidationError as exc:
            raise ValidationError(
                f"The level {level!r} of the factor {factor!r} has no value on the filed guide "
                f"of the coefficient {coefficient.factor!r}: {exc.message} Give its reading in "
                f"factor_map[{factor!r}].readings.",
                code=ExperienceCode.NO_READING,
                field=f"factor_map.{factor}.readings",
                value=level,
            ) from None
    return coefficient, values


def _levels(
    rows: tuple[Relativity, ...],
    blended: Mapping[str, float],
    filed: Mapping[str, tuple[str, Decimal | None]],
    coefficient: Coefficient,
) -> tuple[LevelIndication, ...]:
    weights = {r.level: r.exposure for r in rows}
    total_filed = sum(weights[lv] * float(filed[lv][1] or 1) for lv in weights)
    total_blended = sum(weights[lv] * blended[lv] for lv in weights)
    balance = total_filed / total_blended
    lo, hi = coefficient.range.lo, coefficient.range.hi
    out = []
    for r in rows:
        suggested = half_up(Decimal(repr(blended[r.level] * balance)), QUANTUM)
        status: Status = "within_filed_range" if lo <= suggested <= hi else "outside_filed_range"
        reading, value = filed[r.level]
        out.append(
            LevelIndication(
                r.level,
                reading,
                r.exposure,
                r.claims,
                r.incurred_loss,
                r.relativity,
                (r.ci_low, r.ci_high),
                r.merged_into,
                blended[r.level],
                value,
                suggested,
                (lo, hi),
                status,
            )
        )
    return tuple(out)
