"""Quote options: both premiums, their ratio, the worksheet and the shared model work."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest

from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_vocabulary
from liubu.underwriting import Applicant, price_option, price_options

from .conftest import make_applicant

# shifan-pc allocates capital in a book (data/loads.yaml), so the worksheet shows both capitals.
TECHNICAL_STEPS = [
    "expected_insured_loss",
    "tvar",
    "stand_alone_capital",
    "sd",
    "tail_multiplier",
    "diversification_factor",
    "book_capital",
    "capital",
    "expense_ratio",
    "profit_margin",
    "cost_of_capital",
    "premium_share",
    "risk_load",
    "technical_premium",
]


def test_three_options_are_priced_in_the_order_asked(
    sme: ProductSpec, applicant: Applicant
) -> None:
    options = price_options(sme, applicant, limits=[2_000_000, 500_000, 1_000_000])
    assert [o.limit.amount for o in options] == [2_000_000, 500_000, 1_000_000]
    assert {o.product for o in options} == {"shifan-pc/sme-cyber-comprehensive@1"}
    # Base premiums for R2/G1: 20,800, 7,800, 13,000, each × 0.860985.
    assert [o.filed_premium.amount for o in options] == [
        Decimal("17908.49"),  # 20,800 × 0.860985 = 17,908.488
        Decimal("6715.68"),  # 7,800 × 0.860985 = 6,715.683
        Decimal("11192.81"),  # 13,000 × 0.860985 = 11,192.805
    ]
    # The same scenarios in every model; only the terms differ.
    models = [o.worksheet.model for o in options]
    assert models[0]["scenarios"] == models[1]["scenarios"] == models[2]["scenarios"]
    assert [m["terms"]["engine_terms"]["aggregate_limit"] for m in models] == [
        2_000_000.0,
        500_000.0,
        1_000_000.0,
    ]
    single = price_option(sme, applicant, limit=500_000)
    assert single.technical_premium == options[1].technical_premium


def test_price_options_checks_every_limit_before_pricing(
    sme: ProductSpec, applicant: Applicant
) -> None:
    with pytest.raises(ValidationError) as caught:
        price_options(sme, applicant, limits=[500_000, 600_000])
    assert caught.value.code == "underwriting.limit_not_offered"


def test_rate_adequacy_is_the_ratio_of_the_two_rounded_premiums(
    sme: ProductSpec, applicant: Applicant
) -> None:
    option = price_option(sme, applicant, limit=1_000_000)
    assert option.technical_premium is not None
    ratio = option.filed_premium.amount / option.technical_premium.amount
    assert option.rate_adequacy == ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert option.worksheet.step("rate_adequacy").rounded == option.rate_adequacy


def test_the_worksheet_shows_every_step_with_bilingual_labels(
    sme: ProductSpec, applicant: Applicant
) -> None:
    option = price_option(sme, applicant, limit=1_000_000)
    sheet = option.worksheet.to_dict()
    json.dumps(sheet, allow_nan=False)  # JSON-ready, no NaN or infinity
    assert [s["code"] for s in sheet["technical"]] == TECHNICAL_STEPS
    assert [s["code"] for s in sheet["filed"]] == [
        "base_premium",
        "coefficient:security_score",
        "coefficient:claims_history",
        "coefficient:retention",
        "coefficient:mlps_level",
        "coefficient_product",
        "product_bound",
        "filed_premium",
    ]
    for step in [*sheet["technical"], *sheet["filed"], *sheet["adequacy"]]:
        assert step["label"]["zh"].strip()
        assert step["label"]["en"].strip()
    score = sheet["filed"][1]
    assert (score["requested"], score["applied"], score["range"], score["flag"]) == (
        "0.9063",
        "0.9063",
        ["0.7", "1.3"],
        None,
    )
    assert sheet["filed"][1]["label"]["zh"] == "安全评分系数"
    technical = sheet["technical"][-1]
    assert technical["rounded"] == str(
        option.technical_premium.amount if option.technical_premium else None
    )
    assert sheet["model"]["engine"]["engine"] == "auto"
    assert sheet["model"]["result"]["engine"] == "fft"
    assert sheet["inputs"]["rate_plan_revenue_band"] == "R2"
    assert "it_product_liability" in sheet["model"]["scenarios_left_out"]
    assert sheet["rounding"]["en"].startswith("Each step shows")


def test_trade_specific_scenarios_enter_only_the_products_that_cover_them(
    product: Callable[[str], ProductSpec],
) -> None:
    applicant = make_applicant(industry_section="I", revenue=Decimal(0))
    it_cover = price_option(
        product("yangben-pc/it-product-liability@1"), applicant, limit=2_000_000
    )
    names = [s["name"] for s in it_cover.worksheet.model["scenarios"]]
    assert "it_product_liability" in names
    assert "security_service_error" not in names


def test_a_product_outside_the_engine_has_a_filed_premium_only(
    product: Callable[[str], ProductSpec],
) -> None:
    spec = product("yangben-pc/anti-fraud@1")
    person = make_applicant(insured_kind="individual", revenue=Decimal(0))
    option = price_option(spec, person, limit=10_000)
    assert option.technical_premium is None
    assert option.rate_adequacy is None
    assert option.worksheet.step("technical_premium").detail["available"] is False
    name = load_vocabulary().coverage("telecom_fraud_loss").name
    assert any(name.en in n.en and name.zh in n.zh for n in option.worksheet.notes)
    # Per person: base 7.9 with group size not given (1, flagged) → ¥7.90.
    assert option.filed_premium.amount == Decimal("7.90")


def test_overrides_are_recorded_with_their_guided_value(
    sme: ProductSpec, applicant: Applicant
) -> None:
    option = price_option(sme, applicant, limit=500_000, overrides={"security_score": "0.85"})
    assert dict(option.overrides) == {"security_score": (Decimal("0.9063"), Decimal("0.85"))}
    step = option.worksheet.step("coefficient:security_score")
    assert (step.detail["source"], step.detail["guided"], step.detail["applied"]) == (
        "override",
        "0.9063",
        "0.85",
    )
    json.dumps(option.to_dict(), allow_nan=False)
