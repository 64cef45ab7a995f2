"""Frequency specs: the number of loss events in a year.

Each spec knows its mean and variance, its probability generating function P(z) = E[z^N] (which
the Fourier engine composes with the severity's characteristic function) and P'(z) (for the Euler
allocation), how to sample counts, and its quantile function (for a Gaussian copula between
scenarios).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from liubu.risk import _checks
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import FloatArray, Pert

ComplexArray = npt.NDArray[np.complex128]
IntArray = npt.NDArray[np.int64]


class Frequency(ABC):
    """A distribution of annual event counts."""

    @property
    @abstractmethod
    def mean(self) -> float: ...

    @property
    @abstractmethod
    def variance(self) -> float: ...

    @abstractmethod
    def pgf(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        """E[z^N], for real or complex ``z`` with |z| ≤ 1."""

    @abstractmethod
    def pgf_derivative(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        """E[N z^(N−1)]."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, size: int) -> IntArray:
        """``size`` independent annual counts."""

    def sample_total(self, rng: np.random.Generator, years: int) -> int | None:
        """The total count of ``years`` independent years in one draw, for a law under which,
        given that total, each event falls in any of the years independently and uniformly (the
        Monte Carlo engine then places the events so, at a cost per event, not per year). None,
        the default, when the law is not so: the years' counts are then drawn one by one."""
        return None

    @abstractmethod
    def ppf(self, u: npt.ArrayLike) -> IntArray:
        """The count quantile function (used by the Gaussian copula between scenarios)."""

    @abstractmethod
    def scaled(self, factor: float) -> Frequency:
        """This frequency with its expected count multiplied by ``factor`` (a modifier)."""


@dataclass(frozen=True, slots=True)
class Poisson(Frequency):
    """N ~ Poisson(rate): P(z) = exp(rate·(z − 1))."""

    rate: float

    def __post_init__(self) -> None:
        _checks.non_negative("poisson.rate", self.rate)

    @property
    def mean(self) -> float:
        return float(self.rate)

    @property
    def variance(self) -> float:
        return float(self.rate)

    def pgf(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        return np.exp(self.rate * (np.asarray(z) - 1.0))

    def pgf_derivative(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        return np.asarray(self.rate * np.exp(self.rate * (np.asarray(z) - 1.0)))

    def sample(self, rng: np.random.Generator, size: int) -> IntArray:
        return rng.poisson(self.rate, size).astype(np.int64)

    def sample_total(self, rng: np.random.Generator, years: int) -> int:
        """Poisson(rate·years): the sum of independent Poisson counts, and given it the years'
        counts are multinomial with equal probabilities (each event in a uniform year)."""
        return int(rng.poisson(self.rate * years))

    def ppf(self, u: npt.ArrayLike) -> IntArray:
        return np.asarray(stats.poisson.ppf(u, self.rate), dtype=np.int64)

    def scaled(self, factor: float) -> Poisson:
        return Poisson(self.rate * _checks.non_negative("frequency modifier", factor))


@dataclass(frozen=True, slots=True)
class NegativeBinomial(Frequency):
    """Gamma-mixed Poisson with the given ``mean`` and mixing coefficient of variation ``cv``.

    The rate is mean·G with G ~ Gamma(mean 1, CV cv), so Var N = mean + cv²·mean² (the
    ``mixed gamma cv`` convention of the ``aggregate`` package) and
    P(z) = (1 − cv²·mean·(z − 1))^(−1/cv²).
    """

    mean_count: float
    cv: float

    def __post_init__(self) -> None:
        _checks.non_negative("negative_binomial.mean", self.mean_count)
        _checks.positive("negative_binomial.cv", self.cv)

    @property
    def mean(self) -> float:
        return float(self.mean_count)

    @property
    def variance(self) -> float:
        return self.mean_count + (self.cv * self.mean_count) ** 2

    @property
    def _shape(self) -> float:
        return 1.0 / (self.cv * self.cv)

    def pgf(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        c = self.cv * self.cv
        return (1.0 - c * self.mean_count * (np.asarray(z) - 1.0)) ** (-self._shape)

    def pgf_derivative(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        c = self.cv * self.cv
        base = 1.0 - c * self.mean_count * (np.asarray(z) - 1.0)
        return self.mean_count * base ** (-self._shape - 1.0)

    def sample(self, rng: np.random.Generator, size: int) -> IntArray:
        r = self._shape
        return rng.negative_binomial(r, r / (r + self.mean_count), size).astype(np.int64)

    def ppf(self, u: npt.ArrayLike) -> IntArray:
        r = self._shape
        return np.asarray(stats.nbinom.ppf(u, r, r / (r + self.mean_count)), dtype=np.int64)

    def scaled(self, factor: float) -> NegativeBinomial:
        scaled_mean = self.mean_count * _checks.non_negative("frequency modifier", factor)
        return NegativeBinomial(scaled_mean, self.cv)


@dataclass(frozen=True, slots=True)
class Bernoulli(Frequency):
    """At most one event a year, with probability ``p``: P(z) = 1 − p + p·z."""

    p: float

    def __post_init__(self) -> None:
        _checks.probability("bernoulli.p", self.p)

    @property
    def mean(self) -> float:
        return float(self.p)

    @property
    def variance(self) -> float:
        return self.p * (1.0 - self.p)

    def pgf(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        return 1.0 - self.p + self.p * np.asarray(z)

    def pgf_derivative(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        return np.full_like(np.asarray(z), self.p)

    def sample(self, rng: np.random.Generator, size: int) -> IntArray:
        return (rng.random(size) < self.p).astype(np.int64)

    def ppf(self, u: npt.ArrayLike) -> IntArray:
        return (np.asarray(u) > 1.0 - self.p).astype(np.int64)

    def scaled(self, factor: float) -> Bernoulli:
        scaled_p = self.p * _checks.non_negative("frequency modifier", factor)
        if scaled_p > 1.0:
            raise _checks.invalid(
                f"A frequency modifier of {factor!r} would take bernoulli.p ({self.p!r}) above 1.",
                code=RiskCode.NOT_A_PROBABILITY,
                field="bernoulli.p",
                value=scaled_p,
            )
        return Bernoulli(scaled_p)


@dataclass(frozen=True, slots=True)
class PertPoisson(Frequency):
    """Poisson whose rate is uncertain and follows PERT(low, mode, high, γ).

    P(z) = E[exp(Λ(z − 1))], evaluated by Gauss–Jacobi quadrature over the Beta law of Λ with
    enough nodes for the oscillation of exp(Λ(z − 1)) over [low, high] (|z − 1| ≤ 2).
    """

    low: float
    mode: float
    high: float
    gamma: float = 4.0
    _nodes: FloatArray = field(init=False, repr=False, compare=False)
    _weights: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rate = Pert(self.low, self.mode, self.high, self.gamma)  # validates the four parameters
        count = 24 + math.ceil(2.0 * (self.high - self.low))
        x, w = special.roots_jacobi(count, rate.beta - 1.0, rate.alpha - 1.0)
        object.__setattr__(self, "_nodes", self.low + (self.high - self.low) * (1.0 + x) / 2.0)
        object.__setattr__(self, "_weights", w / w.sum())

    @property
    def rate(self) -> Pert:
        return Pert(self.low, self.mode, self.high, self.gamma)

    @property
    def mean(self) -> float:
        return self.rate.mean

    @property
    def variance(self) -> float:
        return self.rate.mean + self.rate.variance

    def pgf(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        zz = np.asarray(z)
        total = np.zeros(zz.shape, dtype=np.result_type(zz, np.float64))
        for lam, w in zip(self._nodes, self._weights, strict=True):
            total = total + w * np.exp(lam * (zz - 1.0))
        return total

    def pgf_derivative(self, z: npt.ArrayLike) -> npt.NDArray[Any]:
        zz = np.asarray(z)
        total = np.zeros(zz.shape, dtype=np.result_type(zz, np.float64))
        for lam, w in zip(self._nodes, self._weights, strict=True):
            total = total + w * lam * np.exp(lam * (zz - 1.0))
        return total

    def pmf(self, kmax: int) -> FloatArray:
        """P(N = k) for k = 0..kmax, by the same quadrature."""
        k = np.arange(kmax + 1)
        return np.asarray(
            self._weights @ stats.poisson.pmf(k[None, :], self._nodes[:, None]), dtype=np.float64
        )

    def sample(self, rng: np.random.Generator, size: int) -> IntArray:
        rates = self.rate.sample(rng, size)
        return rng.poisson(rates).astype(np.int64)

    def ppf(self, u: npt.ArrayLike) -> IntArray:
        kmax = int(stats.poisson.ppf(1.0 - 1e-12, self.high)) + 1
        cum = np.cumsum(self.pmf(kmax))
        return np.minimum(np.searchsorted(cum, np.asarray(u), side="left"), kmax).astype(np.int64)

    def scaled(self, factor: float) -> PertPoisson:
        f = _checks.non_negative("frequency modifier", factor)
        return PertPoisson(self.low * f, self.mode * f, self.high * f, self.gamma)
