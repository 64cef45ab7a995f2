"""The pre-bind treatment plan (保前治疗): findings and missing controls ranked by money.

For each fix — resolving every finding of one code, or bringing one control to its best answer
(with any question that answer newly asks) — the plan recomputes the security score, the risk
model's expected annual loss (EAL) and 1-in-100 annual loss with the Fourier engine, and the
filed premium of the chosen product, against the baseline. Fixes are ranked by

    net annual saving = −(ΔEAL + Δ filed premium) − annualised cost (middle of its range),

and :meth:`TreatmentPlan.top` recomputes the best ``n`` fixes applied together (joint, not
summed: fixes that act on the same scenario overlap). Money is Decimal CNY, rounded half-up to
the fen; changes are new − baseline (negative: lower).

EAL and the 1-in-100 loss are of the model under ``terms`` (ground-up when ``terms`` is None):
the loss the fix avoids for the enterprise. The premium is the quote's filed premium for the
same enterprise, product and limit at each score, asked of underwriting through the port in
:mod:`liubu.assessment.premium` (one pricing path). Savings in EAL
and in premium are added as the issue asks; when the enterprise buys the cover, part of the EAL
saving accrues to the insurer, so the sum overstates its own gain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from liubu.assessment._what_if import (
    GRID_LOG2,
    GRID_REACH_MEANS,
    RETURN_LEVEL,
    Candidate,
    Change,
    Outcome,
    Situation,
    candidates,
    choose_grid,
)
from liubu.assessment.answers import AnswerSet
from liubu.assessment.fix_costs import FixCost, load_fix_costs
from liubu.assessment.premium import PlanPremium, PremiumAtScore
from liubu.assessment.questionnaire import AnswerValue, Questionnaire
from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan import Finding, FindingStatus
from liubu.assessment.scoring import SecurityScore
from liubu.errors import ValidationError
from liubu.products import Text
from liubu.risk import Terms, band_for_revenue


def to_decimal(value: Decimal | int | str, *, field: str) -> Decimal:
    """``value`` (CNY) as a finite, non-negative Decimal."""
    try:
        amount = Decimal(value) if not isinstance(value, bool) else Decimal("NaN")
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            f"The {field} must be a non-negative amount in CNY, not {value!r}.",
            code=AssessmentCode.TREATMENT_BAD_AMOUNT,
            field=field,
            value=repr(value),
        )
    return amount


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Baseline:
    """The enterprise as it is: score, EAL, 1-in-100 loss and filed premium."""

    score: SecurityScore
    eal: Decimal
    var100: Decimal
    premium: PlanPremium | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score.to_dict(),
            "eal": str(self.eal),
            "loss_1_in_100": str(self.var100),
            "premium": None if self.premium is None else self.premium.to_dict(),
        }


@dataclass(frozen=True)
class Consequence:
    """Score, EAL, 1-in-100 loss and premium after a change, and their changes (new − baseline)."""

    score: Decimal
    grade: str
    eal: Decimal
    eal_change: Decimal
    var100: Decimal
    var100_change: Decimal
    premium: Decimal | None
    premium_change: Decimal | None
    cost: FixCost

    @property
    def annual_saving(self) -> Decimal:
        """−(ΔEAL + Δ premium): what the change saves a year before its cost."""
        return -(self.eal_change + (self.premium_change or Decimal(0)))

    @property
    def net_annual_saving(self) -> Decimal:
        """The annual saving less the middle of the annualised cost range."""
        return self.annual_saving - self.cost.annualised_mid

    def _dict(self) -> dict[str, Any]:
        return {
            "score": str(self.score),
            "grade": self.grade,
            "eal": str(self.eal),
            "eal_change": str(self.eal_change),
            "loss_1_in_100": str(self.var100),
            "loss_1_in_100_change": str(self.var100_change),
            "premium": _str(self.premium),
            "premium_change": _str(self.premium_change),
            "annual_saving": str(self.annual_saving),
            "cost": self.cost.to_dict(),
            "net_annual_saving": str(self.net_annual_saving),
        }


@dataclass(frozen=True)
class Fix(Consequence):
    """One fix and its consequence. ``resolves`` lists finding codes or question ids;
    ``target_answers`` the answers it sets; ``unanswered`` flags a control that was not declared
    (declaring it, if it is already in place, is enough)."""

    fix_id: str = ""
    kind: str = ""
    resolves: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    target_answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    unanswered: bool = False
    title: Text | None = None
    advice: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix_id": self.fix_id,
            "kind": self.kind,
            "resolves": list(self.resolves),
            "assets": list(self.assets),
            "target_answers": dict(self.target_answers),
            "unanswered": self.unanswered,
            "title": None if self.title is None else self.title.to_dict(),
            "advice": None if self.advice is None else self.advice.to_dict(),
            **self._dict(),
        }


@dataclass(frozen=True)
class CombinedEffect(Consequence):
    """Several fixes applied together, recomputed jointly; costs add up."""

    fix_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"fix_ids": list(self.fix_ids), **self._dict()}


@dataclass(frozen=True)
class TreatmentPlan:
    """The baseline and the fixes ranked by net annual saving (best first)."""

    baseline: Baseline
    fixes: tuple[Fix, ...]
    inconclusive_assets: tuple[str, ...]
    settings: Mapping[str, Any]
    _situation: Situation = field(repr=False, compare=False)
    _candidates: Mapping[str, Candidate] = field(repr=False, compare=False)

    def top(self, n: int) -> CombinedEffect:
        """The best ``n`` fixes (fewer if the plan has fewer) applied together."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValidationError(
                f"top(n) needs a positive whole number of fixes, not {n!r}.",
                code=AssessmentCode.TREATMENT_BAD_TOP,
                field="n",
                value=repr(n),
            )
        return self.combined(fix.fix_id for fix in self.fixes[:n])

    def combined(self, fix_ids: Iterable[str]) -> CombinedEffect:
        """The fixes ``fix_ids`` applied together, recomputed jointly (costs add up)."""
        chosen = []
        for fix_id in dict.fromkeys(fix_ids):
            if fix_id not in self._candidates:
                raise ValidationError(
                    f"The plan has no fix {fix_id!r}.",
                    code=AssessmentCode.TREATMENT_UNKNOWN_FIX,
                    field="fix_ids",
                    value=fix_id,
                )
            chosen.append(self._candidates[fix_id])
        if not chosen:
            raise ValidationError(
                "Name at least one fix to combine.", code=AssessmentCode.TREATMENT_NO_FIXES
            )
        change, cost = chosen[0].change, chosen[0].cost
        for candidate in chosen[1:]:
            change, cost = change.merge(candidate.change), cost.plus(candidate.cost)
        outcome = self._situation.evaluate(change)
        return CombinedEffect(
            **_consequence(self.baseline, outcome, cost), fix_ids=tuple(c.fix_id for c in chosen)
        )

    def to_dict(self, *, top: int = 3) -> dict[str, Any]:
        return {
            "baseline": self.baseline.to_dict(),
            "fixes": [fix.to_dict() for fix in self.fixes],
            f"top_{top}": self.top(top).to_dict() if self.fixes else None,
            "inconclusive_assets": list(self.inconclusive_assets),
            "settings": dict(self.settings),
        }


def _consequence(baseline: Baseline, outcome: Outcome, cost: FixCost) -> dict[str, Any]:
    premium = None if outcome.premium is None else outcome.premium.premium
    old = None if baseline.premium is None else baseline.premium.premium
    return {
        "score": outcome.score.value,
        "grade": outcome.score.grade,
        "eal": outcome.eal,
        "eal_change": outcome.eal - baseline.eal,
        "var100": outcome.var100,
        "var100_change": outcome.var100 - baseline.var100,
        "premium": premium,
        "premium_change": None if premium is None or old is None else premium - old,
        "cost": cost,
    }


def plan_treatment(
    *,
    findings: Iterable[Finding],
    answers: AnswerSet,
    questionnaire: Questionnaire,
    industry_section: str,
    revenue: Decimal | int | str,
    premium: PremiumAtScore | None,
    terms: Terms | None = None,
) -> TreatmentPlan:
    """The treatment plan for an enterprise (see the module docstring).

    ``revenue`` is annual revenue in CNY; ``industry_section`` its GB/T 4754 section letter;
    ``premium`` the filed premium of the chosen product and limit at a score (underwriting's one
    pricing path; None: no premium). Raises :class:`~liubu.errors.ValidationError` on unusable
    answers, an unknown section, or a limit, revenue or industry the product's rate table lacks.
    """
    amount = to_decimal(revenue, field="revenue")
    situation = Situation(
        findings=tuple(findings),
        answers=answers,
        questionnaire=questionnaire,
        industry_section=industry_section,
        revenue=amount,
        revenue_band=band_for_revenue(float(amount)),
        premium_at=premium,
        terms=terms or Terms(),
    )
    _, model = situation.model(Change())
    bucket, log2 = choose_grid(model)
    situation = replace(situation, bucket=bucket, log2=log2, _losses={})
    start = situation.evaluate(Change())
    baseline = Baseline(start.score, start.eal, start.var100, start.premium)
    pool = candidates(situation)
    fixes = sorted(
        (_fix(baseline, situation.evaluate(c.change), c) for c in pool),
        key=lambda fix: (-fix.net_annual_saving, fix.fix_id),
    )
    return TreatmentPlan(
        baseline=baseline,
        fixes=tuple(fixes),
        inconclusive_assets=tuple(
            sorted(
                {
                    f.evidence.target
                    for f in situation.findings
                    if f.status is FindingStatus.INCONCLUSIVE
                }
            )
        ),
        settings=_settings(situation),
        _situation=situation,
        _candidates={c.fix_id: c for c in pool},
    )


def _fix(baseline: Baseline, outcome: Outcome, candidate: Candidate) -> Fix:
    return Fix(
        **_consequence(baseline, outcome, candidate.cost),
        fix_id=candidate.fix_id,
        kind=candidate.kind,
        resolves=candidate.resolves,
        assets=candidate.assets,
        target_answers=dict(candidate.change.answers),
        unanswered=candidate.unanswered,
        title=candidate.title,
        advice=candidate.advice,
    )


def _settings(situation: Situation) -> dict[str, Any]:
    premium = situation.premium_at
    return {
        "engine": "fft",
        "grid": {
            "bucket": situation.bucket,
            "log2": situation.log2,
            "rule": f"2^{GRID_LOG2} buckets reaching {GRID_REACH_MEANS:g} x baseline EAL "
            "(ground-up), else the engine's choice at the baseline",
        },
        "loss_1_in_100": f"annual aggregate loss quantile at {RETURN_LEVEL}",
        "terms": "ground-up" if situation.terms.is_ground_up else "as given",
        "industry_section": situation.industry_section,
        "revenue": str(situation.revenue),
        "revenue_band": situation.revenue_band,
        "limit": None if premium is None else str(premium.limit),
        "product_id": None if premium is None else premium.product_id,
        "premium_basis": "the quote's filed premium (underwriting) for this enterprise, product "
        "and limit, at each score",
        "cost_basis": f"fix_costs.yaml v{load_fix_costs().version} (assumptions), annualised over "
        f"{load_fix_costs().amortisation_years} years; ranking uses the middle",
        "ranking": "net annual saving = -(EAL change + premium change) - annualised cost (middle)",
    }
