"""Claim terms: the bound option of a real catalogue product, per coverage, as the wording reads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from liubu.claims import ClaimsCode, ClaimTerms, claim_terms
from liubu.errors import ValidationError
from liubu.underwriting import option_terms
from tests.unit.claims_policies import ANTI_FRAUD, HEALTHCARE, SME_V2, bound, product, terms_of


def test_sme_v2_terms_follow_the_wording_coverage_by_coverage() -> None:
    spec, terms = terms_of(SME_V2, 1_000_000)
    assert terms.limit == Decimal(1_000_000)  # the annual aggregate limit is the limit bound
    assert (terms.retention, terms.retention_basis) == (Decimal(5000), "per_event")
    bi = terms.coverage("business_interruption")
    assert bi is not None
    # The wording: BI sublimit 500,000 (below the limit), 8-hour time deductible.
    assert (bi.sublimit, bi.waiting_hours, bi.waiting_semantics) == (
        Decimal(500_000),
        8,
        "time_deductible",
    )
    extortion = terms.coverage("extortion")
    assert extortion is not None
    assert (extortion.sublimit, extortion.coinsurance, extortion.share) == (
        Decimal(200_000),
        Decimal("0.2"),
        Decimal("0.8"),
    )
    fraud = terms.coverage("funds_transfer_fraud")
    assert fraud is not None
    assert (fraud.retention, fraud.own_retention) == (Decimal(10_000), True)
    forensics = terms.coverage("forensics")
    assert forensics is not None
    # No sublimit in the wording: the coverage can pay the whole limit.
    assert (forensics.sublimit, forensics.coinsurance) == (Decimal(1_000_000), Decimal(0))
    assert [c.coverage for c in terms.coverages] == [c.code for c in spec.coverages]


def test_a_sublimit_above_a_small_limit_is_cut_to_the_limit() -> None:
    _, terms = terms_of(SME_V2, 500_000)
    bi = terms.coverage("business_interruption")
    assert bi is not None
    assert bi.sublimit == Decimal(500_000)  # min(500,000 limit, 500,000 sublimit)
    regulatory = terms.coverage("regulatory_defence_and_penalties")
    assert regulatory is not None
    assert regulatory.sublimit == Decimal(200_000)


def test_engine_mapping_is_pricings_own() -> None:
    spec, terms = terms_of(SME_V2, 1_000_000)
    priced = option_terms(spec, limit=1_000_000, retention=5000)
    for mapping in priced.coverages:
        cover = terms.coverage(mapping.coverage)
        assert cover is not None
        assert (cover.engine_category, cover.engine_status) == (mapping.category, mapping.status)
        assert cover.sublimit == mapping.payable_limit
    system = terms.coverage("system_failure")
    assert system is not None
    # Pricing folds system failure into BI; the claim keeps its own 100,000 and 12 hours.
    assert (system.engine_status, system.sublimit, system.waiting_hours) == (
        "folded",
        Decimal(100_000),
        12,
    )
    assert terms.notes == priced.notes


def test_claims_made_retroactive_date_and_extended_reporting() -> None:
    # Healthcare: claims-made, retroactive 365 days before inception, 90 days' extended reporting.
    _, terms = terms_of(HEALTHCARE, 1_000_000, start=date(2026, 3, 1), end=date(2027, 3, 1))
    assert terms.trigger_basis == "claims_made"
    assert terms.retroactive_date == date(2025, 3, 1)  # 2026-03-01 − 365 days
    assert terms.reporting_end == date(2027, 5, 30)  # 2027-03-01 + 90 days
    # SME v2: retroactive period 0 days, i.e. inception itself.
    _, sme = terms_of(SME_V2, 1_000_000)
    assert sme.retroactive_date == date(2026, 1, 1)


def test_occurrence_cover_has_no_retroactive_date_and_an_aggregate_retention() -> None:
    _, terms = terms_of(ANTI_FRAUD, 50_000)
    assert terms.trigger_basis == "occurrence"
    assert terms.retroactive_date is None
    assert terms.reporting_end == terms.period_end
    fraud = terms.coverage("telecom_fraud_loss")
    assert fraud is not None
    assert (fraud.retention, fraud.retention_basis) == (Decimal(3000), "annual_aggregate")
    assert (fraud.waiting_hours, fraud.waiting_semantics) == (168, "from_inception")


def test_terms_round_trip_through_their_json() -> None:
    _, terms = terms_of(HEALTHCARE, 3_000_000)
    assert ClaimTerms.from_dict(terms.to_dict()) == terms


def test_a_record_of_another_schema_is_refused() -> None:
    _, terms = terms_of(SME_V2, 1_000_000)
    stored = {**terms.to_dict(), "schema": 99}
    with pytest.raises(ValidationError) as caught:
        ClaimTerms.from_dict(stored)
    assert caught.value.code == ClaimsCode.RECORD_SCHEMA


def test_bound_terms_of_another_product_are_refused() -> None:
    sme, other = product(SME_V2), product(HEALTHCARE)
    with pytest.raises(ValidationError) as caught:
        claim_terms(
            sme, bound(other, 1_000_000), period_start=date(2026, 1, 1), period_end=date(2027, 1, 1)
        )
    assert caught.value.code == ClaimsCode.TERMS_PRODUCT_MISMATCH


def test_an_inverted_period_is_refused() -> None:
    spec = product(SME_V2)
    with pytest.raises(ValidationError) as caught:
        claim_terms(
            spec, bound(spec, 1_000_000), period_start=date(2027, 1, 1), period_end=date(2026, 1, 1)
        )
    assert caught.value.code == ClaimsCode.BAD_PERIOD


def test_an_endorsed_limit_replaces_the_bound_one_and_must_be_offered() -> None:
    spec = product(SME_V2)
    terms = claim_terms(
        spec,
        bound(spec, 1_000_000),
        period_start=date(2026, 1, 1),
        period_end=date(2027, 1, 1),
        limit=Decimal(2_000_000),
    )
    assert terms.limit == Decimal(2_000_000)
    with pytest.raises(ValidationError):
        claim_terms(
            spec,
            bound(spec, 1_000_000),
            period_start=date(2026, 1, 1),
            period_end=date(2027, 1, 1),
            limit=Decimal(1_500_000),
        )
