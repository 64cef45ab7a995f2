"""A product option in the engine's terms: limits, sublimits, coinsurance, waiting periods."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import pytest

from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_vocabulary
from liubu.risk import CoverageTerms
from liubu.underwriting import option_terms, retention_options, terms_for_option


def test_sme_option_terms_follow_the_product_wording(sme: ProductSpec) -> None:
    # shifan-pc/sme-cyber-comprehensive@1: retention 5,000 per event; BI sublimit 300,000 with a
    # 12-hour time deductible; extortion 200,000 at 20 % coinsurance; funds-transfer fraud
    # 100,000 at 20 %; notification 100,000; PR crisis 50,000; regulatory 200,000; no hardware.
    terms = terms_for_option(sme, limit=1_000_000)
    assert terms.retention == 5_000.0
    assert terms.aggregate_limit == 1_000_000.0
    expected = {
        "incident_response": CoverageTerms(sublimit=1_000_000.0),
        "forensics": CoverageTerms(sublimit=1_000_000.0),
        "data_restoration": CoverageTerms(sublimit=1_000_000.0),
        "notification": CoverageTerms(sublimit=100_000.0),
        "business_interruption": CoverageTerms(
            sublimit=300_000.0, waiting_period_hours=12.0, waiting_period_type="time_deductible"
        ),
        "extortion": CoverageTerms(sublimit=200_000.0, coinsurance=0.2),
        "funds_transfer": CoverageTerms(sublimit=100_000.0, coinsurance=0.2),
        "pr": CoverageTerms(sublimit=50_000.0),
        "third_party_liability": CoverageTerms(sublimit=1_000_000.0),
        "regulatory": CoverageTerms(sublimit=200_000.0),
        "hardware": CoverageTerms(covered=False),
    }
    assert dict(terms.coverages) == expected


def test_sublimits_are_capped_by_the_limit_chosen(sme: ProductSpec) -> None:
    terms = terms_for_option(sme, limit=500_000)
    assert terms.for_coverage("third_party_liability").sublimit == 500_000.0
    assert terms.for_coverage("business_interruption").sublimit == 300_000.0
    assert terms.aggregate_limit == 500_000.0


def test_sibling_coverages_fold_into_their_engine_category(sme: ProductSpec) -> None:
    mapped = option_terms(sme, limit=1_000_000)
    by_code = {c.coverage: c for c in mapped.coverages}
    assert (by_code["legal_counsel"].status, by_code["legal_counsel"].terms_from) == (
        "folded",
        "incident_response",
    )
    # privacy and network-security liability both pay up to the limit: the first carries.
    assert by_code["privacy_liability"].status == "applied"
    assert by_code["network_security_liability"].terms_from == "privacy_liability"
    assert mapped.not_modelled == ()
    assert mapped.uncovered_categories == ("hardware",)
    english = " ".join(n.en for n in mapped.notes)
    chinese = " ".join(n.zh for n in mapped.notes)
    vocabulary = load_vocabulary()
    legal, fraud = (vocabulary.coverage(c).name for c in ("legal_counsel", "funds_transfer_fraud"))
    assert f"The coverage {legal.en} is priced within" in english
    assert f"责任“{legal.zh}”并入" in chinese
    assert f"{fraud.en} states its own retention of 10,000" in english


def test_qualifying_period_maps_to_the_engines_qualifying_waiting_period(
    product: Callable[[str], ProductSpec],
) -> None:
    # yangben-pc/healthcare-cyber@1: BI sublimit 1,000,000, 6-hour qualifying period.
    terms = terms_for_option(product("yangben-pc/healthcare-cyber@1"), limit=3_000_000)
    assert terms.for_coverage("business_interruption") == CoverageTerms(
        sublimit=1_000_000.0, waiting_period_hours=6.0, waiting_period_type="qualifying"
    )
    assert terms.for_coverage("extortion") == CoverageTerms(sublimit=1_000_000.0, coinsurance=0.1)


def test_contingent_interruption_is_folded_under_the_insureds_own_interruption(
    product: Callable[[str], ProductSpec],
) -> None:
    mapped = option_terms(product("cankao-pc/supply-chain-cyber@1"), limit=500_000)
    bi = mapped.terms.for_coverage("business_interruption")
    assert (bi.sublimit, bi.waiting_period_hours, bi.waiting_period_type) == (
        500_000.0,
        12.0,
        "time_deductible",
    )
    by_code = {c.coverage: c for c in mapped.coverages}
    assert by_code["contingent_business_interruption"].status == "folded"
    assert by_code["contingent_business_interruption"].payable_limit == Decimal(500_000)


def test_coverages_without_an_engine_category_are_reported_not_modelled(
    product: Callable[[str], ProductSpec],
) -> None:
    mapped = option_terms(product("yangben-pc/ddos-sla-guarantee@1"), limit=1_000_000)
    assert mapped.not_modelled == ("security_product_performance",)
    assert mapped.modelled
    assert mapped.terms.for_coverage("third_party_liability").sublimit == 1_000_000.0
    assert not mapped.terms.for_coverage("extortion").covered
    # The note names the coverage as the vocabulary does, in each language, never by its code.
    name = load_vocabulary().coverage("security_product_performance").name
    assert any(name.en in n.en and name.zh in n.zh for n in mapped.notes)
    assert not any("security_product_performance" in n.en + n.zh for n in mapped.notes)


def test_a_product_wholly_outside_the_engine_is_not_modelled_at_all(
    product: Callable[[str], ProductSpec],
) -> None:
    mapped = option_terms(product("yangben-pc/anti-fraud@1"), limit=10_000)
    assert not mapped.modelled
    assert mapped.not_modelled == ("telecom_fraud_loss",)
    assert all(not c.covered for c in mapped.terms.coverages.values())
    assert any("annual aggregate" in n.en for n in mapped.notes)


def test_a_limit_outside_the_products_options_names_the_allowed_options(
    sme: ProductSpec,
) -> None:
    with pytest.raises(ValidationError) as caught:
        terms_for_option(sme, limit=750_000)
    assert caught.value.code == "underwriting.limit_not_offered"
    assert caught.value.field == "limit"
    for allowed in ("500000", "1000000", "2000000"):
        assert allowed in caught.value.message


def test_a_higher_retention_option_comes_from_the_retention_guide(sme: ProductSpec) -> None:
    # The retention coefficient's guide has points at 5,000, 20,000 and 50,000.
    assert retention_options(sme) == (Decimal(5_000), Decimal(20_000), Decimal(50_000))
    assert terms_for_option(sme, limit=1_000_000, retention=20_000).retention == 20_000.0
    with pytest.raises(ValidationError) as caught:
        terms_for_option(sme, limit=1_000_000, retention=7_000)
    assert "20000" in caught.value.message
    assert caught.value.code == "underwriting.retention_not_offered"


def test_option_terms_export_is_json_ready(sme: ProductSpec) -> None:
    exported = option_terms(sme, limit=1_000_000).to_dict()
    hardware = exported["engine_terms"]["coverages"]["hardware"]
    assert hardware["sublimit"] is None  # unlimited, and JSON has no infinity
    assert not any(
        isinstance(v, float) and not math.isfinite(v) for v in hardware.values() if v is not None
    )
