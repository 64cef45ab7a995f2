"""Validation helpers shared by the risk specs: every failure is a located, sentence-long error.

Private kernels trust their input; these helpers guard the public constructors (the scipy.stats
convention). Each raises :class:`liubu.errors.ValidationError` naming the parameter and its value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from liubu.errors import ValidationError
from liubu.risk.reasons import RiskCode


def invalid(message: str, *, code: RiskCode, field: str, value: object) -> ValidationError:
    """Build the error every risk constructor raises."""
    return ValidationError(message, code=code, field=field, value=value)


def real(field: str, value: object) -> float:
    """Return ``value`` as a finite float, refusing NaN, infinities, booleans and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(
            f"Parameter {field} must be a number; got {value!r}.",
            code=RiskCode.NOT_A_NUMBER,
            field=field,
            value=value,
        )
    number = float(value)
    if not math.isfinite(number):
        raise invalid(
            f"Parameter {field} must be finite; got {value!r}.",
            code=RiskCode.NOT_FINITE,
            field=field,
            value=value,
        )
    return number


def positive(field: str, value: object) -> float:
    """A finite number strictly above zero."""
    number = real(field, value)
    if number <= 0.0:
        raise invalid(
            f"Parameter {field} must be positive; got {number!r}.",
            code=RiskCode.NOT_POSITIVE,
            field=field,
            value=number,
        )
    return number


def non_negative(field: str, value: object) -> float:
    """A finite number at or above zero."""
    number = real(field, value)
    if number < 0.0:
        raise invalid(
            f"Parameter {field} must not be negative; got {number!r}.",
            code=RiskCode.NEGATIVE,
            field=field,
            value=number,
        )
    return number


def probability(field: str, value: object, *, below_one: bool = False) -> float:
    """A probability in [0, 1] (or [0, 1) when ``below_one``)."""
    number = real(field, value)
    upper_ok = number < 1.0 if below_one else number <= 1.0
    if number < 0.0 or not upper_ok:
        interval = "[0, 1)" if below_one else "[0, 1]"
        raise invalid(
            f"Parameter {field} must be a probability in {interval}; got {number!r}.",
            code=RiskCode.NOT_A_PROBABILITY,
            field=field,
            value=number,
        )
    return number


def limit(field: str, value: object) -> float:
    """A positive limit, where ``inf`` (no limit) is allowed but NaN and ``-inf`` are not."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == math.inf:
        return math.inf
    return positive(field, value)


def ordered(low_field: str, low: float, high_field: str, high: float) -> None:
    """Refuse ``low >= high``."""
    if low >= high:
        raise invalid(
            f"Parameter {low_field} ({low!r}) must be below {high_field} ({high!r}).",
            code=RiskCode.NOT_ORDERED,
            field=low_field,
            value=low,
        )


def one_of(field: str, value: object, allowed: Iterable[str]) -> str:
    """A string from a fixed vocabulary."""
    choices = tuple(allowed)
    if not isinstance(value, str) or value not in choices:
        raise invalid(
            f"Parameter {field} must be one of {', '.join(choices)}; got {value!r}.",
            code=RiskCode.UNKNOWN_VALUE,
            field=field,
            value=value,
        )
    return value
