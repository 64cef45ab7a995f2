"""Exact aggregation by fast Fourier transform.

For each scenario the recoverable amount of each independent component is discretised on the grid
(rounding method) and convolved (product of transforms); the one per-event retention shifts the
sum; the annual loss is P_N(φ_I) per scenario, multiplied across independent scenarios and
inverted with exponential tilting. The annual aggregate limit is min(S, AAL) on the grid: exact.

Euler contributions use the marked transforms: for scenario j and a part c of its event loss,
E[S_c · u^S] = P_j'(φ_j) · E[I_c · u^I] · Π_{i≠j} P_i(φ_i), so E[S_c · 1{S = s}] is one more
inverse transform; inside an event E[Z_c · 1{ΣZ = s}] = (x·p_c) ⋆ (⋆_{c'≠c} p_c').
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from liubu.risk.events import Scenario
from liubu.risk.grid import Grid, event_moments
from liubu.risk.measures import LossDistribution
from liubu.risk.model import Model
from liubu.risk.severity import FloatArray

ComplexArray = npt.NDArray[np.complex128]


@dataclass(frozen=True)
class FftOutput:
    """What the Fourier engine hands to :class:`liubu.risk.result.Result`."""

    annual: LossDistribution
    occurrence: LossDistribution
    grid: Grid
    self_check: dict[str, float | None]


@dataclass(frozen=True)
class _Event:
    pmf: FloatArray  # event insured loss I on the lattice, length n
    phi: ComplexArray  # its tilted transform
    parts: dict[str, ComplexArray]  # coverage -> tilted transform of E[I_c 1{I = x}]


def aggregate_fft(model: Model, grid: Grid) -> FftOutput:
    """Annual insured loss distribution of ``model`` on ``grid`` (independent scenarios)."""
    tilt = grid.tilt_vector()
    events = [_event(model, s, grid, tilt) for s in model.scenarios]
    gen = [s.frequency.pgf(e.phi) for s, e in zip(model.scenarios, events, strict=True)]
    others = _leave_one_out(gen)
    total = others[0] * gen[0]
    x = np.arange(grid.m) * grid.bucket
    gross = _untilt(np.fft.irfft(total, grid.m), tilt)
    weights: dict[str, ComplexArray] = {}
    coverage_ft: dict[str, ComplexArray] = {}
    for scenario, event, rest in zip(model.scenarios, events, others, strict=True):
        weight = scenario.frequency.pgf_derivative(event.phi) * rest
        scenario_ft = np.fft.rfft(x[: grid.n] * event.pmf * tilt[: grid.n], grid.m)
        weights[f"scenario:{scenario.name}"] = weight * scenario_ft
        for coverage, part_ft in event.parts.items():
            key = f"coverage:{coverage}"
            coverage_ft[key] = coverage_ft.get(key, 0) + weight * part_ft
    weights.update(coverage_ft)
    amounts = {k: _untilt(np.fft.irfft(v, grid.m), tilt) for k, v in weights.items()}
    pmf, marks = _lump(np.maximum(gross, 0.0), amounts, grid.n)
    annual = _apply_aggregate_limit(pmf, marks, grid, model.terms.aggregate_limit)
    check = _self_check(model, grid, pmf, events)
    return FftOutput(annual, _occurrence(model.scenarios, events, grid), grid, check)


def _event(model: Model, scenario: Scenario, grid: Grid, tilt: FloatArray) -> _Event:
    """The insured event loss I = (ΣZ − R)⁺ on the lattice, with each coverage's share."""
    n, m = grid.n, grid.m
    layers = model.layers(scenario)
    pmfs = [grid.component_pmf(layer) for layer in layers]
    x = np.arange(n, dtype=np.float64)
    if len(pmfs) == 1:
        summed = pmfs[0]
        joint = {layers[0].component.coverage: x * pmfs[0]}
    else:
        fts = [np.fft.rfft(p * tilt[:n], m) for p in pmfs]
        rest = _leave_one_out(fts)
        summed = np.maximum(_untilt(np.fft.irfft(rest[0] * fts[0], m), tilt), 0.0)
        joint = {
            layer.component.coverage: _untilt(
                np.fft.irfft(np.fft.rfft(x * p * tilt[:n], m) * others, m), tilt)
            for layer, p, others in zip(layers, pmfs, rest, strict=True)
        }
    shift = int(round(model.terms.retention / grid.bucket))
    s = np.arange(len(summed))
    target = np.clip(s - shift, 0, n - 1)
    share = np.where(s > shift, target / np.maximum(s, 1), 0.0)
    pmf = np.bincount(target, weights=summed, minlength=n)
    phi = np.fft.rfft(pmf * tilt[:n], m)
    parts = {
        coverage: np.fft.rfft(
            np.bincount(target, weights=amount * share, minlength=n) * grid.bucket * tilt[:n], m)
        for coverage, amount in joint.items()
    }
    return _Event(pmf, phi, parts)


def _leave_one_out(arrays: Sequence[ComplexArray]) -> list[ComplexArray]:
    """Π_{i≠j} arrays[i] for each j, by prefix and suffix products (no division)."""
    count = len(arrays)
    prefix = [np.ones_like(arrays[0])]
    for a in arrays[:-1]:
        prefix.append(prefix[-1] * a)
    out: list[ComplexArray] = [np.empty_like(arrays[0])] * count
    suffix = np.ones_like(arrays[0])
    for j in range(count - 1, -1, -1):
        out[j] = prefix[j] * suffix
        suffix = suffix * arrays[j]
    return out


def _untilt(values: FloatArray, tilt: FloatArray) -> FloatArray:
    return values / tilt[: len(values)]


def _lump(
    pmf: FloatArray, amounts: dict[str, FloatArray], n: int
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Keep n buckets; mass beyond sits in the last one, parts rescaled to its value."""
    k = np.arange(len(pmf))
    target = np.minimum(k, n - 1)
    factor = np.where(k > 0, target / np.maximum(k, 1), 0.0)
    kept = np.bincount(target, weights=pmf, minlength=n)
    marks = {key: np.bincount(target, weights=a * factor, minlength=n) for key, a in
             amounts.items()}
    return kept, marks


def _apply_aggregate_limit(
    pmf: FloatArray, marks: dict[str, FloatArray], grid: Grid, limit: float
) -> LossDistribution:
    """min(S, AAL): lattice points at or above the limit become one atom at the limit."""
    x = np.arange(grid.n) * grid.bucket
    below = x < limit
    if below.all():
        values, probs, joint = x, pmf, marks
    else:
        factor = np.where(below, 1.0, limit / np.maximum(x, 1e-300))
        values = np.append(x[below], limit)
        probs = np.append(pmf[below], pmf[~below].sum())
        joint = {k: np.append(v[below], (v[~below] * factor[~below]).sum()) for k, v in
                 marks.items()}
    safe = np.where(probs > 1e-300, probs, 1.0)
    parts = {k: np.where(probs > 1e-300, v / safe, 0.0) for k, v in joint.items()}
    return LossDistribution(values, probs, parts, bucket=grid.bucket)


def _occurrence(scenarios: Sequence[Scenario], events: Sequence[_Event], grid: Grid
                ) -> LossDistribution:
    """P(largest insured event in a year ≤ x) = Π_j P_j(F_j(x)), at the bucket edges."""
    below = np.ones(grid.n)
    for scenario, event in zip(scenarios, events, strict=True):
        below = below * np.asarray(scenario.frequency.pgf(np.cumsum(event.pmf)), np.float64)
    pmf = np.diff(below, prepend=0.0)
    pmf[-1] += 1.0 - below[-1]
    return LossDistribution(np.arange(grid.n) * grid.bucket, np.maximum(pmf, 0.0),
                            bucket=grid.bucket)


def _self_check(model: Model, grid: Grid, pmf: FloatArray, events: Sequence[_Event]
                ) -> dict[str, float | None]:
    """Computed against exact mean and CV of the annual loss before the aggregate limit."""
    x = np.arange(grid.n) * grid.bucket
    mean_exact = var_exact = 0.0
    worst_event = 0.0
    for scenario, event in zip(model.scenarios, events, strict=True):
        first, second = event_moments(model.layers(scenario), model.terms.retention)
        freq = scenario.frequency
        mean_exact += freq.mean * first
        var_exact += freq.mean * second + (freq.variance - freq.mean) * first * first
        computed = float(np.dot(x, event.pmf))
        if first > 0:
            worst_event = max(worst_event, abs(computed / first - 1.0))
    mean = float(np.dot(x, pmf))
    var = float(np.dot((x - mean) ** 2, pmf))
    cv = math.sqrt(var) / mean if mean > 0 else None
    cv_exact = math.sqrt(var_exact) / mean_exact if mean_exact > 0 else None
    return {
        "mean_exact": mean_exact,
        "mean_computed": mean,
        "mean_error": mean / mean_exact - 1.0 if mean_exact > 0 else None,
        "cv_exact": cv_exact if cv_exact is not None and math.isfinite(cv_exact) else None,
        "cv_computed": cv,
        "cv_error": (cv / cv_exact - 1.0 if cv is not None and cv_exact and
                     math.isfinite(cv_exact) else None),
        "event_mean_error": worst_event,
        "probability_lost": float(max(1.0 - pmf.sum(), 0.0)),
    }
