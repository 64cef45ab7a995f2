"""The security score (安全评分): 0–100 with a grade A–E and a factor breakdown that explains
every point.

Five factors start full and lose points for outside-in scan findings (network exposure, TLS,
e-mail, vulnerabilities, web); the sixth earns points for the controls declared in the
questionnaire. Each factor lists its reasons: the finding codes (with the assets they were seen
on) and the question ids (with the effective answer) that moved it. Critical findings and a few
answers cap the grade (and hold the score at the top of that grade). Weights live in
``data/score_model.yaml``; ``docs/scoring.md`` explains them.

Properties: deterministic; factor points add up to ``uncapped``, and ``value`` is ``uncapped``
held at the lowest binding cap; resolving a finding or improving an answer never lowers the
score. A probe that timed out (status ``inconclusive``) is never a pass: it costs its factor as
much as a medium finding. A finding's confidence weighs its deduction: a ``tentative`` one (a CVE
matched on a distribution-packaged version that may carry a backported fix) costs the model's
``confidence.tentative`` share of it and caps no grade; a code seen on several assets counts as
confirmed when any of them is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from liubu.assessment.answers import AnswerSet, require_usable
from liubu.assessment.questionnaire import Questionnaire
from liubu.assessment.scan import Confidence, Finding, FindingStatus, vocabulary
from liubu.assessment.score_model import (
    CONTROLS,
    EffectiveAnswer,
    ScoreModel,
    effective_answers,
    load_score_model,
    tenth,
    weights_for,
)
from liubu.products import Text

ReasonKind = Literal["finding", "inconclusive", "answer", "waived", "not_scanned"]


@dataclass(frozen=True)
class ScoreReason:
    """One thing that moved a factor: ``points`` is its effect (≤ 0: points lost).

    Findings give their code and assets; answers give the question id, the effective answer and
    its state (``answered``, ``unanswered``, ``not_applicable``) and the credit it earned.
    """

    kind: ReasonKind
    ref: str
    points: Decimal
    assets: tuple[str, ...] = ()
    answer: str | float | None = None
    state: str | None = None
    credit: Decimal | None = None
    confidence: str = "confirmed"
    # What a person reads for ``ref``: the question asked, or the finding's title.
    title: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "ref": self.ref, "points": float(self.points)}
        if self.title is not None:
            out["title"] = self.title.to_dict()
        if self.kind == "answer":
            out |= {"answer": self.answer, "state": self.state, "credit": float(self.credit or 0)}
        else:
            out["assets"] = list(self.assets)
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True)
class FactorScore:
    """A factor's points out of ``max_points`` and the reasons it lost any."""

    factor: str
    title: Text
    points: Decimal
    max_points: Decimal
    reasons: tuple[ScoreReason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "title": self.title.to_dict(),
            "points": float(self.points),
            "max_points": float(self.max_points),
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True)
class AppliedCap:
    """A cap whose condition holds: grade at most ``max_grade``, score at most ``ceiling``;
    ``binding`` when it lowered the score; ``unanswered`` when its trigger is a question left
    unanswered (counted as its worst answer) rather than a declared answer."""

    id: str
    max_grade: str
    ceiling: Decimal
    reason: Text
    trigger: str
    binding: bool
    unanswered: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "max_grade": self.max_grade,
            "ceiling": float(self.ceiling),
            "reason": self.reason.to_dict(),
            "trigger": self.trigger,
            "binding": self.binding,
            "unanswered": self.unanswered,
        }


@dataclass(frozen=True)
class SecurityScore:
    """The score (one decimal), its grade, factor breakdown and caps, and what produced it."""

    value: Decimal
    grade: str
    uncapped: Decimal
    factors: tuple[FactorScore, ...]
    caps: tuple[AppliedCap, ...]
    model_version: int
    questionnaire_version: int
    answers_version: int | None = None

    def factor(self, name: str) -> FactorScore:
        return next(f for f in self.factors if f.factor == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": float(self.value),
            "grade": self.grade,
            "uncapped": float(self.uncapped),
            "factors": [factor.to_dict() for factor in self.factors],
            "caps": [cap.to_dict() for cap in self.caps],
            "model_version": self.model_version,
            "questionnaire_version": self.questionnaire_version,
            "answers_version": self.answers_version,
        }


def score(
    findings: Iterable[Finding],
    answers: AnswerSet | None,
    *,
    questionnaire: Questionnaire,
    model: ScoreModel | None = None,
    waived: Iterable[Finding] = (),
    scanned: bool = True,
) -> SecurityScore:
    """Score ``findings`` (from the scan, and vulnerability findings) and ``answers``.

    ``answers`` may be ``None`` (scan only: the controls factor earns nothing). Raises
    :class:`~liubu.errors.ValidationError` when an answer is to an unknown or unasked question,
    or of the wrong type; unanswered questions simply earn nothing. ``waived``: findings an
    insurer waived for their asset; each factor lists them as ``waived`` reasons at 0 points.
    ``scanned=False`` (no outside-in scan has completed): the outside-in factors are unknown and
    each counts the model's ``unscanned.share`` of its points with a ``not_scanned`` reason.
    """
    model = model or load_score_model()
    if answers is not None:
        require_usable(questionnaire, answers)
    effective = effective_answers(questionnaire, answers, model)
    detected, inconclusive = _group(findings)
    excused, _ = _group(waived)
    factors = []
    for spec in model.factors:
        if spec.name == CONTROLS:
            factors.append(_controls(model, questionnaire, effective))
        elif not scanned:
            factors.append(_unscanned(model, spec.name))
        else:
            factors.append(_scanned(model, spec.name, detected, inconclusive, excused))
    uncapped = sum((f.points for f in factors), Decimal(0))
    caps = _caps(model, detected, effective, uncapped)
    value = min([uncapped, *(cap.ceiling for cap in caps)])
    return SecurityScore(
        value=value,
        grade=model.grade_for(value),
        uncapped=uncapped,
        factors=tuple(factors),
        caps=caps,
        model_version=model.version,
        questionnaire_version=questionnaire.version,
        answers_version=None if answers is None else answers.version,
    )


@dataclass(frozen=True)
class _Seen:
    severity: str
    factor: str
    assets: tuple[str, ...]
    confidence: str = "confirmed"


def _group(findings: Iterable[Finding]) -> tuple[dict[str, _Seen], dict[str, tuple[str, ...]]]:
    """Detected findings by code (with their assets) and inconclusive targets by factor."""
    detected: dict[str, list[Finding]] = defaultdict(list)
    inconclusive: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        if finding.status is FindingStatus.INCONCLUSIVE:
            inconclusive[str(finding.factor)].append(finding.evidence.target)
        else:
            detected[finding.code].append(finding)
    grouped = {
        code: _Seen(
            str(items[0].severity),
            str(items[0].factor),
            _assets(items),
            _surest(items),
        )
        for code, items in detected.items()
    }
    return grouped, {factor: tuple(sorted(set(t))) for factor, t in inconclusive.items()}


def _surest(items: list[Finding]) -> str:
    """Confirmed if any sighting is; tentative only when every sighting is."""
    confirmed = any(f.confidence is Confidence.CONFIRMED for f in items)
    return str(Confidence.CONFIRMED if confirmed else Confidence.TENTATIVE)


def _assets(items: list[Finding]) -> tuple[str, ...]:
    """Distinct assets a finding was seen on (host, with the port when there is one)."""
    names = {
        f.evidence.target if f.evidence.port is None else f"{f.evidence.target}:{f.evidence.port}"
        for f in items
    }
    return tuple(sorted(names))


def _scanned(
    model: ScoreModel,
    factor: str,
    detected: Mapping[str, _Seen],
    inconclusive: Mapping[str, tuple[str, ...]],
    excused: Mapping[str, _Seen],
) -> FactorScore:
    spec = model.factor(factor)
    reasons = [
        ScoreReason(
            "finding",
            code,
            -model.deduction(code, seen.severity, factor, len(seen.assets), seen.confidence),
            seen.assets,
            confidence=seen.confidence,
            title=_finding_title(code),
        )
        for code, seen in sorted(detected.items())
        if seen.factor == factor
    ]
    if factor in inconclusive:
        targets = inconclusive[factor]
        cost = model.deduction("scan.timeout", model.inconclusive_as, factor, len(targets))
        reasons.append(
            ScoreReason(
                "inconclusive", "scan.timeout", -cost, targets, title=_finding_title("scan.timeout")
            )
        )
    reasons += [
        ScoreReason("waived", code, Decimal(0), seen.assets, title=_finding_title(code))
        for code, seen in sorted(excused.items())
        if seen.factor == factor
    ]
    lost = -sum((r.points for r in reasons), Decimal(0))
    points = max(spec.max_points - lost, Decimal(0))
    return FactorScore(factor, spec.title, points, spec.max_points, tuple(reasons))


def _finding_title(code: str) -> Text | None:
    known = vocabulary().get(code)
    return Text(en=known.title.en, zh=known.title.zh) if known is not None else None


def _unscanned(model: ScoreModel, factor: str) -> FactorScore:
    spec = model.factor(factor)
    points = tenth(spec.max_points * model.unscanned_share)
    reason = ScoreReason("not_scanned", "scan.not_run", points - spec.max_points)
    return FactorScore(factor, spec.title, points, spec.max_points, (reason,))


def _controls(
    model: ScoreModel, questionnaire: Questionnaire, effective: Mapping[str, EffectiveAnswer]
) -> FactorScore:
    spec = model.factor(CONTROLS)
    weights = weights_for(model, questionnaire)
    reasons = []
    earned_total = Decimal(0)
    for qid in questionnaire.ids:
        if qid not in weights:
            continue
        chosen, weight = effective[qid], weights[qid]
        earned = tenth(weight.points * chosen.credit)
        earned_total += earned
        reasons.append(
            ScoreReason(
                "answer",
                qid,
                earned - weight.points,
                answer=chosen.value,
                state=chosen.state,
                credit=chosen.credit,
                title=questionnaire.question(qid).text,
            )
        )
    return FactorScore(CONTROLS, spec.title, earned_total, spec.max_points, tuple(reasons))


def _caps(
    model: ScoreModel,
    detected: Mapping[str, _Seen],
    effective: Mapping[str, EffectiveAnswer],
    uncapped: Decimal,
) -> tuple[AppliedCap, ...]:
    """Every cap whose condition holds (a question's unanswered state counts as its worst)."""
    out = []
    for rule in model.caps:
        ceiling = model.ceiling(rule.max_grade)
        seen = detected.get(rule.finding) if rule.finding is not None else None
        if rule.finding is not None and seen is not None and seen.confidence == "confirmed":
            out.append(
                AppliedCap(
                    rule.id, rule.max_grade, ceiling, rule.reason, rule.finding, ceiling < uncapped
                )
            )
        elif rule.question is not None and rule.question in effective:
            chosen = effective[rule.question]
            if chosen.value in rule.answers:
                out.append(
                    AppliedCap(
                        rule.id,
                        rule.max_grade,
                        ceiling,
                        rule.reason,
                        rule.question,
                        ceiling < uncapped,
                        unanswered=chosen.state == "unanswered",
                    )
                )
    return tuple(out)
