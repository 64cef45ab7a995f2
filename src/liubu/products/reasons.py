"""Reason codes of ``liubu.products``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class ProductsCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    COMPARISON_EMPTY = "comparison.empty"
    RATE_PLAN_INPUT_MISSING = "rate_plan.input_missing"
    NUMBER_TYPE = "number.type"
    RATE_PLAN_UNKNOWN_LEVEL = "rate_plan.unknown_level"
    RATE_PLAN_FACTOR_NOT_FILED = "rate_plan.factor_not_filed"
    RATE_PLAN_NO_BASE_PREMIUM = "rate_plan.no_base_premium"
    RATE_PLAN_RANGE_NOT_POSITIVE = "rate_plan.range_not_positive"
    RATE_PLAN_RANGE_INVERTED = "rate_plan.range_inverted"
    RATE_PLAN_BAND_INVERTED = "rate_plan.band_inverted"
    RATE_PLAN_TWO_GUIDES = "rate_plan.two_guides"
    RATE_PLAN_NO_GUIDE = "rate_plan.no_guide"
    RATE_PLAN_COEFFICIENT_NOT_POSITIVE = "rate_plan.coefficient_not_positive"
    RATE_PLAN_CURVE_POINTS_UNORDERED = "rate_plan.curve_points_unordered"
    PRODUCT_INSURER_MISMATCH = "product.insurer_mismatch"
    PRODUCT_NOT_DRAFT = "product.not_draft"
    PRODUCT_FILED_IMMUTABLE = "product.filed_immutable"
    PRODUCT_NOT_FILED = "product.not_filed"
    COVERAGE_BAD_TERM = "coverage.bad_term"
    TRIGGER_BAD_BASIS = "trigger.bad_basis"
    COVERAGE_RETENTION_NEGATIVE = "coverage.retention_negative"
    COVERAGE_COINSURANCE_RANGE = "coverage.coinsurance_range"
    PRODUCT_BAD_IDENTIFIER = "product.bad_identifier"
    PRODUCT_BAD_STATUS = "product.bad_status"
    LANG_UNSUPPORTED = "lang.unsupported"
    TEXT_BLANK = "text.blank"
    VOCABULARY_UNKNOWN_COVERAGE = "vocabulary.unknown_coverage"
    VOCABULARY_UNKNOWN_EXCLUSION = "vocabulary.unknown_exclusion"
    VOCABULARY_UNKNOWN_LMA_CLAUSE = "vocabulary.unknown_lma_clause"
    VOCABULARY_UNKNOWN_PRODUCT_TYPE = "vocabulary.unknown_product_type"
    VOCABULARY_UNKNOWN_SERVICE = "vocabulary.unknown_service"
    VOCABULARY_UNKNOWN_RATING_FACTOR = "vocabulary.unknown_rating_factor"
    ELIGIBILITY_RANGE_INVERTED = "eligibility.range_inverted"
    GROUP_MEMBERS_RANGE_INVERTED = "group.members_range_inverted"
    EFFECTIVE_WINDOW_INVERTED = "effective.window_inverted"


def message(code: ProductsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.products", code, lang)
