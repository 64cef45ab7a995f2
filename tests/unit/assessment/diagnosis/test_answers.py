"""Answers: validation with located problems, frozen versioned sets, and their differences."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from liubu.assessment.answers import Answer, AnswerSet, diff_answers, validate_answers
from liubu.assessment.questionnaire import Questionnaire, parse_questionnaire
from liubu.errors import ValidationError

from .conftest import DATA, WHEN, answers


def codes(questionnaire: Questionnaire, given: AnswerSet) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for problem in validate_answers(questionnaire, given):
        out.setdefault(problem.question_id, set()).add(problem.code)
    return out


def test_complete_answers_have_no_problem(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    assert validate_answers(questionnaire, best_answers) == []


def test_each_kind_of_bad_answer_is_located_at_its_question(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    bad = best_answers.revised(
        {
            "mfa.nonexistent": "yes",
            "mfa.email": 3,
            "patch.critical_days": "soon",
            "eol.software": "sometimes",
            "iam.leaver_days": 400,
        },
        answered_at=WHEN,
    )
    found = codes(questionnaire, bad)
    assert found == {
        "mfa.nonexistent": {"unknown_question"},
        "mfa.email": {"wrong_type"},
        "patch.critical_days": {"wrong_type"},
        "eol.software": {"not_an_option"},
        "iam.leaver_days": {"out_of_range"},
    }
    problem = next(p for p in validate_answers(questionnaire, bad) if p.question_id == "mfa.email")
    assert problem.location == "answers.mfa.email"
    assert problem.blocking


def test_an_answer_to_a_question_not_asked_is_a_problem(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    hidden = best_answers.revised({"ctx.remote_access": "no"}, answered_at=WHEN)
    found = codes(questionnaire, hidden)
    assert found == {
        "mfa.remote_access": {"hidden_answered"},
        "vendor.remote_access": {"hidden_answered"},
    }


def test_missing_required_lists_exactly_the_asked_questions(
    questionnaire: Questionnaire,
) -> None:
    given = answers(
        {
            "ctx.remote_access": "no",
            "ctx.makes_transfers": "yes",
            "ctx.personal_data": "no",
            "ctx.develops_software": "no",
            "backup.exists": "no",
            "edr.coverage": "antivirus",
            "ir.plan": "no",
        }
    )
    missing = {
        p.question_id
        for p in validate_answers(questionnaire, given)
        if p.code == "missing_required"
    }
    not_asked = {
        "mfa.remote_access",
        "vendor.remote_access",
        "data.encryption",
        "dev.secure_sdlc",
        "backup.offline",
        "backup.separate_access",
        "backup.restore_test_months",
        "edr.monitored",
        "ir.exercise_months",
    }
    assert missing == set(questionnaire.ids) - set(given.answers) - not_asked
    assert all(not p.blocking for p in validate_answers(questionnaire, given))


def test_required_evidence_and_unrequested_evidence_are_problems() -> None:
    text = (DATA / "questionnaire.yaml").read_text(encoding="utf-8")
    strict = parse_questionnaire(
        text.replace(
            'required: false\n      when: ["yes", partial]\n      text: {zh: 邮箱',
            'required: true\n      when: ["yes", partial]\n      text: {zh: 邮箱',
            1,
        )
    )
    assert strict.question("mfa.email").evidence.required  # type: ignore[union-attr]
    given = answers({"mfa.email": "yes", "mfa.admin": Answer("yes", ("att-1",))})
    found = codes(strict, given)
    assert "evidence_missing" in found["mfa.email"]
    assert "evidence_not_requested" in found["mfa.admin"]
    with_evidence = given.revised({"mfa.email": Answer("yes", ("att-9",))}, answered_at=WHEN)
    assert "mfa.email" not in {
        p.question_id
        for p in validate_answers(strict, with_evidence)
        if p.code == "evidence_missing"
    }


def test_answers_to_another_questionnaire_version_are_refused(
    questionnaire: Questionnaire,
) -> None:
    given = AnswerSet.of({}, answered_at=WHEN, questionnaire_version=questionnaire.version + 1)
    assert next(p.code for p in validate_answers(questionnaire, given)) == "questionnaire_version"


def test_answer_set_is_frozen_and_checks_its_version_and_time() -> None:
    given = answers({"mfa.email": "yes"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        given.answers["mfa.email"] = Answer("no")  # type: ignore[index]
    with pytest.raises(ValidationError, match="UTC"):
        AnswerSet.of({}, answered_at=datetime(2025, 1, 1))
    with pytest.raises(ValidationError, match="positive integer"):
        AnswerSet.of({}, answered_at=WHEN, version=0)
    with pytest.raises(ValidationError, match="string or a number"):
        Answer(True)


def test_a_revision_is_the_next_version_and_keeps_the_old_one() -> None:
    bound = answers({"mfa.email": "yes", "patch.critical_days": 7})
    later = bound.revised(
        {"mfa.email": "no", "patch.critical_days": None},
        answered_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    assert (bound.version, later.version) == (1, 2)
    assert bound.answers["mfa.email"].value == "yes"
    assert later.values() == {"mfa.email": "no"}


def test_diff_shows_what_changed_after_binding() -> None:
    bound = answers(
        {
            "mfa.email": "yes",
            "patch.critical_days": 7,
            "ir.plan": "yes",
            "backup.exists": Answer("yes", ("att-1",)),
        }
    )
    later = AnswerSet.of(
        {
            "mfa.email": "partial",
            "ir.plan": "yes",
            "edr.coverage": "edr_all",
            "backup.exists": Answer("yes", ("att-2",)),
        },
        answered_at=datetime(2025, 9, 1, tzinfo=UTC),
        version=3,
    )
    changes = diff_answers(bound, later)
    assert [(c.question_id, c.kind, c.old_value, c.new_value) for c in changes] == [
        ("backup.exists", "evidence_changed", "yes", "yes"),
        ("edr.coverage", "added", None, "edr_all"),
        ("mfa.email", "changed", "yes", "partial"),
        ("patch.critical_days", "removed", 7.0, None),
    ]
    assert {(c.from_version, c.to_version) for c in changes} == {(1, 3)}
    assert changes[0].changed_at == datetime(2025, 9, 1, tzinfo=UTC)
    assert changes[0].to_dict()["new_evidence"] == ["att-2"]
    assert diff_answers(bound, bound) == []
