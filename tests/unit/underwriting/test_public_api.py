"""The curated public API of liubu.underwriting."""

from __future__ import annotations

import ast
import doctest
import importlib
from decimal import Decimal
from pathlib import Path

import pytest

import liubu.underwriting as underwriting
from liubu.errors import ValidationError
from liubu.underwriting import Applicant

PACKAGE = Path(underwriting.__file__).parent
DOCTESTED = ["eligibility", "labels", "loads", "policy_money", "quote", "renewal"]
ALLOWED = ("liubu.core", "liubu.risk", "liubu.products", "liubu.errors", "liubu.datafiles")
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "typer", "jinja2", "uvicorn", "liubu.assessment")

PUBLIC = [
    "Applicant",
    "BookCapitalRatio",
    "BoundTerms",
    "CalibrationReport",
    "CancellationRefund",
    "CancellationRule",
    "Certificate",
    "CoefficientLine",
    "CoverageMapping",
    "CredibilitySettings",
    "Declarations",
    "EligibilityFailure",
    "EngineSettings",
    "EnterpriseSnapshot",
    "ExperienceCredit",
    "FiledPremiumAtScore",
    "FiledPrice",
    "GroupMember",
    "GroupPolicy",
    "GroupProduct",
    "GroupScheme",
    "InsuredScheme",
    "Invitation",
    "LinkView",
    "Loads",
    "MAX_LINKS",
    "MAX_START_DAYS",
    "MemberEntry",
    "MemberState",
    "OptionStatus",
    "OptionTerms",
    "OverrideAuthority",
    "Policy",
    "PolicyEvent",
    "PolicyState",
    "PremiumAccount",
    "PricedOption",
    "Quote",
    "QuoteDecision",
    "QuoteOption",
    "Referral",
    "ReferralReason",
    "ReferralRule",
    "ReferralRules",
    "RegisteredEnterprise",
    "RenewalTerm",
    "SchemeKind",
    "SchemeLink",
    "SegmentExperience",
    "Step",
    "Submission",
    "SupplierAccess",
    "TechnicalPrice",
    "TermChange",
    "UnderwritingCode",
    "Worksheet",
    "accept_invitation",
    "add_members",
    "authority_for",
    "batch_scores",
    "bind",
    "bind_group",
    "calibration_benchmarks",
    "calibration_report",
    "cancel",
    "cancellation_refund",
    "cancellation_rule_for",
    "check_eligibility",
    "check_override",
    "claims_history_coefficient",
    "claims_history_level",
    "create_scheme",
    "credibility_settings",
    "decide_referral",
    "decides_referrals",
    "declaration_texts",
    "declare_link",
    "decline_invitation",
    "endorse_limit",
    "evaluate_referral",
    "experience_credit",
    "filed_price",
    "group_products",
    "group_spec",
    "leave_scheme",
    "loads_for",
    "may_sponsor",
    "months_in_force",
    "my_invitations",
    "option_breakdown",
    "option_terms",
    "override_authorities",
    "policy_label",
    "premium_account",
    "price_option",
    "price_options",
    "priced_product",
    "pro_rata_premium",
    "quote_group",
    "record_premium_payment",
    "records_payments",
    "referral_queue",
    "referral_rules",
    "remove_link",
    "remove_member",
    "renew",
    "request_quotes",
    "retention_options",
    "scheme_links",
    "scheme_view",
    "short_rate_table",
    "snapshot_of",
    "technical_price",
    "terms_for_option",
    "treatment_plan",
    "underwritten_scheme",
    "underwritten_schemes",
]


def test_public_names_are_pinned() -> None:
    assert sorted(underwriting.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(underwriting, name) is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industry_section", "Z"),
        ("revenue", -1),
        ("revenue", 1.5),
        ("score", 100.5),
        ("score", float("nan")),
        ("grade", ""),
        ("mlps_level", 6),
        ("claims_count", -1),
        ("insured_kind", "household"),
        ("factors", {"security_score": "1.0"}),
    ],
)
def test_bad_applicant_input_names_the_field(field: str, value: object) -> None:
    values: dict[str, object] = {
        "industry_section": "C",
        "revenue": Decimal(1),
        "score": 50.0,
        "grade": "C",
    }
    values[field] = value
    with pytest.raises(ValidationError) as caught:
        Applicant(**values)  # type: ignore[arg-type]
    assert (caught.value.field or "").startswith(field)


def imported_names() -> list[tuple[str, str]]:
    found = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path.name, node.module))
    return found


# The use cases of the policy lifecycle join pricing to the stored assessment and accounts; the
# pricing modules themselves stay free of them.
USE_CASES = {
    "lifecycle.py",
    "records.py",
    "group_records.py",
    "groups.py",
    "groups_members.py",
    "groups_consent.py",
    "groups_links.py",
    "treatment.py",
}
FRAMEWORKS = FORBIDDEN[:-1]
# The posture a price needs when only a score is known (the modifiers expected for the score) is
# a pure function of the assessment's tables: the exposure reads it through the front door, and
# nothing else of the assessment.
POSTURE = {("exposure.py", "liubu.assessment")}


def test_underwriting_imports_only_the_public_cores_it_builds_on() -> None:
    for filename, name in imported_names():
        if filename in USE_CASES or (filename, name) in POSTURE:
            assert not name.startswith(FRAMEWORKS), (filename, name)
            continue
        assert not name.startswith(FORBIDDEN), (filename, name)
        if name.startswith("liubu.") and not name.startswith("liubu.underwriting"):
            # Other packages only through their public __init__.
            assert name in ALLOWED, (filename, name)


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"liubu.underwriting.{module}"))
    assert result.attempted > 0
    assert result.failed == 0
