"""Referral rules: each with an example that fires it and one that does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from liubu.products import ProductSpec
from liubu.underwriting import (
    Applicant,
    QuoteOption,
    check_eligibility,
    evaluate_referral,
    price_option,
    referral_rules,
)

from .conftest import make_applicant

RULES_FILE = Path(__file__).parents[3] / "src/liubu/underwriting/data/referral_rules.yaml"
DEFAULT = "no-such-insurer"  # an insurer the file does not list takes the default rules


@pytest.fixture(scope="module")
def option(sme: ProductSpec) -> QuoteOption:
    """A priced SME option, re-labelled to the default rules and an adequate rate."""
    priced = price_option(sme, make_applicant(), limit=1_000_000)
    return replace(priced, insurer=DEFAULT, rate_adequacy=Decimal("1.0"))


def codes(applicant: Applicant, option: QuoteOption, **kwargs: object) -> list[str]:
    referral = evaluate_referral(applicant, option, **kwargs)  # type: ignore[arg-type]
    return [reason.code for reason in referral.reasons]


def test_a_clean_applicant_is_quoted_automatically(option: QuoteOption) -> None:
    referral = evaluate_referral(make_applicant(), option)
    assert (referral.decision, referral.reasons) == ("auto", ())


def test_revenue_above_the_threshold_is_referred(option: QuoteOption) -> None:
    # Default threshold ¥1,000,000,000.
    assert codes(make_applicant(revenue=Decimal(1_500_000_000)), option) == [
        "revenue_above_threshold"
    ]
    assert codes(make_applicant(revenue=Decimal(1_000_000_000)), option) == []


def test_an_insurer_may_lower_the_revenue_threshold(option: QuoteOption) -> None:
    # shifan-pc refers from ¥200,000,000.
    shifan = replace(option, insurer="shifan-pc")
    big = make_applicant(revenue=Decimal(300_000_000))
    assert codes(big, shifan) == ["revenue_above_threshold"]
    assert codes(big, option) == []
    reason = evaluate_referral(big, shifan).reasons[0].reason
    assert "300,000,000" in reason.en
    assert "200,000,000" in reason.zh


def test_a_poor_grade_is_referred(option: QuoteOption) -> None:
    assert codes(make_applicant(grade="D"), option) == ["poor_security_grade"]
    assert codes(make_applicant(grade="E"), option) == ["poor_security_grade"]
    assert codes(make_applicant(grade="C"), option) == []


def test_an_exposed_known_exploited_vulnerability_is_referred(option: QuoteOption) -> None:
    assert codes(make_applicant(known_exploited_exposed=True), option) == [
        "known_exploited_vulnerability"
    ]
    assert codes(make_applicant(known_exploited_exposed=False), option) == []


def test_an_inadequate_rate_is_referred(option: QuoteOption) -> None:
    # Default threshold 0.6, the low end of the calibration's adequacy range: 0.5999 fires, 0.6
    # does not.
    applicant = make_applicant()
    assert codes(applicant, replace(option, rate_adequacy=Decimal("0.5999"))) == [
        "rate_adequacy_below_threshold"
    ]
    assert codes(applicant, replace(option, rate_adequacy=Decimal("0.6"))) == []


def test_a_quote_without_technical_premium_is_referred(option: QuoteOption) -> None:
    unpriced = replace(option, technical_premium=None, rate_adequacy=None)
    assert codes(make_applicant(), unpriced) == ["technical_premium_unavailable"]


def test_a_critical_infrastructure_operator_is_referred(option: QuoteOption) -> None:
    assert codes(make_applicant(cii_operator=True), option) == [
        "critical_information_infrastructure"
    ]
    assert codes(make_applicant(cii_operator=False), option) == []


def test_an_ineligible_applicant_is_declined(
    option: QuoteOption, product: Callable[[str], ProductSpec]
) -> None:
    sme = product("shifan-pc/sme-cyber-comprehensive@1")
    bank = make_applicant(industry_section="J", grade="D")
    failures = check_eligibility(
        sme,
        industry_section="J",
        revenue=bank.revenue,
        mlps_level=2,
        score=bank.score,
        insured_kind="enterprise",
    )
    referral = evaluate_referral(bank, option, eligibility_failures=failures)
    assert referral.decision == "decline"
    assert [r.code for r in referral.reasons] == ["not_eligible", "poor_security_grade"]
    assert "eligibility.excluded_industry_sections" in referral.reasons[0].reason.en
    assert evaluate_referral(make_applicant(), option, eligibility_failures=()).decision == "auto"


def test_rules_come_from_the_data_file_with_insurer_overrides() -> None:
    table = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    default = {rule["code"]: rule for rule in table["default"]["rules"]}
    rules = referral_rules(DEFAULT)
    assert [r.code for r in rules.rules] == list(default)
    for rule in rules.rules:
        assert rule.action == default[rule.code]["action"]
        assert rule.reason.en == default[rule.code]["reason"]["en"]
    yangben = referral_rules("yangben-pc")
    assert yangben.rule("poor_security_grade").grades == ("E",)
    assert yangben.rule("revenue_above_threshold").threshold == Decimal(5_000_000_000)
    cankao = referral_rules("cankao-pc")
    assert cankao.rule("rate_adequacy_below_threshold").threshold == Decimal("0.8")
