"""From the security score to the risk engine: per-scenario frequency and severity modifiers
(``data/risk_effects.yaml``) relative to the average insured the scenario library describes.

For each scenario of the library (``liubu.risk.scenario_names()``)::

    frequency = clamp(g(score) × Π f_row / Π f_row(average insured), bounds.frequency)
    severity  = clamp(Π s_row / Π s_row(average insured), bounds.severity)

where ``g`` is the scenario's grade profile made continuous in the score (log-linear between the
grades' middle scores, 1 at the average insured's score) and the rows are those whose finding is
detected or whose question's effective answer matches (see :mod:`liubu.assessment.score_model`).
A submission with only a score gets :func:`score_modifiers` (the rows at their average). Every
row cites a source or is marked an assumption.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from liubu.assessment._tables import Path, Table, load_table, parse_table
from liubu.assessment.answers import AnswerSet
from liubu.assessment.questionnaire import AnswerValue, Questionnaire, load_questionnaire
from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan import Finding, FindingStatus
from liubu.assessment.score_model import ScoreModel, effective_answers, load_score_model
from liubu.assessment.scoring import SecurityScore
from liubu.errors import ConfigurationError
from liubu.risk import Modifier, scenario_names

_FILE = "risk_effects.yaml"


@dataclass(frozen=True)
class Effect:
    frequency: float = 1.0
    severity: float = 1.0


@dataclass(frozen=True)
class Basis:
    """Where a multiplier comes from: a source key, or an assumption (maybe informed by some)."""

    source: str | None
    assumption: bool
    informed_by: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "assumption": self.assumption,
            "informed_by": list(self.informed_by),
            "note": self.note,
        }


@dataclass(frozen=True)
class EffectRow:
    """A finding (``kind="finding"``) or a question's answers or number bands, and the effect."""

    kind: str
    ref: str
    basis: Basis
    effect: Effect = Effect()
    answers: Mapping[str, Effect] | None = None
    bands: tuple[tuple[float, Effect], ...] = ()

    def match(self, detected: set[str], value: AnswerValue | None) -> Effect | None:
        """The row's effect for the detected finding codes, or for the effective answer."""
        if self.kind == "finding":
            return self.effect if self.ref in detected else None
        if self.answers is not None:
            return self.answers.get(value) if isinstance(value, str) else None
        if value is None or isinstance(value, str):
            return None
        return next((effect for bound, effect in self.bands if float(value) <= bound), None)


@dataclass(frozen=True)
class ScenarioEffects:
    scenario: str
    profile: str
    grade_basis: Basis
    rows: tuple[EffectRow, ...]


@dataclass(frozen=True)
class RiskEffects:
    version: int
    sources: Mapping[str, str]
    profiles: Mapping[str, Mapping[str, float]]
    scenarios: Mapping[str, ScenarioEffects]
    frequency_bounds: tuple[float, float]
    severity_bounds: tuple[float, float]
    average_score: float = 62.5
    average_answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    average_basis: Basis | None = None
    #: per scenario, the product of its rows that match the average insured's answers
    average_rows: Mapping[str, Effect] = field(default_factory=dict)


def _average_rows(entry: ScenarioEffects, answers: Mapping[str, AnswerValue]) -> Effect:
    """The product of ``entry``'s question rows that match the average insured's ``answers``."""
    frequency = severity = 1.0
    for row in entry.rows:
        if row.kind != "question":
            continue
        effect = row.match(set(), answers.get(row.ref))
        if effect is not None:
            frequency *= effect.frequency
            severity *= effect.severity
    return Effect(frequency, severity)


@cache
def load_risk_effects() -> RiskEffects:
    """The packaged effects table (read once)."""
    return _build(load_table(_FILE))


def parse_risk_effects(text: str, *, filename: str = _FILE) -> RiskEffects:
    return _build(parse_table(text, filename))


def _build(table: Table) -> RiskEffects:
    sources = {str(k): table.text(("sources", k, "citation")) for k in table.mapping(("sources",))}
    profiles = {
        str(name): {
            str(g): float(table.decimal(("grade_profiles", name, g)))
            for g in table.mapping(("grade_profiles", name))
        }
        for name in table.mapping(("grade_profiles",))
    }
    scenarios = {}
    for name in table.mapping(("scenarios",)):
        path: Path = ("scenarios", name)
        profile = table.text((*path, "grade", "profile"))
        if profile not in profiles:
            raise table.fail(f"Unknown grade profile {profile!r}.", (*path, "grade"))
        rows = tuple(
            _row(table, (*path, "rows", i), sources)
            for i in range(len(table.sequence((*path, "rows"))))
        )
        scenarios[str(name)] = ScenarioEffects(
            str(name), profile, _basis(table, (*path, "grade"), sources), rows
        )
    bounds = {
        key: tuple(float(table.decimal(("bounds", key, i))) for i in (0, 1))
        for key in ("frequency", "severity")
    }
    average = table.mapping(("average_insured",))
    answers = {str(k): v for k, v in table.mapping(("average_insured", "answers")).items()}
    asked = {row.ref for entry in scenarios.values() for row in entry.rows if row.kind != "finding"}
    missing = sorted(asked - set(answers))
    if missing:
        raise table.fail(
            f"The average insured has no answer to {missing}.", ("average_insured", "answers")
        )
    return RiskEffects(
        int(table.get(("version",))),
        sources,
        profiles,
        scenarios,
        (bounds["frequency"][0], bounds["frequency"][1]),
        (bounds["severity"][0], bounds["severity"][1]),
        float(table.decimal(("average_insured", "score"))),
        answers,
        _basis(table, ("average_insured",), sources) if average else None,
        {name: _average_rows(entry, answers) for name, entry in scenarios.items()},
    )


def _basis(table: Table, path: Path, sources: Mapping[str, str]) -> Basis:
    row = table.mapping(path)
    source = row.get("source")
    assumption = row.get("assumption") is True
    informed = tuple(str(s) for s in row.get("informed_by", ()))
    if (source is None) != assumption:
        raise table.fail("Give either `source:` or `assumption: true`.", path)
    unknown = [s for s in (*informed, *([source] if source else [])) if s not in sources]
    if unknown:
        raise table.fail(f"Unknown source keys {unknown}.", path)
    return Basis(
        None if source is None else str(source),
        assumption,
        informed,
        str(row.get("note", "")).strip(),
    )


def _effect(table: Table, path: Path) -> Effect:
    row = table.mapping(path)
    values = {
        k: float(table.decimal((*path, k))) if k in row else 1.0 for k in ("frequency", "severity")
    }
    if min(values.values()) <= 0:
        raise table.fail("Multipliers must be positive.", path)
    return Effect(values["frequency"], values["severity"])


def _row(table: Table, path: Path, sources: Mapping[str, str]) -> EffectRow:
    row = table.mapping(path)
    basis = _basis(table, path, sources)
    if "finding" in row:
        return EffectRow("finding", str(row["finding"]), basis, _effect(table, path))
    ref = table.text((*path, "question"))
    if "answers" in row:
        answers = {
            str(k): _effect(table, (*path, "answers", k)) for k in table.mapping((*path, "answers"))
        }
        return EffectRow("question", ref, basis, answers=answers)
    bands = tuple(
        (float(table.decimal((*path, "bands", i, "at_most"))), _effect(table, (*path, "bands", i)))
        for i in range(len(table.sequence((*path, "bands"))))
    )
    return EffectRow("question", ref, basis, bands=bands)


@dataclass(frozen=True)
class AppliedEffect:
    """One multiplier applied to a scenario: ``ref`` is ``grade:<G>``, a finding code or a
    question id."""

    ref: str
    frequency: float
    severity: float
    basis: Basis

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "frequency": self.frequency,
            "severity": self.severity,
            "basis": self.basis.to_dict(),
        }


@dataclass(frozen=True)
class ScenarioModifier:
    """A scenario's modifier, the multipliers behind it and whether the bounds held it."""

    scenario: str
    modifier: Modifier
    applied: tuple[AppliedEffect, ...]
    clamped: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "frequency": self.modifier.frequency,
            "severity": self.modifier.severity,
            "clamped": self.clamped,
            "applied": [a.to_dict() for a in self.applied],
        }


def modifier_breakdown(
    score: SecurityScore,
    answers: AnswerSet | None,
    findings: Iterable[Finding],
    *,
    questionnaire: Questionnaire | None = None,
    effects: RiskEffects | None = None,
    model: ScoreModel | None = None,
) -> dict[str, ScenarioModifier]:
    """Each library scenario's modifier with the grade and rows that produced it."""
    questionnaire = questionnaire or load_questionnaire()
    effects = effects or load_risk_effects()
    model = model or load_score_model()
    effective = effective_answers(questionnaire, answers, model)
    detected = {f.code for f in findings if f.status is not FindingStatus.INCONCLUSIVE}
    value = float(score.value)
    return {
        name: _one(effects, _effects_of(effects, name), value, model, detected, effective)
        for name in scenario_names()
    }


def _effects_of(effects: RiskEffects, name: str) -> ScenarioEffects:
    if name not in effects.scenarios:
        raise ConfigurationError(
            f"liubu/assessment/data/{_FILE} has no entry for the library scenario {name!r}.",
            code=AssessmentCode.RISK_EFFECTS,
        )
    return effects.scenarios[name]


def score_multiplier(
    effects: RiskEffects, profile: str, value: float, model: ScoreModel | None = None
) -> float:
    """g(score): the grade profile's multipliers placed at the middle of each grade's score
    range, joined log-linearly (extended with the end slopes), divided by g at the average
    insured's score. Strictly decreasing in the score whenever the profile is."""
    model = model or load_score_model()
    return _profile_curve(effects, profile, model, value) / _profile_curve(
        effects, profile, model, effects.average_score
    )


def _profile_curve(effects: RiskEffects, profile: str, model: ScoreModel, value: float) -> float:
    grades = model.grades  # best first, each with its minimum
    tops = [100.0, *(float(low) for _, low in grades[:-1])]
    anchors = sorted(
        ((float(low) + top) / 2, math.log(effects.profiles[profile][grade]))
        for (grade, low), top in zip(grades, tops, strict=True)
    )
    xs = [x for x, _ in anchors]
    ys = [y for _, y in anchors]
    if len(xs) == 1:
        return math.exp(ys[0])
    i = max(1, min(len(xs) - 1, next((k for k, x in enumerate(xs) if value <= x), len(xs) - 1)))
    slope = (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])
    return math.exp(ys[i - 1] + slope * (value - xs[i - 1]))


def score_modifiers(
    value: float, *, effects: RiskEffects | None = None, model: ScoreModel | None = None
) -> dict[str, Modifier]:
    """The modifiers expected of a firm known only by its score: g(score) on frequency, the
    rows at the average insured's (so 1 on severity)."""
    effects = effects or load_risk_effects()
    out = {}
    for name in scenario_names():
        entry = _effects_of(effects, name)
        frequency = _clamp(
            score_multiplier(effects, entry.profile, value, model), effects.frequency_bounds
        )
        out[name] = Modifier(frequency, 1.0)
    return out


def _one(
    effects: RiskEffects,
    entry: ScenarioEffects,
    value: float,
    model: ScoreModel,
    detected: set[str],
    effective: Mapping[str, Any],
) -> ScenarioModifier:
    applied = [
        AppliedEffect(
            f"score:{value:g}",
            score_multiplier(effects, entry.profile, value, model),
            1.0,
            entry.grade_basis,
        )
    ]
    for row in entry.rows:
        answer = effective[row.ref].value if row.kind == "question" else None
        effect = row.match(detected, answer)
        if effect is not None:
            applied.append(AppliedEffect(row.ref, effect.frequency, effect.severity, row.basis))
    average = effects.average_rows.get(entry.scenario, Effect())
    if effects.average_basis is not None and average != Effect():
        applied.append(
            AppliedEffect(
                "average_insured",
                1.0 / average.frequency,
                1.0 / average.severity,
                effects.average_basis,
            )
        )
    frequency = math.prod(a.frequency for a in applied)
    severity = math.prod(a.severity for a in applied)
    held = (_clamp(frequency, effects.frequency_bounds), _clamp(severity, effects.severity_bounds))
    return ScenarioModifier(
        entry.scenario, Modifier(*held), tuple(applied), held != (frequency, severity)
    )


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def risk_modifiers(
    score: SecurityScore,
    answers: AnswerSet | None,
    findings: Iterable[Finding],
    *,
    questionnaire: Questionnaire | None = None,
) -> dict[str, Modifier]:
    """The :class:`~liubu.risk.Modifier` of every library scenario (see the module docstring)."""
    breakdown = modifier_breakdown(score, answers, findings, questionnaire=questionnaire)
    return {name: entry.modifier for name, entry in breakdown.items()}
