"""The treatment plan (保前治疗) priced by the one pricing path.

The assessment ranks fixes by what they save in expected loss and in premium; the premium it asks
for through its port (:class:`liubu.assessment.premium.PremiumAtScore`) is answered here by
:func:`~liubu.underwriting.filed.filed_price` for the same applicant a quote would price — the
enterprise's facts, MLPS level, declared claims and the product's default retention — with only
the security score moved. So the plan's baseline premium is the quote's filed premium for the
same enterprise, product and limit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from liubu.assessment import (
    AnswerSet,
    PlanPremium,
    SecurityScore,
    TreatmentPlan,
    answer_set_of,
    current_findings,
    has_been_scanned,
    latest_answers,
    load_questionnaire,
    plan_treatment,
    scored_findings,
    to_decimal,
)
from liubu.products import ProductSpec
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.filed import filed_price
from liubu.underwriting.lifecycle import LifecycleUnitOfWork, applicant_for
from liubu.underwriting.terms import check_limit, check_retention

SECURITY_SCORE = "security_score"


@dataclass(frozen=True)
class FiledPremiumAtScore:
    """The filed premium of ``spec`` at ``limit`` for ``applicant`` with its score replaced."""

    spec: ProductSpec
    applicant: Applicant
    limit: Decimal

    @property
    def product_id(self) -> str:
        return self.spec.product_id

    def __call__(self, score: SecurityScore) -> PlanPremium:
        moved = replace(self.applicant, score=float(score.value), grade=score.grade)
        price = filed_price(self.spec, moved, limit=self.limit, retention=None)
        line = next((x for x in price.lines if x.factor == SECURITY_SCORE), None)
        return PlanPremium(
            product_id=self.spec.product_id,
            limit=self.limit,
            retention=check_retention(self.spec, None),
            security_score=score.value,
            coefficient_applied=None if line is None else line.applied,
            premium=price.premium.amount,
            score_minimum=self.spec.eligibility.security_score_min,
        )


def treatment_plan(
    uow: LifecycleUnitOfWork,
    enterprise_id: str,
    *,
    product: ProductSpec | None,
    limit: Decimal | int | str,
) -> TreatmentPlan:
    """保前治疗 for an enterprise: fixes ranked by what they save in expected loss and in the filed
    premium of ``product`` at ``limit`` (no premium when ``product`` is None)."""
    enterprise = uow.enterprises.readable(enterprise_id)
    records = current_findings(uow, enterprise.id)
    answers = answer_set_of(latest_answers(uow, enterprise.id)) or AnswerSet.of(
        {}, answered_at=datetime.now(UTC)
    )
    premium = None
    if product is not None:
        applicant, _submission = applicant_for(uow, enterprise)
        chosen = check_limit(product, to_decimal(limit, field="limit"))
        premium = FiledPremiumAtScore(product, applicant, chosen)
    return plan_treatment(
        findings=scored_findings(records),
        answers=answers,
        questionnaire=load_questionnaire(),
        industry_section=enterprise.industry_section,
        revenue=enterprise.annual_revenue,
        premium=premium,
        scanned=has_been_scanned(uow, enterprise.id),
    )
