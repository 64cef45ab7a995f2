"""Exact aggregation by fast Fourier transform.

For each scenario the recoverable amount of each independent component is discretised on the grid
(:meth:`Grid.component_pmf`, its tail at the grid's top) and convolved (product of transforms); the
one per-event retention shifts the sum; the annual loss is P_N(φ_I) per scenario, multiplied across
independent scenarios and inverted with exponential tilting. The annual aggregate limit is
min(S, AAL) on the grid: exact. Without a limit, the top point carries the expected loss beyond the
top (components' amounts above it, in closed form, and annual sums lumped there), so the mean is
exact even when a heavy tail reaches far beyond the grid.

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
from scipy import fft as sfft

from liubu.risk.events import Scenario
from liubu.risk.frequency import Poisson
from liubu.risk.grid import Grid, annual_moments
from liubu.risk.measures import LazyParts, LossDistribution, inner
from liubu.risk.model import Model
from liubu.risk.severity import FloatArray

ComplexArray = npt.NDArray[np.complex128]

#: Probabilities near the end of the padded lattice carry round-off amplified by the tilt, up to
#: e^tilt·10⁻¹⁶ ≈ 2·10⁻¹² for the default tilt: a top mass below this is not worth a tail value.
_ROUND_OFF = 1e-10


@dataclass(frozen=True)
class FftOutput:
    """What the Fourier engine hands to :class:`liubu.risk.result.Result`."""

    annual: LossDistribution
    occurrence: LossDistribution
    grid: Grid
    self_check: dict[str, float | bool | None]


@dataclass(frozen=True)
class _Event:
    """One scenario's insured event loss I = (ΣZ − R)⁺ on the lattice."""

    pmf: FloatArray  # P(I = k·h) on the padded lattice (m points), with round-off of ±10⁻¹²
    phi: ComplexArray | None  # its tilted transform when already at hand (else :func:`_phi`)
    components: tuple[FloatArray, ...]  # each component's pmf of Z_c
    transforms: tuple[ComplexArray, ...]  # their tilted transforms (several components only)
    coverages: tuple[str, ...]
    shift: int  # the retention in buckets
    discretisation_error: float  # worst |grid mean / exact E[min(Z_c, top)] − 1|


def aggregate_fft(model: Model, grid: Grid) -> FftOutput:
    """Annual insured loss distribution of ``model`` on ``grid`` (independent scenarios).

    The Euler allocation (by scenario and coverage) costs about three times the distribution
    itself, so it is computed on first use of ``annual.parts``.
    """
    tilt = grid.tilt_vector()
    events = [_event(model, s, grid, tilt) for s in model.scenarios]
    transform = _annual_transform(model.scenarios, events, tilt, grid.m)
    gross = _untilt(sfft.irfft(transform, grid.m), tilt)
    padded = np.maximum(gross, 0.0)
    pmf, _ = _lump(padded, {}, grid.n)
    lost = max(1.0 - float(pmf.sum()), 0.0)
    pmf[-1] += lost  # mass beyond the padded grid is beyond its top (and the aggregate limit)
    x = np.arange(grid.n, dtype=np.float64) * grid.bucket
    check = _self_check(model, grid, gross, pmf, events, lost)
    no_limit = math.isinf(model.terms.aggregate_limit)
    beyond = _beyond(model, x[-1]) if no_limit else {}
    tail = _tail_value(grid, padded, pmf, beyond, check) if no_limit else None
    if tail is not None:
        x[-1] = tail
    values, probs, below, factor = _limit(pmf, x, model.terms.aggregate_limit)

    def allocate() -> dict[str, FloatArray]:
        phis = [_phi(e, tilt, grid.m) for e in events]  # each event's transform, once
        gen = [
            np.asarray(s.frequency.pgf(phi), dtype=np.complex128)
            for s, phi in zip(model.scenarios, phis, strict=True)
        ]
        amounts, totals = _annual_amounts(model, grid, tilt, events, phis, _leave_one_out(gen))
        # with a tail value, each part keeps its whole amount in the sums lumped at the top and
        # adds its components' expected loss beyond the top
        _, marks = _lump(gross, amounts, grid.n, rescale=tail is None)
        _share_lost(marks, amounts, totals, lost * (grid.n - 1) * grid.bucket)
        for key, mark in marks.items():
            mark[-1] += beyond[key] if tail is not None else 0.0
        return _limit_marks(marks, below, factor, probs)

    annual = LossDistribution(values, probs, LazyParts(allocate), bucket=grid.bucket)
    return FftOutput(annual, _occurrence(model.scenarios, events, grid), grid, check)


def _annual_amounts(
    model: Model,
    grid: Grid,
    tilt: FloatArray,
    events: Sequence[_Event],
    phis: Sequence[ComplexArray],
    others: Sequence[ComplexArray],
) -> tuple[dict[str, FloatArray], dict[str, float]]:
    """E[S_part · 1{S = k·h}] for every scenario and coverage (marked transforms), and E[S_part]
    on the lattice (E[N] times the part's lattice event mean)."""
    x = np.arange(grid.m) * grid.bucket
    weights: dict[str, ComplexArray] = {}
    totals: dict[str, float] = {}
    for scenario, event, phi, rest in zip(model.scenarios, events, phis, others, strict=True):
        weight = np.asarray(scenario.frequency.pgf_derivative(phi), np.complex128) * rest
        key = f"scenario:{scenario.name}"
        weights[key] = weight * sfft.rfft(x * event.pmf * tilt, grid.m)
        totals[key] = scenario.frequency.mean * inner(x, event.pmf)
        for coverage, (part_ft, part_mean) in _event_parts(event, grid, tilt).items():
            key = f"coverage:{coverage}"
            weights[key] = weights.get(key, 0) + weight * part_ft
            totals[key] = totals.get(key, 0.0) + scenario.frequency.mean * part_mean
    return {k: _untilt(sfft.irfft(v, grid.m), tilt) for k, v in weights.items()}, totals


def _share_lost(
    marks: dict[str, FloatArray],
    amounts: dict[str, FloatArray],
    totals: dict[str, float],
    amount: float,
) -> None:
    """Give the top bucket the parts of the mass that fell beyond the padded grid, in proportion
    to each part's expected loss there (E[S_part] less what the grid holds)."""
    if amount <= 0:
        return
    for prefix in ("scenario:", "coverage:"):
        keys = [k for k in marks if k.startswith(prefix)]
        beyond = {k: max(totals[k] - float(amounts[k].sum()), 0.0) for k in keys}
        total = sum(beyond.values())
        for k in keys:
            share = beyond[k] / total if total > 0 else 1.0 / len(keys)
            marks[k][-1] += amount * share


def _annual_transform(
    scenarios: Sequence[Scenario], events: Sequence[_Event], tilt: FloatArray, m: int
) -> ComplexArray:
    """Π_j P_j(φ_j), the tilted transform of the annual loss.

    Independent Poisson scenarios are one compound Poisson (the collective risk model): with
    λ = Σ λ_j, Π exp(λ_j(φ_j − 1)) = exp(Σ λ_j φ_j − λ), and Σ λ_j φ_j is the transform of
    Σ λ_j p_j (linearity) — one FFT for all of them instead of one per scenario."""
    mixed: FloatArray | None = None
    rate = 0.0
    total: ComplexArray | None = None
    for scenario, event in zip(scenarios, events, strict=True):
        frequency = scenario.frequency
        if isinstance(frequency, Poisson):
            weighted = frequency.rate * event.pmf
            mixed = weighted if mixed is None else mixed + weighted
            rate += frequency.rate
        else:
            gen = np.asarray(frequency.pgf(_phi(event, tilt, m)), dtype=np.complex128)
            total = gen if total is None else total * gen
    if mixed is not None:
        poisson = np.exp(sfft.rfft(mixed * tilt, m) - rate)
        total = poisson if total is None else total * poisson
    assert total is not None  # a model has at least one scenario
    return total


def _phi(event: _Event, tilt: FloatArray, m: int) -> ComplexArray:
    """The event's tilted transform (computed here when the event was built without it)."""
    return event.phi if event.phi is not None else sfft.rfft(event.pmf * tilt, m)


def _event(model: Model, scenario: Scenario, grid: Grid, tilt: FloatArray) -> _Event:
    """The insured event loss: components discretised, convolved, shifted by the retention.

    One transform per component, one array at a time: arrays under 128 KiB come from the
    allocator's heap, where a batch of them would be fresh pages in a new process."""
    n, m = grid.n, grid.m
    layers = model.layers(scenario)
    pmfs = tuple(grid.component_pmf(layer) for layer in layers)
    x = np.arange(n, dtype=np.float64)
    top = (n - 1) * grid.bucket
    errors = [
        abs(inner(x, p) * grid.bucket / exact - 1.0)
        for p, layer in zip(pmfs, layers, strict=True)
        if (exact := layer.limited_moment(1, top)) > 0
    ]
    fts: tuple[ComplexArray, ...] = ()
    shift = round(model.terms.retention / grid.bucket)
    if len(pmfs) == 1:
        summed = pmfs[0]
    else:  # round-off is left in (not set to zero), so that it keeps a zero mean
        fts = tuple(sfft.rfft(p * tilt[:n], m) for p in pmfs)
        total = fts[0]
        for ft in fts[1:]:
            total = total * ft
        summed = _untilt(sfft.irfft(total, m), tilt)
    pmf = _retained(summed, shift, m)
    return _Event(
        pmf,
        total if fts and shift == 0 else None,
        pmfs,
        fts,
        tuple(layer.component.coverage for layer in layers),
        shift,
        max(errors, default=0.0),
    )


def _retained(summed: FloatArray, shift: int, m: int) -> FloatArray:
    """(ΣZ − R)⁺ on the m-point lattice: the mass at or below the retention at zero."""
    out = np.zeros(m)
    if shift == 0:
        out[: len(summed)] = summed
        return out
    out[0] = summed[: shift + 1].sum()
    rest = summed[shift + 1 :]
    out[1 : 1 + len(rest)] = rest
    return out


def _event_parts(
    event: _Event, grid: Grid, tilt: FloatArray
) -> dict[str, tuple[ComplexArray, float]]:
    """Tilted transforms of E[I_c · 1{I = k·h}]: E[Z_c · 1{ΣZ = s}] = (x·p_c) ⋆ (⋆_{c'≠c} p_c'),
    then I_c = Z_c · (s − R)/s and the same shift and lumping as I; with the part's mean."""
    n, m = grid.n, grid.m
    x = np.arange(n, dtype=np.float64)
    if event.shift == 0 and len(event.components) > 1:  # I_c = Z_c: stay in transforms
        return {
            coverage: (
                sfft.rfft(x * p * tilt[:n], m) * rest * grid.bucket,
                inner(x, p) * grid.bucket,
            )
            for coverage, p, rest in zip(
                event.coverages, event.components, _leave_one_out(event.transforms), strict=True
            )
        }
    if len(event.components) == 1:
        joint = [x * event.components[0]]
    else:
        joint = [
            _untilt(sfft.irfft(sfft.rfft(x * p * tilt[:n], m) * rest, m), tilt)
            for p, rest in zip(event.components, _leave_one_out(event.transforms), strict=True)
        ]
    s = np.arange(len(joint[0]))
    target = np.clip(s - event.shift, 0, m - 1)
    share = np.where(s > event.shift, target / np.maximum(s, 1), 0.0)
    out = {}
    for coverage, amount in zip(event.coverages, joint, strict=True):
        part = np.bincount(target, weights=amount * share, minlength=m) * grid.bucket
        out[coverage] = (sfft.rfft(part * tilt, m), float(part.sum()))
    return out


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
    pmf: FloatArray, amounts: dict[str, FloatArray], n: int, *, rescale: bool = True
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Keep n buckets; mass beyond sits in the last one, parts rescaled to its value (or not)."""
    k = np.arange(len(pmf))
    target = np.minimum(k, n - 1)
    factor = np.where(k > 0, target / np.maximum(k, 1), 0.0) if rescale else np.ones(len(pmf))
    kept = np.bincount(target, weights=pmf, minlength=n).astype(np.float64)
    marks = {
        key: np.bincount(target, weights=a * factor, minlength=n).astype(np.float64)
        for key, a in amounts.items()
    }
    return kept, marks


def _limit(
    pmf: FloatArray, x: FloatArray, limit: float
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """min(S, AAL): points at or above the limit become one atom at the limit."""
    below = x < limit
    factor = np.asarray(np.where(below, 1.0, limit / np.maximum(x, 1e-300)), dtype=np.float64)
    if below.all():
        return x, pmf, below, factor
    values = np.append(x[below], limit).astype(np.float64)
    return values, np.append(pmf[below], pmf[~below].sum()), below, factor


def _limit_marks(
    marks: dict[str, FloatArray],
    below: npt.NDArray[np.bool_],
    factor: FloatArray,
    probs: FloatArray,
) -> dict[str, FloatArray]:
    """Per-point amounts a_part = E[Y_part · 1{Y = v}] / P(Y = v), the atom shared pro rata."""
    safe = np.where(probs > 1e-300, probs, 1.0)
    out = {}
    for key, joint in marks.items():
        if not below.all():
            joint = np.append(joint[below], (joint[~below] * factor[~below]).sum())
        out[key] = np.where(probs > 1e-300, joint / safe, 0.0)
    return out


def _occurrence(
    scenarios: Sequence[Scenario], events: Sequence[_Event], grid: Grid
) -> LossDistribution:
    """P(largest insured event in a year ≤ x) = Π_j P_j(F_j(x)), at the bucket edges."""
    below, exponent = np.ones(grid.n), np.zeros(grid.n)
    for scenario, event in zip(scenarios, events, strict=True):
        within = np.minimum(np.cumsum(np.maximum(event.pmf[: grid.n], 0.0)), 1.0)
        if isinstance(scenario.frequency, Poisson):  # one exponential for all Poisson counts
            exponent += scenario.frequency.rate * (within - 1.0)
        else:
            below = below * np.asarray(scenario.frequency.pgf(within), np.float64)
    below = below * np.exp(exponent)
    pmf = np.diff(below, prepend=0.0)
    pmf[-1] += 1.0 - below[-1]
    return LossDistribution(
        np.arange(grid.n, dtype=np.float64) * grid.bucket, np.maximum(pmf, 0.0), bucket=grid.bucket
    )


def _self_check(
    model: Model,
    grid: Grid,
    gross: FloatArray,
    pmf: FloatArray,
    events: Sequence[_Event],
    lost: float,
) -> dict[str, float | bool | None]:
    """The computed moments against exact ones, and the tail beyond the grid.

    Every component's grid mean is checked against its exact limited mean E[min(Z_c, top)]. The
    annual mean and CV before the aggregate limit, on the padded lattice as the inverse transform
    gives it (before the annual sums beyond the top are lumped there and before round-off below
    zero is set to zero), are checked against the exact moments of the model (``mean_error``,
    ``cv_error``) and of the model with every component limited at the grid's top
    (``*_within_grid``): the latter is the engine's own error (discretisation, wrap-around),
    which shrinks as the grid is refined; the rest is the tail beyond the top. When the grid
    reaches past the aggregate limit only, the annual moments are not comparable (the tail
    beyond the grid cannot change min(S, AAL)) and are left out.
    """
    x = np.arange(len(gross)) * grid.bucket
    top = (grid.n - 1) * grid.bucket
    limit = model.terms.aggregate_limit
    # the grid stops near the limit, short of where the annual loss before it reaches
    short = grid.natural_reach is not None and top < grid.natural_reach
    capped = math.isfinite(limit) and (top < limit * 1.01 or short)
    mean = inner(x, gross)
    variance = inner((x - mean) ** 2, gross)
    check: dict[str, float | bool | None] = {
        "discretisation_mean_error": max((e.discretisation_error for e in events), default=0.0),
        "capped_at_aggregate_limit": bool(capped),
        "top": top,
        "probability_at_top": float(pmf[-1]),
        "probability_beyond_grid": lost,
        "mean_computed": mean,
        "cv_computed": _cv(mean, variance),
        "mean_beyond_grid": None,
        "tail_value": None,
    }
    for name in ("exact", "error", "exact_within_grid", "error_within_grid"):
        check[f"mean_{name}"] = check[f"cv_{name}"] = None
    if capped:
        return check
    moments = annual_moments(model, (math.inf, top))
    for suffix, (mean_exact, var_exact) in zip(("", "_within_grid"), moments, strict=True):
        cv, cv_exact = check["cv_computed"], _cv(mean_exact, var_exact)
        check[f"mean_exact{suffix}"] = mean_exact
        check[f"mean_error{suffix}"] = mean / mean_exact - 1.0 if mean_exact > 0 else None
        if isinstance(cv, float) and cv_exact is not None:
            check[f"cv_exact{suffix}"], check[f"cv_error{suffix}"] = cv_exact, cv / cv_exact - 1.0
    if moments[0][0] > 0:  # (replaced by the closed-form stop loss without an aggregate limit)
        check["mean_beyond_grid"] = 1.0 - moments[1][0] / moments[0][0]
    return check


def _beyond(model: Model, top: float) -> dict[str, float]:
    """E[N_s]·E[(Z_c − top)⁺] summed by scenario and by coverage (and in all, key ``""``): the
    expected loss the grid leaves out by limiting every component at its top. The total is exact
    when the top is at least the retention; under a retention its split among coverages takes
    (Z_c − top)⁺ as coverage c's, which the pro-rata sharing of I makes an approximation."""
    out: dict[str, float] = {"": 0.0}
    for scenario in model.scenarios:
        for layer in model.layers(scenario):
            amount = scenario.frequency.mean * float(layer.stop_loss(top))
            for key in ("", f"scenario:{scenario.name}", f"coverage:{layer.component.coverage}"):
                out[key] = out.get(key, 0.0) + amount
    return out


def _tail_value(
    grid: Grid,
    padded: FloatArray,
    pmf: FloatArray,
    beyond: dict[str, float],
    check: dict[str, float | bool | None],
) -> float | None:
    """The top point's value when it carries the expected loss beyond the top (and its share of
    the exact mean, ``mean_beyond_grid``, and the value, ``tail_value``, into ``check``).

    Beyond the top are the components' amounts above it (:func:`_beyond`, closed form) and the
    annual sums the grid lumps at its top, (x − top)⁺ on the padded lattice. Without an aggregate
    limit (the only case this is called for) the top point takes value top + (both)/P(top): the
    mean is then exact up to the engine's own error. A top mass below :data:`_ROUND_OFF` is left
    as it is: nothing of consequence lies beyond the top.
    """
    top, mean_exact, total = (grid.n - 1) * grid.bucket, check["mean_exact"], beyond[""]
    if not isinstance(mean_exact, float) or mean_exact <= 0 or not math.isfinite(total):
        return None
    check["mean_beyond_grid"] = total / mean_exact
    x = np.arange(len(padded)) * grid.bucket
    excess = total + inner(np.maximum(x - top, 0.0), padded)
    if pmf[-1] > _ROUND_OFF and excess > 0:
        check["tail_value"] = top + excess / float(pmf[-1])
        return top + excess / float(pmf[-1])
    return None


def _cv(mean: float, variance: float) -> float | None:
    cv = math.sqrt(variance) / mean if mean > 0 and variance >= 0 else math.nan
    return cv if math.isfinite(cv) else None
