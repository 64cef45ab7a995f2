"""The Fourier engine's discretisation: grid choice and the exact moments it is checked against.

A grid is a bucket size h and n = 2^log2 buckets covering [0, n·h); transforms run on
m = n·2^padding points with exponential tilting e^(−θk), θ = tilt/m, which damps the wrap-around of
mass beyond m·h by e^(−tilt) (Grübel & Hermesmeier 1999) at the price of amplifying round-off by at
most e^(tilt) (about 2·10⁻¹² for the default tilt of 10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft

from liubu.risk import _checks
from liubu.risk.layers import ComponentLayer
from liubu.risk.model import Model
from liubu.risk.severity import FloatArray

#: Probability left beyond the grid when it is sized from quantiles.
_TAIL = 1e-9
#: Without an aggregate limit, when a heavy tail puts that far beyond what the largest automatic
#: grid resolves: a year's probability of an event with some component beyond the grid.
_TAIL_HEAVY = 1e-6
DISCRETISATIONS = ("moments", "round")
#: Buckets per smallest component mean when log2 is chosen automatically.
_BUCKETS_PER_MEAN = 8.0
_LOG2_RANGE = (10, 13)
#: The most buckets chosen automatically, when the reach needs more than 2^13 at the resolution.
_LOG2_HEAVY = 16
#: The most buckets used to keep a small retention an exact shift on the grid.
_LOG2_MAX = 18


@dataclass(frozen=True, slots=True)
class Grid:
    """Bucket size (CNY), log2 of the bucket count, padding and total tilt."""

    bucket: float
    log2: int
    padding: int = 1
    tilt: float = 10.0
    discretisation: str = "moments"

    def __post_init__(self) -> None:
        _checks.positive("grid.bucket", self.bucket)
        if not isinstance(self.log2, int) or not 4 <= self.log2 <= 24:
            raise _checks.invalid(
                f"Parameter grid.log2 must be an integer from 4 to 24; got {self.log2!r}.",
                code="bad_log2",
                field="grid.log2",
                value=self.log2,
            )
        if self.padding not in (0, 1, 2):
            raise _checks.invalid(
                f"Parameter grid.padding must be 0, 1 or 2; got {self.padding!r}.",
                code="bad_padding",
                field="grid.padding",
                value=self.padding,
            )
        _checks.non_negative("grid.tilt", self.tilt)
        _checks.one_of("grid.discretisation", self.discretisation, DISCRETISATIONS)

    @property
    def n(self) -> int:
        return 1 << self.log2

    @property
    def m(self) -> int:
        return self.n << self.padding

    def tilt_vector(self) -> FloatArray:
        return np.asarray(np.exp(-(self.tilt / self.m) * np.arange(self.m)), dtype=np.float64)

    def component_pmf(self, layer: ComponentLayer) -> FloatArray:
        """A component's recoverable amount on the lattice; the tail sits at the top bucket.

        ``moments`` (local moment matching, Gerber 1982): with L_k = E[min(Z, k·h)] and
        D_k = (L_k − L_{k−1})/h, mass 1 − D_1 at 0, D_k − D_{k+1} at k·h and D_{n−1} at the top, so
        the lattice mean is E[min(Z, (n−1)h)] exactly. ``round``: mass F((k+½)h) − F((k−½)h) at
        k·h (the ``aggregate`` package's default).
        """
        if self.discretisation == "round":
            cdf = layer.cdf((np.arange(self.n) + 0.5) * self.bucket)
            pmf = np.diff(cdf, prepend=0.0)
            pmf[-1] += 1.0 - cdf[-1]
            return pmf
        # D_k = (π((k−1)h) − π(kh))/h from the stop-loss transform π(u) = E[(Z − u)⁺], which keeps
        # its relative precision in the tail (E[min(Z, u)] differences there are rounding noise).
        survival = -np.diff(layer.stop_loss(np.arange(self.n) * self.bucket)) / self.bucket
        pmf = np.empty(self.n)
        pmf[0] = 1.0 - survival[0]
        pmf[1:-1] = survival[:-1] - survival[1:]
        pmf[-1] = survival[-1]
        return np.maximum(pmf, 0.0)


def choose_grid(
    model: Model,
    *,
    log2: int | None = None,
    bucket: float | None = None,
    discretisation: str = "moments",
) -> Grid:
    """Pick the bucket and log2 from the model.

    The bucket should resolve the smallest component that matters (eight buckets per its mean).
    The grid should reach the largest of: every scenario's 1 − 10⁻⁹ event quantile (bounded by
    the sum of its components' quantiles) and the mean plus ten standard deviations of the annual
    loss; with an annual aggregate limit it stops at limit + retention (beyond that nothing
    changes min(S, limit)). When that takes at most 2^13 buckets at the wanted bucket, it is that,
    with 2^10…2^13 buckets. Otherwise (a heavy tail: lognormals with σ ≳ 1.5 put the 1 − 10⁻⁹
    quantile 10⁵ times above the 90 % one) the grid takes up to 2^16 buckets and, without an
    aggregate limit, reaches only as far as :func:`heavy_reach` asks (a 10⁻⁶ annual tail), or as
    far as 2^13 buckets at the wanted bucket go if that is further: the expected loss beyond its
    top is restored exactly by the top point's value (see :mod:`liubu.risk.fft`).

    With a retention the bucket divides it, so the retention is an exact shift on the grid (a
    retention smaller than a bucket becomes the bucket, with up to 2^18 buckets); otherwise it is
    rounded up to 1, 2, 2.5 or 5 × 10^k (down for a heavy tail, whose reach is a soft target).
    An explicit ``log2`` keeps the automatic reach.
    """
    reach, wanted_bucket = _reach(model), _smallest_mean(model) / _BUCKETS_PER_MEAN
    light = (1 << _LOG2_RANGE[1]) - 1
    heavy = reach > light * wanted_bucket and math.isinf(model.terms.aggregate_limit)
    if heavy:
        reach = max(heavy_reach(model, reach), min(reach, light * wanted_bucket))
    if log2 is None:
        wanted = math.ceil(math.log2(max(reach / max(wanted_bucket, 1e-9), 2.0)))
        top = _LOG2_RANGE[1] if wanted <= _LOG2_RANGE[1] else _LOG2_HEAVY
        log2 = int(min(max(wanted, _LOG2_RANGE[0]), top))
    if bucket is None:
        raw = reach / ((1 << log2) - 1)
        retention = model.terms.retention
        if retention <= 0:  # a heavy tail's reach is a soft target: round the bucket down
            bucket = _nice(raw, down=heavy)
        elif retention >= raw:  # the largest bucket ≥ raw that divides the retention
            bucket = retention / math.floor(retention / raw)
        else:  # a retention smaller than a bucket: the bucket is the retention
            bucket = retention
            log2 = max(log2, min(math.ceil(math.log2(reach / retention + 1.0)), _LOG2_MAX))
    return Grid(bucket=float(bucket), log2=log2, discretisation=discretisation)


def _reach(model: Model) -> float:
    event_top = 0.0
    for scenario in model.scenarios:
        layers = model.layers(scenario)
        q = 1.0 - _TAIL / max(len(layers) * max(scenario.frequency.mean, 1.0), 1.0)
        event_top = max(event_top, sum(layer.quantile_bound(q) for layer in layers))
    mean, variance = annual_moments(model, retention=False)
    spread = mean + 10.0 * math.sqrt(variance) if math.isfinite(variance) else 2.0 * event_top
    reach = max(event_top, spread, 1.0)
    # An event's recoverable amount must reach the limit plus the retention, so that anything the
    # grid lumps at its top is at or above the aggregate limit after the retention.
    limit = model.terms.aggregate_limit + model.terms.retention
    return min(reach, limit * (1.0 + 1e-6)) if math.isfinite(limit) else reach


def heavy_reach(model: Model, cap: float) -> float:
    """The reach of a grid for a heavy tail: the smallest x on a 1 %-step logarithmic ladder with
    Σ_s E[N_s]·Σ_c P(Z_c > x) ≤ 10⁻⁶ (the chance that a year has an event with some component
    beyond x, to first order), and at least the mean plus ten standard deviations of the annual
    loss with every component limited at x (for many events a year, whose sum is what matters);
    at most ``cap``."""
    pairs = [(s.frequency.mean, layer) for s in model.scenarios for layer in model.layers(s)]
    start = min(max(_smallest_mean(model), 1.0), cap)
    ladder = start * 1.01 ** np.arange(math.ceil(math.log(cap / start) / math.log(1.01)) + 1)
    tail = np.zeros_like(ladder)
    for rate, layer in pairs:
        tail += rate * (1.0 - layer.cdf(ladder))
    beyond = np.flatnonzero(tail <= _TAIL_HEAVY)
    x = float(ladder[beyond[0]] if beyond.size else ladder[-1])
    mean, variance = annual_moments(model, x, retention=False)
    return min(max(x, mean + 10.0 * math.sqrt(max(variance, 0.0))), cap)


def _smallest_mean(model: Model) -> float:
    """The smallest component mean that matters: at least 1 % of the largest one (a component
    whose mean is a rounding error of the model does not set the bucket)."""
    means = [layer.mean for s in model.scenarios for layer in model.layers(s)]
    positive = [m for m in means if m > 0 and math.isfinite(m)]
    if not positive:
        return 1.0
    return min(m for m in positive if m >= 0.01 * max(positive))


def _nice(raw: float, *, down: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``raw`` (the largest at or below it when
    ``down``)."""
    exponent = math.floor(math.log10(raw))
    if down:
        steps = [s * 10.0**exponent for s in (1.0, 2.0, 2.5, 5.0, 10.0)]
        return max(s for s in steps if s <= raw * (1 + 1e-12))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * 10.0**exponent >= raw * (1 - 1e-12):
            return step * 10.0**exponent
    return 10.0 ** (exponent + 1)


def annual_moments(
    model: Model, top: float = math.inf, *, retention: bool = True
) -> tuple[float, float]:
    """Mean and variance of the annual loss before the aggregate limit, every component limited
    at ``top``, from exact event moments (without the retention when ``retention`` is False):
    E[S] = Σ E[N]·E[I], Var S = Σ E[N]·E[I²] + (Var N − E[N])·E[I]²."""
    mean = variance = 0.0
    for scenario in model.scenarios:
        layers = model.layers(scenario)
        if retention:
            first, second = event_moments(layers, model.terms.retention, top)
        else:
            first, second = event_sum_moments(layers, top)
        freq = scenario.frequency
        mean += freq.mean * first
        variance += freq.mean * second + (freq.variance - freq.mean) * first * first
    return mean, variance


def event_sum_moments(
    layers: tuple[ComponentLayer, ...], top: float = math.inf
) -> tuple[float, float]:
    """E[ΣZ] and E[(ΣZ)²] for independent components, each limited at ``top`` (Z ∧ top)."""
    means = [layer.limited_moment(1, top) for layer in layers]
    seconds = [layer.limited_moment(2, top) for layer in layers]
    first = math.fsum(means)
    return first, math.fsum(seconds) + first * first - math.fsum(m * m for m in means)


def event_moments(
    layers: tuple[ComponentLayer, ...], retention: float, top: float = math.inf
) -> tuple[float, float]:
    """E[I] and E[I²] for I = (ΣZ − R)⁺ with independent components, each limited at ``top``.

    E[I] = E[ΣZ] − E[min(ΣZ, R)], E[I²] = E[(ΣZ)²] − E[min(ΣZ, R)²] − 2R·E[I]. With one component
    everything is closed form; with several, E[min(ΣZ, R)^k] comes from a 1,024-bucket rounding
    grid over [0, R] (an error of order (R/1024)²); limiting at a ``top`` ≥ R does not change it.
    """
    first, second = event_sum_moments(layers, top)
    if retention <= 0:
        return first, second
    if len(layers) == 1:
        low1, low2 = (layers[0].limited_moment(k, retention) for k in (1, 2))
    else:
        low1, low2 = _limited_sum_moments(layers, retention)
    excess = first - low1
    return excess, second - low2 - 2.0 * retention * excess


def _limited_sum_moments(layers: tuple[ComponentLayer, ...], cap: float) -> tuple[float, float]:
    """E[min(ΣZ, cap)^k], k = 1, 2, capping after each convolution (min(A + B, c) =
    min(min(A, c) + min(B, c), c) for non-negative A, B), so nothing wraps around."""
    buckets = 1024
    h = cap / buckets
    size = 4 * buckets
    edges = (np.arange(buckets) + 0.5) * h
    capped = np.zeros(buckets + 1)
    capped[0] = 1.0
    for layer in layers:
        cdf = layer.cdf(edges)
        pmf = np.append(np.diff(cdf, prepend=0.0), 1.0 - cdf[-1])  # index `buckets` means ≥ cap
        dist = sfft.irfft(sfft.rfft(capped, size) * sfft.rfft(pmf, size), size)
        capped = np.append(dist[:buckets], dist[buckets:].sum())
    x = np.arange(buckets + 1) * h
    return float(np.sum(x * capped)), float(np.sum(x * x * capped))
