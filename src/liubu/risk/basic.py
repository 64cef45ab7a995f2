"""The simple severities: a constant, an empirical distribution, and the normal censored at zero
that Open FAIR inputs given as mean and standard deviation need."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import special

from liubu.risk import _checks
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import FloatArray, Severity, as_array


@dataclass(frozen=True, slots=True)
class Constant(Severity):
    """A fixed loss ``value`` (an atom)."""

    value: float

    def __post_init__(self) -> None:
        _checks.non_negative("constant.value", self.value)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        return (as_array(x) >= self.value).astype(np.float64)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        return np.full_like(as_array(q), float(self.value))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.full(size, float(self.value))

    def partial_moment(self, x: float, order: int) -> float:
        return float(self.value) ** order if self.value <= x else 0.0

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        return np.where(as_array(x) >= self.value, float(self.value), 0.0)

    @property
    def upper(self) -> float:
        return float(self.value)


@dataclass(frozen=True, slots=True)
class Empirical(Severity):
    """A discrete distribution on observed ``values`` with optional ``weights`` (normalised)."""

    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None
    _x: FloatArray = field(init=False, repr=False, compare=False)
    _cum: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = _finite_sequence("empirical.values", self.values, non_negative=True)
        if self.weights is None:
            weights = [1.0] * len(values)
        else:
            weights = _finite_sequence("empirical.weights", self.weights, non_negative=True)
        if len(weights) != len(values) or sum(weights) <= 0:
            raise _checks.invalid(
                f"Parameter empirical.weights must have one non-negative weight per value "
                f"({len(values)}) and a positive sum; got {self.weights!r}.",
                code=RiskCode.BAD_WEIGHTS,
                field="empirical.weights",
                value=self.weights,
            )
        order = np.argsort(values, kind="stable")
        x = np.asarray(values, dtype=np.float64)[order]
        w = np.asarray(weights, dtype=np.float64)[order]
        object.__setattr__(self, "values", tuple(values))
        object.__setattr__(self, "weights", tuple(weights))
        object.__setattr__(self, "_x", x)
        object.__setattr__(self, "_cum", np.cumsum(w) / w.sum())

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        idx = np.searchsorted(self._x, as_array(x), side="right")
        return np.where(idx > 0, self._cum[np.maximum(idx - 1, 0)], 0.0)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        idx = np.searchsorted(self._cum, as_array(q), side="left")
        return self._x[np.minimum(idx, len(self._x) - 1)]

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return self.ppf(rng.random(size))

    def partial_moment(self, x: float, order: int) -> float:
        probs = np.diff(self._cum, prepend=0.0)
        keep = self._x <= x
        return float(np.sum(self._x[keep] ** order * probs[keep]))

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        running = np.cumsum(self._x * np.diff(self._cum, prepend=0.0))
        idx = np.searchsorted(self._x, as_array(x), side="right")
        return np.where(idx > 0, running[np.maximum(idx - 1, 0)], 0.0)

    @property
    def upper(self) -> float:
        return float(self._x[-1])


@dataclass(frozen=True, slots=True)
class Normal(Severity):
    """Normal(loc = mean, scale = sd) censored at zero: the mass below zero is an atom at 0.

    Provided for Open FAIR inputs given as mean and standard deviation; pyfair sets negative
    draws to zero the same way, so both read the same input identically.
    """

    loc: float
    scale: float

    def __post_init__(self) -> None:
        _checks.real("normal.mean", self.loc)
        _checks.positive("normal.stdev", self.scale)

    def cdf(self, x: npt.ArrayLike) -> FloatArray:
        arr = as_array(x)
        values = special.ndtr((arr - self.loc) / self.scale)
        return np.asarray(np.where(arr >= 0, values, 0.0), dtype=np.float64)

    def ppf(self, q: npt.ArrayLike) -> FloatArray:
        raw = self.loc + self.scale * special.ndtri(as_array(q))
        return np.asarray(np.maximum(raw, 0.0), dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.maximum(rng.normal(self.loc, self.scale, size), 0.0)

    def partial_moment(self, x: float, order: int) -> float:
        if x < 0:
            return 0.0
        if order == 0:
            return float(self.cdf(x))
        if order > 2:
            raise NotImplementedError("Normal partial moments are implemented to order 2.")
        a, b = -self.loc / self.scale, (x - self.loc) / self.scale
        mass = float(special.ndtr(b) - special.ndtr(a))
        pdf_a, pdf_b = _phi(a), _phi(b)
        first = pdf_a - pdf_b  # E[Z 1{a < Z ≤ b}]
        if order == 1:
            return self.loc * mass + self.scale * first
        b_pdf_b = 0.0 if math.isinf(b) else b * pdf_b
        second = mass + a * pdf_a - b_pdf_b  # E[Z² 1{a < Z ≤ b}]
        m, s = self.loc, self.scale
        return m * m * mass + 2 * m * s * first + s * s * second

    def partial_mean(self, x: npt.ArrayLike) -> FloatArray:
        """μ(Φ(b) − Φ(a)) + σ(φ(a) − φ(b)) with a = −μ/σ, b = (x − μ)/σ, zero below 0."""
        arr = as_array(x)
        a = -self.loc / self.scale
        b = (np.maximum(arr, 0.0) - self.loc) / self.scale
        mass = special.ndtr(b) - special.ndtr(a)
        dens = (np.exp(-a * a / 2) - np.exp(-b * b / 2)) / math.sqrt(2 * math.pi)
        return np.asarray(np.where(arr < 0, 0.0, self.loc * mass + self.scale * dens), np.float64)

    @property
    def upper(self) -> float:
        return math.inf


def _phi(z: float) -> float:
    return 0.0 if math.isinf(z) else math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)


def _finite_sequence(name: str, values: Sequence[float], *, non_negative: bool) -> list[float]:
    if isinstance(values, str | bytes) or len(values) == 0:
        raise _checks.invalid(
            f"Parameter {name} must be a non-empty list of numbers; got {values!r}.",
            code=RiskCode.EMPTY,
            field=name,
            value=values,
        )
    check = _checks.non_negative if non_negative else _checks.real
    return [check(f"{name}[{i}]", v) for i, v in enumerate(values)]
