"""docs/scoring.md's worked example is what the code gives: the score, the filed premium, the
modifiers shown and the treatment plan's figures are recomputed here and looked up in the doc, so
a change of the library or of the effects table that moves them fails until the doc follows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from liubu.assessment.answers import AnswerSet
from liubu.assessment.modifiers import modifier_breakdown
from liubu.assessment.questionnaire import Questionnaire, load_questionnaire
from liubu.assessment.scoring import score
from liubu.assessment.treatment import TreatmentPlan, plan_treatment
from liubu.products import load_reference_catalogue
from liubu.underwriting import Applicant, FiledPremiumAtScore
from tests.unit.assessment.diagnosis.conftest import (
    WORKED_EXAMPLE_CHANGES,
    WORKED_EXAMPLE_UNANSWERED,
    answers,
    data_file,
    finding,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text("utf-8")
REVENUE = 30_000_000
LIMIT = Decimal(1_000_000)


def _money(value: Decimal, places: int = 2) -> str:
    text = f"{abs(value):,.{places}f}"
    return ("−" if value < 0 else "") + text


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture(scope="module")
def example(questionnaire: Questionnaire) -> dict[str, Any]:
    """Section 2's manufacturer: every control at its best but the listed ones."""
    scored = data_file("score_model.yaml")["questions"]
    best = {"eol.software": "none", "edr.coverage": "edr_all", "log.monitoring": "always"}
    values: dict[str, Any] = {}
    for question in questionnaire.questions:
        qid = question.id
        if qid in WORKED_EXAMPLE_UNANSWERED:
            continue  # not asked / left unanswered in the example
        if qid.startswith("ctx."):
            values[qid] = "yes"
        elif "bands" in scored[qid]:
            values[qid] = 0
        else:
            values[qid] = best.get(qid, "yes")
    given: AnswerSet = answers(values | WORKED_EXAMPLE_CHANGES)
    findings = [
        finding("service.rdp_exposed", "vpn.example.cn", 3389),
        finding("email.no_dmarc", "example.cn"),
        finding("http.missing_hsts", "www.example.cn", 443),
        finding("http.missing_hsts", "shop.example.cn", 443),
        finding("scan.timeout", "old.example.cn"),
    ]
    product = next(
        p
        for p in load_reference_catalogue()
        if p.product_id == "shifan-pc/sme-cyber-comprehensive@2"
    )
    applicant = Applicant("C", Decimal(REVENUE), 0.0, "E", mlps_level=2)
    plan = plan_treatment(
        findings=findings,
        answers=given,
        questionnaire=questionnaire,
        industry_section="C",
        revenue=REVENUE,
        premium=FiledPremiumAtScore(product, applicant, LIMIT),
    )
    return {"answers": given, "findings": findings, "plan": plan}


def test_the_score_and_the_modifiers_shown_are_the_codes(
    example: dict[str, Any], questionnaire: Questionnaire
) -> None:
    result = score(example["findings"], example["answers"], questionnaire=questionnaire)
    assert f"**{result.uncapped}**" in DOC
    assert f"**{result.value} {result.grade}**" in DOC
    breakdown = modifier_breakdown(
        result, example["answers"], example["findings"], questionnaire=questionnaire
    )
    for name in ("ransomware", "data_breach", "bec_funds_transfer"):
        row = next(line for line in DOC.splitlines() if line.startswith(f"| {name} |"))
        modifier = breakdown[name].modifier
        assert row.endswith(f"| {modifier.frequency:.3f} | {modifier.severity:.3f} |"), row


def test_the_plan_rows_baseline_and_joint_figures_are_the_codes(example: dict[str, Any]) -> None:
    plan: TreatmentPlan = example["plan"]
    base = plan.baseline
    assert base.premium is not None
    assert (
        f"Baseline: EAL ¥{_money(base.eal)}, 1-in-100 ¥{_money(base.var100, 0)}, "
        f"premium ¥{_money(base.premium.premium)}." in " ".join(DOC.split())
    )
    for fix in plan.fixes[:3]:
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{fix.fix_id}` |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == f"{fix.score} {fix.grade}"
        assert cells[2] == _money(fix.eal_change)
        assert cells[3] == _money(fix.var100_change, 0)
        assert cells[4] == _money(fix.premium_change or Decimal(0))
        assert cells[6] == _money(fix.net_annual_saving)
    together = plan.top(3)
    text = " ".join(DOC.split())
    assert f"ΔEAL {_money(together.eal_change)}" in text
    assert f"Δpremium {_money(together.premium_change or Decimal(0))}" in text
    assert f"annual saving ¥{_money(together.annual_saving)}" in text
    headline = plan.headline()
    assert f"save ¥{headline.net_saving_yuan:,.0f} a year after their cost" in text
