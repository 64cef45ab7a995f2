"""Eligibility (投保条件): does an applicant meet a product's ``Eligibility``?

Each failure names the rule (``eligibility.<field of liubu.products.Eligibility>``), the
requirement and the applicant's value, with a bilingual message. Revenue limits are half-open,
``revenue_min ≤ revenue < revenue_max``, as the rate plans' revenue bands are.

>>> from liubu.products import load_reference_catalogue
>>> spec = next(p for p in load_reference_catalogue() if p.code == "healthcare-cyber")
>>> [f.rule for f in check_eligibility(spec, industry_section="C", revenue=Decimal(1),
...                                    mlps_level=None, score=30.0, insured_kind="enterprise")]
['eligibility.industry_sections', 'eligibility.mlps_level_min', 'eligibility.security_score_min']
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liubu.products import ProductSpec, Text
from liubu.underwriting.labels import note


@dataclass(frozen=True, slots=True)
class EligibilityFailure:
    """One eligibility rule the applicant fails."""

    rule: str
    field: str
    required: str
    value: str
    message: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "field": self.field,
            "required": self.required,
            "value": self.value,
            "message": self.message.to_dict(),
        }


def _failure(
    rule: str, field: str, required: object, value: object, *, template: str | None = None
) -> EligibilityFailure:
    return EligibilityFailure(
        f"eligibility.{rule}",
        field,
        str(required),
        str(value),
        note(template or rule, section="eligibility", required=required, value=value),
    )


def _number(value: Decimal) -> str:
    return f"{value:,f}"


def check_eligibility(
    spec: ProductSpec,
    *,
    industry_section: str,
    revenue: Decimal,
    mlps_level: int | None,
    score: float,
    insured_kind: str,
) -> tuple[EligibilityFailure, ...]:
    """Every eligibility rule of ``spec`` the applicant fails (empty when eligible)."""
    rule = spec.eligibility
    out: list[EligibilityFailure] = []
    if insured_kind != rule.insured:
        out.append(_failure("insured", "insured_kind", rule.insured, insured_kind))
    if rule.industry_sections is not None and industry_section not in rule.industry_sections:
        allowed = ", ".join(rule.industry_sections)
        out.append(_failure("industry_sections", "industry_section", allowed, industry_section))
    if industry_section in rule.excluded_industry_sections:
        excluded = ", ".join(rule.excluded_industry_sections)
        out.append(
            _failure("excluded_industry_sections", "industry_section", excluded, industry_section)
        )
    amount = Decimal(revenue)
    if rule.revenue_min is not None and amount < rule.revenue_min:
        out.append(_failure("revenue_min", "revenue", _number(rule.revenue_min), _number(amount)))
    if rule.revenue_max is not None and amount >= rule.revenue_max:
        out.append(_failure("revenue_max", "revenue", _number(rule.revenue_max), _number(amount)))
    if rule.mlps_level_min is not None and (mlps_level is None or mlps_level < rule.mlps_level_min):
        template = "mlps_not_graded" if mlps_level is None else None
        out.append(
            _failure(
                "mlps_level_min",
                "mlps_level",
                rule.mlps_level_min,
                "none" if mlps_level is None else mlps_level,
                template=template,
            )
        )
    minimum = rule.security_score_min
    if minimum is not None and Decimal(repr(float(score))) < minimum:
        out.append(_failure("security_score_min", "score", minimum, score))
    return tuple(out)
