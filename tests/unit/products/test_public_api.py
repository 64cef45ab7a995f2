"""The public API of liubu.products is curated; this pins it."""

from __future__ import annotations

import liubu.products as products

PUBLIC = [
    "BasePremiumRow",
    "Cell",
    "ClaimStep",
    "ClaimsProcess",
    "ClampFlag",
    "ClampResult",
    "Coefficient",
    "Comparison",
    "Coverage",
    "CoverageTerm",
    "CurvePoint",
    "Eligibility",
    "Exclusion",
    "ExclusionTerm",
    "FiledPremiumInputs",
    "FiledRange",
    "Filing",
    "GroupArrangement",
    "IndustryGroup",
    "Level",
    "LmaClause",
    "PremiumSharing",
    "ProductIssue",
    "ProductSpec",
    "ProductSummary",
    "ProductTypeTerm",
    "RatePlan",
    "RatingFactorTerm",
    "Retention",
    "RevenueBand",
    "Row",
    "Service",
    "ServiceTerm",
    "Text",
    "Trigger",
    "VersionWindow",
    "Vocabulary",
    "WaitingPeriod",
    "check_product",
    "check_revision",
    "check_versions",
    "compare",
    "dump_product",
    "filed_premium_inputs",
    "fingerprint",
    "load_product",
    "load_reference_catalogue",
    "load_vocabulary",
    "parse_product",
    "product_schema",
    "render_comparison_text",
    "rule_codes",
    "validate_product",
]


def test_the_public_api_is_exactly_the_curated_list() -> None:
    assert sorted(products.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(products, name) is not None
