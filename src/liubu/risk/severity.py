"""Severity specs: frozen, validated loss-size distributions in CNY (float64).

Every severity answers the same questions, which both engines rely on:

- ``cdf``, ``ppf`` and ``sample`` (vectorised; ``sample`` takes an explicit
  ``np.random.Generator``);
- ``partial_moment(x, k)`` = E[X^k · 1{X ≤ x}], from which limited moments
  E[min(X, u)^k] = partial_moment(u, k) + u^k · P(X > u) and the layer moments used by the
  Fourier engine's self-check follow in closed form;
- ``upper``, the supremum of the support (``inf`` when unbounded).

Lognormal and PERT live here; constant, empirical and the normal censored at zero are in
:mod:`liubu.risk.basic`; Pareto/GPD, spliced, mixtures and scaling are in
:mod:`liubu.risk.composite`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy import special

from liubu.risk import _checks
from liubu.risk.reasons import RiskCode

if TYPE_CHECKING:
    from liubu.risk.composite import Scaled

FloatArray = npt.NDArray[np.float64]

#: Φ⁻¹(0.95): a 90 % interval puts its ends at the 5th and 95th percentiles.
Z95 = 1.6448536269514722


def as_array(x: npt.ArrayLike) -> FloatArray:
    """``x`` as a float64 array (a view when possible)."""
    return np.asarray(x, dtype=np.float64)


class Severity(ABC):
    """A non-negative loss-size distribution."""

    @abstractmethod
    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        """P(X ≤ x)."""

    @abstractmethod
    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        """The quantile function: the smallest x with P(X ≤ x) ≥ q."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` independent draws."""

    @abstractmethod
    def partial_moment(self, x: float, order: int) -> float:
        """E[X^order · 1{X ≤ x}]; ``x`` may be ``inf`` (then the raw moment, possibly ``inf``)."""

    @abstractmethod
    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        """E[X · 1{X ≤ x}], vectorised (for mean-preserving discretisation)."""

    @property
    @abstractmethod
    def upper(self) -> float:
        """The supremum of the support."""

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        """E[min(X, u)] for an array of u ≥ 0."""
        uu = as_array(u)
        tail = np.where(np.isinf(uu), 0.0, uu * self.sf(np.where(np.isinf(uu), 0.0, uu)))
        return np.asarray(self.partial_mean(uu) + tail, dtype=np.float64)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        """P(X > x)."""
        return 1.0 - self.cdf(x)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        """E[(X − u)⁺] for an array of u ≥ 0: the stop-loss transform.

        This default, E[X] − E[min(X, u)], is exact but keeps only absolute precision (about
        10⁻¹⁶ of the mean): far in a heavy tail, where the result is a tiny fraction of the mean,
        it is rounding noise. The Fourier engine's discretisation takes differences of it, so
        severities with an unbounded support override it with a form that keeps relative
        precision there.
        """
        mean = self.mean
        uu = as_array(u)
        if math.isinf(mean):
            return np.full_like(uu, math.inf)
        return np.asarray(np.maximum(mean - self.lev_array(uu), 0.0), dtype=np.float64)

    def moment(self, order: int) -> float:
        """E[X^order]."""
        return self.partial_moment(math.inf, order)

    @property
    def mean(self) -> float:
        return self.moment(1)

    @property
    def variance(self) -> float:
        second = self.moment(2)
        if math.isinf(second):
            return math.inf
        return max(second - self.mean**2, 0.0)

    @property
    def sd(self) -> float:
        return math.sqrt(self.variance)

    @property
    def cv(self) -> float:
        return self.sd / self.mean if self.mean > 0 else math.nan

    def limited_moment(self, u: float, order: int) -> float:
        """E[min(X, u)^order] = E[X^k 1{X ≤ u}] + u^k P(X > u)."""
        if math.isinf(u):
            return self.moment(order)
        if u <= 0.0:
            return 0.0 if order > 0 else 1.0
        tail = float(self.sf(u))
        return self.partial_moment(u, order) + (u**order * tail if tail > 0 else 0.0)

    def lev(self, u: float) -> float:
        """Limited expected value E[min(X, u)]."""
        return self.limited_moment(u, 1)

    def scaled(self, factor: float) -> Scaled:
        """This severity multiplied by ``factor`` (a severity modifier, or a currency change)."""
        from liubu.risk.composite import Scaled

        return Scaled(self, factor)


@dataclass(frozen=True, slots=True)
class Lognormal(Severity):
    """ln X ~ Normal(mu, sigma).

    E[X^k 1{X ≤ x}] = exp(kμ + k²σ²/2) · Φ((ln x − μ − kσ²)/σ).

    >>> ln = Lognormal.from_interval90(1.0, 10.0)
    >>> round(ln.mu, 6), round(ln.sigma, 6), round(ln.mean, 6)
    (1.151293, 0.699936, 4.040013)
    """

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        _checks.real("lognormal.mu", self.mu)
        _checks.positive("lognormal.sigma", self.sigma)

    @classmethod
    def from_interval90(cls, low: float, high: float) -> Lognormal:
        """The lognormal whose 5th and 95th percentiles are ``low`` and ``high``.

        μ = (ln low + ln high)/2, σ = (ln high − ln low)/(2 · 1.6448536).
        """
        low = _checks.positive("lognormal.interval90.low", low)
        high = _checks.positive("lognormal.interval90.high", high)
        _checks.ordered("lognormal.interval90.low", low, "lognormal.interval90.high", high)
        log_low, log_high = math.log(low), math.log(high)
        return cls((log_low + log_high) / 2.0, (log_high - log_low) / (2.0 * Z95))

    @classmethod
    def from_mean_cv(cls, mean: float, cv: float) -> Lognormal:
        """The lognormal with this mean and coefficient of variation: σ² = ln(1 + cv²)."""
        mean = _checks.positive("lognormal.mean", mean)
        cv = _checks.positive("lognormal.cv", cv)
        sigma2 = math.log1p(cv * cv)
        return cls(math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        with np.errstate(divide="ignore"):
            logs = np.log(np.where(arr > 0, arr, 0.0))
        return np.asarray(special.ndtr((logs - self.mu) / self.sigma), dtype=np.float64)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        return np.asarray(np.exp(self.mu + self.sigma * special.ndtri(as_array(q))), np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, size)

    def partial_moment(self, x: float, order: int) -> float:
        if x <= 0.0:
            return 0.0
        scale = math.exp(order * self.mu + (order * self.sigma) ** 2 / 2.0)
        if math.isinf(x):
            return scale
        z = (math.log(x) - self.mu - order * self.sigma**2) / self.sigma
        return scale * float(special.ndtr(z))

    def limited_moment(self, u: float, order: int) -> float:
        """E[min(X, u)^order], the generic form with scalar arithmetic (the layers' moments ask
        it dozens of times per model; the array path costs more than the normal cdf itself)."""
        if math.isinf(u):
            return self.moment(order)
        if u <= 0.0:
            return 0.0 if order > 0 else 1.0
        tail = float(special.ndtr((self.mu - math.log(u)) / self.sigma))
        return self.partial_moment(u, order) + (u**order * tail if tail > 0 else 0.0)

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        with np.errstate(divide="ignore"):
            logs = np.log(np.where(arr > 0, arr, 0.0))
        z = (logs - self.mu - self.sigma**2) / self.sigma
        return np.asarray(math.exp(self.mu + self.sigma**2 / 2) * special.ndtr(z), np.float64)

    def sf(self, x: npt.ArrayLike) -> FloatArray:
        """Φ(−z), z = (ln x − μ)/σ: precise far in the tail, where 1 − Φ(z) is not."""
        arr = as_array(x)
        with np.errstate(divide="ignore"):
            logs = np.log(np.where(arr > 0, arr, 0.0))
        return np.asarray(special.ndtr((self.mu - logs) / self.sigma), dtype=np.float64)

    def stop_loss(self, u: npt.ArrayLike) -> FloatArray:
        """E[(X − u)⁺] = e^(μ+σ²/2)·Φ(σ − z) − u·Φ(−z), z = (ln u − μ)/σ: both terms shrink
        together in the tail, so the difference keeps its relative precision."""
        arr = as_array(u)
        with np.errstate(divide="ignore"):
            z = (np.log(np.where(arr > 0, arr, 0.0)) - self.mu) / self.sigma
        first = math.exp(self.mu + self.sigma**2 / 2) * special.ndtr(self.sigma - z)
        tail = np.where((arr > 0) & np.isfinite(arr), arr, 0.0) * special.ndtr(-z)  # u = ∞: 0
        return np.asarray(np.maximum(first - tail, 0.0), dtype=np.float64)

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        """E[min(X, u)] = e^(μ+σ²/2)·Φ(z − σ) + u·Φ(−z), z = (ln u − μ)/σ (one logarithm)."""
        arr = as_array(u)
        with np.errstate(divide="ignore"):
            z = (np.log(np.where(arr > 0, arr, 0.0)) - self.mu) / self.sigma
        first = math.exp(self.mu + self.sigma**2 / 2) * special.ndtr(z - self.sigma)
        tail = np.where((arr > 0) & np.isfinite(arr), arr, 0.0) * special.ndtr(-z)  # u = ∞: 0
        return np.asarray(first + tail, dtype=np.float64)

    @property
    def upper(self) -> float:
        return math.inf


@dataclass(frozen=True, slots=True)
class Pert(Severity):
    """PERT in the standard (Vose) form: X = low + (high − low)·B, B ~ Beta(α, β) with
    α = 1 + γ(mode − low)/(high − low), β = 1 + γ(high − mode)/(high − low).

    Its mean is (low + γ·mode + high)/(γ + 2) and its mode is ``mode`` exactly.

    >>> p = Pert(5.0, 20.0, 50.0)
    >>> round(p.mean, 12), round(p.sd, 4)
    (22.5, 8.2916)
    """

    low: float
    mode: float
    high: float
    gamma: float = 4.0

    def __post_init__(self) -> None:
        low = _checks.non_negative("pert.low", self.low)
        high = _checks.real("pert.high", self.high)
        mode = _checks.real("pert.mode", self.mode)
        _checks.positive("pert.gamma", self.gamma)
        _checks.ordered("pert.low", low, "pert.high", high)
        if not low <= mode <= high:
            raise _checks.invalid(
                f"Parameter pert.mode ({mode!r}) must lie in [low, high] = [{low!r}, {high!r}].",
                code=RiskCode.MODE_OUTSIDE,
                field="pert.mode",
                value=mode,
            )

    @property
    def alpha(self) -> float:
        return 1.0 + self.gamma * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        return 1.0 + self.gamma * (self.high - self.mode) / (self.high - self.low)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        y = ((arr - self.low) / (self.high - self.low)).reshape(-1)
        out = (y >= 1.0).astype(np.float64)
        inside = (y > 0.0) & (y < 1.0)  # the incomplete beta is slow: only where it matters
        out[inside] = special.betainc(self.alpha, self.beta, y[inside])
        return out.reshape(arr.shape)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        b = special.betaincinv(self.alpha, self.beta, as_array(q))
        return np.asarray(self.low + (self.high - self.low) * b, dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        drawn = rng.beta(self.alpha, self.beta, size)
        drawn *= self.high - self.low  # in place: the same numbers, no temporary arrays
        drawn += self.low
        return drawn

    def partial_moment(self, x: float, order: int) -> float:
        """Binomial expansion of (low + w·B)^k, E[B^j 1{B ≤ y}] = (α)_j/(α+β)_j · I_y(α+j, β)."""
        width, y = self.high - self.low, min(max((x - self.low) / (self.high - self.low), 0.0), 1.0)
        total, ratio = 0.0, 1.0
        for j in range(order + 1):
            if j > 0:
                ratio *= (self.alpha + j - 1) / (self.alpha + self.beta + j - 1)
            incomplete = float(special.betainc(self.alpha + j, self.beta, y))
            total += math.comb(order, j) * self.low ** (order - j) * width**j * ratio * incomplete
        return total

    def _partial_mean_and_cdf(self, flat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """low·F(x) + w·α/(α+β)·I_y(α+1, β) and F(x) for a flat array, each incomplete beta
        evaluated once and only where 0 < y < 1 (it is slow)."""
        y = (flat - self.low) / (self.high - self.low)
        inside = (y > 0.0) & (y < 1.0)
        cdf = (y >= 1.0).astype(np.float64)
        first = cdf.copy()
        inner_y = y[inside]
        cdf[inside] = special.betainc(self.alpha, self.beta, inner_y)
        # I_y(α+1, β) = I_y(α, β) − y^α·(1 − y)^β / (α·B(α, β)): one incomplete beta, not two
        # (absolute error ≈ 10⁻¹⁶, all that the mean-minus-LEV stop-loss keeps anyway)
        log_term = (
            self.alpha * np.log(inner_y)
            + self.beta * np.log1p(-inner_y)
            - math.log(self.alpha)
            - special.betaln(self.alpha, self.beta)
        )
        first[inside] = np.maximum(cdf[inside] - np.exp(log_term), 0.0)
        ratio = self.alpha / (self.alpha + self.beta)
        return self.low * cdf + (self.high - self.low) * ratio * first, cdf

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        """low·F(x) + w·α/(α+β)·I_y(α+1, β)."""
        arr = as_array(x)
        partial, _ = self._partial_mean_and_cdf(arr.reshape(-1))
        return np.asarray(partial.reshape(arr.shape), dtype=np.float64)

    def lev_array(self, u: npt.ArrayLike) -> FloatArray:
        """E[min(X, u)] = partial mean + u·(1 − F(u)), F computed once (the generic form computes
        it twice: the grid's hot path)."""
        arr = as_array(u)
        flat = arr.reshape(-1)
        partial, cdf = self._partial_mean_and_cdf(flat)
        finite = np.isfinite(flat)
        tail = np.where(finite, np.where(finite, flat, 0.0) * (1.0 - cdf), 0.0)
        return np.asarray((partial + tail).reshape(arr.shape), dtype=np.float64)

    @property
    def upper(self) -> float:
        return float(self.high)
