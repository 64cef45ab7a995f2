"""The filed premium: base premium × clamped coefficients, the product clamped to the bound."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_reference_catalogue
from liubu.underwriting import Applicant, filed_price, price_option

from .conftest import make_applicant

CATALOGUE = load_reference_catalogue()
SCORED = [
    spec
    for spec in CATALOGUE
    if any(c.factor == "security_score" for c in spec.rate_plan.coefficients)
]


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fitting_applicant(spec: ProductSpec, **changes: object) -> Applicant:
    """An applicant inside the product's first revenue band and an admitted industry."""
    plan = spec.rate_plan
    sections = spec.eligibility.industry_sections or ("C",)
    section = next(s for s in sections if s not in spec.eligibility.excluded_industry_sections)
    revenue = plan.revenue_bands[0].lower if plan.revenue_bands else Decimal(0)
    return make_applicant(industry_section=section, revenue=revenue, mlps_level=3, **changes)


def test_filed_premium_by_hand(sme: ProductSpec, applicant: Applicant) -> None:
    # Base 13,000 (limit 1,000,000; revenue ¥30m in R2; section C in G1). Score 72.5 between the
    # guide points (60, 1.0) and (80, 0.85): 1.0 − 0.15 × 12.5 / 20 = 0.90625 → 0.9063 (4 dp).
    # No claims 0.95; retention 5,000 → 1.0; MLPS level 2 → 1.0. Product 0.9063 × 0.95 = 0.860985.
    # 13,000 × 0.860985 = 11,192.805 → ¥11,192.81 (half-up).
    price = filed_price(sme, applicant, limit=Decimal(1_000_000), retention=Decimal(5_000))
    assert price.base_premium == Decimal(13000)
    assert {line.factor: line.applied for line in price.lines} == {
        "security_score": Decimal("0.9063"),
        "claims_history": Decimal("0.95"),
        "retention": Decimal("1.0"),
        "mlps_level": Decimal("1.0"),
    }
    assert price.product == Decimal("0.860985")
    assert price.exact == Decimal("11192.805")
    assert price.premium.amount == Decimal("11192.81")


def test_a_higher_retention_takes_the_retention_discount(sme: ProductSpec) -> None:
    # Retention 20,000 → 0.92: 13,000 × 0.9063 × 0.95 × 0.92 = 10,297.3806 → ¥10,297.38.
    option = price_option(sme, make_applicant(), limit=1_000_000, retention=20_000)
    assert option.filed_premium.amount == Decimal("10297.38")
    assert option.worksheet.step("coefficient:retention").rounded == Decimal("0.92")


def test_the_product_is_clamped_to_the_filed_bound_and_flagged(sme: ProductSpec) -> None:
    # Overrides: score 1.3, two claims → 1.5, not graded → 1.05: 1.3 × 1.5 × 1.05 = 2.0475 > 1.6.
    applicant = make_applicant(claims_count=2, mlps_level=None)
    price = filed_price(
        sme,
        applicant,
        limit=Decimal(500_000),
        retention=Decimal(5_000),
        overrides={"security_score": Decimal("1.3")},
    )
    assert price.product_requested == Decimal("2.0475")
    assert price.product == Decimal("1.6")
    assert price.product_flag is not None
    assert price.product_flag.kind == "lowered_to_hi"
    # Base 7,800 (limit 500,000, R2, G1) × 1.6 = 12,480.
    assert price.premium.amount == Decimal("12480.00")


def test_undeclared_claims_count_as_one_and_are_flagged(sme: ProductSpec) -> None:
    price = filed_price(
        sme, make_applicant(claims_count=None), limit=Decimal(500_000), retention=Decimal(5_000)
    )
    line = next(line for line in price.lines if line.factor == "claims_history")
    assert (line.source, line.applied, line.flag) == ("not_supplied", Decimal(1), "defaulted")


def test_mlps_level_takes_the_best_listed_level_at_or_below_it(
    product: Callable[[str], ProductSpec],
) -> None:
    health = product("yangben-pc/healthcare-cyber@1")  # lists levels 2 and 3 only
    applicant = make_applicant(industry_section="Q", revenue=Decimal(0), mlps_level=4)
    price = filed_price(health, applicant, limit=Decimal(1_000_000), retention=Decimal(20_000))
    line = next(line for line in price.lines if line.factor == "mlps_level")
    assert (line.reading, line.applied) == ("3", Decimal("0.9"))
    with pytest.raises(ValidationError) as caught:
        filed_price(
            health,
            make_applicant(industry_section="Q", revenue=Decimal(0), mlps_level=1),
            limit=Decimal(1_000_000),
            retention=Decimal(20_000),
        )
    assert caught.value.field == "mlps_level"


def test_sme_not_graded_takes_the_none_level(sme: ProductSpec) -> None:
    price = filed_price(
        sme, make_applicant(mlps_level=None), limit=Decimal(500_000), retention=Decimal(5_000)
    )
    line = next(line for line in price.lines if line.factor == "mlps_level")
    assert (line.reading, line.applied) == ("none", Decimal("1.05"))


def test_level_and_quantity_factors_come_from_the_applicants_factors(
    product: Callable[[str], ProductSpec],
) -> None:
    spec = product("cankao-pc/security-service-pl@1")
    applicant = make_applicant(
        industry_section="M", revenue=Decimal(0), factors={"industry": "penetration_testing"}
    )
    price = filed_price(spec, applicant, limit=Decimal(1_000_000), retention=Decimal(20_000))
    assert next(line for line in price.lines if line.factor == "industry").applied == Decimal("1.2")
    with pytest.raises(ValidationError) as caught:
        filed_price(
            spec,
            make_applicant(
                industry_section="M", revenue=Decimal(0), factors={"industry": "bakery"}
            ),
            limit=Decimal(1_000_000),
            retention=Decimal(20_000),
        )
    assert "penetration_testing" in caught.value.message


def test_an_override_of_a_factor_the_plan_does_not_file_is_refused(sme: ProductSpec) -> None:
    with pytest.raises(ValidationError) as caught:
        filed_price(
            sme,
            make_applicant(),
            limit=Decimal(500_000),
            retention=Decimal(5_000),
            overrides={"group_size": Decimal("0.9")},
        )
    assert caught.value.code == "underwriting.override_not_filed"


coefficient = st.decimals(min_value=Decimal("0.05"), max_value=Decimal("5"), places=3)


@settings(max_examples=150, deadline=None)
@given(
    spec=st.sampled_from([s for s in CATALOGUE if s.rate_plan.coefficients]),
    data=st.data(),
)
def test_filed_bounds_are_never_exceeded(spec: ProductSpec, data: st.DataObject) -> None:
    factors = [c.factor for c in spec.rate_plan.coefficients]
    chosen = data.draw(st.lists(st.sampled_from(factors), unique=True))
    overrides = {factor: data.draw(coefficient) for factor in chosen}
    price = filed_price(
        spec,
        fitting_applicant(spec),
        limit=spec.limit_options[0],
        retention=spec.retention.amount if spec.retention else Decimal(0),
        overrides=overrides,
    )
    product = Decimal(1)
    for line in price.lines:
        filed = line.filed_range
        assert filed.lo <= line.applied <= filed.hi
        requested = line.requested
        if requested is None:
            assert (line.flag, line.applied) == ("defaulted", Decimal(1))
        elif requested < filed.lo:
            assert (line.flag, line.applied) == ("raised_to_lo", filed.lo)
        elif requested > filed.hi:
            assert (line.flag, line.applied) == ("lowered_to_hi", filed.hi)
        else:
            assert (line.flag, line.applied) == (None, requested)
        if line.factor in overrides:
            assert requested == overrides[line.factor]
        product *= line.applied
    bound = spec.rate_plan.product_bound
    assert price.product_requested == product
    assert bound.lo <= price.product <= bound.hi
    assert (price.product_flag is not None) == (not bound.lo <= product <= bound.hi)
    assert price.product == min(max(product, bound.lo), bound.hi)
    assert price.premium.amount == fen(price.base_premium * price.product)


@settings(max_examples=100, deadline=None)
@given(
    spec=st.sampled_from(SCORED),
    first=st.floats(min_value=0, max_value=100, allow_nan=False),
    second=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_a_higher_score_never_gives_a_higher_filed_premium(
    spec: ProductSpec, first: float, second: float
) -> None:
    worse, better = sorted((first, second))
    premiums = [
        filed_price(
            spec,
            fitting_applicant(spec, score=score),
            limit=spec.limit_options[-1],
            retention=spec.retention.amount if spec.retention else Decimal(0),
        ).premium
        for score in (worse, better)
    ]
    assert premiums[1] <= premiums[0]
