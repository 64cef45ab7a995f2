"""The questionnaire's progress: questions answered over questions asked, overall and per
section, counted against the questionnaire file read as plain YAML."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from liubu.assessment.progress import progress_of
from liubu.assessment.questionnaire import Questionnaire, load_questionnaire

from .conftest import DATA


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return dict(yaml.safe_load((DATA / "questionnaire.yaml").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


def test_with_no_answers_every_question_is_still_to_answer(
    raw: dict[str, Any], questionnaire: Questionnaire
) -> None:
    progress = progress_of(questionnaire, {})
    assert (progress.answered, progress.asked) == (0, len(raw["questions"]))
    per_section = Counter(q["section"] for q in raw["questions"])
    assert {s.section: (s.answered, s.asked) for s in progress.sections} == {
        section["id"]: (0, per_section[section["id"]]) for section in raw["sections"]
    }
    assert progress.share == 0.0
    assert not progress.complete


def test_a_question_ruled_out_by_an_answer_leaves_the_count(
    raw: dict[str, Any], questionnaire: Questionnaire
) -> None:
    gated = [
        q for q in raw["questions"] if q.get("show_if", {}).get("question") == "ctx.remote_access"
    ]
    assert gated, "the file has questions asked only of enterprises with remote access"
    progress = progress_of(questionnaire, {"ctx.remote_access": "no"})
    assert (progress.answered, progress.asked) == (1, len(raw["questions"]) - len(gated))
    # Answered "yes", they are asked again.
    assert progress_of(questionnaire, {"ctx.remote_access": "yes"}).asked == len(raw["questions"])


def test_stored_answers_count_in_their_sections(
    raw: dict[str, Any], questionnaire: Questionnaire
) -> None:
    stored = {
        "mfa.email": {"value": "yes", "evidence": []},
        "mfa.admin": {"value": "partial", "evidence": []},
        "network.ddos": {"value": "no", "evidence": []},
    }
    progress = progress_of(questionnaire, stored, version=3)
    section_of = {q["id"]: q["section"] for q in raw["questions"]}
    answered = Counter(section_of[qid] for qid in stored)
    assert {s.section: s.answered for s in progress.sections if s.answered} == dict(answered)
    assert progress.answered == 3
    assert progress.share == pytest.approx(3 / len(raw["questions"]))
    assert progress.version == 3


def test_every_question_answered_is_complete(questionnaire: Questionnaire) -> None:
    # ctx.* "no" rules out the questions they gate; every other question gets its first option
    # (or its minimum).
    answers: dict[str, Any] = {}
    for question in questionnaire.questions:
        if question.id.startswith("ctx."):
            answers[question.id] = "no"
    shown = questionnaire.visibility(answers)
    for question in questionnaire.questions:
        if question.id in answers or shown[question.id].value == "not_applicable":
            continue
        answers[question.id] = question.values[0] if question.values else question.minimum or 0.0
        shown = questionnaire.visibility(answers)
    progress = progress_of(questionnaire, answers)
    assert progress.answered == progress.asked == len(answers)
    assert progress.complete
    assert progress.share == 1.0
    assert all(s.complete for s in progress.sections)
