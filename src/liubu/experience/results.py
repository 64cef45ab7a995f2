"""Fitted GLM results (拟合结果): relativities per factor level, and the loss-cost combination.

A :class:`FrequencyFit` or :class:`SeverityFit` is frozen and records its settings (factors, base
levels, merged levels, confidence level) and diagnostics (dispersion, Pearson X², deviance,
residual degrees of freedom, iterations).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import scipy.stats

from liubu.errors import ValidationError
from liubu.experience.reasons import ExperienceCode


@dataclass(frozen=True, slots=True)
class Relativity:
    """One level of a factor: its relativity to the base level, with standard error and CI.

    ``coef`` and ``se`` are on the log scale. A base level, or a level merged into it, has
    relativity 1 and se 0. ``exposure`` (policy-years), ``claims`` and ``incurred_loss`` (CNY)
    are the level's totals in the data.
    """

    factor: str
    level: str
    relativity: float
    coef: float
    se: float
    ci_low: float
    ci_high: float
    exposure: float
    claims: int
    incurred_loss: float
    is_base: bool = False
    merged_into: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "factor": self.factor,
            "level": self.level,
            "relativity": self.relativity,
            "coef": self.coef,
            "se": self.se,
            "ci": [self.ci_low, self.ci_high],
            "exposure": self.exposure,
            "claims": self.claims,
            "incurred_loss": self.incurred_loss,
            "is_base": self.is_base,
            "merged_into": self.merged_into,
        }


@dataclass(frozen=True, slots=True)
class FactorFit:
    """A fitted multiplicative GLM: base value, relativities per factor level, diagnostics.

    ``n_observations`` counts what the GLM saw: segments (level combinations) for frequency, rows
    with claims for severity. ``dispersion`` is the φ the standard errors and intervals carry;
    ``pearson_dispersion`` is φ̂ = ``pearson_chi2`` / ``df_resid`` (None when ``df_resid`` is 0);
    ``dispersion_estimated`` says whether φ came from the data (False: fixed at 1, by choice or
    for want of residual degrees of freedom). ``notes`` holds any warning statsmodels gave on a
    fit it finished.
    """

    kind: Literal["frequency", "severity"]
    factors: tuple[str, ...]
    base_levels: Mapping[str, str]
    base_value: float
    base_se: float
    relativities: Mapping[str, tuple[Relativity, ...]]
    merged: Mapping[str, Mapping[str, str]]
    dispersion: float
    pearson_chi2: float
    pearson_dispersion: float | None
    dispersion_estimated: bool
    deviance: float
    df_resid: float
    n_observations: int
    iterations: int
    confidence: float
    source: str
    notes: tuple[str, ...] = field(default=())

    def relativity(self, factor: str, level: str) -> Relativity:
        for entry in self.relativities.get(factor, ()):
            if entry.level == level:
                return entry
        raise ValidationError(
            f"The {self.kind} fit has no level {level!r} of the factor {factor!r}.",
            code=ExperienceCode.UNKNOWN_LEVEL,
            field=factor,
            value=level,
        )

    def predict(self, levels: Mapping[str, str]) -> float:
        """exp(β₀) × Π relativities of the given levels (one per fitted factor)."""
        value = self.base_value
        for factor in self.factors:
            value *= self.relativity(factor, levels[factor]).relativity
        return value

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "factors": list(self.factors),
            "base_levels": dict(self.base_levels),
            "base_value": self.base_value,
            "base_se": self.base_se,
            "relativities": {
                f: [r.to_dict() for r in rows] for f, rows in self.relativities.items()
            },
            "merged": {f: dict(m) for f, m in self.merged.items()},
            "dispersion": self.dispersion,
            "pearson_chi2": self.pearson_chi2,
            "pearson_dispersion": self.pearson_dispersion,
            "dispersion_estimated": self.dispersion_estimated,
            "deviance": self.deviance,
            "df_resid": self.df_resid,
            "n_observations": self.n_observations,
            "iterations": self.iterations,
            "confidence": self.confidence,
            "source": self.source,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class FrequencyFit(FactorFit):
    """Quasi-Poisson frequency GLM; ``base_value`` is claims per policy-year, ``dispersion`` is
    φ = max(φ̂, 1) with φ̂ = Pearson X²/df on the segments (1 when fixed or not estimable)."""


@dataclass(frozen=True, slots=True)
class SeverityFit(FactorFit):
    """Gamma severity GLM; ``base_value`` is CNY per claim, ``dispersion`` is φ̂."""


def pure_premium_relativities(
    frequency: FrequencyFit, severity: SeverityFit
) -> Mapping[str, tuple[Relativity, ...]]:
    """Relativities of the loss cost (pure premium) = frequency × severity relativity.

    On the log scale the coefficients add; the standard error is √(se_f² + se_s²), treating the
    two fits as independent (the likelihood factorises into counts and severities given the
    counts), and the interval is the Wald interval of the sum.
    Both fits must use the same factors and base levels.
    """
    if frequency.factors != severity.factors or dict(frequency.base_levels) != dict(
        severity.base_levels
    ):
        raise ValidationError(
            f"The frequency fit (factors {list(frequency.factors)}, base levels "
            f"{dict(frequency.base_levels)}) and the severity fit (factors "
            f"{list(severity.factors)}, base levels {dict(severity.base_levels)}) must match.",
            code=ExperienceCode.FITS_DIFFER,
            field="factors",
        )
    z = float(scipy.stats.norm.ppf(0.5 + frequency.confidence / 2))
    combined: dict[str, tuple[Relativity, ...]] = {}
    for factor in frequency.factors:
        rows = []
        for f in frequency.relativities[factor]:
            s = severity.relativity(factor, f.level)
            coef, se = f.coef + s.coef, float(np.hypot(f.se, s.se))
            rows.append(
                Relativity(
                    factor,
                    f.level,
                    float(np.exp(coef)),
                    coef,
                    se,
                    float(np.exp(coef - z * se)),
                    float(np.exp(coef + z * se)),
                    f.exposure,
                    f.claims,
                    f.incurred_loss,
                    is_base=f.is_base,
                    merged_into=f.merged_into or s.merged_into,
                )
            )
        combined[factor] = tuple(rows)
    return MappingProxyType(combined)
