"""Claims experience in the technical premium: Bühlmann credibility of the insurer's experience of
the segment against the library's claim frequency, checked by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.risk import Model, Modifier, library_scenarios, quantify
from liubu.underwriting import (
    CredibilitySettings,
    OptionStatus,
    PricedOption,
    Referral,
    SegmentExperience,
    credibility_settings,
    experience_credit,
    price_option,
    price_options,
)
from liubu.underwriting.quote import technical_breakdown

from .conftest import make_applicant
from .test_technical import LOADS, SME_SCENARIOS, by_hand, sme_terms_at_one_million

MODIFIERS = {"ransomware": Modifier(0.5, 0.8), "data_breach": Modifier(1.2, 1.0)}
CV = 0.5  # data/experience_credit.yaml, read as data below
STEPS = [
    "experience_prior_frequency",
    "experience_exposure",
    "experience_claims",
    "experience_frequency",
    "credibility",
    "credible_frequency",
    "experience_multiplier",
]


def segment(exposure: str | int | float, claims: int, rows: int = 40) -> SegmentExperience:
    return SegmentExperience(
        "shifan-pc/sme-cyber-comprehensive@1", "C", Decimal(str(exposure)), claims, rows
    )


def library_model(frequency: float = 1.0) -> Model:
    """The SME option's model at ¥1m written out independently: the library's scenarios for
    section C at ¥30m with the applicant's modifiers, each frequency times ``frequency``."""
    modifiers = {
        name: Modifier(MODIFIERS.get(name, Modifier()).frequency * frequency,
                       MODIFIERS.get(name, Modifier()).severity)
        for name in SME_SCENARIOS
    }  # fmt: skip
    scenarios = library_scenarios("C", 30_000_000, names=SME_SCENARIOS, modifiers=modifiers)
    return Model(scenarios, sme_terms_at_one_million())


def test_the_data_file_holds_the_assumed_cv_and_minimum_exposure() -> None:
    found = credibility_settings()
    assert found == CredibilitySettings(Decimal("0.5"), Decimal("10"), True)


def test_the_premium_is_the_library_models_with_frequencies_scaled_by_the_credible_multiplier(
    sme: ProductSpec,
) -> None:
    """E = 400 policy-years, N = 12 claims: λ₀ from an independent run of the same model,
    Z = E / (E + 1 / (λ₀ cv²)), λ = Z N / E + (1 − Z) λ₀, m = λ / λ₀, and the premium of the
    model whose every scenario frequency is m times the library's."""
    applicant = make_applicant(modifiers=MODIFIERS)
    option = price_option(sme, applicant, limit=1_000_000, loads=LOADS, experience=segment(400, 12))
    prior = quantify(library_model(), engine="auto")
    lam0 = -math.log(1.0 - prior.exceedance_probability(0.0))
    k = 1.0 / (lam0 * CV**2)
    z = 400 / (400 + k)
    lam = z * 12 / 400 + (1 - z) * lam0
    m = lam / lam0
    blended = quantify(library_model(m), engine="auto")
    expected = by_hand(blended.mean, blended.tvar(0.995))
    assert option.technical_premium is not None
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    unblended = by_hand(prior.mean, prior.tvar(0.995))
    assert abs(expected - unblended) > 1.0  # the experience moved the price
    sheet = option.worksheet
    assert [s.code for s in sheet.experience] == STEPS
    for code, value in (
        ("experience_prior_frequency", lam0),
        ("experience_frequency", 12 / 400),
        ("credibility", z),
        ("credible_frequency", lam),
        ("experience_multiplier", m),
    ):
        assert float(sheet.step(code).exact or 0) == pytest.approx(value, rel=1e-12), code
    assert sheet.step("experience_exposure").exact == Decimal(400)
    assert sheet.step("experience_claims").exact == 12
    assert float(sheet.step("expected_insured_loss").exact or 0) == pytest.approx(
        blended.mean, rel=1e-12
    )
    assert option.experience == segment(400, 12)
    assert option.worksheet.model["experience"]["applied"] is True
    # Every option and the breakdown price the same blend.
    options = price_options(
        sme, applicant, limits=[1_000_000], loads=LOADS, experience=segment(400, 12)
    )
    assert options[0].technical_premium == option.technical_premium
    again = technical_breakdown(
        sme, applicant, limit=1_000_000, loads=LOADS, experience=segment(400, 12)
    )
    assert again is not None
    assert again["technical_premium"] == str(option.technical_premium.amount)


def test_without_experience_the_worksheet_says_none_was_found_and_the_price_is_the_librarys(
    sme: ProductSpec,
) -> None:
    applicant = make_applicant(modifiers=MODIFIERS)
    option = price_option(sme, applicant, limit=1_000_000, loads=LOADS)
    prior = quantify(library_model(), engine="auto")
    expected = by_hand(prior.mean, prior.tvar(0.995))
    assert option.technical_premium is not None
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    (step,) = option.worksheet.experience
    assert step.code == "experience_none"
    assert step.label.en.startswith("No claims experience")
    assert step.detail["available"] is False
    assert option.experience is None
    assert option.worksheet.model["experience"] is None


def test_below_the_minimum_exposure_no_credit_is_taken(sme: ProductSpec) -> None:
    applicant = make_applicant(modifiers=MODIFIERS)
    plain = price_option(sme, applicant, limit=1_000_000, loads=LOADS)
    thin = price_option(
        sme, applicant, limit=1_000_000, loads=LOADS, experience=segment("9.99", 5, rows=4)
    )
    assert thin.technical_premium == plain.technical_premium
    assert thin.worksheet.step("credibility").exact == 0
    assert thin.worksheet.step("experience_multiplier").exact == 1
    assert any("9.99" in n.en and "10" in n.en for n in thin.worksheet.notes)


def test_credibility_is_exposure_over_exposure_plus_k() -> None:
    """With λ₀ = 0.05 and cv = 0.5, k = 1 / (0.05 × 0.25) = 80 policy-years."""
    fixed = CredibilitySettings(Decimal("0.5"), Decimal("10"))
    at_80 = experience_credit(0.05, segment(80, 2), fixed)
    assert at_80.k == Decimal(80)
    assert at_80.credibility == Decimal("0.5")
    assert at_80.credible_frequency == Decimal("0.5") * Decimal(2) / 80 + Decimal("0.025")
    assert at_80.multiplier == Decimal("0.75")  # (0.0125 + 0.025) / 0.05
    at_10 = experience_credit(0.05, segment(10, 0), fixed)
    assert float(at_10.credibility) == pytest.approx(10 / 90, rel=1e-15)
    assert float(at_10.multiplier) == pytest.approx(1 - 10 / 90, rel=1e-15)  # N = 0: (1 − Z)
    huge = experience_credit(0.05, segment(10**9, 3 * 10**7), fixed)
    assert 1 - float(huge.credibility) < 1e-7
    assert float(huge.credible_frequency) == pytest.approx(0.03, rel=1e-7)


@settings(max_examples=300, deadline=None)
@given(
    prior=st.floats(1e-4, 2.0),
    exposure=st.decimals(0, 100_000, places=6, allow_nan=False, allow_infinity=False),
    more=st.decimals("0.000001", 1000, places=6, allow_nan=False, allow_infinity=False),
    claims=st.integers(0, 5_000),
    extra=st.integers(1, 100),
)
def test_credibility_grows_with_exposure_and_claims_never_lower_the_frequency(
    prior: float, exposure: Decimal, more: Decimal, claims: int, extra: int
) -> None:
    fixed = CredibilitySettings(Decimal("0.5"), Decimal("10"))
    base = experience_credit(prior, segment(exposure, claims), fixed)
    assert 0 <= base.credibility < 1
    if exposure < 10:
        assert base.credibility == 0
        assert base.multiplier == 1
    larger = experience_credit(prior, segment(exposure + more, claims), fixed)
    assert larger.credibility >= base.credibility
    worse = experience_credit(prior, segment(exposure, claims + extra), fixed)
    assert worse.multiplier >= base.multiplier
    assert worse.credible_frequency is not None
    assert base.credible_frequency is not None
    # λ lies between the prior and the experience's frequency
    if exposure > 0:
        observed = Decimal(claims) / exposure
        low, high = sorted((observed, Decimal(repr(prior))))
        slack = Decimal("1e-20")
        assert low * (1 - slack) <= base.credible_frequency <= high * (1 + slack)


@settings(max_examples=30, deadline=None)
@given(
    exposure=st.integers(10, 5_000),
    claims=st.integers(0, 200),
    extra=st.integers(1, 50),
)
def test_more_claims_on_the_same_exposure_never_lower_the_premium(
    sme: ProductSpec, exposure: int, claims: int, extra: int
) -> None:
    applicant = make_applicant(modifiers=MODIFIERS)
    fewer = price_option(
        sme, applicant, limit=1_000_000, loads=LOADS, experience=segment(exposure, claims)
    )
    more = price_option(
        sme, applicant, limit=1_000_000, loads=LOADS, experience=segment(exposure, claims + extra)
    )
    assert fewer.technical_premium is not None
    assert more.technical_premium is not None
    assert more.technical_premium.amount >= fewer.technical_premium.amount


@pytest.mark.parametrize(
    ("exposure", "claims", "rows", "field"),
    [
        (Decimal(-1), 0, 1, "exposure_years"),
        (Decimal("NaN"), 0, 1, "exposure_years"),
        (Decimal(5), -1, 1, "claims"),
        (Decimal(5), True, 1, "claims"),
        (Decimal(5), 1, -2, "rows"),
        (Decimal(5), 1, 0, "rows"),
    ],
)
def test_an_impossible_experience_is_refused(
    exposure: Decimal, claims: int, rows: int, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        SegmentExperience("p@1", "C", exposure, claims, rows)
    assert caught.value.code == "underwriting.bad_experience"
    assert caught.value.field == f"experience.{field}"


def test_an_option_keeps_its_experience_and_one_stored_before_reads_without(
    sme: ProductSpec,
) -> None:
    applicant = make_applicant(modifiers=MODIFIERS)
    quoted = price_option(sme, applicant, limit=1_000_000, experience=segment("400.5", 12))
    option = PricedOption.priced(
        quoted, name=sme.name, referral=Referral("auto", ()), status=OptionStatus.AUTO
    )
    stored = option.to_dict()
    assert stored["schema"] == 3  # schema 3 added the book-capital ratio
    assert stored["experience"]["exposure_years"] == "400.5"
    back = PricedOption.from_dict(stored)
    assert back.experience == segment("400.5", 12)
    assert back.worksheet is not None
    assert [s.code for s in back.worksheet.experience] == STEPS
    old = {k: v for k, v in stored.items() if k != "experience"} | {"schema": 1}
    old["worksheet"] = {k: v for k, v in stored["worksheet"].items() if k != "experience"}
    before = PricedOption.from_dict(old)
    assert before.experience is None
    assert before.worksheet is not None
    assert before.worksheet.experience == ()
