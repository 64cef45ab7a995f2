"""Heavier and composed severities: Pareto/GPD, spliced body + tail, mixtures and scaling."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import integrate, optimize

from liubu.risk import _checks
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import FloatArray, Severity, as_array


@dataclass(frozen=True, slots=True)
class Gpd(Severity):
    """Generalised Pareto: P(X > x) = (1 + ξ(x − loc)/β)^(−1/ξ) for x ≥ loc (exponential at ξ = 0).

    ``Gpd.pareto(alpha, minimum)`` is the classical (type I) Pareto P(X > x) = (minimum/x)^alpha,
    i.e. ξ = 1/alpha, β = minimum/alpha, loc = minimum. Raw moments of order k exist for kξ < 1:
    E[X − loc] = β/(1 − ξ), E[(X − loc)²] = 2β²/((1 − ξ)(1 − 2ξ)).
    """

    shape: float
    scale: float
    loc: float = 0.0

    def __post_init__(self) -> None:
        _checks.real("gpd.shape", self.shape)
        _checks.positive("gpd.scale", self.scale)
        _checks.non_negative("gpd.loc", self.loc)

    @classmethod
    def pareto(cls, alpha: float, minimum: float) -> Gpd:
        alpha = _checks.positive("pareto.alpha", alpha)
        minimum = _checks.positive("pareto.minimum", minimum)
        return cls(1.0 / alpha, minimum / alpha, minimum)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        y = np.maximum((as_array(x) - self.loc) / self.scale, 0.0)
        if self.shape == 0.0:
            return -np.expm1(-y)
        base = np.maximum(1.0 + self.shape * y, 0.0)
        with np.errstate(divide="ignore"):
            survival = np.where(base > 0, base ** (-1.0 / self.shape), 0.0)
        return np.asarray(1.0 - survival, dtype=np.float64)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        """(1 + ξy/β)^(−1/ξ), y = (x − loc)⁺, computed directly (not as 1 − F)."""
        y = np.maximum((as_array(x) - self.loc) / self.scale, 0.0)
        if self.shape == 0.0:
            return np.asarray(np.exp(-y), dtype=np.float64)
        base = np.maximum(1.0 + self.shape * y, 0.0)
        with np.errstate(divide="ignore"):
            return np.asarray(np.where(base > 0, base ** (-1.0 / self.shape), 0.0), np.float64)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        """E[(X − u)⁺] = (β + ξ(u − loc))·P(X > u)/(1 − ξ) above loc (the mean excess is linear),
        E[X] − u below it; infinite for ξ ≥ 1."""
        uu = as_array(u)
        if self.shape >= 1.0:
            return np.full_like(uu, math.inf)
        excess = (self.scale + self.shape * np.maximum(uu - self.loc, 0.0)) / (1.0 - self.shape)
        above = np.where(np.isinf(uu), 0.0, excess * self.sf(np.where(np.isinf(uu), 0.0, uu)))
        return np.asarray(np.where(uu < self.loc, self.mean - uu, above), dtype=np.float64)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        tail = 1.0 - as_array(q)
        with np.errstate(divide="ignore"):
            if self.shape == 0.0:
                y = -np.log(tail)
            else:
                y = np.expm1(-self.shape * np.log(tail)) / self.shape
        return np.asarray(self.loc + self.scale * y, dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return self.ppf(rng.random(size))

    def partial_moment(self, x: float, order: int) -> float:
        if x <= self.loc:
            return 0.0
        if math.isinf(x) or (self.shape < 0 and x >= self.upper):
            return self._moment(order)
        if order == 0:
            return float(self.cdf(x))
        if order == 1:
            return float(self.partial_mean(x))
        # ∫_0^{F(x)} Q(u)^k du: smooth on a finite interval, so adaptive quadrature is exact
        # to rounding.
        upper_q = float(self.cdf(x))
        value, _ = integrate.quad(
            lambda u: float(self.ppf(u)) ** order,
            0.0,
            upper_q,
            epsabs=0.0,
            epsrel=1e-12,
            limit=200,
        )
        return float(value)

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        """loc·F(x) + ∫₀^y S − y·S(y), y = x − loc, with ∫₀^y S = β(1 − (1 + ξy/β)^(1−1/ξ))/(1 − ξ)
        (β(1 − e^(−y/β)) at ξ = 0, β·ln(1 + y/β) at ξ = 1)."""
        arr = as_array(x)
        y = np.maximum(arr - self.loc, 0.0)
        if self.shape < 0:
            y = np.minimum(y, self.upper - self.loc)
        xi, beta = self.shape, self.scale
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if xi == 0.0:
                integral = beta * -np.expm1(-y / beta)
            elif xi == 1.0:
                integral = beta * np.log1p(y / beta)
            else:
                integral = beta * (1.0 - (1.0 + xi * y / beta) ** (1.0 - 1.0 / xi)) / (1.0 - xi)
            survival = self.sf(self.loc + y)
            whole = beta / (1.0 - xi) if xi < 1 else math.inf
            inner = np.where(
                np.isinf(y), whole, integral - np.where(survival > 0, y * survival, 0.0)
            )
        out = np.where(arr <= self.loc, 0.0, self.loc * self.cdf(arr) + inner)
        return np.asarray(out, dtype=np.float64)

    def _moment(self, order: int) -> float:
        xi, beta, loc = self.shape, self.scale, self.loc
        if order == 0:
            return 1.0
        if order * xi >= 1.0:
            return math.inf
        first = beta / (1.0 - xi)
        if order == 1:
            return loc + first
        if order == 2:
            second = 2.0 * beta * beta / ((1.0 - xi) * (1.0 - 2.0 * xi))
            return loc * loc + 2.0 * loc * first + second
        raise NotImplementedError("GPD moments are implemented to order 2.")

    @property
    def upper(self) -> float:
        return self.loc - self.scale / self.shape if self.shape < 0 else math.inf


@dataclass(frozen=True, slots=True)
class Spliced(Severity):
    """Body below ``threshold``, tail above it.

    With probability 1 − p the loss follows ``body`` conditioned on X ≤ threshold, with
    probability p it follows ``tail`` conditioned on X > threshold. By default p is the body's own
    P(X > threshold), so the body is kept as is below the threshold and only its tail is replaced.
    """

    body: Severity
    tail: Severity
    threshold: float
    tail_probability: float | None = None
    _p: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        t = _checks.positive("spliced.threshold", self.threshold)
        if float(self.body.cdf(t)) <= 0.0 or float(self.tail.sf(t)) <= 0.0:
            raise _checks.invalid(
                f"Parameter spliced.threshold ({t!r}) must have body mass below it and tail "
                "mass above it.",
                code=RiskCode.BAD_THRESHOLD,
                field="spliced.threshold",
                value=t,
            )
        p = self.tail_probability
        if p is None:
            p = float(self.body.sf(t))
        p = _checks.probability("spliced.tail_probability", p, below_one=True)
        object.__setattr__(self, "_p", p)

    @property
    def p(self) -> float:
        return self._p

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr, t = as_array(x), self.threshold
        body = (1.0 - self._p) * self.body.cdf(np.minimum(arr, t)) / float(self.body.cdf(t))
        tail_sf = self.tail.sf(np.maximum(arr, t)) / float(self.tail.sf(t))
        return np.asarray(np.where(arr <= t, body, 1.0 - self._p * tail_sf), dtype=np.float64)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        arr, t = as_array(x), self.threshold
        body = 1.0 - (1.0 - self._p) * self.body.cdf(np.minimum(arr, t)) / float(self.body.cdf(t))
        tail = self._p * self.tail.sf(np.maximum(arr, t)) / float(self.tail.sf(t))
        return np.asarray(np.where(arr <= t, body, tail), dtype=np.float64)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        """Above the threshold p·π_tail(u)/P_tail(X > t); below it π(t) + E[min(X, t)] −
        E[min(X, u)]."""
        uu, t = as_array(u), self.threshold
        scale = self._p / float(self.tail.sf(t))
        above = scale * self.tail.stop_loss(np.maximum(uu, t))
        at_t = scale * float(self.tail.stop_loss(t))
        below = at_t + float(self.lev_array(t)) - self.lev_array(np.minimum(uu, t))
        return np.asarray(np.where(uu >= t, above, below), dtype=np.float64)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        qq, t, p = as_array(q), self.threshold, self._p
        body_q = np.clip(qq / (1.0 - p), 0.0, 1.0) * float(self.body.cdf(t))
        tail_base = float(self.tail.cdf(t))
        tail_q = tail_base + np.clip((qq - (1.0 - p)) / p, 0.0, 1.0) * (1.0 - tail_base)
        in_body = qq <= 1.0 - p
        return np.asarray(
            np.where(
                in_body,
                self.body.ppf(np.where(in_body, body_q, 0.5)),
                self.tail.ppf(np.where(in_body, 0.5, tail_q)),
            ),
            dtype=np.float64,
        )

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return self.ppf(rng.random(size))

    def partial_moment(self, x: float, order: int) -> float:
        t, p = self.threshold, self._p
        body = (1.0 - p) * self.body.partial_moment(min(x, t), order) / float(self.body.cdf(t))
        if x <= t:
            return body
        above = self.tail.partial_moment(x, order) - self.tail.partial_moment(t, order)
        return body + p * above / float(self.tail.sf(t))

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        arr, t, p = as_array(x), self.threshold, self._p
        body = (1.0 - p) * self.body.partial_mean(np.minimum(arr, t)) / float(self.body.cdf(t))
        above = self.tail.partial_mean(np.maximum(arr, t)) - float(self.tail.partial_mean(t))
        return np.asarray(body + p * above / float(self.tail.sf(t)), dtype=np.float64)

    @property
    def upper(self) -> float:
        return self.tail.upper


@dataclass(frozen=True, slots=True)
class Mixture(Severity):
    """With probability ``weights[i]`` (normalised) the loss follows ``components[i]``."""

    components: tuple[Severity, ...]
    weights: tuple[float, ...]
    _cum: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.components or len(self.components) != len(self.weights):
            raise _checks.invalid(
                "Parameter mixture must list at least one component, each with a weight; got "
                f"{len(self.components)} components and {len(self.weights)} weights.",
                code=RiskCode.BAD_MIXTURE,
                field="mixture",
                value=len(self.components),
            )
        weights = [
            _checks.non_negative(f"mixture[{i}].weight", w) for i, w in enumerate(self.weights)
        ]
        total = sum(weights)
        if total <= 0:
            raise _checks.invalid(
                f"Parameter mixture weights must have a positive sum; got {weights!r}.",
                code=RiskCode.BAD_MIXTURE,
                field="mixture.weight",
                value=total,
            )
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "weights", tuple(w / total for w in weights))
        object.__setattr__(self, "_cum", np.cumsum(self.weights))

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        total = np.zeros_like(arr, dtype=np.float64)
        for w, comp in zip(self.weights, self.components, strict=True):
            total = total + w * comp.cdf(arr)
        return total

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        return self._weighted(lambda c, a: c.sf(a), x)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        return self._weighted(lambda c, a: c.stop_loss(a), u)

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        return self._weighted(lambda c, a: c.lev_array(a), u)

    def _weighted(
        self, of: Callable[[Severity, npt.ArrayLike], FloatArray], x: npt.ArrayLike
    ) -> FloatArray:
        """Σ w_i · of(component_i, x) over the components with a positive weight."""
        arr = as_array(x)
        total = np.zeros_like(arr, dtype=np.float64)
        for w, comp in zip(self.weights, self.components, strict=True):
            if w > 0:
                total = total + w * of(comp, arr)
        return total

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        """Bisection between the components' quantiles (the mixture's lies between them)."""
        qq = as_array(q)
        bounds = np.stack([c.ppf(qq) for c in self.components])
        lo, hi = bounds.min(axis=0), bounds.max(axis=0)
        if qq.ndim == 0 and lo < hi:  # one quantile: Brent's method needs a dozen evaluations
            target = float(qq)
            if float(self.cdf(lo)) >= target:  # an atom at the lower bound
                return np.asarray(lo, dtype=np.float64)
            root = optimize.brentq(
                lambda x: float(self.cdf(x)) - target,
                float(lo),
                float(hi),
                xtol=1e-12 * max(float(hi), 1.0),
                rtol=1e-14,
            )
            return np.asarray(root, dtype=np.float64)
        for _ in range(80):
            mid = (lo + hi) / 2.0
            below = self.cdf(mid) < qq
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return np.asarray(hi, dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        which = np.minimum(
            np.searchsorted(self._cum, rng.random(size), side="right"), len(self.components) - 1
        )
        out = np.empty(size, dtype=np.float64)
        for i, comp in enumerate(self.components):
            chosen = which == i
            out[chosen] = comp.sample(rng, int(chosen.sum()))
        return out

    def partial_moment(self, x: float, order: int) -> float:
        return sum(
            w * c.partial_moment(x, order)
            for w, c in zip(self.weights, self.components, strict=True)
        )

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        total = np.zeros_like(arr, dtype=np.float64)
        for w, comp in zip(self.weights, self.components, strict=True):
            total = total + w * comp.partial_mean(arr)
        return total

    @property
    def upper(self) -> float:
        return max(c.upper for c, w in zip(self.components, self.weights, strict=True) if w > 0)


@dataclass(frozen=True, slots=True)
class Scaled(Severity):
    """``factor`` × ``base``: severity modifiers and currency conversion."""

    base: Severity
    factor: float

    def __post_init__(self) -> None:
        _checks.positive("scaled.factor", self.factor)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        return self.base.cdf(as_array(x) / self.factor)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        return self.factor * self.base.ppf(q)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        return self.base.sf(as_array(x) / self.factor)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        return self.factor * self.base.stop_loss(as_array(u) / self.factor)

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        return self.factor * self.base.lev_array(as_array(u) / self.factor)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return self.factor * self.base.sample(rng, size)

    def partial_moment(self, x: float, order: int) -> float:
        return self.factor**order * self.base.partial_moment(x / self.factor, order)

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        return self.factor * self.base.partial_mean(as_array(x) / self.factor)

    def limited_moment(self, u: float, order: int) -> float:
        """E[min(cX, u)^k] = c^k·E[min(X, u/c)^k]: the base's own (scalar) form."""
        return float(self.factor**order * self.base.limited_moment(u / self.factor, order))

    @property
    def upper(self) -> float:
        return self.factor * self.base.upper

    def scaled(self, factor: float) -> Scaled:
        return Scaled(self.base, self.factor * _checks.positive("scaled.factor", factor))
