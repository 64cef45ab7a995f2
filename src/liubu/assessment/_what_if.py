"""What-if evaluation for the treatment plan: apply a hypothetical change (findings resolved,
answers improved) and recompute the score, the risk model's expected annual loss and 1-in-100
loss, and the filed premium.

All evaluations of one plan share one Fourier grid, chosen for the baseline model, so that the
differences between them are not moved by a change of discretisation. Ground-up models (no
aggregate limit, no retention) get a grid of 2^14 buckets reaching 5,000 times the baseline's
expected annual loss; the engine's automatic grid would there size itself on the 1 − 10⁻⁹ quantile
of the heaviest lognormal and leave the 1-in-100 loss one or two buckets wide. With policy terms
the engine's own choice (at the limit plus retention) is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from liubu.assessment.answers import AnswerSet
from liubu.assessment.fix_costs import (
    FixCost,
    fen,
    fix_cost_for_finding,
    fix_cost_for_question,
    question_texts,
)
from liubu.assessment.modifiers import risk_modifiers
from liubu.assessment.premium import PlanPremium, PremiumAtScore
from liubu.assessment.questionnaire import AnswerValue, Questionnaire, Visibility
from liubu.assessment.scan import Finding, FindingStatus, definition
from liubu.assessment.score_model import effective_answers, load_score_model, weights_for
from liubu.assessment.scoring import SecurityScore, score
from liubu.products import Text
from liubu.risk import Model, Scenario, Terms, enterprise_model, quantify

GRID_LOG2 = 14
GRID_REACH_MEANS = 5000.0
RETURN_LEVEL = 0.99  # the 1-in-100 annual loss is the 99 % quantile


def money(value: float) -> Decimal:
    """A float amount in CNY as Decimal, rounded half-up to the fen."""
    return fen(Decimal(repr(float(value))))


@dataclass(frozen=True)
class Change:
    """A hypothetical change: finding codes resolved, answers set."""

    codes: frozenset[str] = frozenset()
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    def merge(self, other: Change) -> Change:
        return Change(self.codes | other.codes, {**self.answers, **other.answers})


@dataclass(frozen=True)
class Outcome:
    score: SecurityScore
    eal: Decimal
    var100: Decimal
    premium: PlanPremium | None


@dataclass(frozen=True)
class Candidate:
    """A fix before evaluation: what it changes, its texts and its cost."""

    fix_id: str
    kind: Literal["finding", "question"]
    change: Change
    resolves: tuple[str, ...]
    assets: tuple[str, ...]
    unanswered: bool
    title: Text
    advice: Text
    cost: FixCost


@dataclass(frozen=True)
class Situation:
    """Everything a plan evaluates against: the enterprise as it is, and the grid."""

    findings: tuple[Finding, ...]
    answers: AnswerSet
    questionnaire: Questionnaire
    industry_section: str
    revenue: Decimal
    revenue_band: str
    premium_at: PremiumAtScore | None
    terms: Terms
    bucket: float = 0.0
    log2: int = GRID_LOG2
    scanned: bool = True

    def apply(self, change: Change) -> tuple[tuple[Finding, ...], AnswerSet]:
        """The findings and answers after ``change`` (answers to questions it hides dropped)."""
        findings = tuple(f for f in self.findings if f.code not in change.codes)
        merged = {**self.answers.values(), **change.answers}
        shown = self.questionnaire.visibility(merged)
        kept = {k: v for k, v in merged.items() if shown.get(k) is Visibility.SHOWN}
        answers = AnswerSet.of(
            {
                k: self.answers.answers.get(k, v) if k not in change.answers else v
                for k, v in kept.items()
            },
            answered_at=self.answers.answered_at,
            version=self.answers.version,
            questionnaire_version=self.answers.questionnaire_version,
        )
        return findings, answers

    # Losses by modifiers: a fix that changes neither the grade nor any effect row leaves the
    # model as it was and needs no new quantification.
    _losses: dict[tuple[tuple[str, float, float], ...], tuple[Decimal, Decimal]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def model(self, change: Change) -> tuple[SecurityScore, Model]:
        """The score and the enterprise's risk model after ``change``."""
        findings, answers = self.apply(change)
        result = score(findings, answers, questionnaire=self.questionnaire, scanned=self.scanned)
        modifiers = risk_modifiers(result, answers, findings, questionnaire=self.questionnaire)
        return result, enterprise_model(
            self.industry_section, self.revenue, modifiers, terms=self.terms
        )

    def evaluate(self, change: Change) -> Outcome:
        result, model = self.model(change)
        key = tuple((s.name, s.frequency.mean, _first_mean(s)) for s in model.scenarios)
        if key not in self._losses:
            quantified = quantify(model, engine="fft", bucket=self.bucket, log2=self.log2)
            self._losses[key] = (money(quantified.mean), money(quantified.var(RETURN_LEVEL)))
        eal, var100 = self._losses[key]
        premium = None if self.premium_at is None else self.premium_at(result)
        return Outcome(result, eal, var100, premium)


def _first_mean(scenario: Scenario) -> float:
    """The mean of a scenario's first component: it moves with the severity modifier."""
    return scenario.components[0].ground_up.mean


def choose_grid(model: Model) -> tuple[float, int]:
    """``(bucket, log2)`` for every evaluation of a plan (see the module docstring)."""
    terms = model.terms
    if math.isinf(terms.aggregate_limit) and terms.retention == 0:
        raw = GRID_REACH_MEANS * max(model.ground_up_mean, 1.0) / ((1 << GRID_LOG2) - 1)
        return _nice(raw), GRID_LOG2
    grid = quantify(model, engine="fft").settings["grid"]
    return float(grid["bucket"]), int(grid["log2"])


def _nice(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``raw``."""
    exponent = math.floor(math.log10(raw))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * 10.0**exponent >= raw * (1 - 1e-12):
            return step * 10.0**exponent
    return 10.0 ** (exponent + 1)


def candidates(situation: Situation) -> list[Candidate]:
    """One fix per detected finding code that costs points (an informational one the model
    scores at nothing, such as an unidentified open port, is no fix), then one per scored
    question that is asked (or asked-but-unanswered) and short of full credit, in
    questionnaire order."""
    model = load_score_model()
    out = [
        _finding_fix(situation, code)
        for code in sorted(
            {f.code for f in situation.findings if f.status is FindingStatus.DETECTED}
        )
        if model.overrides.get(code) != 0
    ]
    questionnaire, answers = situation.questionnaire, situation.answers
    weights = weights_for(model, questionnaire)
    effective = effective_answers(questionnaire, answers, model)
    shown = questionnaire.visibility(answers.values())
    for qid in questionnaire.ids:
        if qid in weights and shown[qid] is Visibility.SHOWN and effective[qid].credit < 1:
            out.append(_question_fix(situation, qid, unanswered=effective[qid].state != "answered"))
    return out


def _finding_fix(situation: Situation, code: str) -> Candidate:
    entry = definition(code)
    assets = sorted({f.evidence.target for f in situation.findings if f.code == code})
    return Candidate(
        fix_id=f"finding:{code}",
        kind="finding",
        change=Change(codes=frozenset({code})),
        resolves=(code,),
        assets=tuple(assets),
        unanswered=False,
        title=Text(zh=entry.title.zh, en=entry.title.en),
        advice=Text(zh=entry.remediation.zh, en=entry.remediation.en),
        cost=fix_cost_for_finding(code, str(entry.severity), revenue_band=situation.revenue_band),
    )


def _question_fix(situation: Situation, qid: str, *, unanswered: bool) -> Candidate:
    """Set ``qid`` to its best answer, and every scored question that change newly asks
    (still unanswered) to its best answer too; their costs add up."""
    questionnaire = situation.questionnaire
    weights = weights_for(load_score_model(), questionnaire)
    values: dict[str, AnswerValue] = dict(situation.answers.values())
    targets: dict[str, AnswerValue] = {}
    revealed = [qid]
    while revealed:
        before = questionnaire.visibility(values)
        for other in revealed:
            values[other] = targets[other] = weights[other].best
        after = questionnaire.visibility(values)
        revealed = [
            q
            for q in questionnaire.ids
            if q in weights
            and q not in values
            and after[q] is Visibility.SHOWN
            and before[q] is not Visibility.SHOWN
        ]
    cost = fix_cost_for_question(qid, revenue_band=situation.revenue_band)
    for other in targets:
        if other != qid:
            cost = cost.plus(fix_cost_for_question(other, revenue_band=situation.revenue_band))
    title, advice = question_texts(qid)
    return Candidate(
        fix_id=f"question:{qid}",
        kind="question",
        change=Change(answers=targets),
        resolves=tuple(targets),
        assets=(),
        unanswered=unanswered,
        title=title,
        advice=advice,
        cost=cost,
    )
