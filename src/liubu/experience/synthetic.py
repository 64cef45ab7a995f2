"""Synthetic claims experience with known relativities (合成理赔经验数据), for tests and the demo.

Each policy draws one level of every factor (uniformly, or with given probabilities) and keeps it
in every period; each policy-period has exposure e ~ Uniform(exposure_range) policy-years, rounded
to 4 decimals. Claims N ~ Poisson(base_frequency · Π r_f[level] · h_segment · e), where h_segment
is 1, or with ``segment_sd`` > 0 a lognormal heterogeneity exp(σZ − σ²/2) per segment (so that
credibility has something to find). Each claim costs Gamma(shape α, mean m · Π s_f[level]) CNY;
the row's loss is their sum, Gamma(Nα, m·Πs/α), rounded to the fen (at least 0.01).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from liubu.errors import ValidationError
from liubu.experience.dataset import ExperienceData
from liubu.experience.reasons import ExperienceCode


def synthetic_experience(
    *,
    n_policies: int,
    relativities: Mapping[str, Mapping[str, float]],
    base_frequency: float,
    severity_mean: float,
    severity_shape: float,
    rng: np.random.Generator,
    severity_relativities: Mapping[str, Mapping[str, float]] | None = None,
    level_probabilities: Mapping[str, Mapping[str, float]] | None = None,
    periods: Sequence[int] = (2022, 2023, 2024),
    exposure_range: tuple[float, float] = (0.5, 1.0),
    segment_sd: float = 0.0,
) -> ExperienceData:
    """Claims experience of ``n_policies`` policies over ``periods`` (formulas above)."""
    severity = dict(severity_relativities or {})
    _check(n_policies, relativities, severity, base_frequency, severity_mean, severity_shape)
    if not 0 < exposure_range[0] <= exposure_range[1] or segment_sd < 0 or not periods:
        raise ValidationError(
            f"The exposure range {exposure_range} must satisfy 0 < lo ≤ hi, segment_sd "
            f"{segment_sd} must be ≥ 0, and periods {list(periods)} must not be empty.",
            code=ExperienceCode.SYNTHETIC_BAD_SETTING,
            field="exposure_range",
            value=repr(exposure_range),
        )
    names = list(dict.fromkeys([*relativities, *severity]))
    chosen = {
        name: _draw_levels(name, relativities, severity, level_probabilities, n_policies, rng)
        for name in names
    }
    n_periods = len(periods)
    frequency = np.full(n_policies, float(base_frequency))
    mean = np.full(n_policies, float(severity_mean))
    for name, (levels, index) in chosen.items():
        frequency *= _values(relativities.get(name), levels)[index]
        mean *= _values(severity.get(name), levels)[index]
    if segment_sd > 0 and names:
        codes = np.stack([index for _, index in chosen.values()], axis=1)
        _, segment = np.unique(codes, axis=0, return_inverse=True)
        effect = np.exp(segment_sd * rng.standard_normal(segment.max() + 1) - segment_sd**2 / 2)
        frequency *= effect[segment.reshape(-1)]
    exposure, counts, loss = _draw_rows(
        np.repeat(frequency, n_periods),
        np.repeat(mean, n_periods) / severity_shape,
        exposure_range=exposure_range,
        shape=severity_shape,
        rng=rng,
    )
    return ExperienceData(
        policy_id=np.repeat([f"P{i:07d}" for i in range(1, n_policies + 1)], n_periods),
        period=np.tile(np.asarray(periods, dtype=np.int64), n_policies),
        factors={
            name: np.repeat(levels[index], n_periods) for name, (levels, index) in chosen.items()
        },
        exposure=exposure,
        claim_count=counts,
        incurred_loss=loss,
        source="<synthetic>",
    )


def _draw_rows(
    frequency: NDArray[np.float64],
    scale: NDArray[np.float64],
    *,
    exposure_range: tuple[float, float],
    shape: float,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Exposure, claim counts and losses (a sum of N Gamma(α, scale) is Gamma(Nα, scale))."""
    exposure = np.maximum(np.round(rng.uniform(*exposure_range, size=len(frequency)), 4), 1e-4)
    counts = rng.poisson(frequency * exposure).astype(np.int64)
    has = counts > 0
    loss = np.zeros(len(frequency))
    loss[has] = rng.gamma(counts[has] * shape, scale[has])
    return exposure, counts, np.where(has, np.maximum(np.round(loss, 2), 0.01), 0.0)


def _check(
    n_policies: int,
    relativities: Mapping[str, Mapping[str, float]],
    severity: Mapping[str, Mapping[str, float]],
    base_frequency: float,
    severity_mean: float,
    severity_shape: float,
) -> None:
    if n_policies < 1 or not base_frequency > 0 or not severity_mean > 0 or not severity_shape > 0:
        raise ValidationError(
            f"n_policies ({n_policies}) must be ≥ 1 and base_frequency ({base_frequency}), "
            f"severity_mean ({severity_mean}) and severity_shape ({severity_shape}) positive.",
            code=ExperienceCode.SYNTHETIC_BAD_SETTING,
            field="n_policies",
            value=n_policies,
        )
    for table in (relativities, severity):
        for name, levels in table.items():
            if not levels or not all(np.isfinite(v) and v > 0 for v in levels.values()):
                raise ValidationError(
                    f"The relativities of the factor {name!r} must be positive, at least one "
                    f"level; got {dict(levels)}.",
                    code=ExperienceCode.SYNTHETIC_BAD_RELATIVITY,
                    field=name,
                    value=repr(dict(levels)),
                )


def _draw_levels(
    name: str,
    relativities: Mapping[str, Mapping[str, float]],
    severity: Mapping[str, Mapping[str, float]],
    probabilities: Mapping[str, Mapping[str, float]] | None,
    n: int,
    rng: np.random.Generator,
) -> tuple[NDArray[np.str_], NDArray[np.intp]]:
    levels = list(dict.fromkeys([*relativities.get(name, {}), *severity.get(name, {})]))
    given = (probabilities or {}).get(name)
    if given is None:
        p = np.full(len(levels), 1 / len(levels))
    else:
        if set(given) != set(levels) or not all(v >= 0 for v in given.values()):
            raise ValidationError(
                f"The level probabilities of the factor {name!r} must give each of {levels} a "
                f"non-negative number; got {dict(given)}.",
                code=ExperienceCode.SYNTHETIC_BAD_PROBABILITIES,
                field=name,
                value=repr(dict(given)),
            )
        p = np.array([given[level] for level in levels], dtype=np.float64)
        p = p / p.sum()
    index = rng.choice(len(levels), size=n, p=p)
    return np.array(levels, dtype=np.str_), index.astype(np.intp)


def _values(table: Mapping[str, float] | None, levels: NDArray[np.str_]) -> NDArray[np.float64]:
    """The relativity of each level (1 where the table does not name it)."""
    table = table or {}
    return np.array([float(table.get(str(level), 1.0)) for level in levels], dtype=np.float64)
