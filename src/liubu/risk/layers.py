"""One component under its coverage terms, in closed form.

Write B for the variable drawn (outage hours for BI given in hours, else the loss in CNY), r for
CNY per unit of B (the loss per hour, or 1), w for the waiting period (0 outside BI), a = r·(1 − c)
for the insurer's money per unit of B, and L for the sublimit. The recoverable amount is

    time deductible:  Z = min(a·(B − w)⁺, L)
    qualifying:       Z = min(a·B, L) · 1{B > w}

so P(Z ≤ z) and E[min(Z, u)^k] follow from B's cdf and partial moments (layer algebra:
E[(min(B, h) − l)⁺] = LEV(h) − LEV(l) and
E[((min(B, h) − l)⁺)²] = E[min(B, h)²] − E[min(B, l)²] − 2l·(LEV(h) − LEV(l))).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from liubu.risk.events import Component
from liubu.risk.severity import FloatArray, Severity, as_array
from liubu.risk.terms import CoverageTerms


@dataclass(frozen=True, slots=True)
class ComponentLayer:
    """A component with the terms of its coverage."""

    component: Component
    terms: CoverageTerms

    @property
    def base(self) -> Severity:
        return self.component.base

    @property
    def money_per_unit(self) -> float:
        """a = r·(1 − c): the insurer's CNY per unit of the drawn variable (0 if not covered)."""
        return self.component.rate * self.terms.share

    @property
    def waiting(self) -> float:
        return self.terms.waiting_period_hours if self.component.by_hours else 0.0

    @property
    def qualifying(self) -> bool:
        return self.terms.waiting_period_type == "qualifying" and self.waiting > 0

    @property
    def cap(self) -> float:
        return self.terms.sublimit

    def ground_up(self, drawn: FloatArray) -> FloatArray:
        """Ground-up CNY for draws of the base variable."""
        return drawn * self.component.rate if self.component.rate != 1.0 else drawn

    def recoverable(self, drawn: FloatArray) -> FloatArray:
        """Z for draws of the base variable (vectorised)."""
        return recoverable_amount(
            drawn,
            money_per_unit=self.money_per_unit,
            waiting=self.waiting,
            qualifying=self.qualifying,
            cap=self.cap,
        )

    def cdf(self, z: npt.ArrayLike) -> FloatArray:
        """P(Z ≤ z)."""
        zz = as_array(z)
        a, w = self.money_per_unit, self.waiting
        if a == 0.0:
            return (zz >= 0).astype(np.float64)
        if self.qualifying:
            inside = np.where(zz < a * w, float(self.base.cdf(w)), self.base.cdf(zz / a))
        else:
            inside = self.base.cdf(w + np.maximum(zz, 0.0) / a)
        out = np.where(zz >= self.cap, 1.0, inside)
        return np.asarray(np.where(zz < 0, 0.0, out), dtype=np.float64)

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        """E[min(Z, u)] for an array of u (vectorised :meth:`limited_moment` of order 1)."""
        uu = np.minimum(as_array(u), self.cap)  # Z ≤ L: min(Z, u) = min(Z, L) above it
        a, w, base = self.money_per_unit, self.waiting, self.base
        if a == 0.0:
            return np.zeros_like(uu)
        if not self.qualifying:
            start = float(base.lev_array(w)) if w > 0 else 0.0
            return np.asarray(a * (base.lev_array(w + uu / a) - start), dtype=np.float64)
        whole = a * base.lev_array(uu / a)
        mass_w, mean_w = float(base.cdf(w)), float(base.partial_mean(w))
        partial = a * base.partial_mean(uu / a) + uu * (mass_w - base.cdf(uu / a))
        return np.asarray(whole - np.where(a * w <= uu, a * mean_w, partial), dtype=np.float64)

    @property
    def upper(self) -> float:
        """The supremum of Z: min(L, a·(sup B − w)) (w = 0 for the qualifying period)."""
        if self.money_per_unit == 0.0:
            return 0.0
        start = 0.0 if self.qualifying else self.waiting
        return min(self.cap, self.money_per_unit * max(self.base.upper - start, 0.0))

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        """E[(Z − u)⁺] for an array of u ≥ 0, from B's stop-loss transform π_B (precise far in
        the tail, where E[Z] − E[min(Z, u)] is rounding noise).

        Below the sublimit L: a·(π_B(w + u/a) − π_B(w + L/a)) with the time deductible, and the
        same with w = 0 once u ≥ a·w for the qualifying period; 0 at or above L.
        """
        uu = as_array(u)
        a, w, base = self.money_per_unit, self.waiting, self.base
        if a == 0.0:
            return np.zeros_like(uu)
        below = uu < self.cap
        if not below.all():  # Z ≤ L: nothing above the sublimit (most of a lattice, often)
            out = np.zeros_like(uu)
            if below.any():
                out[below] = self.stop_loss(uu[below])
            return out
        start = 0.0 if self.qualifying else w
        top = float(base.stop_loss(start + self.cap / a)) if math.isfinite(self.cap) else 0.0
        out = a * (base.stop_loss(start + uu / a) - top)
        if self.qualifying:  # below a·w, E[min(Z, u)] (an incomplete beta or two per point)
            early = uu < a * w
            if early.any():
                out[early] = self.mean - self.lev_array(uu[early])
        return np.asarray(np.maximum(out, 0.0), dtype=np.float64)

    def quantile_bound(self, q: float) -> float:
        """An upper bound on Z's q-quantile (exact except for the qualifying period)."""
        a = self.money_per_unit
        if a == 0.0:
            return 0.0
        drawn = _quantile(self.base, q)
        covered = a * drawn if self.qualifying else a * max(drawn - self.waiting, 0.0)
        return min(covered, self.cap)

    def limited_moment(self, order: int, limit: float = math.inf) -> float:
        """E[min(Z, limit)^order], exact. Remembered per layer (a quote's options and the grid's
        checks ask the same layers the same questions; layers are immutable values)."""
        return _limited_moment(self, order, float(limit))

    def _limited_moment(self, order: int, limit: float) -> float:
        u = min(limit, self.cap)
        a, w, base = self.money_per_unit, self.waiting, self.base
        if a == 0.0 or u <= 0.0:
            return 0.0 if order > 0 else 1.0
        if not self.qualifying:
            return a**order * _layer_moment(base, w, w + u / a, order)
        whole = a**order * base.limited_moment(u / a, order)
        if a * w <= u:
            below = a**order * base.partial_moment(w, order)
        else:
            mass = float(base.cdf(w)) - float(base.cdf(u / a))
            below = a**order * base.partial_moment(u / a, order) + u**order * mass
        return whole - below

    @property
    def mean(self) -> float:
        return self.limited_moment(1)

    @property
    def second_moment(self) -> float:
        return self.limited_moment(2)


ArrayOrFloat = FloatArray | float


def recoverable_amount(
    drawn: FloatArray,
    *,
    money_per_unit: ArrayOrFloat,
    waiting: ArrayOrFloat,
    qualifying: bool | npt.NDArray[np.bool_],
    cap: ArrayOrFloat,
) -> FloatArray:
    """Z = min(a·(B − w)⁺, L) (time deductible) or min(a·B, L)·1{B > w} (qualifying period).

    The one place a coverage's terms turn draws into recoverable CNY, for pricing (one layer:
    scalar terms) and for the book (one row per policy hit: each parameter may be an array that
    broadcasts against ``drawn``). ``money_per_unit`` is a = r·(1 − c), ``waiting`` is w in the
    drawn unit (0 outside business interruption) and ``cap`` the sublimit L (may be ∞).
    """
    if np.ndim(qualifying) == 0:
        if np.ndim(money_per_unit) == 0 and money_per_unit == 0.0:
            return np.zeros_like(drawn)
        if qualifying:
            covered = np.where(drawn > waiting, money_per_unit * drawn, 0.0)
        elif np.ndim(waiting) > 0 or waiting > 0:
            covered = money_per_unit * np.maximum(drawn - waiting, 0.0)
        else:
            covered = money_per_unit * drawn
    else:
        late = money_per_unit * np.maximum(drawn - waiting, 0.0)
        whole = np.where(drawn > waiting, money_per_unit * drawn, 0.0)
        covered = np.where(qualifying, whole, late)
    if np.ndim(cap) == 0 and not math.isfinite(cap):
        return np.asarray(covered, dtype=np.float64)
    return np.asarray(np.minimum(covered, cap), dtype=np.float64)


def insured_event_loss(recoverable_sum: FloatArray, retention: ArrayOrFloat) -> FloatArray:
    """I = (Σ_c Z_c − R)⁺: one retention per event across its coverages (array or scalar R)."""
    return np.asarray(np.maximum(recoverable_sum - retention, 0.0), dtype=np.float64)


def annual_insured_loss(event_sum: FloatArray, aggregate_limit: ArrayOrFloat) -> FloatArray:
    """min(Σ_events I, annual aggregate limit), per policy-year (array or scalar limit)."""
    return np.asarray(np.minimum(event_sum, aggregate_limit), dtype=np.float64)


@functools.lru_cache(maxsize=8192)
def _limited_moment(layer: ComponentLayer, order: int, limit: float) -> float:
    return layer._limited_moment(order, limit)


@functools.lru_cache(maxsize=4096)
def _quantile(base: Severity, q: float) -> float:
    """B's q-quantile, remembered: a quote's options ask it of the same scenarios (the grid's
    reach), and some severities (PERT, mixtures) invert their cdf numerically."""
    return float(base.ppf(q))


def clear_moments() -> None:
    """Forget the remembered layer moments and quantiles."""
    _limited_moment.cache_clear()
    _quantile.cache_clear()


def _layer_moment(base: Severity, low: float, high: float, order: int) -> float:
    """E[((min(B, high) − low)⁺)^order] for order 0, 1, 2."""
    if order == 0:
        return 1.0
    lev_high = base.limited_moment(high, 1)
    lev_low = base.limited_moment(low, 1) if low > 0 else 0.0
    if order == 1:
        return lev_high - lev_low
    if order != 2:
        raise NotImplementedError("Layer moments are implemented to order 2.")
    if math.isinf(high) and math.isinf(base.moment(2)):
        return math.inf
    second_low = base.limited_moment(low, 2) if low > 0 else 0.0
    return base.limited_moment(high, 2) - second_low - 2.0 * low * (lev_high - lev_low)
