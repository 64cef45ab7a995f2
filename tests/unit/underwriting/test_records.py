"""The typed records a quote and a policy keep: priced the same way they are stored and read
back, and rows stored before the schema field existed still readable."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from liubu.errors import ValidationError
from liubu.products import load_reference_catalogue
from liubu.risk import Modifier
from liubu.underwriting import (
    BoundTerms,
    EnterpriseSnapshot,
    OptionStatus,
    PricedOption,
    QuoteDecision,
    Submission,
    evaluate_referral,
    price_option,
)

SME = "shifan-pc/sme-cyber-comprehensive@2"


def _submission() -> Submission:
    return Submission(
        enterprise=EnterpriseSnapshot(
            id="e1",
            name="示范制造",
            uscc="91110000000000000X",
            industry_section="C",
            region_code="110105",
            revenue=Decimal(30_000_000),
            mlps_level=2,
        ),
        score=72.5,
        grade="B",
        answers_version=3,
        findings=("email.no_dmarc",),
        claims_count=0,
        modifiers={"ransomware": Modifier(0.8, 0.9)},
    )


def _priced() -> PricedOption:
    spec = next(p for p in load_reference_catalogue() if p.product_id == SME)
    applicant = _submission().applicant()
    option = price_option(spec, applicant, limit=1_000_000)
    referral = evaluate_referral(applicant, option)
    return PricedOption.priced(
        option, name=spec.name, referral=referral, status=OptionStatus(referral.decision)
    )


def test_a_submission_reads_back_equal_and_prices_the_same_applicant() -> None:
    submission = _submission()
    again = Submission.from_dict(submission.to_dict())
    assert again == submission
    assert again.applicant() == submission.applicant()
    assert submission.to_dict()["schema"] == 2
    unscanned = replace(submission, scanned=False)
    assert Submission.from_dict(unscanned.to_dict()).scanned is False
    # a schema-1 row has no `scanned`: it was scored as scanned and reads so
    schema_one = {k: v for k, v in submission.to_dict().items() if k != "scanned"}
    assert Submission.from_dict(schema_one | {"schema": 1}).scanned is True


def test_a_priced_option_reads_back_equal_worksheet_and_referral_included() -> None:
    option = _priced()
    again = PricedOption.from_dict(option.to_dict())
    assert again == option
    assert again.worksheet is not None
    assert again.worksheet.step("coefficient:security_score") == (
        option.worksheet.step("coefficient:security_score") if option.worksheet else None
    )
    bound = BoundTerms(option, 2)
    assert BoundTerms.from_dict(bound.to_dict()) == bound


def test_rows_stored_before_the_schema_field_are_read() -> None:
    legacy_option = {k: v for k, v in _priced().to_dict().items() if k != "schema"}
    assert PricedOption.from_dict(legacy_option) == _priced()
    # The pilot book's synthetic rows: part of the facts, no worksheet, no referral.
    pilot = Submission.from_dict(
        {
            "enterprise": {
                "name": "样本企业",
                "uscc": "91310000000000000X",
                "industry_section": "I",
                "region_code": "310101",
            },
            "score": 61.0,
            "synthetic": True,
        }
    )
    assert (pilot.enterprise.revenue, pilot.synthetic, pilot.grade) == (None, True, "")
    with pytest.raises(ValidationError) as refused:
        pilot.applicant()
    assert refused.value.code == "underwriting.submission_unpriceable"
    synthetic = PricedOption.from_dict(
        {
            "product": SME,
            "limit": "1000000",
            "retention": "5000",
            "filed_premium": "4800.00",
            "status": "auto",
            "synthetic": True,
        }
    )
    assert synthetic.filed_premium is not None
    assert synthetic.filed_premium.amount == Decimal("4800.00")
    assert synthetic.status.offered


def test_a_record_from_a_newer_liubu_is_refused_by_name() -> None:
    newer = {**_submission().to_dict(), "schema": 3}
    with pytest.raises(ValidationError) as refused:
        Submission.from_dict(newer)
    assert refused.value.code == "underwriting.record_schema"


def test_a_decision_reads_back_equal() -> None:
    decision = QuoteDecision(
        approved=True,
        reasons="Adequacy accepted.",
        by="u1",
        role="underwriter",
        at="2026-12-07T00:00:00+00:00",
        overrides={"security_score": Decimal("0.9")},
    )
    assert QuoteDecision.from_dict(decision.to_dict()) == decision
