"""The Fourier engine's discretisation: grid choice and the exact moments it is checked against.

A grid is a bucket size h and n = 2^log2 buckets covering [0, n·h); transforms run on
m = n·2^padding points with exponential tilting e^(−θk), θ = tilt/m, which damps the wrap-around of
mass beyond m·h by e^(−tilt) (Grübel & Hermesmeier 1999) at the price of amplifying round-off by at
most e^(tilt) (about 2·10⁻¹² for the default tilt of 10).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft

from liubu.risk import _checks, layers
from liubu.risk.layers import ComponentLayer
from liubu.risk.model import Model
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import FloatArray

# Discretising the components is most of the engine's work, and a quote repeats it: its options'
# layers are often equal (a sublimit below every limit on offer) and their grids share a bucket
# size (n = 1,024 and 2,048 buckets of ¥1,000). π(k·h) is pointwise in k, so a remembered ladder is
# extended, never recomputed; the values are the ones a fresh computation gives, bit for bit.
_LADDERS: OrderedDict[tuple[ComponentLayer, float], FloatArray] = OrderedDict()
_LADDER_ENTRIES = 256
_LADDER_MAX_POINTS = 1 << 15
_LADDER_LOCK = threading.Lock()

#: Probability left beyond the grid when it is sized from quantiles.
_TAIL = 1e-9
DISCRETISATIONS = ("moments", "round")
#: Buckets per smallest component mean when log2 is chosen automatically.
_BUCKETS_PER_MEAN = 8.0
_LOG2_RANGE = (10, 13)
#: The most buckets chosen automatically (when 2^13 at the wanted bucket do not reach).
_LOG2_HEAVY = 16
#: A heavy tail without an aggregate limit: first-order annual exceedance probabilities
#: Σ_s E[N_s]·Σ_c P(Z_c > x) of the grid's top (at most, and preferably) and of its body.
_TAIL_HEAVY = (1e-5, 1e-6)
_BODY = 0.1
#: Buckets below that body level (about the annual 90 % quantile).
_BUCKETS_BELOW_BODY = 64.0
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
    #: How far the model's annual loss reaches before its aggregate limit, when the automatic
    #: reach was cut at limit + retention (:func:`choose_grid`); None otherwise.
    natural_reach: float | None = None

    def __post_init__(self) -> None:
        _checks.positive("grid.bucket", self.bucket)
        if not isinstance(self.log2, int) or not 4 <= self.log2 <= 24:
            raise _checks.invalid(
                f"Parameter grid.log2 must be an integer from 4 to 24; got {self.log2!r}.",
                code=RiskCode.BAD_LOG2,
                field="grid.log2",
                value=self.log2,
            )
        if self.padding not in (0, 1, 2):
            raise _checks.invalid(
                f"Parameter grid.padding must be 0, 1 or 2; got {self.padding!r}.",
                code=RiskCode.BAD_PADDING,
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

        ``moments`` (local moment matching, Gerber 1982): with the stop-loss transform
        π(u) = E[(Z − u)⁺] and D_k = (π((k−1)h) − π(kh))/h, the mean of
        min(Z, kh) − min(Z, (k−1)h) over h: mass 1 − D_1 at 0, D_k − D_{k+1} at k·h and D_{n−1} at
        the top, so the lattice mean is E[min(Z, (n−1)h)] exactly. ``round``: mass
        F((k+½)h) − F((k−½)h) at k·h (the ``aggregate`` package's default).
        """
        if self.discretisation == "round":
            cdf = layer.cdf((np.arange(self.n) + 0.5) * self.bucket)
            pmf = np.diff(cdf, prepend=0.0)
            pmf[-1] += 1.0 - cdf[-1]
            return pmf
        # π keeps its relative precision in a heavy tail, where differences of E[min(Z, u)] are
        # rounding noise (10⁻¹⁶ of the mean) that clipping at zero turned into a bias
        survival = -np.diff(stop_loss_ladder(layer, self.bucket, self.n)) / self.bucket
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
    with 2^10…2^13 buckets; with an aggregate limit, up to 2^16 buckets and then a wider bucket.

    Without an aggregate limit a heavy tail (lognormals with σ ≳ 1.5 put the 1 − 10⁻⁹ quantile
    10⁵ times above the 90 % one) gets the grid of :func:`_heavy_grid` instead: up to 2^16
    buckets, reaching a first-order annual tail of 10⁻⁶ when the bucket allows, and 10⁻⁵ at
    least; the expected loss beyond its top is restored exactly by the top point's value (see
    :mod:`liubu.risk.fft`).

    With a retention the bucket divides it, so the retention is an exact shift on the grid (a
    retention smaller than a bucket becomes the bucket, with up to 2^18 buckets); otherwise it is
    rounded up to 1, 2, 2.5 or 5 × 10^k (down for a heavy tail, whose reach is a soft target).
    An explicit ``log2`` keeps the automatic reach.
    """
    reach, auto_log2, heavy, natural = _automatic(model)
    log2 = auto_log2 if log2 is None else log2
    if bucket is None:
        raw = reach / ((1 << log2) - 1)
        retention = model.terms.retention
        if retention <= 0:
            bucket = _nice(raw, down=heavy)
        elif retention >= raw:  # the largest bucket ≥ raw that divides the retention
            bucket = retention / math.floor(retention / raw)
        else:  # a retention smaller than a bucket: the bucket is the retention
            bucket = retention
            log2 = max(log2, min(math.ceil(math.log2(reach / retention + 1.0)), _LOG2_MAX))
    return Grid(
        bucket=float(bucket),
        log2=log2,
        discretisation=discretisation,
        natural_reach=natural if natural > reach else None,
    )


def _automatic(model: Model) -> tuple[float, int, bool, float]:
    """The reach, log2, whether the heavy-tail rule chose them, and the reach before the
    aggregate limit cut it."""
    (reach, natural), wanted = _reach(model), _smallest_mean(model) / _BUCKETS_PER_MEAN
    light = (1 << _LOG2_RANGE[1]) - 1
    if reach > light * wanted and math.isinf(model.terms.aggregate_limit):
        bucket, log2 = _heavy_grid(model, reach, wanted)
        # n·h: for any log2, h·2^(log2 − k) is nice
        return bucket * (1 << log2), log2, True, natural
    log2 = math.ceil(math.log2(max(reach / max(wanted, 1e-9), 2.0)))
    most = _LOG2_RANGE[1] if log2 <= _LOG2_RANGE[1] else _LOG2_HEAVY
    return reach, int(min(max(log2, _LOG2_RANGE[0]), most)), False, natural


def _heavy_grid(model: Model, strict: float, wanted: float) -> tuple[float, int]:
    """Bucket and log2 for a heavy tail without an aggregate limit.

    On a 1 %-step logarithmic ladder, level(ε) is the smallest x with first-order annual
    exceedance Σ_s E[N_s]·Σ_c P(Z_c > x) ≤ ε (at least the mean plus ten standard deviations of
    the annual loss with every component limited at x, for scenarios with many events a year).
    The bucket is the wanted one, or 1/64 of level(0.1) (about the annual 90 % quantile) if
    smaller, or level(10⁻⁵)/(2^16 − 1) if larger (rounded down to 1, 2, 2.5 or 5 × 10^k unless
    that no longer reaches level(10⁻⁵)); 2^13 to 2^16 buckets, as many as level(10⁻⁶) asks.
    """
    ladder, tail = _first_order_tail(model, strict, wanted / 100.0)

    def level(eps: float) -> float:
        beyond = np.flatnonzero(tail <= eps)
        x = float(ladder[beyond[0]]) if beyond.size else strict
        ((mean, variance),) = annual_moments(model, (x,), retention=False)
        return min(max(x, mean + 10.0 * math.sqrt(max(variance, 0.0))), strict)

    most = (1 << _LOG2_HEAVY) - 1
    body = float(ladder[np.flatnonzero(tail <= _BODY)[0]]) if tail[-1] <= _BODY else strict
    low, high = level(_TAIL_HEAVY[0]), level(_TAIL_HEAVY[1])
    raw = max(min(wanted, body / _BUCKETS_BELOW_BODY), low / most)
    bucket = _nice(raw, down=True)
    if bucket * most < low:
        bucket = _nice(raw)
    log2 = math.ceil(math.log2(high / bucket + 1.0))
    return bucket, int(min(max(log2, _LOG2_RANGE[1]), _LOG2_HEAVY))


def _first_order_tail(model: Model, top: float, start: float) -> tuple[FloatArray, FloatArray]:
    """A 1 %-step logarithmic ladder from ``start`` to ``top`` and Σ_s E[N_s]·Σ_c P(Z_c > x) on
    it (the chance that a year has an event with some component beyond x, to first order)."""
    start = min(max(start, 1e-6), top)
    steps = np.arange(math.ceil(math.log(top / start) / math.log(1.01)) + 1, dtype=np.float64)
    ladder = np.asarray(start * 1.01**steps, dtype=np.float64)
    tail = np.zeros_like(ladder)
    for scenario in model.scenarios:
        for layer in model.layers(scenario):
            tail += scenario.frequency.mean * (1.0 - layer.cdf(ladder))
    return ladder, tail


def _reach(model: Model) -> tuple[float, float]:
    """How far the grid must reach, and how far the annual loss reaches before the aggregate
    limit (the same without one)."""
    event_top = 0.0
    for scenario in model.scenarios:
        layers = model.layers(scenario)
        q = 1.0 - _TAIL / max(len(layers) * max(scenario.frequency.mean, 1.0), 1.0)
        event_top = max(event_top, sum(layer.quantile_bound(q) for layer in layers))
    ((mean, variance),) = annual_moments(model, retention=False)
    spread = mean + 10.0 * math.sqrt(variance) if math.isfinite(variance) else 2.0 * event_top
    reach = max(event_top, spread, 1.0)
    # An event's recoverable amount must reach the limit plus the retention, so that anything the
    # grid lumps at its top is at or above the aggregate limit after the retention.
    limit = model.terms.aggregate_limit + model.terms.retention
    return (min(reach, limit * (1.0 + 1e-6)) if math.isfinite(limit) else reach), reach


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
    model: Model, tops: tuple[float, ...] = (math.inf,), *, retention: bool = True
) -> list[tuple[float, float]]:
    """Mean and variance of the annual loss before the aggregate limit, with every component
    limited at each of ``tops``, from exact event moments (without the retention when
    ``retention`` is False): E[S] = Σ E[N]·E[I], Var S = Σ E[N]·E[I²] + (Var N − E[N])·E[I]²."""
    out = [(0.0, 0.0)] * len(tops)
    for scenario in model.scenarios:
        layers, freq = model.layers(scenario), scenario.frequency
        events = event_moments(layers, model.terms.retention if retention else 0.0, tops)
        for i, (first, second) in enumerate(events):
            mean, variance = out[i]
            variance += freq.mean * second + (freq.variance - freq.mean) * first * first
            out[i] = (mean + freq.mean * first, variance)
    return out


def event_sum_moments(
    layers: tuple[ComponentLayer, ...], top: float = math.inf
) -> tuple[float, float]:
    """E[ΣZ] and E[(ΣZ)²] for independent components, each limited at ``top`` (Z ∧ top)."""
    return _sum_moments(
        [(layer.limited_moment(1, top), layer.limited_moment(2, top)) for layer in layers]
    )


def _sum_moments(moments: list[tuple[float, float]]) -> tuple[float, float]:
    """E[ΣZ] and E[(ΣZ)²] from each independent component's E[Z] and E[Z²]."""
    first = math.fsum(m for m, _ in moments)
    square = math.fsum(m * m for m, _ in moments)
    return first, math.fsum(s for _, s in moments) + first * first - square


def event_moments(
    layers: tuple[ComponentLayer, ...], retention: float, tops: tuple[float, ...] = (math.inf,)
) -> list[tuple[float, float]]:
    """E[I] and E[I²] for I = (ΣZ − R)⁺ with independent components, each limited at each of
    ``tops``.

    E[I] = E[ΣZ] − E[min(ΣZ, R)], E[I²] = E[(ΣZ)²] − E[min(ΣZ, R)²] − 2R·E[I]. With one component
    everything is closed form; with several, E[min(ΣZ, R)^k] comes from a 1,024-bucket rounding
    grid over [0, R] (an error of order (R/1024)²), computed once: limiting at a top ≥ R does not
    change it.
    """
    whole = [(layer.limited_moment(1), layer.limited_moment(2)) for layer in layers]
    sums = [
        _sum_moments(
            [
                full
                if top >= layer.upper
                else (layer.limited_moment(1, top), layer.limited_moment(2, top))
                for layer, full in zip(layers, whole, strict=True)
            ]
        )
        for top in tops
    ]
    if retention <= 0:
        return sums
    if len(layers) == 1:
        low1, low2 = (layers[0].limited_moment(k, retention) for k in (1, 2))
    else:
        low1, low2 = _limited_sum_moments(layers, retention)
    out = []
    for first, second in sums:
        excess = first - low1
        out.append((excess, second - low2 - 2.0 * retention * excess))
    return out


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


def stop_loss_ladder(layer: ComponentLayer, bucket: float, n: int) -> FloatArray:
    """π(k·h) = E[(Z − k·h)⁺] for k = 0 … n − 1 (read-only), remembered per layer and bucket."""
    key = (layer, bucket)
    with _LADDER_LOCK:
        known = _LADDERS.get(key)
        if known is not None:
            _LADDERS.move_to_end(key)
    if known is not None and len(known) >= n:
        return known[:n]
    start = 0 if known is None else len(known)
    fresh = np.asarray(layer.stop_loss(np.arange(start, n) * bucket), dtype=np.float64)
    ladder = fresh if known is None else np.concatenate((known, fresh))
    ladder.flags.writeable = False
    if n <= _LADDER_MAX_POINTS:
        with _LADDER_LOCK:
            _LADDERS[key] = ladder
            _LADDERS.move_to_end(key)
            while len(_LADDERS) > _LADDER_ENTRIES:
                _LADDERS.popitem(last=False)
    return ladder


def clear_caches() -> None:
    """Forget remembered stop-loss ladders and layer moments (benchmarks measure a cold quote)."""
    with _LADDER_LOCK:
        _LADDERS.clear()
    layers.clear_moments()
