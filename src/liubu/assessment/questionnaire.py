"""The pre-bind security questionnaire (保前安全问卷), read from ``data/questionnaire.yaml``.

Questions are yes/no, yes/no/partial, a choice among options, or a number. A question with
``show_if`` is asked only when an earlier answer satisfies its condition; each question maps to
GB/T 22239-2019 (MLPS 2.0) control points, NIST CSF 2.0 subcategories and CIS Controls v8
safeguards, and says which attachments it asks for as evidence.

>>> questionnaire = load_questionnaire()
>>> questionnaire.question("mfa.remote_access").show_if.question
'ctx.remote_access'
>>> questionnaire.visibility({"ctx.remote_access": "no"})["mfa.remote_access"]
<Visibility.NOT_APPLICABLE: 'not_applicable'>
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from liubu.assessment._tables import Path, Table, load_table, parse_table
from liubu.products import Text

AnswerValue = str | float
"""An answer: an option's value (``"yes"``, ``"partial"``, ``"edr_all"``…) or a number."""

_FILE = "questionnaire.yaml"
_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_CSF = re.compile(r"(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}")
_CIS = re.compile(r"(\d{1,2})\.(\d{1,2})")


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    YES_NO_PARTIAL = "yes_no_partial"
    CHOICE = "choice"
    NUMBER = "number"


class Visibility(StrEnum):
    """``shown``: asked. ``not_applicable``: its condition is answered and false.
    ``undetermined``: the answer it depends on is missing (or itself not asked)."""

    SHOWN = "shown"
    NOT_APPLICABLE = "not_applicable"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Option:
    value: str
    text: Text


@dataclass(frozen=True)
class Condition:
    """Ask the question when the answer to ``question`` is one of ``values`` (options), or
    lies in [``at_least``, ``at_most``] (numbers)."""

    question: str
    values: tuple[str, ...] = ()
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, value: AnswerValue) -> bool:
        if self.values:
            return isinstance(value, str) and value in self.values
        if isinstance(value, str):
            return False
        low = -math.inf if self.at_least is None else self.at_least
        high = math.inf if self.at_most is None else self.at_most
        return low <= float(value) <= high


@dataclass(frozen=True)
class EvidenceRequest:
    """Attachments the question asks for: when the answer is one of ``when`` (any if empty)."""

    text: Text
    required: bool = False
    when: tuple[str, ...] = ()

    def applies(self, value: AnswerValue) -> bool:
        return not self.when or (isinstance(value, str) and value in self.when)


@dataclass(frozen=True)
class Mappings:
    """``mlps``: ``"area/control point"`` of GB/T 22239-2019; ``nist_csf``: CSF 2.0
    subcategories (``PR.AA-03``); ``cis_v8``: CIS Controls v8 safeguards (``6.3``)."""

    mlps: tuple[str, ...]
    nist_csf: tuple[str, ...]
    cis_v8: tuple[str, ...]

    @property
    def csf_functions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref[:2] for ref in self.nist_csf))


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    type: QuestionType
    text: Text
    mappings: Mappings
    options: tuple[Option, ...] = ()
    help: Text | None = None
    unit: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    show_if: Condition | None = None
    required: bool = True
    evidence: EvidenceRequest | None = None

    @property
    def values(self) -> tuple[str, ...]:
        """The option values (empty for a number)."""
        return tuple(option.value for option in self.options)

    def problem(self, value: object) -> tuple[str, str] | None:
        """``(code, message)`` when ``value`` is not a valid answer to this question."""
        if self.type is QuestionType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                return "wrong_type", f"The answer to {self.id} must be a number, not {value!r}."
            number = float(value)
            low = -math.inf if self.minimum is None else self.minimum
            high = math.inf if self.maximum is None else self.maximum
            if not low <= number <= high:
                return (
                    "out_of_range",
                    f"The answer {number:g} to {self.id} must lie in [{low:g}, {high:g}].",
                )
            return None
        if not isinstance(value, str):
            return "wrong_type", f"The answer to {self.id} must be one of {list(self.values)}."
        if value not in self.values:
            return (
                "not_an_option",
                f"The answer {value!r} to {self.id} must be one of {list(self.values)}.",
            )
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text


@dataclass(frozen=True)
class Questionnaire:
    """The questions in order (a question's condition refers only to earlier questions)."""

    version: int
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    mlps_areas: Mapping[str, tuple[str, ...]]
    csf_categories: tuple[str, ...]
    cis_safeguards: Mapping[int, int]
    mlps_names: Mapping[str, Text] = field(default_factory=dict)
    """Each MLPS ``"area/control point"`` reference in Chinese and English."""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def mlps_name(self, ref: str) -> Text:
        """The MLPS reference ``"安全计算环境/身份鉴别"`` as a reader of either language names it
        (``"Computing environment / Identification and authentication"``)."""
        return self.mlps_names[ref]

    def has(self, question_id: str) -> bool:
        return any(question.id == question_id for question in self.questions)

    def visibility(self, values: Mapping[str, AnswerValue]) -> dict[str, Visibility]:
        """Whether each question is asked, given the answer ``values`` by question id."""
        seen: dict[str, Visibility] = {}
        for question in self.questions:
            condition = question.show_if
            if condition is None:
                seen[question.id] = Visibility.SHOWN
                continue
            parent = seen[condition.question]
            if parent is not Visibility.SHOWN:
                seen[question.id] = parent
            elif condition.question not in values:
                seen[question.id] = Visibility.UNDETERMINED
            elif condition.holds(values[condition.question]):
                seen[question.id] = Visibility.SHOWN
            else:
                seen[question.id] = Visibility.NOT_APPLICABLE
        return seen

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "sections": [{"id": s.id, "title": s.title.to_dict()} for s in self.sections],
            "questions": [_question_dict(q) for q in self.questions],
        }


def _question_dict(question: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": question.id,
        "section": question.section,
        "type": str(question.type),
        "text": question.text.to_dict(),
        "required": question.required,
        "mappings": {
            "mlps": list(question.mappings.mlps),
            "nist_csf": list(question.mappings.nist_csf),
            "cis_v8": list(question.mappings.cis_v8),
        },
    }
    if question.options:
        out["options"] = [{"value": o.value, "text": o.text.to_dict()} for o in question.options]
    if question.help is not None:
        out["help"] = question.help.to_dict()
    if question.type is QuestionType.NUMBER:
        out["unit"] = None if question.unit is None else question.unit.to_dict()
        out["minimum"], out["maximum"] = question.minimum, question.maximum
    if question.show_if is not None:
        condition = question.show_if
        out["show_if"] = {"question": condition.question, "in": list(condition.values)}
        if not condition.values:
            out["show_if"] = {
                "question": condition.question,
                "at_least": condition.at_least,
                "at_most": condition.at_most,
            }
    if question.evidence is not None:
        out["evidence"] = {
            "required": question.evidence.required,
            "when": list(question.evidence.when),
            "text": question.evidence.text.to_dict(),
        }
    return out


@cache
def load_questionnaire() -> Questionnaire:
    """The packaged questionnaire (read once)."""
    return _build(load_table(_FILE))


def parse_questionnaire(text: str, *, filename: str = _FILE) -> Questionnaire:
    """A questionnaire from YAML ``text`` (the same format as the packaged one)."""
    return _build(parse_table(text, filename))


def _build(table: Table) -> Questionnaire:
    version = table.get(("version",))
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise table.fail(f"The questionnaire version must be a positive integer: {version!r}.", ())
    frameworks = ("frameworks",)
    areas, mlps_names = _mlps(table, (*frameworks, "mlps", "areas"))
    categories = tuple(str(c) for c in table.sequence((*frameworks, "nist_csf", "categories")))
    safeguards = {
        int(k): int(v)
        for k, v in table.mapping((*frameworks, "cis_v8", "safeguards_per_control")).items()
    }
    answer_texts = {
        key: _text(table, ("answer_texts", key)) for key in table.mapping(("answer_texts",))
    }
    sections = tuple(
        Section(table.text(("sections", i, "id")), _text(table, ("sections", i, "title")))
        for i in range(len(table.sequence(("sections",))))
    )
    context = _Context(table, areas, categories, safeguards, answer_texts, {s.id for s in sections})
    questions: list[Question] = []
    for index in range(len(table.sequence(("questions",)))):
        questions.append(context.question(("questions", index), questions))
    return Questionnaire(
        version, sections, tuple(questions), areas, categories, safeguards, mlps_names
    )


def _mlps(table: Table, path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, Text]]:
    """The MLPS areas with their control points, and each ``"area/point"`` reference's names."""
    areas: dict[str, tuple[str, ...]] = {}
    names: dict[str, Text] = {}
    for area in table.mapping(path):
        points = table.mapping((*path, area, "control_points"))
        areas[str(area)] = tuple(str(point) for point in points)
        area_en = table.text((*path, area, "en"))
        for point in points:
            ref = f"{area}/{point}"
            point_en = table.text((*path, area, "control_points", point))
            names[ref] = Text(zh=ref, en=f"{area_en} / {point_en}")
    return areas, names


def _text(table: Table, path: Path) -> Text:
    return Text(zh=table.text((*path, "zh")), en=table.text((*path, "en")))


def _optional_text(table: Table, row: Mapping[str, Any], path: Path, key: str) -> Text | None:
    return _text(table, (*path, key)) if key in row else None


def _number(table: Table, row: Mapping[str, Any], path: Path, key: str) -> float | None:
    return float(table.decimal((*path, key))) if key in row else None


@dataclass(frozen=True)
class _Context:
    table: Table
    areas: Mapping[str, tuple[str, ...]]
    categories: tuple[str, ...]
    safeguards: Mapping[int, int]
    answer_texts: Mapping[str, Text]
    sections: set[str]

    def question(self, path: Path, earlier: list[Question]) -> Question:
        table, row = self.table, self.table.mapping(path)
        question_id = table.text((*path, "id"))
        if not _ID.fullmatch(question_id) or any(q.id == question_id for q in earlier):
            raise table.fail(f"The question id {question_id!r} is malformed or repeated.", path)
        section = table.text((*path, "section"))
        if section not in self.sections:
            raise table.fail(f"The section {section!r} is not declared.", (*path, "section"))
        try:
            kind = QuestionType(table.text((*path, "type")))
        except ValueError:
            raise table.fail("The question type is unknown.", (*path, "type")) from None
        options = self._options(path, row, kind)
        question = Question(
            id=question_id,
            section=section,
            type=kind,
            text=_text(table, (*path, "text")),
            mappings=self._mappings((*path, "mappings")),
            options=options,
            help=_optional_text(table, row, path, "help"),
            unit=_optional_text(table, row, path, "unit"),
            minimum=_number(table, row, path, "minimum"),
            maximum=_number(table, row, path, "maximum"),
            show_if=self._condition(path, row, earlier),
            required=bool(row.get("required", True)),
            evidence=self._evidence(path, row, options),
        )
        return question

    def _options(
        self, path: Path, row: Mapping[str, Any], kind: QuestionType
    ) -> tuple[Option, ...]:
        if kind is QuestionType.NUMBER:
            return ()
        if kind is QuestionType.CHOICE:
            rows = self.table.sequence((*path, "options"))
            return tuple(
                Option(
                    self.table.text((*path, "options", i, "value")),
                    _text(self.table, (*path, "options", i, "text")),
                )
                for i in range(len(rows))
            )
        values = ("yes", "partial", "no") if kind is QuestionType.YES_NO_PARTIAL else ("yes", "no")
        return tuple(Option(value, self.answer_texts[value]) for value in values)

    def _condition(
        self, path: Path, row: Mapping[str, Any], earlier: list[Question]
    ) -> Condition | None:
        if "show_if" not in row:
            return None
        where = (*path, "show_if")
        spec = self.table.mapping(where)
        parent_id = self.table.text((*where, "question"))
        parent = next((q for q in earlier if q.id == parent_id), None)
        if parent is None:
            raise self.table.fail(f"show_if names {parent_id!r}, not an earlier question.", where)
        values = tuple(str(v) for v in spec.get("in", ()))
        unknown = [v for v in values if v not in parent.values]
        if unknown or (not values and parent.type is not QuestionType.NUMBER):
            raise self.table.fail(f"show_if lists values {unknown} that {parent_id} lacks.", where)
        return Condition(
            parent_id,
            values,
            _number(self.table, spec, where, "at_least"),
            _number(self.table, spec, where, "at_most"),
        )

    def _evidence(
        self, path: Path, row: Mapping[str, Any], options: tuple[Option, ...]
    ) -> EvidenceRequest | None:
        if "evidence" not in row:
            return None
        where = (*path, "evidence")
        spec = self.table.mapping(where)
        when = tuple(str(v) for v in spec.get("when", ()))
        if any(v not in {o.value for o in options} for v in when):
            raise self.table.fail(f"evidence.when lists answers the question lacks: {when}.", where)
        return EvidenceRequest(
            _text(self.table, (*where, "text")), bool(spec.get("required")), when
        )

    def _mappings(self, path: Path) -> Mappings:
        def refs(key: str) -> tuple[str, ...]:
            items = tuple(str(v) for v in self.table.sequence((*path, key)))
            if not items:
                raise self.table.fail(f"The {key} mapping is empty.", (*path, key))
            return items

        mlps, csf, cis = refs("mlps"), refs("nist_csf"), refs("cis_v8")
        for ref in mlps:
            area, _, point = ref.partition("/")
            if point not in self.areas.get(area, ()):
                raise self.table.fail(f"{ref!r} is not an MLPS area/control point.", path)
        for ref in csf:
            if not _CSF.fullmatch(ref) or ref[:5] not in self.categories:
                raise self.table.fail(f"{ref!r} is not a NIST CSF 2.0 subcategory.", path)
        for ref in cis:
            match = _CIS.fullmatch(ref)
            if match is None or not 1 <= int(match[2]) <= self.safeguards.get(int(match[1]), 0):
                raise self.table.fail(f"{ref!r} is not a CIS Controls v8 safeguard.", path)
        return Mappings(mlps, csf, cis)
