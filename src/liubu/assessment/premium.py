"""What the treatment plan asks of pricing: the filed premium at a security score (a port).

The premium has one path, underwriting's (:func:`liubu.underwriting.filed_price`, the same that
prices a quote); underwriting sits above the assessment, so the assessment declares what it needs
here and underwriting hands in an implementation (``liubu.underwriting.FiledPremiumAtScore``).
The plan asks for the premium of the enterprise as it is and after each fix: only the score moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from liubu.assessment.scoring import SecurityScore


@dataclass(frozen=True)
class PlanPremium:
    """The filed premium of one product and limit at one security score."""

    product_id: str
    limit: Decimal
    retention: Decimal
    security_score: Decimal
    coefficient_applied: Decimal | None
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
            "retention": str(self.retention),
            "security_score": str(self.security_score),
            "security_score_coefficient": None
            if self.coefficient_applied is None
            else str(self.coefficient_applied),
            "premium": str(self.premium),
            "score_minimum": None if self.score_minimum is None else str(self.score_minimum),
            "meets_score_minimum": self.meets_score_minimum,
        }


class PremiumAtScore(Protocol):
    """The filed premium of a fixed product, limit and applicant at ``score``."""

    @property
    def product_id(self) -> str: ...

    @property
    def limit(self) -> Decimal: ...

    def __call__(self, score: SecurityScore) -> PlanPremium: ...
