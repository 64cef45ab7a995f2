"""The filed premium a security score earns under a product's rate plan (for the treatment plan).

``premium = base premium(limit, revenue band, industry group) × clamp(Π coefficients)``, rounded
half-up to the fen, where the security-score coefficient is read off the plan's guide for the
score and clamped to its filed range, and every other filed coefficient is taken as 1 (stated in
``other_coefficients``): only the score moves in a treatment plan. The product of coefficients
is clamped to the plan's filed bound, exactly as :meth:`liubu.products.RatePlan.clamp` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liubu.assessment.fix_costs import fen
from liubu.errors import ValidationError
from liubu.products import ClampFlag, ProductSpec, filed_premium_inputs

SECURITY_SCORE = "security_score"


@dataclass(frozen=True)
class PremiumQuote:
    """The filed premium for one score, with the steps that produced it."""

    product_id: str
    limit: Decimal
    base_premium: Decimal
    security_score: Decimal
    coefficient_guide: Decimal | None
    coefficient_applied: Decimal | None
    coefficient_product: Decimal
    other_coefficients: tuple[str, ...]
    flags: tuple[ClampFlag, ...]
    premium: Decimal
    score_minimum: Decimal | None

    @property
    def meets_score_minimum(self) -> bool:
        """False when the product's eligibility asks for a higher security score."""
        return self.score_minimum is None or self.security_score >= self.score_minimum

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "limit": str(self.limit),
            "base_premium": str(self.base_premium),
            "security_score": str(self.security_score),
            "security_score_coefficient": {
                "guide": None if self.coefficient_guide is None else str(self.coefficient_guide),
                "applied": None
                if self.coefficient_applied is None
                else str(self.coefficient_applied),
            },
            "coefficient_product": str(self.coefficient_product),
            "other_coefficients_at_1": list(self.other_coefficients),
            "flags": [
                {
                    "factor": f.factor,
                    "kind": f.kind,
                    "requested": None if f.requested is None else str(f.requested),
                    "applied": str(f.applied),
                }
                for f in self.flags
            ],
            "premium": str(self.premium),
            "score_minimum": None if self.score_minimum is None else str(self.score_minimum),
            "meets_score_minimum": self.meets_score_minimum,
        }


def filed_premium(
    product: ProductSpec,
    *,
    score: Decimal,
    limit: Decimal | int | str,
    revenue: Decimal | int | str,
    industry_section: str,
) -> PremiumQuote:
    """The filed premium of ``product`` for a security ``score`` (see the module docstring).

    Raises :class:`~liubu.errors.ValidationError` when the rate table has no entry for the limit,
    revenue or industry.
    """
    plan = product.rate_plan
    filed = {c.factor for c in plan.coefficients}
    guide: Decimal | None = None
    requested: dict[str, Decimal] = {}
    if SECURITY_SCORE in filed:
        coefficient = plan.coefficient(SECURITY_SCORE)
        if coefficient.guide or coefficient.levels:
            guide = coefficient.value_for(score)
            requested[SECURITY_SCORE] = guide
    if guide is None and SECURITY_SCORE in filed:
        raise ValidationError(
            f"The product {product.product_id} files a security_score coefficient without a "
            "guide, so the score cannot set it.",
            code="assessment.premium_no_guide",
            field="rate_plan.coefficients.security_score",
        )
    inputs = filed_premium_inputs(
        product,
        limit=limit,
        revenue=revenue,
        industry_section=industry_section,
        coefficients=requested,
    )
    clamp = inputs.clamp
    return PremiumQuote(
        product_id=product.product_id,
        limit=inputs.limit,
        base_premium=inputs.base_premium,
        security_score=score,
        coefficient_guide=guide,
        coefficient_applied=clamp.coefficients.get(SECURITY_SCORE) if guide is not None else None,
        coefficient_product=clamp.product,
        other_coefficients=tuple(sorted(f for f in filed if f != SECURITY_SCORE)),
        flags=clamp.flags,
        premium=fen(inputs.unrounded_premium),
        score_minimum=product.eligibility.security_score_min,
    )
