"""The security score: bounds, grade thresholds, deductions recomputed from the data file, caps,
inconclusive checks, and monotonicity (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liubu.assessment.answers import AnswerSet
from liubu.assessment.modifiers import risk_modifiers
from liubu.assessment.questionnaire import Questionnaire, QuestionType, Visibility
from liubu.assessment.scan import vocabulary
from liubu.assessment.score_model import load_score_model
from liubu.assessment.scoring import score
from liubu.errors import ValidationError

from .conftest import WHEN, answers, data_file, finding

MODEL = data_file("score_model.yaml")
FACTOR_MAX = {f["name"]: Decimal(str(f["max_points"])) for f in MODEL["factors"]}
SHARE = {k: Decimal(str(v)) for k, v in MODEL["deductions"]["severity_share"].items()}


def tenth(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_nothing_found_and_nothing_declared_scores_the_scan_share(
    questionnaire: Questionnaire,
) -> None:
    result = score([], None, questionnaire=questionnaire)
    assert result.value == sum(v for k, v in FACTOR_MAX.items() if k != "controls") == 60
    assert result.grade == "C"
    assert result.factor("controls").points == 0


def test_every_control_at_its_best_and_nothing_found_scores_one_hundred(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    result = score([], best_answers, questionnaire=questionnaire)
    assert (result.value, result.grade, result.caps) == (Decimal(100), "A", ())
    assert all(r.points == 0 for r in result.factor("controls").reasons)


def test_every_finding_at_once_stays_within_bounds_and_factor_points_add_up(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    findings = [finding(code) for code in vocabulary()]
    result = score(findings, best_answers, questionnaire=questionnaire)
    assert 0 <= result.value <= 100
    assert sum(f.points for f in result.factors) == result.uncapped
    for factor in result.factors:
        assert 0 <= factor.points <= factor.max_points == FACTOR_MAX[factor.factor]
    assert result.grade == "D"  # held by the tightest caps, not lower


def test_grade_thresholds_are_those_of_the_data_file() -> None:
    model = load_score_model()
    for row in MODEL["grades"]:
        low = Decimal(str(row["min"]))
        assert model.grade_for(low) == row["grade"]
        if low > 0:
            assert model.grade_for(low - Decimal("0.1")) != row["grade"]
    assert model.grade_for(Decimal("84.9")) == "B"
    assert model.grade_for(Decimal(85)) == "A"


def test_deductions_follow_severity_share_and_repetition(questionnaire: Questionnaire) -> None:
    two_hosts = [
        finding("http.missing_hsts", "a.example.cn"),
        finding("http.missing_hsts", "b.example.cn"),
        finding("email.no_dmarc"),
    ]
    result = score(two_hosts, None, questionnaire=questionnaire)
    step = Decimal(str(MODEL["deductions"]["repeat"]["each_additional_asset"]))
    hsts = tenth(SHARE["medium"] * FACTOR_MAX["web"] * (1 + step))  # 0.2 x 5 x 1.25 = 1.25
    dmarc = tenth(SHARE["medium"] * FACTOR_MAX["email"])
    assert hsts == Decimal("1.3")
    assert result.factor("web").points == FACTOR_MAX["web"] - hsts
    assert result.factor("email").points == FACTOR_MAX["email"] - dmarc
    reason = result.factor("web").reasons[0]
    assert (reason.ref, reason.points, reason.assets) == (
        "http.missing_hsts",
        -hsts,
        ("a.example.cn", "b.example.cn"),
    )


def test_inconclusive_probe_costs_like_a_medium_finding_and_is_never_a_pass(
    questionnaire: Questionnaire,
) -> None:
    clean = score([], None, questionnaire=questionnaire)
    silent = score(
        [finding("scan.timeout", "a.example.cn"), finding("scan.timeout", "b.example.cn")],
        None,
        questionnaire=questionnaire,
    )
    step = Decimal(str(MODEL["deductions"]["repeat"]["each_additional_asset"]))
    counts_as = MODEL["inconclusive"]["counts_as"]
    expected = tenth(SHARE[counts_as] * FACTOR_MAX["network_exposure"] * (1 + step))
    assert silent.value == clean.value - expected < clean.value
    assert silent.factor("network_exposure").reasons[0].kind == "inconclusive"


@pytest.mark.parametrize("code", ["service.rdp_exposed", "vuln.known_exploited"])
def test_rdp_or_a_known_exploited_vulnerability_caps_the_grade_as_the_file_states(
    code: str, questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    stated = {cap["finding"]: cap["max_grade"] for cap in MODEL["caps"] if "finding" in cap}
    assert stated[code] == "D"
    result = score([finding(code)], best_answers, questionnaire=questionnaire)
    ceiling = min(Decimal(str(g["min"])) for g in MODEL["grades"] if g["grade"] == "C") - Decimal(
        "0.1"
    )
    assert result.uncapped > ceiling  # 100 less one critical deduction
    assert (result.value, result.grade) == (ceiling, "D")
    assert [(c.trigger, c.binding) for c in result.caps] == [(code, True)]


def test_declaring_no_backups_caps_the_grade_at_c(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    values = {
        k: v.value
        for k, v in best_answers.answers.items()
        if not k.startswith("backup.") or k == "backup.exists"
    }
    result = score([], answers({**values, "backup.exists": "no"}), questionnaire=questionnaire)
    assert result.grade == "C"
    assert result.value == Decimal("69.9")
    assert result.uncapped == 100 - 5  # the four backup questions' points


def test_not_applicable_question_earns_full_credit_only_where_the_model_says(
    questionnaire: Questionnaire,
) -> None:
    no_remote = score([], answers({"ctx.remote_access": "no"}), questionnaire=questionnaire)
    unknown = score([], None, questionnaire=questionnaire)
    gained = no_remote.factor("controls").points - unknown.factor("controls").points
    applicable = MODEL["questions"]
    assert gained == Decimal(str(applicable["mfa.remote_access"]["points"])) + Decimal(
        str(applicable["vendor.remote_access"]["points"])
    )


def test_unusable_answers_are_refused(questionnaire: Questionnaire) -> None:
    with pytest.raises(ValidationError, match=r"mfa\.email"):
        score([], answers({"mfa.email": "always"}), questionnaire=questionnaire)


def test_score_does_not_depend_on_the_order_of_findings(questionnaire: Questionnaire) -> None:
    findings = [
        finding("service.rdp_exposed", port=3389),
        finding("tls.self_signed"),
        finding("http.missing_csp", "b.example.cn"),
    ]
    assert score(findings, None, questionnaire=questionnaire) == score(
        list(reversed(findings)), None, questionnaire=questionnaire
    )


# ------------------------------------------------------------------ monotonicity (hypothesis)

CODES = sorted(vocabulary())
HOSTS = ("a.example.cn", "b.example.cn", "c.example.cn")


def _credit(question_id: str, kind: QuestionType, value: Any) -> Decimal:
    row = MODEL["questions"].get(question_id)
    if row is None:
        return Decimal(-1)
    if "bands" in row:
        return next(
            (Decimal(str(b["credit"])) for b in row["bands"] if value <= b["at_most"]), Decimal(0)
        )
    table = row.get("credits") or MODEL["credits"][str(kind)]
    return Decimal(str(table[value]))


@st.composite
def situations(draw: Any, questionnaire: Questionnaire) -> tuple[list[Any], dict[str, Any]]:
    findings = [
        finding(code, draw(st.sampled_from(HOSTS)))
        for code in draw(st.lists(st.sampled_from(CODES), max_size=8))
    ]
    values: dict[str, Any] = {}
    for question in questionnaire.questions:
        if questionnaire.visibility(values)[question.id] is not Visibility.SHOWN:
            continue
        if not draw(st.booleans()):
            continue
        if question.type is QuestionType.NUMBER:
            values[question.id] = draw(st.integers(0, int(question.maximum or 120)))
        else:
            values[question.id] = draw(st.sampled_from(question.values))
    return findings, values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_improving_an_answer_or_resolving_a_finding_never_lowers_the_score(
    data: Any, questionnaire: Questionnaire
) -> None:
    findings, values = data.draw(situations(questionnaire))
    before_answers = answers(values)
    before = score(findings, before_answers, questionnaire=questionnaire)
    shown = questionnaire.visibility(values)
    scored = [
        q
        for q in questionnaire.questions
        if q.id in MODEL["questions"] and shown[q.id] is Visibility.SHOWN
    ]
    question = data.draw(st.sampled_from(scored))
    if question.type is QuestionType.NUMBER:
        better = data.draw(st.integers(0, int(values.get(question.id, 120))))
    else:
        current = (
            _credit(question.id, question.type, values[question.id])
            if question.id in values
            else Decimal(-1)
        )
        options = [v for v in question.values if _credit(question.id, question.type, v) >= current]
        better = data.draw(st.sampled_from(options))
    improved = answers({**values, question.id: better})
    after = score(findings, improved, questionnaire=questionnaire)
    assert after.value >= before.value
    assert after.uncapped >= before.uncapped
    before_mod = risk_modifiers(before, before_answers, findings, questionnaire=questionnaire)
    after_mod = risk_modifiers(after, improved, findings, questionnaire=questionnaire)
    for name, modifier in after_mod.items():
        assert modifier.frequency <= before_mod[name].frequency + 1e-12
        assert modifier.severity <= before_mod[name].severity + 1e-12
    if findings:
        dropped = data.draw(st.integers(0, len(findings) - 1))
        fewer = findings[:dropped] + findings[dropped + 1 :]
        resolved = score(fewer, before_answers, questionnaire=questionnaire)
        assert resolved.value >= before.value
        assert sum(f.points for f in resolved.factors) == resolved.uncapped


def test_monotonicity_holds_for_a_parent_answer_that_reveals_questions(
    questionnaire: Questionnaire,
) -> None:
    """Declaring backups reveals three unanswered questions: the score must still not drop."""
    base = {"backup.exists": "no"}
    worse = score([], answers(base), questionnaire=questionnaire)
    better = score([], answers({"backup.exists": "partial"}), questionnaire=questionnaire)
    assert better.value >= worse.value
    assert better.uncapped > worse.uncapped
    assert WHEN.tzinfo is not None


def test_a_cap_from_an_unanswered_question_says_so(questionnaire: Questionnaire) -> None:
    unknown = score([], None, questionnaire=questionnaire)
    declared = score([], answers({"backup.exists": "no"}), questionnaire=questionnaire)
    flags = {cap.id: cap.unanswered for cap in unknown.caps}
    assert flags["no_backups"] is True
    assert {cap.id: cap.unanswered for cap in declared.caps}["no_backups"] is False
    assert not any(cap.binding for cap in unknown.caps)  # 60 is below the C ceiling 69.9
