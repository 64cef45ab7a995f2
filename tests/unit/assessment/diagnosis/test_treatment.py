"""The treatment plan: a fix's change in expected loss recomputed independently, the premium
change against a hand calculation from the product file, joint effects of the top fixes, costs
from the cost table, the plan's shape, and a headline that adds up: it names only fixes worth
doing and states exactly the sum of their rows, recomputed here from each row's own changes and
cost over many answer sets."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from liubu.assessment.answers import AnswerSet
from liubu.assessment.modifiers import risk_modifiers
from liubu.assessment.questionnaire import Questionnaire, QuestionType, Visibility
from liubu.assessment.scan import Finding, vocabulary
from liubu.assessment.scoring import score
from liubu.assessment.treatment import Fix, FixStatus, TreatmentPlan, plan_treatment, ranked
from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_reference_catalogue
from liubu.risk import Terms, enterprise_model, quantify
from liubu.underwriting import Applicant, FiledPremiumAtScore

from .conftest import WORKED_EXAMPLE_CHANGES, WORKED_EXAMPLE_UNANSWERED, answers, data_file, finding

PRODUCT_FILE = (
    Path(__file__).resolve().parents[4]
    / "src"
    / "liubu"
    / "products"
    / "data"
    / "catalogue"
    / "shifan-pc_sme-cyber-comprehensive-v2.yaml"
)
REVENUE = 30_000_000  # band R2 of the product, 10m_100m of the risk library
LIMIT = 1_000_000
COSTS = data_file("fix_costs.yaml")
FEN = Decimal("0.01")


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def product() -> ProductSpec:
    return next(
        p
        for p in load_reference_catalogue()
        if p.product_id == "shifan-pc/sme-cyber-comprehensive@2"
    )


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return [
        finding("service.rdp_exposed", "vpn.example.cn", 3389),
        finding("email.no_dmarc", "example.cn"),
        finding("http.missing_hsts", "www.example.cn", 443),
        finding("http.missing_hsts", "shop.example.cn", 443),
        finding("scan.timeout", "old.example.cn"),
    ]


@pytest.fixture(scope="module")
def given(best_answers: AnswerSet) -> AnswerSet:
    values = {
        k: a.value for k, a in best_answers.answers.items() if k not in WORKED_EXAMPLE_UNANSWERED
    }
    return answers(values | WORKED_EXAMPLE_CHANGES)


@pytest.fixture(scope="module")
def plan(
    findings: list[Finding], given: AnswerSet, questionnaire: Questionnaire, product: ProductSpec
) -> TreatmentPlan:
    return plan_treatment(
        findings=findings,
        answers=given,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=at_score(product),
    )


def at_score(product: ProductSpec) -> FiledPremiumAtScore:
    """Underwriting's pricing for an MLPS level-2 manufacturer with no declared claims: the
    file's coefficients for those (level 2: 1.0; claims not declared: left at 1) and for the
    product's default retention (5,000: 1.0) are 1, so only the score moves the premium."""
    applicant = Applicant("C", Decimal(REVENUE), 0.0, "E", mlps_level=2)
    return FiledPremiumAtScore(product, applicant, Decimal(LIMIT))


def hand_premium(score_value: Decimal) -> Decimal:
    """The SME v2 filed premium from its YAML: base premium for the limit, band and industry
    group, times the security-score coefficient interpolated on the filed points, clamped."""
    plan = yaml.safe_load(PRODUCT_FILE.read_text(encoding="utf-8"))["rate_plan"]
    band = next(b["code"] for b in plan["revenue_bands"] if b["from"] <= REVENUE < b["to"])
    group = next(g["code"] for g in plan["industry_groups"] if "C" in g["sections"])
    base = next(
        Decimal(str(r["premium"]))
        for r in plan["base_premiums"]
        if (r["limit"], r["revenue_band"], r["industry_group"]) == (LIMIT, band, group)
    )
    coefficient = next(c for c in plan["coefficients"] if c["factor"] == "security_score")
    points = [(Decimal(str(p["at"])), Decimal(str(p["value"]))) for p in coefficient["points"]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= score_value <= x1:
            value = (y0 + (y1 - y0) * (score_value - x0) / (x1 - x0)).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
            break
    low, high = (Decimal(str(v)) for v in coefficient["range"])
    bound_low, bound_high = (Decimal(str(v)) for v in plan["product_bound"])
    product = min(max(min(max(value, low), high), bound_low), bound_high)  # others at 1
    return fen(base * product)


def independent_mean(
    findings: list[Finding], values: AnswerSet, questionnaire: Questionnaire, grid: dict[str, Any]
) -> tuple[float, float, float]:
    result = score(findings, values, questionnaire=questionnaire)
    model = enterprise_model(
        "C", REVENUE, risk_modifiers(result, values, findings, questionnaire=questionnaire)
    )
    out = quantify(model, engine="fft", bucket=grid["bucket"], log2=grid["log2"])
    return out.mean, out.var(0.99), model.ground_up_mean


def test_fixes_are_ranked_by_net_annual_saving(plan: TreatmentPlan) -> None:
    worth = [f.net_annual_saving for f in plan.fixes if f.status is FixStatus.WORTH_IT]
    more = [f.net_annual_saving for f in plan.fixes if f.status is FixStatus.COSTS_MORE]
    assert worth == sorted(worth, reverse=True)
    assert more == sorted(more, reverse=True)
    assert [f.net_annual_saving for f in plan.fixes[: len(worth) + len(more)]] == worth + more
    assert {fix.fix_id for fix in plan.fixes} == {
        "finding:service.rdp_exposed",
        "finding:email.no_dmarc",
        "finding:http.missing_hsts",
        "question:mfa.email",
        "question:edr.coverage",
        "question:backup.offline",
        "question:patch.critical_days",
        "question:eol.software",
        "question:payments.callback",
        "question:training.phishing",
    }
    assert plan.inconclusive_assets == ("old.example.cn",)
    assert plan.fixes[0].fix_id == "finding:service.rdp_exposed"


def test_a_fixs_eal_change_matches_the_engine_on_the_modified_model(
    plan: TreatmentPlan, findings: list[Finding], given: AnswerSet, questionnaire: Questionnaire
) -> None:
    fix = next(f for f in plan.fixes if f.fix_id == "finding:service.rdp_exposed")
    grid = plan.settings["grid"]
    before = independent_mean(findings, given, questionnaire, grid)
    after_findings = [f for f in findings if f.code != "service.rdp_exposed"]
    after = independent_mean(after_findings, given, questionnaire, grid)
    assert fen(Decimal(repr(before[0]))) == plan.baseline.eal
    assert fix.eal_change == fen(Decimal(repr(after[0]))) - fen(Decimal(repr(before[0])))
    assert fix.var100_change == fen(Decimal(repr(after[1]))) - fen(Decimal(repr(before[1])))
    # And against the closed-form ground-up mean Σ λ·E[X] (no discretisation at all).
    assert float(fix.eal_change) == pytest.approx(after[2] - before[2], rel=0.01)
    assert fix.eal_change < 0
    assert fix.var100_change <= 0


def test_a_question_fixs_eal_change_matches_the_closed_form(
    plan: TreatmentPlan, findings: list[Finding], given: AnswerSet, questionnaire: Questionnaire
) -> None:
    fix = next(f for f in plan.fixes if f.fix_id == "question:backup.offline")
    assert dict(fix.target_answers) == {"backup.offline": "yes"}
    improved = given.revised({"backup.offline": "yes"}, answered_at=given.answered_at)
    grid = plan.settings["grid"]
    before = independent_mean(findings, given, questionnaire, grid)
    after = independent_mean(findings, improved, questionnaire, grid)
    assert float(fix.eal_change) == pytest.approx(after[2] - before[2], rel=0.01)


def test_premium_and_its_change_match_a_hand_calculation_from_the_product_file(
    plan: TreatmentPlan,
) -> None:
    baseline = plan.baseline.premium
    assert baseline is not None
    assert (baseline.limit, baseline.retention) == (LIMIT, 5000)
    assert baseline.premium == hand_premium(plan.baseline.score.value)
    for fix in plan.fixes:
        assert fix.premium == hand_premium(fix.score)
        assert fix.premium_change == fix.premium - baseline.premium
        assert fix.annual_saving == -(fix.eal_change + fix.premium_change)


def test_top_three_are_recomputed_jointly_not_summed(
    plan: TreatmentPlan, findings: list[Finding], given: AnswerSet, questionnaire: Questionnaire
) -> None:
    best = plan.fixes[:3]
    combined = plan.top(3)
    assert combined.fix_ids == tuple(f.fix_id for f in best)
    # Independent joint recomputation: apply the three by hand.
    codes = {c for f in best if f.kind == "finding" for c in f.resolves}
    targets = {k: v for f in best for k, v in f.target_answers.items()}
    joint_findings = [f for f in findings if f.code not in codes]
    joint_answers = given.revised(targets, answered_at=given.answered_at)
    mean, var100, _ = independent_mean(
        joint_findings, joint_answers, questionnaire, plan.settings["grid"]
    )
    joint_score = score(joint_findings, joint_answers, questionnaire=questionnaire)
    assert combined.score == joint_score.value
    assert combined.eal == fen(Decimal(repr(mean)))
    assert combined.var100 == fen(Decimal(repr(var100)))
    assert combined.premium == hand_premium(joint_score.value)
    assert combined.cost.one_off_low == sum(f.cost.one_off_low for f in best)
    assert combined.cost.annual_high == sum(f.cost.annual_high for f in best)
    assert plan.top(99).fix_ids == tuple(f.fix_id for f in plan.fixes)


def test_fixes_acting_on_the_same_scenario_save_less_together_than_apart(
    questionnaire: Questionnaire, product: ProductSpec
) -> None:
    """Three ransomware controls with no cap and no change of grade, the score staying on one
    linear stretch of the premium guide (60-80): their multipliers compound, so together they
    save less than the sum of what each saves alone."""
    given = answers(
        {
            "ctx.remote_access": "no",
            "ctx.makes_transfers": "no",
            "ctx.personal_data": "no",
            "ctx.develops_software": "no",
            "backup.exists": "yes",
            "backup.offline": "no",
            "patch.critical_days": 30,
            "edr.coverage": "antivirus",
        }
    )
    seen = [finding("tls.self_signed"), finding("email.no_dmarc"), finding("http.missing_hsts")]
    plan = plan_treatment(
        findings=seen,
        answers=given,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=at_score(product),
    )
    chosen = ["question:backup.offline", "question:patch.critical_days", "question:edr.coverage"]
    single = [next(f for f in plan.fixes if f.fix_id == fix_id) for fix_id in chosen]
    combined = plan.combined(chosen)
    assert 60 <= plan.baseline.score.value < combined.score < 70
    assert {plan.baseline.score.grade, combined.grade, *(f.grade for f in single)} == {"C"}
    assert -combined.eal_change < sum(-f.eal_change for f in single)
    assert combined.annual_saving <= sum(f.annual_saving for f in single)


def test_fix_cost_is_the_tables_range_scaled_and_annualised(plan: TreatmentPlan) -> None:
    fix = next(f for f in plan.fixes if f.fix_id == "question:patch.critical_days")
    entry = COSTS["questions"]["patch.critical_days"]
    factor = Decimal(str(COSTS["scales"][entry["scale"]]["10m_100m"]))
    years = COSTS["amortisation_years"]
    low = fen(Decimal(entry["annual"][0]) * factor + Decimal(entry["one_off"][0]) * factor / years)
    high = fen(Decimal(entry["annual"][1]) * factor + Decimal(entry["one_off"][1]) * factor / years)
    assert (fix.cost.annualised_low, fix.cost.annualised_high) == (low, high)
    assert fix.net_annual_saving == fix.annual_saving - fen((low + high) / 2)
    assert fix.cost.assumption


def test_a_control_that_reveals_questions_sets_them_too_and_adds_their_costs(
    plan: TreatmentPlan,
) -> None:
    fix = next(f for f in plan.fixes if f.fix_id == "question:edr.coverage")
    assert dict(fix.target_answers) == {"edr.coverage": "edr_all", "edr.monitored": "yes"}

    def annual_low(question_id: str) -> Decimal:
        return Decimal(COSTS["questions"][question_id].get("annual", [0, 0])[0])

    assert fix.cost.annual_low == annual_low("edr.coverage") + annual_low("edr.monitored")


def test_an_unanswered_control_is_flagged_and_inconclusive_checks_are_not_fixes(
    plan: TreatmentPlan,
) -> None:
    flagged = {f.fix_id for f in plan.fixes if f.unanswered}
    assert flagged == {"question:training.phishing"}
    assert all("scan.timeout" not in f.resolves for f in plan.fixes)
    rdp = plan.fixes[0]
    assert rdp.assets == ("vpn.example.cn",)
    assert rdp.title is not None
    assert "RDP" in rdp.title.en
    assert rdp.advice is not None


def test_plan_is_json_ready(plan: TreatmentPlan) -> None:
    document = json.loads(json.dumps(plan.to_dict()))
    assert document["top_3"]["fix_ids"] == [f.fix_id for f in plan.fixes[:3]]
    assert document["headline"]["fix_ids"] == list(plan.headline(3).fix_ids)
    assert document["headline"]["net_saving_yuan"] == str(plan.headline(3).net_saving_yuan)
    assert [f["status"] for f in document["fixes"]] == [f.status.value for f in plan.fixes]
    assert [f["rank"] for f in document["fixes"]] == [f.rank for f in plan.fixes]
    assert document["baseline"]["premium"]["premium"] == str(plan.baseline.premium.premium)
    assert document["settings"]["product_id"] == "shifan-pc/sme-cyber-comprehensive@2"


def test_fixes_held_by_two_caps_are_worth_more_together_than_apart(
    questionnaire: Questionnaire, best_answers: AnswerSet, product: ProductSpec
) -> None:
    """top(n) is recomputed, not summed, because fixes can also complement each other: with RDP
    and a known-exploited vulnerability both capping the grade at D, neither fix alone lifts it."""
    both = [finding("service.rdp_exposed", port=3389), finding("vuln.known_exploited")]
    plan = plan_treatment(
        findings=both,
        answers=best_answers,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=at_score(product),
    )
    assert all(f.grade == "D" for f in plan.fixes)
    together = plan.top(2)
    assert together.grade == "A"
    assert together.premium_change is not None
    assert together.premium_change < sum(f.premium_change or 0 for f in plan.fixes)


def test_without_a_product_the_saving_is_the_expected_loss_alone(
    questionnaire: Questionnaire, best_answers: AnswerSet
) -> None:
    values = {k: a.value for k, a in best_answers.answers.items()}
    plan = plan_treatment(
        findings=[finding("email.no_dmarc")],
        answers=answers({**values, "payments.callback": "partial"}),
        questionnaire=questionnaire,
        industry_section="F",
        revenue=5_000_000,
        premium=None,
    )
    assert plan.baseline.premium is None
    for fix in plan.fixes:
        assert fix.premium is None
        assert fix.premium_change is None
        assert fix.annual_saving == -fix.eal_change
    assert plan.settings["revenue_band"] == "lt_10m"


def test_policy_terms_bound_the_expected_loss(
    questionnaire: Questionnaire, best_answers: AnswerSet, product: ProductSpec
) -> None:
    plan_ground_up = plan_treatment(
        findings=[finding("tls.self_signed")],
        answers=best_answers,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=None,
    )
    terms = Terms(retention=5000, aggregate_limit=LIMIT)
    plan_insured = plan_treatment(
        findings=[finding("tls.self_signed")],
        answers=best_answers,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=None,
        terms=terms,
    )
    assert plan_insured.baseline.eal < plan_ground_up.baseline.eal
    assert plan_insured.baseline.var100 <= LIMIT
    assert plan_insured.settings["terms"] == "as given"
    with pytest.raises(ValidationError, match="positive whole number"):
        plan_insured.top(0)


def test_combining_an_unknown_fix_is_refused(plan: TreatmentPlan) -> None:
    with pytest.raises(ValidationError, match="no fix"):
        plan.combined(["question:nothing"])


def test_an_unidentified_open_port_is_information_not_a_fix(
    given: AnswerSet, questionnaire: Questionnaire, product: ProductSpec
) -> None:
    plan = plan_treatment(
        findings=[
            finding("service.rdp_exposed", "vpn.example.cn", 3389),
            finding("service.unidentified", "vpn.example.cn", 8443),
        ],
        answers=given,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=at_score(product),
    )
    resolved = {code for fix in plan.fixes for code in fix.resolves}
    assert "service.rdp_exposed" in resolved
    assert "service.unidentified" not in resolved


# --- The headline adds up -------------------------------------------------------------------


def shown_net(fix: Fix) -> Decimal:
    """A row's net saving as shown, recomputed from its own changes and cost range: −(ΔEAL +
    Δ premium) less the middle of the annualised range (to the fen), then to the whole yuan."""
    middle = fen((fix.cost.annualised_low + fix.cost.annualised_high) / 2)
    net = -(fix.eal_change + (fix.premium_change or Decimal(0))) - middle
    return net.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def yuan_text(amount: Decimal) -> str:
    return f"¥{amount:,.0f}"


def check_headline_adds_up(plan: TreatmentPlan, n: int = 3) -> None:
    headline = plan.headline(n)
    worth = [f for f in plan.fixes if shown_net(f) > 0]
    named = [f for f in plan.fixes if f.fix_id in headline.fix_ids]
    # It names the best worth-it fixes, in rank order, and no fix with a net saving <= 0.
    assert headline.fix_ids == tuple(f.fix_id for f in worth[:n])
    assert all(shown_net(f) > 0 for f in named)
    # Its figure is exactly the sum of the figures its rows show.
    assert headline.net_saving_yuan == sum((shown_net(f) for f in named), Decimal(0))
    assert all(f.net_saving_yuan == shown_net(f) for f in plan.fixes)
    if named:
        assert yuan_text(headline.net_saving_yuan) in headline.text.en
        assert yuan_text(headline.net_saving_yuan) in headline.text.zh
        for fix in named:
            assert fix.title is not None
            assert fix.title.en in headline.text.en
            assert fix.title.zh in headline.text.zh
        assert headline.together is not None
        assert headline.together.fix_ids == headline.fix_ids
    elif plan.fixes:
        assert headline.net_saving_yuan == 0
        assert "No fix pays for itself" in headline.text.en
        assert "没有一项整改" in headline.text.zh
    else:
        assert headline.net_saving_yuan == 0
        assert headline.text.en == "There is nothing to fix."
    # Statuses from the rows' own figures; unranked rows (no modelled effect) come last.
    for fix in plan.fixes:
        if shown_net(fix) > 0:
            assert fix.status is FixStatus.WORTH_IT
        elif fix.eal_change == 0:
            assert fix.status is FixStatus.NO_MODELLED_EFFECT
        else:
            assert fix.status is FixStatus.COSTS_MORE
    ranks = [f.rank for f in plan.fixes]
    count = sum(f.status is not FixStatus.NO_MODELLED_EFFECT for f in plan.fixes)
    assert ranks == [*range(1, count + 1), *[None] * (len(ranks) - count)]
    assert all(f.eal_change == 0 for f in plan.fixes[count:])


def test_the_headline_is_the_sum_of_its_rows(plan: TreatmentPlan) -> None:
    check_headline_adds_up(plan)
    check_headline_adds_up(plan, 1)
    check_headline_adds_up(plan, 99)


FINDING_CODES = tuple(sorted(vocabulary()))


@st.composite
def answer_sets(draw: Any, questionnaire: Questionnaire) -> tuple[list[Finding], AnswerSet]:
    """Findings from a handful of codes and an answer set: each shown question answered (any
    valid answer) or left out."""
    findings = [
        finding(code, f"h{i}.example.cn")
        for i, code in enumerate(draw(st.lists(st.sampled_from(FINDING_CODES), max_size=4)))
    ]
    drawn: dict[str, Any] = {}
    for question in questionnaire.questions:
        if not draw(st.booleans()):
            continue
        if question.type is QuestionType.NUMBER:
            drawn[question.id] = draw(st.integers(0, int(question.maximum or 120)))
        else:
            drawn[question.id] = draw(st.sampled_from(question.values))
    values: dict[str, Any] = {}
    for question in questionnaire.questions:  # keep only the questions the answers so far ask
        shown = questionnaire.visibility(values)[question.id] is Visibility.SHOWN
        if shown and question.id in drawn:
            values[question.id] = drawn[question.id]
    return findings, answers(values)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(data=st.data(), revenue=st.sampled_from([5_000_000, REVENUE, 300_000_000]))
@example(data=None, revenue=REVENUE)
def test_over_many_answer_sets_the_headline_is_the_sum_of_its_rows(
    data: Any, revenue: int, questionnaire: Questionnaire, product: ProductSpec, given: AnswerSet
) -> None:
    if data is None:  # the module's worked example, with findings
        seen = [finding("service.rdp_exposed", port=3389), finding("http.missing_hsts")]
        values = given
    else:
        seen, values = data.draw(answer_sets(questionnaire))
    applicant = Applicant("C", Decimal(revenue), 0.0, "E", mlps_level=2)
    plan = plan_treatment(
        findings=seen,
        answers=values,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=revenue,
        premium=FiledPremiumAtScore(product, applicant, Decimal(LIMIT))
        if revenue == REVENUE
        else None,
    )
    check_headline_adds_up(plan)


def test_when_no_fix_pays_for_itself_the_headline_says_so(plan: TreatmentPlan) -> None:
    """Every fix made to cost ¥10m a year (whatever the model's figures): none is worth it."""
    dear = replace(plan.fixes[0].cost, annual_low=Decimal(10**7), annual_high=Decimal(10**7))
    costly = replace(plan, fixes=ranked(replace(f, cost=dear) for f in plan.fixes))
    assert all(f.status is not FixStatus.WORTH_IT for f in costly.fixes)
    headline = costly.headline()
    assert headline.fix_ids == ()
    assert headline.together is None
    check_headline_adds_up(costly)


def test_fixes_with_no_modelled_effect_are_labelled_not_ranked(plan: TreatmentPlan) -> None:
    still = [f for f in plan.fixes if f.eal_change == 0 and shown_net(f) <= 0]
    assert still, "the worked example has fixes the risk model does not see"
    assert all(f.rank is None and f.status is FixStatus.NO_MODELLED_EFFECT for f in still)
    assert plan.fixes[-len(still) :] == tuple(still)
    labels = [f["status_label"] for f in plan.to_dict()["fixes"][-len(still) :]]
    assert all(
        label == {"zh": "模型中对预期损失无影响", "en": "no modelled effect on expected loss"}
        for label in labels
    )


def test_a_score_below_the_products_minimum_is_named_as_another_reason(
    plan: TreatmentPlan,
) -> None:
    """The product's minimum moved just above today's score: the headline points to the fixes
    that alone reach it, by their new scores."""
    base = plan.baseline.premium
    assert base is not None
    minimum = plan.baseline.score.value + Decimal("0.1")
    short = replace(
        plan, baseline=replace(plan.baseline, premium=replace(base, score_minimum=minimum))
    )
    headline = short.headline()
    assert headline.score_minimum == minimum
    assert headline.reach_minimum == tuple(f.fix_id for f in plan.fixes if f.score >= minimum)
    assert headline.reach_minimum
    note = next(n for n in headline.notes if str(minimum) in n.en and str(minimum) in n.zh)
    first = next(f for f in plan.fixes if f.fix_id == headline.reach_minimum[0])
    assert first.title is not None
    assert first.title.en in note.en
    if len(headline.reach_minimum) > 3:
        assert f"and {len(headline.reach_minimum) - 3} more" in note.en
    assert plan.headline().score_minimum is None


def test_the_headline_adds_the_rounded_rows_not_the_unrounded_savings(plan: TreatmentPlan) -> None:
    """Three fixes each made to net ¥100.40 (costs set from their own savings): each row shows
    ¥100, so the headline says ¥300 — not the ¥301 that rounding their ¥301.20 sum would give."""
    best = sorted(plan.fixes, key=lambda f: f.annual_saving, reverse=True)[:3]
    assert all(f.annual_saving > 101 for f in best)

    def netting(fix: Fix) -> Fix:
        annual = fix.annual_saving - Decimal("100.40")
        cost = replace(
            fix.cost,
            one_off_low=Decimal(0),
            one_off_high=Decimal(0),
            annual_low=annual,
            annual_high=annual,
        )
        return replace(fix, cost=cost)

    others = [
        replace(f, cost=replace(f.cost, annual_low=Decimal(10**7), annual_high=Decimal(10**7)))
        for f in plan.fixes
        if f not in best
    ]
    staged = replace(plan, fixes=ranked([*map(netting, best), *others]))
    headline = staged.headline(3)
    assert sorted(headline.fix_ids) == sorted(f.fix_id for f in best)
    assert [shown_net(f) for f in staged.fixes[:3]] == [Decimal(100)] * 3
    assert headline.net_saving_yuan == Decimal(300)
    assert "¥300 a year" in headline.text.en
    check_headline_adds_up(staged)


def test_with_nothing_to_fix_the_headline_says_so(
    questionnaire: Questionnaire, best_answers: AnswerSet, product: ProductSpec
) -> None:
    plan = plan_treatment(
        findings=[],
        answers=best_answers,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=at_score(product),
    )
    assert plan.fixes == ()
    check_headline_adds_up(plan)
