"""Money in CNY (人民币) as an exact :class:`~decimal.Decimal`.

Policy money never passes through binary floating point. An amount keeps every digit it was
given; it is rounded half-up to the fen (分, 0.01 yuan) only where a rule says so, by
:meth:`Money.round_fen` or by the operations documented to round (:meth:`Money.pro_rata`,
:meth:`Money.allocate`).

>>> str(Money("1234.565").round_fen())
'¥1,234.57'
>>> [str(share) for share in Money("100").allocate([1, 1, 1])]
['¥33.34', '¥33.33', '¥33.33']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import ClassVar, TypeAlias

from liubu.core.reasons import CoreCode
from liubu.errors import ValidationError

FEN = Decimal("0.01")

MoneyInput: TypeAlias = Decimal | int | str
Factor: TypeAlias = Decimal | int


def _to_decimal(value: object, *, field: str) -> Decimal:
    """Convert ``value`` to a finite Decimal, refusing floats and bools by design."""
    if isinstance(value, bool | float):
        raise ValidationError(
            f"The {field} {value!r} is a {type(value).__name__}; give money as a str, int or "
            f"Decimal (use Money.from_float for a float you trust).",
            code=CoreCode.MONEY_TYPE,
            field=field,
            value=value,
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(
                f"The {field} {value!r} is not a decimal number.",
                code=CoreCode.MONEY_SYNTAX,
                field=field,
                value=value,
            ) from None
    else:
        raise ValidationError(
            f"The {field} {value!r} is a {type(value).__name__}; give money as a str, int or "
            f"Decimal.",
            code=CoreCode.MONEY_TYPE,
            field=field,
            value=repr(value),
        )
    if not amount.is_finite():
        raise ValidationError(
            f"The {field} {value!r} is not a finite number.",
            code=CoreCode.MONEY_NOT_FINITE,
            field=field,
            value=str(value),
        )
    return amount


def half_up(value: Decimal, quantum: Decimal) -> Decimal:
    """``value`` rounded half-up (away from zero on a tie) to ``quantum`` — the house rounding
    for money (``FEN``), coefficients (0.0001), scores (0.1) and ratios; the one place it is
    written.

    >>> half_up(Decimal("0.00005"), Decimal("0.0001")), half_up(Decimal("-2.5"), Decimal(1))
    (Decimal('0.0001'), Decimal('-3'))
    """
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def round_half_up_fen(exact: Fraction) -> Decimal:
    """Round an exact rational number of yuan half-up (away from zero) to the fen."""
    sign = -1 if exact < 0 else 1
    fen = math.floor(abs(exact) * 100 + Fraction(1, 2))
    return (Decimal(sign * fen) * FEN).quantize(FEN)


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of money in CNY, exact.

    ``Money("12.50")``, ``Money(12)`` and ``Money(Decimal("12.5"))`` are equal. Floats are refused;
    :meth:`from_float` converts one through its shortest ``repr`` when the caller accepts that.
    """

    amount: Decimal
    currency: ClassVar[str] = "CNY"

    def __init__(self, amount: MoneyInput) -> None:
        object.__setattr__(self, "amount", _to_decimal(amount, field="amount"))

    @classmethod
    def from_float(cls, value: float) -> Money:
        """Money from a float through its ``repr``: ``0.1`` becomes exactly ``0.1``."""
        if isinstance(value, bool) or not isinstance(value, float):
            raise ValidationError(
                f"Money.from_float needs a float, but the amount {value!r} is a "
                f"{type(value).__name__}.",
                code=CoreCode.MONEY_TYPE,
                field="amount",
                value=repr(value),
            )
        if not math.isfinite(value):
            raise ValidationError(
                f"The amount {value!r} is not a finite number.",
                code=CoreCode.MONEY_NOT_FINITE,
                field="amount",
                value=repr(value),
            )
        return cls(Decimal(repr(value)))

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    def round_fen(self) -> Money:
        """Round half-up (away from zero on a tie) to 0.01 yuan, as ``quantize(ROUND_HALF_UP)``."""
        return Money(half_up(self.amount, FEN))

    @property
    def fen(self) -> int:
        """The amount as a whole number of fen, after :meth:`round_fen`."""
        return int(self.round_fen().amount * 100)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - other.amount)

    def __mul__(self, factor: Factor) -> Money:
        if isinstance(factor, float):
            _to_decimal(factor, field="factor")  # raises: floats are refused, not rounded
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(self.amount * _to_decimal(factor, field="factor"))

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __abs__(self) -> Money:
        return Money(abs(self.amount))

    def __bool__(self) -> bool:
        return bool(self.amount)

    def pro_rata(self, days: int, total_days: int) -> Money:
        """``amount × days / total_days``, computed exactly and rounded half-up to the fen once.

        Used for earned and return premium: ``Money("365").pro_rata(10, 365)`` is ``¥10.00``.
        """
        for name, number in (("days", days), ("total_days", total_days)):
            if isinstance(number, bool) or not isinstance(number, int):
                raise ValidationError(
                    f"The {name} {number!r} must be a whole number of days.",
                    code=CoreCode.MONEY_PRO_RATA_DAYS,
                    field=name,
                    value=repr(number),
                )
        if total_days <= 0 or not 0 <= days <= total_days:
            raise ValidationError(
                f"The days {days} must lie between 0 and total_days {total_days}, and total_days "
                f"must be positive.",
                code=CoreCode.MONEY_PRO_RATA_DAYS,
                field="days",
                value=days,
            )
        return Money(round_half_up_fen(Fraction(self.amount) * days / total_days))

    def allocate(self, weights: Sequence[Factor]) -> tuple[Money, ...]:
        """Split this amount into fen shares proportional to ``weights`` that sum to it exactly.

        Largest-remainder (Hamilton) method: each share first gets the floor of its exact quota
        in fen; the fen left over go one each to the largest fractional remainders, ties to the
        earlier weight. The amount must be a whole number of fen (round it first).
        """
        fractions = self._allocation_weights(weights)
        total_fen = self.amount * 100
        if total_fen != total_fen.to_integral_value():
            raise ValidationError(
                f"The amount {self.amount} is not a whole number of fen; round it with "
                f"round_fen() before allocating it.",
                code=CoreCode.MONEY_ALLOCATE_FEN,
                field="amount",
                value=str(self.amount),
            )
        sign = -1 if total_fen < 0 else 1
        fen = int(abs(total_fen))
        quotas = [fen * weight for weight in fractions]
        shares = [math.floor(quota) for quota in quotas]
        leftover = fen - sum(shares)
        by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - shares[i]), i))
        for index in by_remainder[:leftover]:
            shares[index] += 1
        return tuple(Money(Decimal(sign * share) * FEN) for share in shares)

    @staticmethod
    def _allocation_weights(weights: Sequence[Factor]) -> list[Fraction]:
        if len(weights) == 0:
            raise ValidationError(
                "The weights to allocate over are empty; give at least one weight.",
                code=CoreCode.MONEY_ALLOCATE_WEIGHTS,
                field="weights",
                value="[]",
            )
        exact = [Fraction(_to_decimal(weight, field="weight")) for weight in weights]
        if any(weight < 0 for weight in exact) or sum(exact) == 0:
            raise ValidationError(
                f"The weights {list(weights)!r} must be non-negative with a positive sum.",
                code=CoreCode.MONEY_ALLOCATE_WEIGHTS,
                field="weights",
                value=repr(list(weights)),
            )
        total = sum(exact)
        return [weight / total for weight in exact]

    def __str__(self) -> str:
        """``¥1,234.56`` (rounded half-up to the fen for display; ``-¥5.00`` when negative)."""
        rounded = self.round_fen().amount
        sign = "-" if rounded < 0 else ""
        return f"{sign}¥{abs(rounded):,.2f}"
