"""Answers to the questionnaire: a versioned, frozen :class:`AnswerSet`, its validation and the
differences between two versions.

Answers are versioned because misrepresentation is the commonest coverage dispute: an answer
changed after binding must stay visible, so a revision is a new :class:`AnswerSet` with a higher
``version`` and :func:`diff_answers` lists what changed between two of them.

>>> from datetime import datetime, UTC
>>> bound = AnswerSet.of({"mfa.email": "yes"}, answered_at=datetime(2025, 3, 1, tzinfo=UTC))
>>> later = bound.revised({"mfa.email": "partial"}, answered_at=datetime(2025, 6, 1, tzinfo=UTC))
>>> [(c.question_id, c.kind, c.old_value, c.new_value) for c in diff_answers(bound, later)]
[('mfa.email', 'changed', 'yes', 'partial')]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from liubu.assessment.questionnaire import AnswerValue, Questionnaire, Visibility
from liubu.assessment.reasons import AssessmentCode
from liubu.errors import ValidationError

ProblemCode = Literal[
    "questionnaire_version",
    "unknown_question",
    "wrong_type",
    "not_an_option",
    "out_of_range",
    "hidden_answered",
    "missing_required",
    "evidence_missing",
    "evidence_not_requested",
]

#: Problems that make answers unusable for scoring (the others only make them incomplete).
UNUSABLE: frozenset[str] = frozenset(
    {
        "questionnaire_version",
        "unknown_question",
        "wrong_type",
        "not_an_option",
        "out_of_range",
        "hidden_answered",
    }
)


def _plain(value: object, *, field_name: str) -> AnswerValue:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValidationError(
            f"The answer {field_name} must be a string or a number, not {value!r}.",
            code=AssessmentCode.ANSWERS_BAD_VALUE,
            field=field_name,
            value=repr(value),
        )
    if isinstance(value, str):
        return value
    try:
        number = float(value)
    except OverflowError:  # an integer past the largest float (JSON allows any length)
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(
            f"The answer {field_name} must be a finite number, not {value!r}.",
            code=AssessmentCode.ANSWERS_BAD_VALUE,
            field=field_name,
            value=repr(value),
        )
    return number


@dataclass(frozen=True)
class Answer:
    """One answer: an option value or a number, with the ids of any evidence attachments."""

    value: AnswerValue
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _plain(self.value, field_name="value"))
        evidence = tuple(self.evidence)
        if any(not isinstance(item, str) or not item.strip() for item in evidence):
            raise ValidationError(
                f"Evidence attachment ids must be non-empty strings, not {evidence!r}.",
                code=AssessmentCode.ANSWERS_BAD_EVIDENCE,
                field="evidence",
                value=repr(evidence),
            )
        object.__setattr__(self, "evidence", evidence)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "evidence": list(self.evidence)}


def _as_answer(question_id: str, given: Answer | AnswerValue) -> Answer:
    if isinstance(given, Answer):
        return given
    return Answer(_plain(given, field_name=f"answers.{question_id}"))


def answer_from_json(question_id: str, given: object) -> Answer | AnswerValue:
    """One answer as a client sent it: a plain value, or ``{"value": …, "evidence": [ids]}``.

    Anything else — a mapping without ``value`` or with other keys, evidence that is not a list
    of strings — is refused (422, naming the field), never passed on half-read."""
    if not isinstance(given, Mapping):
        return _plain(given, field_name=f"answers.{question_id}")
    unknown = sorted(str(key) for key in given if key not in ("value", "evidence"))
    if "value" not in given or unknown:
        raise ValidationError(
            f"The answer answers.{question_id} must be a value or an object with 'value' and "
            f"optionally 'evidence'"
            + (f", not with {', '.join(unknown)}." if unknown else "; 'value' is missing."),
            code=AssessmentCode.ANSWERS_BAD_VALUE,
            field=f"answers.{question_id}",
        )
    evidence = given.get("evidence", ())
    if not isinstance(evidence, list | tuple):
        raise ValidationError(
            f"The evidence of answers.{question_id} must be a list of attachment ids, "
            f"not {evidence!r}.",
            code=AssessmentCode.ANSWERS_BAD_EVIDENCE,
            field=f"answers.{question_id}.evidence",
            value=repr(evidence),
        )
    return Answer(
        value=_plain(given["value"], field_name=f"answers.{question_id}.value"),
        evidence=tuple(evidence),
    )


@dataclass(frozen=True)
class AnswerSet:
    """The answers of one version, given at ``answered_at`` (timezone-aware UTC)."""

    answers: Mapping[str, Answer]
    answered_at: datetime
    version: int = 1
    questionnaire_version: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValidationError(
                f"The answer set version must be a positive integer, not {self.version!r}.",
                code=AssessmentCode.ANSWERS_BAD_VERSION,
                field="version",
                value=repr(self.version),
            )
        if self.answered_at.utcoffset() != timedelta(0):
            raise ValidationError(
                f"answered_at must be timezone-aware UTC, not {self.answered_at!r}.",
                code=AssessmentCode.ANSWERS_BAD_TIME,
                field="answered_at",
                value=str(self.answered_at),
            )
        frozen = {str(key): _as_answer(str(key), given) for key, given in self.answers.items()}
        object.__setattr__(self, "answers", MappingProxyType(frozen))

    @classmethod
    def of(
        cls,
        answers: Mapping[str, Answer | AnswerValue],
        *,
        answered_at: datetime,
        version: int = 1,
        questionnaire_version: int = 1,
    ) -> AnswerSet:
        """An answer set from plain values (or :class:`Answer` objects) by question id."""
        return cls(
            {key: _as_answer(key, given) for key, given in answers.items()},
            answered_at,
            version,
            questionnaire_version,
        )

    def revised(
        self, changes: Mapping[str, Answer | AnswerValue | None], *, answered_at: datetime
    ) -> AnswerSet:
        """The next version: ``changes`` applied (``None`` withdraws an answer)."""
        merged: dict[str, Answer] = dict(self.answers)
        for key, given in changes.items():
            if given is None:
                merged.pop(key, None)
            else:
                merged[key] = _as_answer(key, given)
        return AnswerSet(merged, answered_at, self.version + 1, self.questionnaire_version)

    def values(self) -> dict[str, AnswerValue]:
        """The answer values by question id."""
        return {key: answer.value for key, answer in self.answers.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "questionnaire_version": self.questionnaire_version,
            "answered_at": self.answered_at.isoformat(),
            "answers": {key: self.answers[key].to_dict() for key in sorted(self.answers)},
        }


@dataclass(frozen=True)
class AnswerProblem:
    """What is wrong with one answer, located as ``answers.<question id>``."""

    question_id: str
    code: ProblemCode
    message: str

    @property
    def location(self) -> str:
        return f"answers.{self.question_id}"

    @property
    def blocking(self) -> bool:
        """True when the answers cannot be scored until this is fixed."""
        return self.code in UNUSABLE

    def to_dict(self) -> dict[str, str]:
        return {
            "question_id": self.question_id,
            "code": self.code,
            "message": self.message,
            "location": self.location,
        }


def validate_answers(questionnaire: Questionnaire, answers: AnswerSet) -> list[AnswerProblem]:
    """Every problem with ``answers``, in questionnaire order (unknown ids last).

    Unknown question, wrong type, not an option, out of range, an answer to a question that is
    not asked (its condition is false or undetermined), a required question left unanswered,
    required evidence missing, evidence given where none is asked for.
    """
    problems: list[AnswerProblem] = []
    if answers.questionnaire_version != questionnaire.version:
        problems.append(
            AnswerProblem(
                "*",
                "questionnaire_version",
                f"The answers are to questionnaire version {answers.questionnaire_version}, "
                f"not to version {questionnaire.version}.",
            )
        )
    values = answers.values()
    shown = questionnaire.visibility(values)
    for question in questionnaire.questions:
        given = answers.answers.get(question.id)
        visible = shown[question.id] is Visibility.SHOWN
        if given is None:
            if visible and question.required:
                problems.append(
                    AnswerProblem(
                        question.id,
                        "missing_required",
                        f"The question {question.id} must be answered.",
                    )
                )
            continue
        if not visible:
            problems.append(
                AnswerProblem(
                    question.id,
                    "hidden_answered",
                    f"The question {question.id} is not asked ({shown[question.id]}) given the "
                    f"answer to {question.show_if.question if question.show_if else '?'}; "
                    "withdraw its answer.",
                )
            )
            continue
        wrong = question.problem(given.value)
        if wrong is not None:
            problems.append(AnswerProblem(question.id, wrong[0], wrong[1]))  # type: ignore[arg-type]
            continue
        problems.extend(_evidence_problems(question.id, question.evidence, given))
    for question_id in sorted(set(values) - set(questionnaire.ids)):
        problems.append(
            AnswerProblem(
                question_id,
                "unknown_question",
                f"The question {question_id!r} is not in questionnaire "
                f"version {questionnaire.version}.",
            )
        )
    return problems


def _evidence_problems(question_id: str, request: Any, given: Answer) -> list[AnswerProblem]:
    if request is None:
        if given.evidence:
            return [
                AnswerProblem(
                    question_id,
                    "evidence_not_requested",
                    f"The question {question_id} asks for no evidence.",
                )
            ]
        return []
    if request.required and request.applies(given.value) and not given.evidence:
        return [
            AnswerProblem(
                question_id,
                "evidence_missing",
                f"The answer to {question_id} needs evidence: {request.text.en}.",
            )
        ]
    return []


def require_usable(questionnaire: Questionnaire, answers: AnswerSet) -> None:
    """Raise :class:`ValidationError` on the first problem that prevents scoring."""
    for problem in validate_answers(questionnaire, answers):
        if problem.blocking:
            raise ValidationError(
                f"The answers cannot be scored: {problem.message}",
                code=AssessmentCode(f"answers.{problem.code}"),
                field=problem.location,
            )


ChangeKind = Literal["added", "removed", "changed", "evidence_changed"]


@dataclass(frozen=True)
class AnswerChange:
    """One difference between two answer sets (``changed_at`` is the newer set's time)."""

    question_id: str
    kind: ChangeKind
    old_value: AnswerValue | None
    new_value: AnswerValue | None
    old_evidence: tuple[str, ...] = ()
    new_evidence: tuple[str, ...] = ()
    from_version: int = 0
    to_version: int = 0
    changed_at: datetime | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "old_evidence": list(self.old_evidence),
            "new_evidence": list(self.new_evidence),
            "from_version": self.from_version,
            "to_version": self.to_version,
            "changed_at": None if self.changed_at is None else self.changed_at.isoformat(),
        }


def diff_answers(old: AnswerSet, new: AnswerSet) -> list[AnswerChange]:
    """What changed from ``old`` to ``new``, sorted by question id: answers added, withdrawn,
    changed in value, or with different evidence."""
    changes = []
    for question_id in sorted(set(old.answers) | set(new.answers)):
        before, after = old.answers.get(question_id), new.answers.get(question_id)
        if before == after:
            continue
        if before is None:
            kind: ChangeKind = "added"
        elif after is None:
            kind = "removed"
        elif before.value != after.value:
            kind = "changed"
        else:
            kind = "evidence_changed"
        changes.append(
            AnswerChange(
                question_id,
                kind,
                None if before is None else before.value,
                None if after is None else after.value,
                () if before is None else before.evidence,
                () if after is None else after.evidence,
                old.version,
                new.version,
                new.answered_at,
            )
        )
    return changes
