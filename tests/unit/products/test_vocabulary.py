"""The vocabulary holds exactly the terms issue 4 lists, each named and defined in zh and en."""

from __future__ import annotations

import re

import pytest

import liubu.risk as risk
from liubu.products import load_vocabulary

# Issue 4, "What to build" 1, copied by hand.
ISSUE_COVERAGES = {
    "first_party": {
        "incident_response",
        "forensics",
        "legal_counsel",
        "notification",
        "credit_monitoring",
        "data_restoration",
        "business_interruption",
        "contingent_business_interruption",
        "system_failure",
        "extortion",
        "funds_transfer_fraud",
        "hardware_replacement",
        "pr_crisis",
    },
    "third_party": {
        "privacy_liability",
        "network_security_liability",
        "regulatory_defence_and_penalties",
        "media_liability",
        "technology_errors_and_omissions",
        "it_product_liability",
        "security_service_professional_liability",
        "security_product_performance",
    },
    "personal": {"telecom_fraud_loss"},
}
# Added for the emerging-risk reference product (AI / algorithm liability).
ADDED_COVERAGES = {"algorithm_liability": "third_party"}
ISSUE_PRODUCT_TYPES = {
    "property_loss",
    "liability",
    "comprehensive",
    "it_product_liability",
    "security_product_guarantee",
    "security_service_professional_liability",
    "supply_chain",
    "park_group",
    "anti_fraud_personal",
    "service_bundle",
}
# The risk engine's loss components (DESIGN.md, "The risk engine").
ENGINE_CATEGORIES = {
    "incident_response",
    "forensics",
    "data_restoration",
    "business_interruption",
    "extortion",
    "notification",
    "regulatory",
    "third_party_liability",
    "pr",
    "funds_transfer",
    "hardware",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_coverages_are_the_issue_list_by_party_plus_algorithm_liability() -> None:
    vocabulary = load_vocabulary()
    by_party: dict[str, set[str]] = {}
    for term in vocabulary.coverages:
        by_party.setdefault(term.party, set()).add(term.code)
    expected = {party: set(codes) for party, codes in ISSUE_COVERAGES.items()}
    for code, party in ADDED_COVERAGES.items():
        expected[party].add(code)
    assert by_party == expected


def test_every_engine_category_is_reached_and_every_mapping_is_an_engine_category() -> None:
    vocabulary = load_vocabulary()
    assert set(vocabulary.risk_categories) == ENGINE_CATEGORIES
    assert vocabulary.risk_categories == risk.coverage_codes(insurable_only=True)
    mapped = {term.risk_category for term in vocabulary.coverages} - {None}
    assert mapped == ENGINE_CATEGORIES


@pytest.mark.parametrize(
    ("coverage", "category"),
    [
        ("incident_response", "incident_response"),
        ("contingent_business_interruption", "business_interruption"),
        ("funds_transfer_fraud", "funds_transfer"),
        ("hardware_replacement", "hardware"),
        ("pr_crisis", "pr"),
        ("regulatory_defence_and_penalties", "regulatory"),
        ("privacy_liability", "third_party_liability"),
        ("telecom_fraud_loss", None),
        ("security_product_performance", None),
    ],
)
def test_product_coverages_translate_to_engine_categories(coverage: str, category: str) -> None:
    assert load_vocabulary().coverage(coverage).risk_category == category


def test_exclusions_cover_the_issue_list_and_the_war_clause_needs_an_lma_type() -> None:
    vocabulary = load_vocabulary()
    codes = set(vocabulary.exclusions.codes())
    assert {
        "war_and_state_cyber_operations",
        "infrastructure_failure",
        "prior_knowledge",
        "before_retroactive_date",
        "unencrypted_portable_devices",
        "unsupported_software",
        "intentional_acts",
        "bodily_injury_property_damage",
        "contractual_liability",
        "uninsurable_fines",
        "betterment",
        "gambling",
        "pornography",
        "drugs",
        "online_romance",
        "unlicensed_finance",
    } == codes
    required = [term.code for term in vocabulary.exclusions if term.lma_clause_required]
    assert required == ["war_and_state_cyber_operations"]
    assert vocabulary.lma_clauses.codes() == ("LMA5564", "LMA5565", "LMA5566", "LMA5567")
    personal = {t.code for t in vocabulary.exclusions if t.audience == "personal"}
    assert personal == {"gambling", "pornography", "drugs", "online_romance", "unlicensed_finance"}


def test_product_types_are_the_issue_list() -> None:
    assert set(load_vocabulary().product_types.codes()) == ISSUE_PRODUCT_TYPES


def test_every_entry_has_a_chinese_and_an_english_name_and_definition() -> None:
    vocabulary = load_vocabulary()
    sections = (
        vocabulary.coverages,
        vocabulary.exclusions,
        vocabulary.lma_clauses,
        vocabulary.product_types,
        vocabulary.services,
        vocabulary.rating_factors,
    )
    for section in sections:
        for term in section:
            assert CJK.search(term.name.zh), term.code
            assert CJK.search(term.definition.zh), term.code
            assert not CJK.search(term.name.en), term.code
            assert term.name.en[0].isupper(), term.code
            assert term.definition.en.endswith("."), term.code


def test_an_unknown_code_is_refused_with_its_kind() -> None:
    from liubu.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        load_vocabulary().coverage("ransom")
    assert caught.value.code == "vocabulary.unknown_coverage"


def test_the_vocabulary_is_json_ready() -> None:
    import json

    document = json.loads(json.dumps(load_vocabulary().to_dict(), ensure_ascii=False))
    extortion = next(c for c in document["coverages"] if c["code"] == "extortion")
    assert extortion["name"] == {"zh": "网络勒索损失", "en": "Cyber extortion"}
