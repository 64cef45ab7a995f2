"""The score model (``data/score_model.yaml``): factor weights, deductions, grades, caps and the
credit each answer earns, plus the *effective* answer of every scored question.

A scored question's effective answer is what the score and the risk modifiers use:

- answered and asked: the answer;
- not asked because its condition is false: the best answer when the model gives it
  ``not_applicable: 1`` (the risk is absent, e.g. MFA on remote access when there is none),
  else the worst;
- unanswered (or its condition cannot be decided yet): the worst answer. A missing declaration
  never scores better than a "no".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Literal

from liubu.assessment._tables import Path, Table, load_table, parse_table
from liubu.assessment.answers import AnswerSet
from liubu.assessment.questionnaire import AnswerValue, Questionnaire, QuestionType, Visibility
from liubu.assessment.reasons import AssessmentCode
from liubu.core import half_up
from liubu.errors import ConfigurationError
from liubu.products import Text

_FILE = "score_model.yaml"
TENTH = Decimal("0.1")
SEVERITIES = ("critical", "high", "medium", "low", "info")
CONFIDENCES = ("confirmed", "tentative")
CONTROLS = "controls"


def tenth(value: Decimal) -> Decimal:
    """``value`` rounded half-up to one decimal place."""
    return half_up(value, TENTH)


@dataclass(frozen=True)
class Band:
    """A number band: answers at most ``at_most`` earn ``credit``."""

    at_most: Decimal
    credit: Decimal


@dataclass(frozen=True)
class QuestionWeight:
    """How one question scores: ``points`` × the credit (0–1) of the answer."""

    question_id: str
    points: Decimal
    credits: Mapping[str, Decimal]
    bands: tuple[Band, ...] = ()
    not_applicable: Decimal = Decimal(0)

    def credit(self, value: AnswerValue | None) -> Decimal:
        """The credit of ``value`` (``None``, the worst answer, earns 0)."""
        if value is None:
            return Decimal(0)
        if self.bands:
            if isinstance(value, str):
                return Decimal(0)
            number = Decimal(repr(float(value)))
            return next((b.credit for b in self.bands if number <= b.at_most), Decimal(0))
        return self.credits.get(str(value), Decimal(0))

    @property
    def best(self) -> AnswerValue:
        """An answer earning full credit."""
        if self.bands:
            return float(self.bands[0].at_most)
        return max(self.credits, key=lambda option: (self.credits[option], option))

    @property
    def worst(self) -> AnswerValue | None:
        """The least-credit answer (``None`` for a number: beyond every band)."""
        if self.bands:
            return None
        return min(self.credits, key=lambda option: (self.credits[option], option))


@dataclass(frozen=True)
class FactorSpec:
    name: str
    max_points: Decimal
    title: Text


@dataclass(frozen=True)
class CapRule:
    """While a finding with code ``finding`` is detected (or the effective answer to
    ``question`` is one of ``answers``), the grade is at most ``max_grade``."""

    id: str
    max_grade: str
    reason: Text
    finding: str | None = None
    question: str | None = None
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreModel:
    version: int
    factors: tuple[FactorSpec, ...]
    severity_share: Mapping[str, Decimal]
    overrides: Mapping[str, Decimal]
    repeat_step: Decimal
    repeat_limit: Decimal
    inconclusive_as: str
    grades: tuple[tuple[str, Decimal], ...]
    caps: tuple[CapRule, ...]
    questions: Mapping[str, QuestionWeight]
    default_credits: Mapping[str, Mapping[str, Decimal]]
    confidence_weight: Mapping[str, Decimal] = field(
        default_factory=lambda: {c: Decimal(1) for c in CONFIDENCES}
    )
    unscanned_share: Decimal = Decimal(1)

    def factor(self, name: str) -> FactorSpec:
        return next(f for f in self.factors if f.name == name)

    def grade_for(self, value: Decimal) -> str:
        """The grade of a score: the first grade whose minimum it reaches."""
        return next(grade for grade, low in self.grades if value >= low)

    def ceiling(self, grade: str) -> Decimal:
        """The highest score with ``grade``: 0.1 below the next better grade's minimum."""
        names = [g for g, _ in self.grades]
        index = names.index(grade)
        return Decimal(100) if index == 0 else self.grades[index - 1][1] - TENTH

    def deduction(
        self, code: str, severity: str, factor: str, assets: int, confidence: str = "confirmed"
    ) -> Decimal:
        """Points a finding costs its factor when seen on ``assets`` assets:
        share × factor points × repeat × confidence weight, rounded half-up to 0.1."""
        share = self.overrides.get(code, self.severity_share[severity])
        repeat = min(Decimal(1) + self.repeat_step * (assets - 1), self.repeat_limit)
        weight = self.confidence_weight[confidence]
        return tenth(share * self.factor(factor).max_points * repeat * weight)


@cache
def load_score_model() -> ScoreModel:
    """The packaged score model (read once)."""
    return _build(load_table(_FILE))


def parse_score_model(text: str, *, filename: str = _FILE) -> ScoreModel:
    return _build(parse_table(text, filename))


def _text(table: Table, path: Path) -> Text:
    return Text(zh=table.text((*path, "zh")), en=table.text((*path, "en")))


def _build(table: Table) -> ScoreModel:
    factors = tuple(
        FactorSpec(
            table.text(("factors", i, "name")),
            table.decimal(("factors", i, "max_points")),
            _text(table, ("factors", i, "title")),
        )
        for i in range(len(table.sequence(("factors",))))
    )
    if sum(f.max_points for f in factors) != 100 or CONTROLS not in {f.name for f in factors}:
        raise table.fail(
            "The factors must include 'controls' and add up to 100 points.", ("factors",)
        )
    shares = {s: table.decimal(("deductions", "severity_share", s)) for s in SEVERITIES}
    overrides = {
        str(code): table.decimal(("deductions", "overrides", code))
        for code in table.mapping(("deductions", "overrides"))
    }
    grades = tuple(
        (table.text(("grades", i, "grade")), table.decimal(("grades", i, "min")))
        for i in range(len(table.sequence(("grades",))))
    )
    if [low for _, low in grades] != sorted((low for _, low in grades), reverse=True) or (
        grades[-1][1] != 0
    ):
        raise table.fail("Grades must run from the best down, the last with min 0.", ("grades",))
    questions = {str(qid): _weight(table, str(qid)) for qid in table.mapping(("questions",))}
    total = sum(w.points for w in questions.values())
    controls = next(f for f in factors if f.name == CONTROLS).max_points
    if total != controls:
        raise table.fail(f"Question points add up to {total}, not to {controls}.", ("questions",))
    confidence = {c: Decimal(1) for c in CONFIDENCES}
    if "confidence" in table.data:
        confidence = {c: table.decimal(("confidence", c)) for c in CONFIDENCES}
        if not all(0 <= w <= 1 for w in confidence.values()) or confidence["confirmed"] != 1:
            raise table.fail(
                "Confidence weights must lie in [0, 1], with confirmed = 1.", ("confidence",)
            )
    unscanned = Decimal(1)
    if "unscanned" in table.data:
        unscanned = table.decimal(("unscanned", "share"))
        if not 0 <= unscanned <= 1:
            raise table.fail("The unscanned share must lie in [0, 1].", ("unscanned", "share"))
    inconclusive = table.text(("inconclusive", "counts_as"))
    if inconclusive not in SEVERITIES:
        raise table.fail(f"Unknown severity {inconclusive!r}.", ("inconclusive", "counts_as"))
    return ScoreModel(
        version=int(table.get(("version",))),
        factors=factors,
        severity_share=shares,
        overrides=overrides,
        repeat_step=table.decimal(("deductions", "repeat", "each_additional_asset")),
        repeat_limit=table.decimal(("deductions", "repeat", "at_most")),
        inconclusive_as=inconclusive,
        grades=grades,
        caps=tuple(
            _cap(table, i, {g for g, _ in grades}) for i in range(len(table.sequence(("caps",))))
        ),
        questions=questions,
        confidence_weight=confidence,
        unscanned_share=unscanned,
        default_credits={
            str(kind): {
                str(value): table.decimal(("credits", kind, value))
                for value in table.mapping(("credits", kind))
            }
            for kind in table.mapping(("credits",))
        },
    )


def _weight(table: Table, qid: str) -> QuestionWeight:
    path: Path = ("questions", qid)
    row = table.mapping(path)
    credits = {str(k): table.decimal((*path, "credits", k)) for k in row.get("credits", {}) or {}}
    bands = tuple(
        Band(
            table.decimal((*path, "bands", i, "at_most")),
            table.decimal((*path, "bands", i, "credit")),
        )
        for i in range(len(row.get("bands", ()) or ()))
    )
    if bands and [b.credit for b in bands] != sorted((b.credit for b in bands), reverse=True):
        raise table.fail("Band credits must not rise as the bound rises.", (*path, "bands"))
    applicable = table.decimal((*path, "not_applicable")) if "not_applicable" in row else Decimal(0)
    if applicable not in (0, 1):
        raise table.fail("not_applicable must be 0 or 1.", (*path, "not_applicable"))
    return QuestionWeight(qid, table.decimal((*path, "points")), credits, bands, applicable)


def _cap(table: Table, index: int, grades: set[str]) -> CapRule:
    path: Path = ("caps", index)
    row = table.mapping(path)
    grade = table.text((*path, "max_grade"))
    if grade not in grades or ("finding" in row) == ("question" in row):
        raise table.fail("A cap needs a known max_grade and either a finding or a question.", path)
    return CapRule(
        id=table.text((*path, "id")),
        max_grade=grade,
        reason=_text(table, (*path, "reason")),
        finding=str(row["finding"]) if "finding" in row else None,
        question=str(row["question"]) if "question" in row else None,
        answers=tuple(str(v) for v in row.get("answers", ())),
    )


def weights_for(model: ScoreModel, questionnaire: Questionnaire) -> dict[str, QuestionWeight]:
    """The model's question weights, each completed with its type's default credits (the
    file's ``credits`` table) and checked against ``questionnaire``: a scored question must
    exist and every option needs a credit."""
    out: dict[str, QuestionWeight] = {}
    for qid, weight in model.questions.items():
        if not questionnaire.has(qid):
            raise ConfigurationError(
                f"The score model scores question {qid!r}, which questionnaire version "
                f"{questionnaire.version} does not ask.",
                code=AssessmentCode.SCORE_MODEL,
            )
        question = questionnaire.question(qid)
        credits = dict(weight.credits or model.default_credits.get(str(question.type), {}))
        missing = set(question.values) - set(credits)
        if missing or (question.type is QuestionType.NUMBER) != bool(weight.bands):
            raise ConfigurationError(
                f"The score model's entry for {qid} does not fit the question: credits for "
                f"{sorted(missing)} missing, or bands on a non-number.",
                code=AssessmentCode.SCORE_MODEL,
            )
        out[qid] = QuestionWeight(qid, weight.points, credits, weight.bands, weight.not_applicable)
    return out


State = Literal["answered", "unanswered", "not_applicable"]


@dataclass(frozen=True)
class EffectiveAnswer:
    """The answer a scored question counts with (see the module docstring)."""

    question_id: str
    state: State
    value: AnswerValue | None
    credit: Decimal


def effective_answers(
    questionnaire: Questionnaire, answers: AnswerSet | None, model: ScoreModel
) -> dict[str, EffectiveAnswer]:
    """The effective answer of every scored question, by question id."""
    values = {} if answers is None else answers.values()
    shown = questionnaire.visibility(values)
    out: dict[str, EffectiveAnswer] = {}
    for qid, weight in weights_for(model, questionnaire).items():
        if shown[qid] is Visibility.NOT_APPLICABLE:
            value = weight.best if weight.not_applicable == 1 else weight.worst
            out[qid] = EffectiveAnswer(qid, "not_applicable", value, weight.not_applicable)
        elif shown[qid] is Visibility.SHOWN and qid in values:
            out[qid] = EffectiveAnswer(qid, "answered", values[qid], weight.credit(values[qid]))
        else:
            out[qid] = EffectiveAnswer(qid, "unanswered", weight.worst, Decimal(0))
    return out
