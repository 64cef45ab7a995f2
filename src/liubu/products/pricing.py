"""What the filed premium of a quote is made of: the base premium looked up in the filed table
and the adjustment coefficients clamped to their filed ranges and bound.

The filed premium is ``base premium × Π clamped coefficients`` (the product itself clamped to the
filed bound). Rounding to the fen is the pricing step's business (``liubu.underwriting``); these
inputs are exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from liubu.products.rate_plan import ClampResult, Number, to_decimal
from liubu.products.spec import ProductSpec


@dataclass(frozen=True)
class FiledPremiumInputs:
    """The inputs and the looked-up parts of one filed premium, for the rating worksheet."""

    product_id: str
    limit: Decimal
    revenue: Decimal | None
    industry_section: str | None
    requested: Mapping[str, Decimal]
    base_premium: Decimal
    clamp: ClampResult

    @property
    def unrounded_premium(self) -> Decimal:
        """``base premium × clamped product of coefficients``, exact (not rounded)."""
        return self.base_premium * self.clamp.product


def filed_premium_inputs(
    spec: ProductSpec,
    *,
    limit: Number,
    revenue: Number | None = None,
    industry_section: str | None = None,
    coefficients: Mapping[str, Number],
) -> FiledPremiumInputs:
    """Look up the base premium and clamp the coefficients of ``spec``'s filed rate plan.

    Raises :class:`liubu.errors.ValidationError` when the table has no entry for the inputs or a
    coefficient is not filed.
    """
    plan = spec.rate_plan
    base = plan.base_premium(limit=limit, revenue=revenue, industry_section=industry_section)
    return FiledPremiumInputs(
        product_id=spec.product_id,
        limit=to_decimal(limit, field="limit"),
        revenue=None if revenue is None else to_decimal(revenue, field="revenue"),
        industry_section=industry_section,
        requested={name: to_decimal(value, field=name) for name, value in coefficients.items()},
        base_premium=base,
        clamp=plan.clamp(coefficients),
    )
