"""The filed rate plan (费率方案): base premium tables and adjustment coefficients.

The filed premium of a quote is ``base premium × Π coefficients``: the base premium comes from a
table keyed by the policy limit and, where the plan has them, the annual-revenue band and the
industry group (or per person, per member); each adjustment coefficient is clamped into its filed
range [lo, hi] and their product into the filed bound. Money is :class:`~decimal.Decimal` CNY.

>>> plan = RatePlan(
...     basis="per_person",
...     base_premiums=(BasePremiumRow(limit=Decimal(10000), premium=Decimal("7.9")),),
...     coefficients=(Coefficient("claims_history", FiledRange(Decimal("0.8"), Decimal("1.5"))),),
...     product_bound=FiledRange(Decimal("0.8"), Decimal("1.2")),
... )
>>> plan.base_premium(limit=10000)
Decimal('7.9')
>>> result = plan.clamp({"claims_history": Decimal("1.7")})
>>> result.coefficients["claims_history"], result.product
(Decimal('1.5'), Decimal('1.2'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import pairwise
from types import MappingProxyType
from typing import Literal, NamedTuple

from liubu.core import half_up
from liubu.errors import ValidationError
from liubu.products.reasons import ProductsCode
from liubu.products.text import Text

COEFFICIENT_QUANTUM = Decimal("0.0001")
"""Coefficients read off a piecewise-linear guide are rounded half-up to four decimal places."""

Number = Decimal | int | str


def to_decimal(value: object, *, field: str) -> Decimal:
    """``value`` as a finite Decimal (ints, Decimals and decimal strings; floats through repr)."""
    if isinstance(value, bool):
        raise ValidationError(
            f"The {field} {value!r} is a bool; give a number.",
            code=ProductsCode.NUMBER_TYPE,
            field=field,
        )
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, Decimal | int | str):
            number = Decimal(value)
        else:
            raise TypeError(type(value).__name__)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError(
            f"The {field} {value!r} is not a number.",
            code=ProductsCode.NUMBER_TYPE,
            field=field,
            value=repr(value),
        ) from None
    if not number.is_finite():
        raise ValidationError(
            f"The {field} {value!r} is not a finite number.",
            code=ProductsCode.NUMBER_TYPE,
            field=field,
            value=repr(value),
        )
    return number


@dataclass(frozen=True, slots=True)
class FiledRange:
    """A filed range [lo, hi] of a coefficient or of the product of coefficients; 0 < lo ≤ hi."""

    lo: Decimal
    hi: Decimal

    def __post_init__(self) -> None:
        if not self.lo > 0:
            raise ValidationError(
                f"The lower end {self.lo} of the filed range must be positive.",
                code=ProductsCode.RATE_PLAN_RANGE_NOT_POSITIVE,
                field="range[0]",
                value=str(self.lo),
            )
        if self.lo > self.hi:
            raise ValidationError(
                f"The filed range [{self.lo}, {self.hi}] is inverted: its lower end exceeds its "
                f"upper end.",
                code=ProductsCode.RATE_PLAN_RANGE_INVERTED,
                field="range",
                value=f"[{self.lo}, {self.hi}]",
            )

    def contains(self, value: Decimal) -> bool:
        return self.lo <= value <= self.hi

    def clamp(self, value: Decimal) -> Decimal:
        return min(max(value, self.lo), self.hi)


@dataclass(frozen=True, slots=True)
class RevenueBand:
    """Annual revenue band [lower, upper) in CNY; ``upper`` None means no upper end."""

    code: str
    lower: Decimal
    upper: Decimal | None

    def __post_init__(self) -> None:
        if self.upper is not None and self.upper <= self.lower:
            raise ValidationError(
                f"The revenue band {self.code!r} runs from {self.lower} to {self.upper}; its "
                f"upper end must exceed its lower end.",
                code=ProductsCode.RATE_PLAN_BAND_INVERTED,
                field="to",
                value=str(self.upper),
            )

    def contains(self, revenue: Decimal) -> bool:
        return self.lower <= revenue and (self.upper is None or revenue < self.upper)


@dataclass(frozen=True, slots=True)
class IndustryGroup:
    """A group of GB/T 4754-2017 sections sharing one column of the base premium table."""

    code: str
    sections: tuple[str, ...]
    name: Text | None = None


@dataclass(frozen=True, slots=True)
class BasePremiumRow:
    """One cell of the base premium table: the premium for a limit (and band, group)."""

    limit: Decimal
    premium: Decimal
    revenue_band: str | None = None
    industry_group: str | None = None

    @property
    def key(self) -> tuple[Decimal, str | None, str | None]:
        return (self.limit, self.revenue_band, self.industry_group)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """A point (input, coefficient) of a piecewise-linear guide."""

    at: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class Level:
    """A level of a categorical guide and its coefficient."""

    level: str
    value: Decimal
    name: Text | None = None


@dataclass(frozen=True, slots=True)
class Coefficient:
    """An adjustment coefficient: its factor, filed range, and an optional guide to its value.

    The guide is one of ``points`` (piecewise linear in a score or quantity, constant beyond the
    end points), ``steps`` (a table of bands: each value holds from its ``at`` up to the next
    step's) or ``levels`` (a table of categories).
    """

    factor: str
    range: FiledRange
    points: tuple[CurvePoint, ...] = ()
    levels: tuple[Level, ...] = ()
    note: Text | None = None
    steps: tuple[CurvePoint, ...] = ()

    def __post_init__(self) -> None:
        given = [name for name in ("points", "steps", "levels") if getattr(self, name)]
        if len(given) > 1:
            raise ValidationError(
                f"The coefficient {self.factor!r} gives {' and '.join(given)}; give one guide.",
                code=ProductsCode.RATE_PLAN_TWO_GUIDES,
                field=given[1],
            )
        for name in ("points", "steps"):
            for before, after in pairwise(getattr(self, name)):
                if after.at <= before.at:
                    raise ValidationError(
                        f"The {name} of the coefficient {self.factor!r} must have strictly "
                        f"increasing inputs, but {after.at} follows {before.at}.",
                        code=ProductsCode.RATE_PLAN_CURVE_POINTS_UNORDERED,
                        field=name,
                        value=str(after.at),
                    )

    @property
    def guide(self) -> tuple[CurvePoint, ...]:
        """The numeric guide (points or steps), empty for a level table or no guide."""
        return self.points or self.steps

    def value_for(self, reading: Number) -> Decimal:
        """The guide's coefficient for a score, quantity or level (before clamping).

        Between two points the value is linear, ``v0 + (v1 − v0)(x − a0)/(a1 − a0)``, rounded
        half-up to 4 decimal places; outside the points it is the nearest end value. A step table
        gives the value of the last step at or below the reading (the first step's below it).
        """
        if self.levels:
            return self._level(str(reading))
        if not self.guide:
            raise ValidationError(
                f"The coefficient {self.factor!r} has no guide; choose its value within "
                f"[{self.range.lo}, {self.range.hi}].",
                code=ProductsCode.RATE_PLAN_NO_GUIDE,
                field=self.factor,
            )
        x = to_decimal(reading, field=self.factor)
        if self.steps:
            return next((s.value for s in reversed(self.steps) if s.at <= x), self.steps[0].value)
        return _interpolate(self.points, x)

    def _level(self, key: str) -> Decimal:
        for level in self.levels:
            if level.level == key:
                return level.value
        raise ValidationError(
            f"The level {key!r} is not in the guide of the coefficient {self.factor!r}; use "
            f"one of {[level.level for level in self.levels]}.",
            code=ProductsCode.RATE_PLAN_UNKNOWN_LEVEL,
            field=self.factor,
            value=key,
        )


def _interpolate(points: tuple[CurvePoint, ...], x: Decimal) -> Decimal:
    if x <= points[0].at:
        return points[0].value
    for left, right in pairwise(points):
        if x <= right.at:
            slope = (right.value - left.value) / (right.at - left.at)
            value = left.value + slope * (x - left.at)
            return half_up(value, COEFFICIENT_QUANTUM)
    return points[-1].value


@dataclass(frozen=True, slots=True)
class ClampFlag:
    """One adjustment the clamp made: a coefficient (or the product) moved to a filed limit,
    or a coefficient not supplied and taken as 1."""

    factor: str  # a factor code, or "product" for the bound on the product
    kind: Literal["raised_to_lo", "lowered_to_hi", "defaulted"]
    requested: Decimal | None
    applied: Decimal


class ClampResult(NamedTuple):
    """``(coefficients, product, flags)``: clamped coefficients by factor, their clamped product,
    and what was adjusted."""

    coefficients: Mapping[str, Decimal]
    product: Decimal
    flags: tuple[ClampFlag, ...]


@dataclass(frozen=True, slots=True)
class RatePlan:
    """A filed rate plan: base premium table, coefficients and the bound on their product."""

    basis: str
    base_premiums: tuple[BasePremiumRow, ...]
    coefficients: tuple[Coefficient, ...]
    product_bound: FiledRange
    revenue_bands: tuple[RevenueBand, ...] = ()
    industry_groups: tuple[IndustryGroup, ...] = ()
    note: Text | None = None

    def coefficient(self, factor: str) -> Coefficient:
        for coefficient in self.coefficients:
            if coefficient.factor == factor:
                return coefficient
        raise ValidationError(
            f"The rate plan files no coefficient for the factor {factor!r}; it files "
            f"{[c.factor for c in self.coefficients]}.",
            code=ProductsCode.RATE_PLAN_FACTOR_NOT_FILED,
            field="coefficients",
            value=factor,
        )

    def revenue_band(self, revenue: Number) -> RevenueBand:
        amount = to_decimal(revenue, field="revenue")
        for band in self.revenue_bands:
            if band.contains(amount):
                return band
        raise ValidationError(
            f"The revenue {amount} falls in none of the rate plan's revenue bands.",
            code=ProductsCode.RATE_PLAN_NO_BASE_PREMIUM,
            field="revenue",
            value=str(amount),
        )

    def industry_group(self, industry_section: str) -> IndustryGroup:
        for group in self.industry_groups:
            if industry_section in group.sections:
                return group
        raise ValidationError(
            f"The industry section {industry_section!r} is in none of the rate plan's industry "
            f"groups.",
            code=ProductsCode.RATE_PLAN_NO_BASE_PREMIUM,
            field="industry_section",
            value=industry_section,
        )

    def base_premium(
        self, *, limit: Number, revenue: Number | None = None, industry_section: str | None = None
    ) -> Decimal:
        """The filed base premium for a limit (and revenue, industry section where the table
        has those dimensions); raises :class:`ValidationError` on a gap in the table."""
        amount = to_decimal(limit, field="limit")
        band = group = None
        if self.revenue_bands:
            if revenue is None:
                raise _missing_input("revenue", "revenue bands")
            band = self.revenue_band(revenue).code
        if self.industry_groups:
            if industry_section is None:
                raise _missing_input("industry_section", "industry groups")
            group = self.industry_group(industry_section).code
        for row in self.base_premiums:
            if row.key == (amount, band, group):
                return row.premium
        raise ValidationError(
            f"The base premium table has no entry for limit {amount}, revenue band {band!r} and "
            f"industry group {group!r}.",
            code=ProductsCode.RATE_PLAN_NO_BASE_PREMIUM,
            field="limit",
            value=str(amount),
        )

    def clamp(self, coefficients: Mapping[str, Number]) -> ClampResult:
        """Clamp each coefficient into its filed range and the product into the filed bound.

        A filed factor not supplied counts as 1 (flagged ``defaulted``); a factor the plan does
        not file is refused. The product is exact (50 significant digits), not rounded.
        """
        unknown = sorted(set(coefficients) - {c.factor for c in self.coefficients})
        if unknown:
            raise ValidationError(
                f"The coefficients {unknown} are not filed in this rate plan; it files "
                f"{[c.factor for c in self.coefficients]}.",
                code=ProductsCode.RATE_PLAN_FACTOR_NOT_FILED,
                field="coefficients",
                value=repr(unknown),
            )
        clamped: dict[str, Decimal] = {}
        flags: list[ClampFlag] = []
        for filed in self.coefficients:
            if filed.factor not in coefficients:
                clamped[filed.factor] = Decimal(1)
                flags.append(ClampFlag(filed.factor, "defaulted", None, Decimal(1)))
                continue
            requested = to_decimal(coefficients[filed.factor], field=filed.factor)
            if requested <= 0:
                raise ValidationError(
                    f"The coefficient {filed.factor} {requested} must be positive.",
                    code=ProductsCode.RATE_PLAN_COEFFICIENT_NOT_POSITIVE,
                    field=filed.factor,
                    value=str(requested),
                )
            clamped[filed.factor] = _clamp_one(filed.factor, filed.range, requested, flags)
        with localcontext() as context:
            context.prec = 50
            raw_product = Decimal(1)
            for value in clamped.values():
                raw_product *= value
        product = _clamp_one("product", self.product_bound, raw_product, flags)
        return ClampResult(MappingProxyType(clamped), product, tuple(flags))


def _clamp_one(factor: str, filed: FiledRange, value: Decimal, flags: list[ClampFlag]) -> Decimal:
    applied = filed.clamp(value)
    if applied > value:
        flags.append(ClampFlag(factor, "raised_to_lo", value, applied))
    elif applied < value:
        flags.append(ClampFlag(factor, "lowered_to_hi", value, applied))
    return applied


def _missing_input(name: str, dimension: str) -> ValidationError:
    return ValidationError(
        f"The rate plan's base premium table has {dimension}, so the {name} is required.",
        code=ProductsCode.RATE_PLAN_INPUT_MISSING,
        field=name,
    )
