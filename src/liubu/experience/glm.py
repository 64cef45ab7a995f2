"""Frequency and severity GLMs (频率与损失程度广义线性模型) with multiplicative relativities.

Frequency: claim counts N with E N = μ, log μ = log(exposure) + β₀ + Σ_f β_f[level], fitted on
the rows summed by segment (the factors' level combinations). For categorical factors the segment
sums are sufficient statistics of the Poisson likelihood, so the estimates and the Poisson
standard errors equal those of the row-level fit.

Overdispersion (quasi-Poisson): claim counts of a real book vary more than Poisson — risks differ
within a segment beyond what the factors explain — so Var N = φ μ with φ > 1 and Poisson standard
errors are too small by √φ. The quasi-likelihood estimates are the Poisson ones; φ is estimated
by Pearson's statistic on the segment-level fit, φ̂ = X² / (segments − parameters),
X² = Σ_s (N_s − μ̂_s)² / μ̂_s (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed. 1989,
ch. 9 on quasi-likelihood; Ohlsson & Johansson 2010, ch. 3 on overdispersion, which estimate
φ the same way on the tariff cells). Segments rather than rows: at the row level most counts
are 0 or 1, X² of such sparse counts is unreliable, and the segment sums are sufficient for the
point estimates; the segment-level φ̂ is the one statsmodels gives for the same fit with
``scale="X2"``. The standard errors are multiplied by √φ with φ = max(φ̂, 1), and the Wald
intervals widen with them: a φ̂ below 1 on a small book is noise around the Poisson floor (a
count of claims cannot be less variable than Poisson when risks are independent), and
narrowing the Poisson intervals on it would overstate what the data say. With no residual
degrees of freedom (as many segments as parameters) φ cannot be estimated: φ = 1 is kept and
``dispersion_estimated`` is False. Option ``dispersion="fixed"`` keeps φ = 1 (the plain Poisson
fit) while still reporting φ̂.

Severity: the average incurred loss per claim of each row with claims, Y = loss / n ~ Gamma with
mean μ and Var(Y) = φ μ² / n (``var_weights`` n: an average of n claims), log μ = β₀ +
Σ_f β_f[level]; φ is estimated by Pearson χ²/(rows − parameters).

Coding is by treatment contrasts: each factor has a base level whose relativity is 1 (by default
the level with the most exposure; the caller may choose) and ``exp(β₀)`` is the frequency (claims
per policy-year) or severity (CNY per claim) of the segment at every factor's base level.
Relativity = exp(β), with a Wald interval exp(β ± z·se), z = Φ⁻¹(½ + confidence/2).
See e.g. Ohlsson & Johansson, *Non-Life Insurance Pricing with Generalized Linear Models*
(Springer 2010).

Guard rails: a level with fewer than ``min_claims`` claims is refused, or with
``sparse="merge"`` pooled into its factor's base level (recorded in ``merged``); levels aliased
with others (a column of the design that the other columns determine) are refused, naming them;
an IRLS fit that does not converge, or gives non-finite estimates, is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeVar

import numpy as np
import scipy.linalg
import scipy.stats
from numpy.typing import NDArray

from liubu.errors import ValidationError
from liubu.experience._statsmodels import Family, GlmOutcome, fit_glm
from liubu.experience.dataset import ExperienceData, SegmentKey
from liubu.experience.reasons import ExperienceCode
from liubu.experience.results import FrequencyFit, Relativity, SeverityFit

Sparse = Literal["refuse", "merge"]
Dispersion = Literal["pearson", "fixed"]


@dataclass(frozen=True, slots=True)
class _Prepared:
    confidence: float
    levels: dict[str, tuple[str, ...]]  # every level in the data, sorted
    base: dict[str, str]
    merged: dict[str, dict[str, str]]
    mapped: dict[str, NDArray[np.str_]]  # row values after merging


_Fit = TypeVar("_Fit", FrequencyFit, SeverityFit)


def fit_frequency(
    data: ExperienceData,
    factors: Sequence[str],
    *,
    base_levels: Mapping[str, str] | None = None,
    sparse: Sparse = "refuse",
    min_claims: int = 1,
    confidence: float = 0.95,
    dispersion: Dispersion = "pearson",
) -> FrequencyFit:
    """Quasi-Poisson GLM of claim counts, log link, offset log(exposure); standard errors and
    intervals carry φ = max(Pearson X²/df, 1) unless ``dispersion="fixed"`` (module docstring)."""
    if dispersion not in ("pearson", "fixed"):
        raise ValidationError(
            f"The dispersion setting {dispersion!r} must be 'pearson' or 'fixed'.",
            code=ExperienceCode.BAD_SETTING,
            field="dispersion",
            value=repr(dispersion),
        )
    prepared = _prepare(data, factors, base_levels, sparse, min_claims, confidence)
    keys, inverse = _segments(prepared, factors)
    counts = np.bincount(inverse, weights=data.claim_count, minlength=len(keys)).astype(np.float64)
    exposure = np.bincount(inverse, weights=data.exposure, minlength=len(keys)).astype(np.float64)
    design, columns = _design(
        np.array(keys, dtype=np.str_).reshape(len(keys), -1), factors, prepared
    )
    outcome = _fit("poisson", counts, design, columns, offset=np.log(exposure), weights=None)
    return _assemble(
        FrequencyFit,
        data,
        factors=factors,
        prepared=prepared,
        scaled=_quasi_poisson(outcome, dispersion),
        columns=columns,
    )


@dataclass(frozen=True, slots=True)
class _Scaled:
    """A fit's outcome with its standard errors on the dispersion φ, and how φ was found."""

    outcome: GlmOutcome
    pearson_dispersion: float | None  # φ̂ = X²/df; None when df = 0
    estimated: bool  # φ comes from the data (else it is fixed at 1)


def _quasi_poisson(outcome: GlmOutcome, dispersion: Dispersion) -> _Scaled:
    """The Poisson outcome with se × √φ, φ = max(X²/df, 1) (module docstring)."""
    if outcome.df_resid <= 0:
        return _Scaled(outcome, None, estimated=False)
    estimate = outcome.pearson_chi2 / outcome.df_resid
    if dispersion == "fixed":
        return _Scaled(outcome, estimate, estimated=False)
    phi = max(estimate, 1.0)
    scaled = dataclasses.replace(outcome, bse=outcome.bse * np.sqrt(phi), scale=phi)
    return _Scaled(scaled, estimate, estimated=True)


def fit_severity(
    data: ExperienceData,
    factors: Sequence[str],
    *,
    base_levels: Mapping[str, str] | None = None,
    sparse: Sparse = "refuse",
    min_claims: int = 1,
    confidence: float = 0.95,
) -> SeverityFit:
    """Gamma GLM of the average severity of each row with claims, log link, weights = claims."""
    prepared = _prepare(data, factors, base_levels, sparse, min_claims, confidence)
    with_claims = data.claim_count > 0
    count = data.claim_count[with_claims].astype(np.float64)
    severity = data.incurred_loss[with_claims] / count
    values = [prepared.mapped[f][with_claims] for f in factors]
    matrix = np.stack(values, axis=1) if values else np.empty((len(count), 0), dtype=np.str_)
    design, columns = _design(matrix, factors, prepared)
    if len(count) <= design.shape[1]:
        raise ValidationError(
            f"The severity fit needs more rows with claims ({len(count)}) than parameters "
            f"({design.shape[1]}) to estimate its dispersion.",
            code=ExperienceCode.TOO_FEW_CLAIMS,
            field="claim_count",
            value=len(count),
        )
    outcome = _fit("gamma", severity, design, columns, offset=None, weights=count)
    scaled = _Scaled(outcome, outcome.scale, estimated=True)  # statsmodels' Pearson φ̂
    return _assemble(
        SeverityFit, data, factors=factors, prepared=prepared, scaled=scaled, columns=columns
    )


def _prepare(
    data: ExperienceData,
    factors: Sequence[str],
    base_levels: Mapping[str, str] | None,
    sparse: Sparse,
    min_claims: int,
    confidence: float,
) -> _Prepared:
    if len(set(factors)) != len(factors):
        raise ValidationError(
            f"The factors {list(factors)} name one factor twice.",
            code=ExperienceCode.DUPLICATE_FACTOR,
            field="factors",
            value=repr(list(factors)),
        )
    if not 0 < confidence < 1 or sparse not in ("refuse", "merge") or min_claims < 0:
        raise ValidationError(
            f"The settings confidence={confidence}, sparse={sparse!r}, min_claims={min_claims} "
            f"are invalid: confidence lies in (0, 1), sparse is 'refuse' or 'merge', "
            f"min_claims ≥ 0.",
            code=ExperienceCode.BAD_SETTING,
            field="confidence",
            value=confidence,
        )
    chosen = dict(base_levels or {})
    prepared = _Prepared(confidence, {}, {}, {}, {})
    for factor in factors:
        _prepare_factor(data, factor, chosen.pop(factor, None), prepared, sparse, min_claims)
    if chosen:
        raise ValidationError(
            f"Base levels are given for {sorted(chosen)}, which are not among the fitted "
            f"factors {list(factors)}.",
            code=ExperienceCode.UNKNOWN_FACTOR,
            field="base_levels",
            value=repr(sorted(chosen)),
        )
    return prepared


def _prepare_factor(
    data: ExperienceData,
    factor: str,
    base: str | None,
    prepared: _Prepared,
    sparse: Sparse,
    min_claims: int,
) -> None:
    """Levels, base level (most exposure unless given) and merged levels of one factor."""
    values = data.factor(factor)
    levels, inverse = np.unique(values, return_inverse=True)
    exposure = np.bincount(inverse, weights=data.exposure)
    claims = np.bincount(inverse, weights=data.claim_count)
    names = tuple(str(level) for level in levels)
    base = names[int(np.argmax(exposure))] if base is None else base
    if base not in names:
        raise ValidationError(
            f"The base level {base!r} of the factor {factor!r} is not in the data; its "
            f"levels are {list(names)}.",
            code=ExperienceCode.UNKNOWN_LEVEL,
            field=f"base_levels.{factor}",
            value=base,
        )
    sparse_levels = [n for n, c in zip(names, claims, strict=True) if c < min_claims]
    _check_sparse(factor, base, sparse_levels, sparse, min_claims)
    prepared.levels[factor] = names
    prepared.base[factor] = base
    prepared.merged[factor] = {level: base for level in sparse_levels if level != base}
    mapped = np.where(np.isin(values, sparse_levels), base, values)
    prepared.mapped[factor] = mapped.astype(np.str_)


def _check_sparse(
    factor: str, base: str, sparse_levels: list[str], sparse: Sparse, min_claims: int
) -> None:
    if base in sparse_levels:
        raise ValidationError(
            f"The base level {base!r} of the factor {factor!r} has fewer than {min_claims} "
            f"claims; choose a base level with claims.",
            code=ExperienceCode.LEVEL_WITHOUT_CLAIMS,
            field=factor,
            value=base,
        )
    if sparse_levels and sparse == "refuse":
        raise ValidationError(
            f"The levels {sparse_levels} of the factor {factor!r} have fewer than {min_claims} "
            f"claims, so their relativities cannot be estimated; merge them "
            f"(sparse='merge' pools them into the base level {base!r}) or gather more data.",
            code=ExperienceCode.LEVEL_WITHOUT_CLAIMS,
            field=factor,
            value=repr(sparse_levels),
        )


def _segments(
    prepared: _Prepared, factors: Sequence[str]
) -> tuple[list[tuple[str, ...]], NDArray[np.intp]]:
    n = len(next(iter(prepared.mapped.values()))) if prepared.mapped else 0
    if not factors:
        return [()], np.zeros(n, dtype=np.intp)
    stacked = np.stack([prepared.mapped[f] for f in factors], axis=1)
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return [tuple(str(v) for v in row) for row in unique], inverse.reshape(-1).astype(np.intp)


def _design(
    matrix: NDArray[np.str_], factors: Sequence[str], prepared: _Prepared
) -> tuple[NDArray[np.float64], list[tuple[str, str]]]:
    """Intercept plus one 0/1 column per non-base, unmerged level (treatment coding)."""
    columns: list[tuple[str, str]] = [("", "")]
    blocks = [np.ones((matrix.shape[0], 1))]
    for index, factor in enumerate(factors):
        skip = {prepared.base[factor], *prepared.merged[factor]}
        for level in prepared.levels[factor]:
            if level not in skip:
                columns.append((factor, level))
                blocks.append((matrix[:, index] == level).astype(np.float64)[:, None])
    return np.hstack(blocks), columns


def _fit(
    family: Family,
    endog: NDArray[np.float64],
    design: NDArray[np.float64],
    columns: list[tuple[str, str]],
    *,
    offset: NDArray[np.float64] | None,
    weights: NDArray[np.float64] | None,
) -> GlmOutcome:
    _check_aliasing(design, columns)
    outcome = fit_glm(family, endog, design, offset=offset, var_weights=weights)
    finite = np.isfinite(outcome.params).all() and np.isfinite(outcome.bse).all()
    if not outcome.converged or not finite:
        raise ValidationError(
            f"The {family} GLM did not converge in {outcome.iterations} iterations "
            f"({'; '.join(outcome.warnings) or 'no warning'}); merge sparse levels or drop a "
            f"factor.",
            code=ExperienceCode.GLM_NOT_CONVERGED,
            field="factors",
            value=outcome.iterations,
        )
    return outcome


def _check_aliasing(design: NDArray[np.float64], columns: list[tuple[str, str]]) -> None:
    # QR with column pivoting puts the columns that the others determine last.
    _, r, pivots = scipy.linalg.qr(design, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    tolerance = diagonal.max() * max(design.shape) * np.finfo(np.float64).eps
    rank = int((diagonal > tolerance).sum())
    if rank < design.shape[1]:
        aliased = sorted(f"{columns[p][0]}={columns[p][1]}" for p in pivots[rank:])
        raise ValidationError(
            f"The levels {aliased} are aliased: the other factors' levels determine them (two "
            f"factors move together in these data); drop one factor or merge levels.",
            code=ExperienceCode.ALIASED,
            field="factors",
            value=repr(aliased),
        )


def _assemble(
    cls: type[_Fit],
    data: ExperienceData,
    *,
    factors: Sequence[str],
    prepared: _Prepared,
    scaled: _Scaled,
    columns: list[tuple[str, str]],
) -> _Fit:
    outcome = scaled.outcome
    z = float(scipy.stats.norm.ppf(0.5 + prepared.confidence / 2))
    position = {column: i for i, column in enumerate(columns)}
    relativities = {
        factor: tuple(
            _relativity(data, factor, level, prepared, outcome, position.get((factor, level)), z)
            for level in prepared.levels[factor]
        )
        for factor in factors
    }
    return cls(
        kind="frequency" if cls is FrequencyFit else "severity",
        factors=tuple(factors),
        base_levels=MappingProxyType(dict(prepared.base)),
        base_value=float(np.exp(outcome.params[0])),
        base_se=float(outcome.bse[0]),
        relativities=MappingProxyType(relativities),
        merged=MappingProxyType({f: MappingProxyType(m) for f, m in prepared.merged.items() if m}),
        dispersion=outcome.scale,
        pearson_chi2=outcome.pearson_chi2,
        pearson_dispersion=scaled.pearson_dispersion,
        dispersion_estimated=scaled.estimated,
        deviance=outcome.deviance,
        df_resid=outcome.df_resid,
        n_observations=outcome.n_observations,
        iterations=outcome.iterations,
        confidence=prepared.confidence,
        source=data.source,
        notes=outcome.warnings,
    )


def _relativity(
    data: ExperienceData,
    factor: str,
    level: str,
    prepared: _Prepared,
    outcome: GlmOutcome,
    index: int | None,
    z: float,
) -> Relativity:
    here = data.factor(factor) == level
    coef = 0.0 if index is None else float(outcome.params[index])
    se = 0.0 if index is None else float(outcome.bse[index])
    return Relativity(
        factor,
        level,
        float(np.exp(coef)),
        coef,
        se,
        float(np.exp(coef - z * se)),
        float(np.exp(coef + z * se)),
        float(data.exposure[here].sum()),
        int(data.claim_count[here].sum()),
        float(data.incurred_loss[here].sum()),
        is_base=level == prepared.base[factor],
        merged_into=prepared.merged[factor].get(level),
    )


def segment_relativities(
    keys: Sequence[SegmentKey],
    loss: NDArray[np.float64],
    exposure: NDArray[np.float64],
    *,
    factors: Sequence[str],
    base_levels: Mapping[str, str],
) -> dict[str, dict[str, float]]:
    """Multiplicative relativities that best reproduce segment losses (``keys`` over ``factors``).

    A quasi-Poisson GLM of the loss with offset log(exposure): its score equations make the
    fitted loss equal the actual loss on every level of every factor (Bailey's minimum-bias
    balance; Mildenhall, "A systematic relationship between minimum bias and generalized linear
    models", PCAS 1999). Used on credibility-blended losses, whose values are not counts.
    """
    matrix = np.array(keys, dtype=np.str_).reshape(len(keys), len(factors))
    levels = {f: tuple(sorted({str(v) for v in matrix[:, i]})) for i, f in enumerate(factors)}
    prepared = _Prepared(
        0.95, levels, {f: base_levels[f] for f in factors}, {f: {} for f in factors}, {}
    )
    design, columns = _design(matrix, factors, prepared)
    outcome = _fit("poisson", loss, design, columns, offset=np.log(exposure), weights=None)
    position = {column: i for i, column in enumerate(columns)}
    return {
        f: {
            level: float(np.exp(outcome.params[position[(f, level)]]))
            if (f, level) in position
            else 1.0
            for level in levels[f]
        }
        for f in factors
    }
