"""Risk measures on a discrete loss distribution, with Euler (co-TVaR) allocation.

Both engines end in the same representation: sorted loss values with probabilities (a lattice
from the Fourier engine, equally likely simulated years from Monte Carlo) and, per part of the
loss (a scenario, a coverage), the amount a_part(i) that part contributes when the total equals
value i, so that E[Y_part · 1{Y = v_i}] = p_i · a_part(i).

VaR_p is the smallest v with F(v) ≥ p. With atoms handled exactly,

    TVaR_p = (E[Y · 1{Y > v}] + v · (F(v) − p)) / (1 − p),
    co-TVaR_p(part) = (E[Y_part · 1{Y > v}] + E[Y_part | Y = v] · (F(v) − p)) / (1 − p),

and the co-TVaRs add up to TVaR (Euler allocation for the homogeneous TVaR).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from liubu.risk import _checks
from liubu.risk.severity import FloatArray

#: Tolerance on cumulative probabilities (FFT round-off, float sums of 1/n).
_TOL = 1e-12


def inner(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Σ a_i·b_i for 1-D arrays without BLAS: numpy's pairwise sum of the products is as accurate
    as ``np.dot`` and does not hand the work to OpenBLAS threads, which crawl when the cores are
    busy with other processes."""
    return float(np.sum(np.multiply(a, b)))


class LazyParts(Mapping[str, npt.NDArray[np.floating]]):
    """Per-part amounts computed on first access (the Fourier allocation is costly; Monte Carlo
    assembles its parts from the insured events)."""

    def __init__(self, compute: Callable[[], Mapping[str, npt.NDArray[np.floating]]]) -> None:
        self._compute: Callable[[], Mapping[str, npt.NDArray[np.floating]]] | None = compute
        self._data: Mapping[str, npt.NDArray[np.floating]] | None = None

    def _parts(self) -> Mapping[str, npt.NDArray[np.floating]]:
        compute = self._compute
        if self._data is None and compute is not None:
            self._data = dict(compute())
            self._compute = None  # let go of what the parts are made from (set after the data:
            # a thread finding no computation left finds the data)
        assert self._data is not None
        return self._data

    def __getitem__(self, key: str) -> npt.NDArray[np.floating]:
        return self._parts()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts())

    def __len__(self) -> int:
        return len(self._parts())


@dataclass(frozen=True)
class LossDistribution:
    """Sorted ``values`` with ``probs``; optional per-part amounts ``parts`` (see module doc).

    ``bucket`` marks a lattice from the rounding discretisation: the mass at k·h stands for
    ((k − ½)h, (k + ½)h], so :meth:`sf` interpolates the cdf between bucket edges.
    """

    values: FloatArray
    probs: FloatArray
    parts: Mapping[str, npt.NDArray[np.floating]] = field(default_factory=dict)
    bucket: float | None = None
    _cum: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cum", np.cumsum(self.probs))

    @property
    def mean(self) -> float:
        return inner(self.values, self.probs)

    @property
    def variance(self) -> float:
        centred = self.values - self.mean
        return inner(centred * centred, self.probs)

    @property
    def sd(self) -> float:
        return math.sqrt(self.variance)

    def _index(self, level: float) -> int:
        _checks.probability("level", level, below_one=True)
        idx = int(np.searchsorted(self._cum, level - _TOL, side="left"))
        return min(idx, len(self.values) - 1)

    def var(self, level: float) -> float:
        """Value at risk: the smallest loss v with P(Y ≤ v) ≥ level."""
        return float(self.values[self._index(level)])

    def tvar(self, level: float) -> float:
        """Tail value at risk (expected shortfall) at ``level``."""
        v = self.var(level)
        above = self.values > v
        at_or_below = float(self._cum[np.searchsorted(self.values, v, side="right") - 1])
        tail = inner(self.values[above], self.probs[above])
        return (tail + v * max(at_or_below - level, 0.0)) / (1.0 - level)

    def part_mean(self, part: str) -> float:
        """E[Y_part]."""
        return inner(self.probs, self.parts[part])

    def co_tvar(self, level: float, part: str) -> float:
        """The part's Euler contribution to TVaR at ``level``."""
        v = self.var(level)
        amounts = np.asarray(self.parts[part], dtype=np.float64)
        above, at = self.values > v, self.values == v
        at_or_below = float(self._cum[np.searchsorted(self.values, v, side="right") - 1])
        tail = inner(amounts[above], self.probs[above])
        mass_at = float(self.probs[at].sum())
        mean_at = inner(amounts[at], self.probs[at]) / mass_at if mass_at > 0 else 0.0
        return (tail + mean_at * max(at_or_below - level, 0.0)) / (1.0 - level)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        """P(Y ≤ x), interpolated between bucket edges on a lattice."""
        xs = np.asarray(x, dtype=np.float64)
        if self.bucket is None:
            idx = np.searchsorted(self.values, xs, side="right")
            return np.where(idx > 0, self._cum[np.maximum(idx - 1, 0)], 0.0)
        # Below the first edge the cdf is taken as the mass at 0 (an atom at no loss, typically).
        inner = np.interp(xs, self.values + self.bucket / 2.0, self._cum)
        last = float(self.values[-1])
        out = np.where(xs >= last, 1.0, np.where(xs < 0, 0.0, inner))
        return np.asarray(out, dtype=np.float64)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        """P(Y > x)."""
        return np.asarray(np.clip(1.0 - self.cdf(x), 0.0, 1.0), dtype=np.float64)

    def exceedance_curve(self, points: int = 101) -> list[list[float]]:
        """``points`` pairs [x, P(Y > x)] from 0 to the 99.99 % quantile (or the maximum)."""
        top = self.var(0.9999)
        if top <= 0:
            top = float(self.values[-1])
        xs = np.linspace(0.0, top, points) if top > 0 else np.zeros(1)
        return [[float(x), float(p)] for x, p in zip(xs, self.sf(xs), strict=True)]
