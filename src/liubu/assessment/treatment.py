"""The pre-bind treatment plan (保前治疗): findings and missing controls ranked by money.

For each fix — resolving every finding of one code, or bringing one control to its best answer
(with any question that answer newly asks) — the plan recomputes the security score, the risk
model's expected annual loss (EAL) and 1-in-100 annual loss with the Fourier engine, and the
filed premium of the chosen product, against the baseline. Fixes are ranked by

    net annual saving = −(ΔEAL + Δ filed premium) − annualised cost (middle of its range),

shown, and compared, in whole yuan (half-up). Each fix has a status: ``worth_it`` (net saving
above ¥0), ``costs_more`` (not worth it, but it moves the expected loss) or
``no_modelled_effect`` (the expected loss does not move at all, e.g. no risk-effect row matches).
Worth-it fixes rank first, then the ones that cost more, both by net saving; fixes with no
modelled effect come last, unranked, and say so.

:meth:`TreatmentPlan.headline` names only worth-it fixes (the best ``n``) and states exactly the
sum of their rows' net savings in whole yuan — the figures the rows show. It notes what they save
applied together when that differs (:meth:`TreatmentPlan.combined` recomputes jointly: fixes that
act on the same scenario overlap, fixes held by two caps complement each other), and, when the
score is below the product's minimum, that fixes are needed for cover at all. Money is Decimal
CNY, rounded half-up to the fen; changes are new − baseline (negative: lower).

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
from enum import StrEnum
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
from liubu.core import half_up
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


YUAN = Decimal(1)


def whole_yuan(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the whole yuan: the figure a row and the headline show."""
    return half_up(value, YUAN)


def _yuan(value: Decimal) -> str:
    amount = whole_yuan(value)
    return f"{'−' if amount < 0 else ''}¥{abs(amount):,.0f}"


class FixStatus(StrEnum):
    """Whether a fix pays for itself on the modelled money."""

    WORTH_IT = "worth_it"  # net saving (whole yuan) above 0
    COSTS_MORE = "costs_more"  # not worth it, but the expected loss moves
    NO_MODELLED_EFFECT = "no_modelled_effect"  # not worth it, and the expected loss moves by 0


STATUS_LABELS = {
    FixStatus.WORTH_IT: Text(
        zh="值得做：省下的多于成本", en="worth doing: saves more than it costs"
    ),
    FixStatus.COSTS_MORE: Text(zh="成本高于节省", en="costs more than it saves"),
    FixStatus.NO_MODELLED_EFFECT: Text(
        zh="模型中对预期损失无影响", en="no modelled effect on expected loss"
    ),
}


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

    @property
    def net_saving_yuan(self) -> Decimal:
        """The net annual saving in whole yuan (half-up): the figure shown and added up."""
        return whole_yuan(self.net_annual_saving)

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
            "net_saving_yuan": str(self.net_saving_yuan),
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
    rank: int | None = None  # 1 = best; None: no modelled effect, not ranked

    @property
    def status(self) -> FixStatus:
        """Worth it when the net saving shown (whole yuan) is above 0; otherwise no modelled
        effect when the expected loss does not move at all, else it costs more than it saves."""
        if self.net_saving_yuan > 0:
            return FixStatus.WORTH_IT
        if self.eal_change == 0:
            return FixStatus.NO_MODELLED_EFFECT
        return FixStatus.COSTS_MORE

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix_id": self.fix_id,
            "rank": self.rank,
            "status": self.status.value,
            "status_label": STATUS_LABELS[self.status].to_dict(),
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
class Headline:
    """The plan's headline. ``fix_ids``: the best worth-it fixes (none when no fix pays for
    itself); ``net_saving_yuan``: exactly the sum of their rows' whole-yuan net savings;
    ``together``: those fixes recomputed jointly (None without any); ``score_minimum``: the
    product's minimum score when today's score is below it, and ``reach_minimum`` the fixes that
    alone bring the score up to it. ``text`` says it, ``notes`` add the joint saving when it
    differs and the minimum score when it is missed."""

    fix_ids: tuple[str, ...]
    net_saving_yuan: Decimal
    together: CombinedEffect | None
    score_minimum: Decimal | None
    reach_minimum: tuple[str, ...]
    text: Text
    notes: tuple[Text, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fix_ids": list(self.fix_ids),
            "net_saving_yuan": str(self.net_saving_yuan),
            "together": None if self.together is None else self.together.to_dict(),
            "score_minimum": _str(self.score_minimum),
            "reach_minimum": list(self.reach_minimum),
            "text": self.text.to_dict(),
            "notes": [note.to_dict() for note in self.notes],
        }


def _names(fixes: Iterable[Fix], *, most: int | None = None) -> Text:
    """``#rank title`` of each fix (no number for an unranked one); past ``most``, a count."""
    chosen = list(fixes)
    shown = chosen if most is None else chosen[:most]
    titles = [(f.title or Text(zh=f.fix_id, en=f.fix_id), f.rank) for f in shown]
    zh = "；".join(f"{'' if rank is None else f'#{rank} '}{t.zh}" for t, rank in titles)
    en = "; ".join(f"{'' if rank is None else f'#{rank} '}{t.en}" for t, rank in titles)
    if len(chosen) > len(shown):
        more = len(chosen) - len(shown)
        zh, en = f"{zh} 等另 {more} 项", f"{en} and {more} more"
    return Text(zh=zh, en=en)


def _headline(plan: TreatmentPlan, n: int) -> Headline:
    named = [f for f in plan.fixes if f.status is FixStatus.WORTH_IT][:n]
    total = sum((f.net_saving_yuan for f in named), Decimal(0))
    notes: list[Text] = []
    together = None
    if named:
        names = _names(named)
        if len(named) == 1:
            text = Text(
                zh=f"做这 1 项，扣除成本后每年净省 {_yuan(total)}：{names.zh}",
                en=f"Do this fix and save {_yuan(total)} a year after its cost: {names.en}",
            )
        else:
            text = Text(
                zh=f"做这 {len(named)} 项，扣除成本后每年合计净省 {_yuan(total)}：{names.zh}",
                en=f"Do these {len(named)} fixes and save {_yuan(total)} a year after their "
                f"cost: {names.en}",
            )
        together = plan.combined(f.fix_id for f in named)
        joint = whole_yuan(together.net_annual_saving)
        if len(named) > 1 and joint != total:
            notes.append(
                Text(
                    zh=f"以上为各项单独测算之和；同时实施时相互影响，重新合并测算为每年净省 "
                    f"{_yuan(joint)}。",
                    en="That is the sum of each fix counted alone; done together they interact, "
                    f"and recomputed jointly they save {_yuan(joint)} a year net.",
                )
            )
    elif not plan.fixes:
        text = Text(zh="没有需要整改的项目。", en="There is nothing to fix.")
    else:
        text = Text(
            zh="没有一项整改仅凭预期损失和保费的节省就能收回成本。",
            en="No fix pays for itself on expected loss and premium alone.",
        )
    premium = plan.baseline.premium
    minimum: Decimal | None = None
    reach: tuple[str, ...] = ()
    if premium is not None and not premium.meets_score_minimum:
        minimum = premium.score_minimum
        assert minimum is not None
        reach = tuple(f.fix_id for f in plan.fixes if f.score >= minimum)
        reaching = _names((f for f in plan.fixes if f.fix_id in reach), most=3)
        zh = (
            f"另：当前评分 {plan.baseline.score.value} 低于该产品的最低要求 {minimum}，"
            "须先整改才能投保。"
        )
        en = (
            f"Besides: today's score {plan.baseline.score.value} is below this product's minimum "
            f"of {minimum}, so fixes are needed to be insured at all."
        )
        if reach:
            zh += f"单独即可达标的：{reaching.zh}。"
            en += f" Alone, these reach it: {reaching.en}."
        notes.append(Text(zh=zh, en=en))
    return Headline(
        fix_ids=tuple(f.fix_id for f in named),
        net_saving_yuan=total,
        together=together,
        score_minimum=minimum,
        reach_minimum=reach,
        text=text,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class TreatmentPlan:
    """The baseline and the fixes: worth it, then costing more (each by net annual saving,
    best first), then those with no modelled effect (unranked)."""

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

    def headline(self, n: int = 3) -> Headline:
        """The headline over the best ``n`` worth-it fixes (see the module docstring)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValidationError(
                f"headline(n) needs a positive whole number of fixes, not {n!r}.",
                code=AssessmentCode.TREATMENT_BAD_TOP,
                field="n",
                value=repr(n),
            )
        return _headline(self, n)

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
            "headline": self.headline(top).to_dict(),
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
    scanned: bool = True,
) -> TreatmentPlan:
    """The treatment plan for an enterprise (see the module docstring).

    ``revenue`` is annual revenue in CNY; ``industry_section`` its GB/T 4754 section letter;
    ``premium`` the filed premium of the chosen product and limit at a score (underwriting's one
    pricing path; None: no premium). Raises :class:`~liubu.errors.ValidationError` on unusable
    answers, an unknown section, or a limit, revenue or industry the product's rate table lacks.
    ``scanned=False``: no outside-in scan has finished, so those factors count the average.
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
        scanned=scanned,
    )
    _, model = situation.model(Change())
    bucket, log2 = choose_grid(model)
    situation = replace(situation, bucket=bucket, log2=log2, _losses={})
    start = situation.evaluate(Change())
    baseline = Baseline(start.score, start.eal, start.var100, start.premium)
    pool = candidates(situation)
    return TreatmentPlan(
        baseline=baseline,
        fixes=ranked(_fix(baseline, situation.evaluate(c.change), c) for c in pool),
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


_ORDER = (FixStatus.WORTH_IT, FixStatus.COSTS_MORE)


def ranked(fixes: Iterable[Fix]) -> tuple[Fix, ...]:
    """Worth-it fixes, then those that cost more, each by net annual saving (best first), ranked
    1, 2, …; then, unranked and in the order given, those with no modelled effect."""
    pool = list(fixes)
    ranked_ = sorted(
        (f for f in pool if f.status in _ORDER),
        key=lambda f: (_ORDER.index(f.status), -f.net_annual_saving, f.fix_id),
    )
    return (
        *(replace(f, rank=number) for number, f in enumerate(ranked_, 1)),
        *(replace(f, rank=None) for f in pool if f.status is FixStatus.NO_MODELLED_EFFECT),
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
        "ranking": "net annual saving = -(EAL change + premium change) - annualised cost (middle); "
        "worth it (net above 0 in whole yuan) first, then costs more, each by net saving; no "
        "modelled effect (EAL change 0) last, unranked",
        "headline": "the best worth-it fixes; their rows' whole-yuan net savings summed",
    }
