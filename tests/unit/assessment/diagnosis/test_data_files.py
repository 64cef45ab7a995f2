"""The data files agree with each other and with the code's documented examples."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from liubu.assessment import answers as answers_module
from liubu.assessment import fix_costs as fix_costs_module
from liubu.assessment import progress as progress_module
from liubu.assessment import questionnaire as questionnaire_module
from liubu.assessment.questionnaire import Questionnaire
from liubu.assessment.scan import vocabulary
from liubu.assessment.score_model import load_score_model, parse_score_model, weights_for
from liubu.errors import ConfigurationError

from .conftest import DATA, data_file

SCORED = data_file("score_model.yaml")
COSTS = data_file("fix_costs.yaml")


@pytest.mark.parametrize(
    "module", [questionnaire_module, answers_module, fix_costs_module, progress_module]
)
def test_docstring_examples_hold(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert tried > 0
    assert failures == 0


def test_score_model_fits_the_questionnaire(questionnaire: Questionnaire) -> None:
    weights = weights_for(load_score_model(), questionnaire)
    assert sum(w.points for w in weights.values()) == Decimal(
        str(next(f["max_points"] for f in SCORED["factors"] if f["name"] == "controls"))
    )
    assert sum(Decimal(str(f["max_points"])) for f in SCORED["factors"]) == 100
    unscored = {q.id for q in questionnaire.questions} - set(weights)
    assert all(qid.startswith("ctx.") for qid in unscored)


def test_questions_revealed_by_a_scored_answer_never_score_when_not_asked(
    questionnaire: Questionnaire,
) -> None:
    """Monotonicity needs it: improving a scored parent reveals unanswered children (credit 0),
    so hiding them must not have been worth more."""
    capped = {cap.get("question") for cap in SCORED["caps"]}
    for question in questionnaire.questions:
        parent = question.show_if.question if question.show_if else None
        if parent in SCORED["questions"]:
            assert SCORED["questions"][question.id].get("not_applicable", 0) == 0, question.id
            assert question.id not in capped


def test_every_control_and_finding_has_a_cost(questionnaire: Questionnaire) -> None:
    assert set(COSTS["questions"]) == set(SCORED["questions"])
    assert set(COSTS["findings"]["codes"]) <= set(vocabulary())
    assert set(COSTS["findings"]["default"]) == {"critical", "high", "medium", "low", "info"}
    for entry in [*COSTS["questions"].values(), *COSTS["findings"]["codes"].values()]:
        assert entry["scale"] in COSTS["scales"]
        for key in ("one_off", "annual"):
            low, high = entry.get(key, [0, 0])
            assert 0 <= low <= high
    for scale in COSTS["scales"].values():
        assert scale[COSTS["reference_band"]] == 1


def test_a_score_model_whose_points_do_not_add_up_is_refused_with_its_line() -> None:
    text = (DATA / "score_model.yaml").read_text(encoding="utf-8")
    broken = text.replace("mfa.email: {points: 2.5}", "mfa.email: {points: 3}")
    with pytest.raises(ConfigurationError, match=r"add up to 40\.5.*score_model\.yaml:\d+"):
        parse_score_model(broken)
