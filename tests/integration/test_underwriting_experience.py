"""The insurer's claims experience in the technical premium, on real databases: read for the
applicant's industry section from the product's insurer only, blended by credibility, kept on the
quote, and priced again to the same figure whatever the experience store holds later."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.experience import ExperienceData
from liubu.products import find_product, parse_product
from liubu.underwriting import SegmentExperience, lifecycle, price_option
from tests.integration.helpers import DECLARED, facts, make_tenant
from tests.integration.test_underwriting_lifecycle import _insurer_principal

SME = "shifan-pc/sme-cyber-comprehensive@2"
SECTION = "I"  # the section of helpers.facts


def _rows(
    prefix: str, sections: Sequence[str], claims: Sequence[int], exposure: float = 1.0
) -> ExperienceData:
    """One policy-year per entry: ``exposure`` policy-years, the claims given, ¥50,000 each."""
    n = len(sections)
    return ExperienceData(
        policy_id=np.array([f"{prefix}{i:05d}" for i in range(n)]),
        period=np.full(n, 2025),
        factors={
            "industry_section": np.array(list(sections)),
            "security_grade": np.full(n, "B"),
        },
        exposure=np.full(n, exposure),
        claim_count=np.array(list(claims)),
        incurred_loss=np.array([50_000.0 * c for c in claims]),
        source=f"{prefix}.csv",
    )


def _store(
    platform: Platform, who: Principal, data: ExperienceData, product_ref: str | None
) -> None:
    with platform.uow(who) as uow:
        uow.experience.add_rows(data, product_ref=product_ref)
        uow.commit()


def _claims(n: int, total: int) -> list[int]:
    return [1 if i < total else 0 for i in range(n)]


def _quote(platform: Platform, serial: int) -> tuple[Principal, str]:
    buyer = make_tenant(
        platform, OrgKind.ENTERPRISE, f"Buyer {serial}", Role.ENTERPRISE_USER
    ).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(
            uow, dataclasses.replace(facts(serial), critical_infrastructure=True)
        )
        uow.commit()
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    return buyer, quote.id


def test_a_quote_prices_on_its_insurers_experience_of_the_section_and_keeps_it(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    underwriter = _insurer_principal(platform, Role.UNDERWRITER)
    # The insurer's experience: 400 policy-years of section I tagged with the product, 12
    # claims; 100 untagged, 3 claims; and 300 of section C with 90 claims (another segment).
    _store(platform, actuary, _rows("T", [SECTION] * 400, _claims(400, 12)), SME)
    _store(platform, actuary, _rows("U", [SECTION] * 100, _claims(100, 3)), None)
    _store(platform, actuary, _rows("C", ["C"] * 300, _claims(300, 90)), SME)
    # Tagged with another of the insurer's products: not this product's experience.
    _store(
        platform,
        actuary,
        _rows("O", [SECTION] * 200, _claims(200, 150)),
        "shifan-pc/sme-cyber-comprehensive@1",
    )
    # The same policy-years stored untagged as well count once (as the tagged rows).
    _store(platform, actuary, _rows("T", [SECTION] * 10, _claims(10, 10)), None)
    # Another insurer's experience of the same section and product tag never enters.
    rival = make_tenant(platform, OrgKind.INSURER, "Rival insurer", Role.ACTUARY).principal
    _store(platform, rival, _rows("R", [SECTION] * 1000, _claims(1000, 900)), SME)

    buyer, quote_id = _quote(platform, 41)
    with platform.uow(buyer) as uow:
        quote = uow.underwriting.quote(quote_id)
        spec = parse_product(find_product(uow, SME).document, source=SME)
    expected = SegmentExperience(SME, SECTION, Decimal("500.000000"), 15, 500)
    applicant = quote.submission.applicant()
    for option in quote.options:
        assert option.experience == expected
        assert option.worksheet is not None
        assert option.limit is not None
        sheet = option.worksheet
        assert sheet.step("experience_exposure").exact == Decimal(500)
        assert sheet.step("experience_claims").exact == 15
        assert sheet.step("experience_frequency").exact == Decimal("0.03")
        lam0 = float(sheet.step("experience_prior_frequency").exact or 0)
        z = 500 / (500 + 1 / (lam0 * 0.25))
        assert float(sheet.step("credibility").exact or 0) == pytest.approx(z, rel=1e-12)
        lam = z * 0.03 + (1 - z) * lam0
        assert float(sheet.step("credible_frequency").exact or 0) == pytest.approx(lam, rel=1e-12)
        # The same figure as pricing the hand-built experience, and not the library's alone.
        by_hand = price_option(spec, applicant, limit=option.limit.amount, experience=expected)
        assert option.technical_premium == by_hand.technical_premium
        library = price_option(spec, applicant, limit=option.limit.amount)
        assert option.technical_premium != library.technical_premium

    # More experience arrives after the quote: the stored quote still prices as quoted.
    _store(platform, actuary, _rows("L", [SECTION] * 300, _claims(300, 200)), SME)
    for principal in (buyer, underwriter):
        with platform.uow(principal) as uow:
            again = [lifecycle.option_breakdown(uow, quote_id, i) for i in range(3)]
        for option, found in zip(quote.options, again, strict=True):
            assert option.technical_premium is not None
            assert found["technical_premium"] == str(option.technical_premium.amount)
    # A decision with an override re-prices the referred options: on the stored experience too.
    first = quote.options[0].worksheet
    assert first is not None
    step = next(s for s in first.filed if s.code.startswith("coefficient:") and s.detail["guided"])
    factor, guided = step.code.split(":", 1)[1], Decimal(str(step.detail["guided"]))
    chief = _insurer_principal(platform, Role.ADMIN)
    with platform.uow(chief) as uow:
        decided = lifecycle.decide_referral(
            uow,
            quote_id,
            approve=True,
            reasons="Accepted with a loading.",
            overrides={factor: guided * Decimal("1.05")},
        )
        uow.commit()
    assert [o.overrides[factor][1] for o in decided.options] == [guided * Decimal("1.05")] * 3
    assert [o.technical_premium for o in decided.options] == [
        o.technical_premium for o in quote.options
    ]
    assert {o.experience for o in decided.options} == {expected}
    # The bound option keeps it, and an endorsement re-rates the bound option with it. Dated
    # back, so the insurer's underwriter enters it.
    with platform.uow(underwriter) as uow:
        version = uow.underwriting.quote(quote_id).version
        policy = lifecycle.bind(
            uow,
            quote_id,
            option_index=0,
            declarations=DECLARED,
            expected_version=version,
            start=date(2026, 1, 1),
        )
        uow.commit()
    assert policy.terms.option.experience == expected
    new_limit = quote.options[1].limit
    assert new_limit is not None
    with platform.uow(buyer) as uow:
        event = lifecycle.endorse_limit(
            uow, policy.id, new_limit=new_limit.amount, effective=date(2026, 3, 1)
        )
        uow.commit()
    assert (
        Decimal(event.detail["new_annual_premium"])
        == price_option(
            spec, applicant, limit=new_limit.amount, experience=expected
        ).filed_premium.amount
    )
    # A new quote reads the experience as it stands now: 800 policy-years, 215 claims.
    _buyer, later_id = _quote(platform, 42)
    with platform.uow(underwriter) as uow:
        later = uow.underwriting.quote(later_id)
    assert later.options[0].experience == SegmentExperience(
        SME, SECTION, Decimal("800.000000"), 215, 800
    )


def test_without_experience_of_the_section_the_quote_says_so_and_prices_the_library(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    _store(platform, actuary, _rows("C", ["C"] * 300, _claims(300, 9)), SME)
    buyer, quote_id = _quote(platform, 43)
    with platform.uow(buyer) as uow:
        quote = uow.underwriting.quote(quote_id)
        spec = parse_product(find_product(uow, SME).document, source=SME)
    applicant = quote.submission.applicant()
    for option in quote.options:
        assert option.experience is None
        assert option.worksheet is not None
        assert option.limit is not None
        assert [s.code for s in option.worksheet.experience] == ["experience_none"]
        library = price_option(spec, applicant, limit=option.limit.amount)
        assert option.technical_premium == library.technical_premium
