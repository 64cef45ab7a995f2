"""The filed rate plan: base premium lookups, coefficient guides and clamping.

Expected figures are read off the reference files' tables by hand or computed by hand from the
formulae in the docstrings (linear interpolation; base × product of clamped coefficients).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liubu.errors import ValidationError
from liubu.products import (
    ClampFlag,
    Coefficient,
    CurvePoint,
    FiledRange,
    ProductSpec,
    filed_premium_inputs,
    load_reference_catalogue,
)

D = Decimal


def product(product_id: str) -> ProductSpec:
    return next(s for s in load_reference_catalogue() if s.product_id == product_id)


SME = "shifan-pc/sme-cyber-comprehensive@1"


@pytest.mark.parametrize(
    ("limit", "revenue", "section", "premium"),
    [
        # rows of shifan-pc_sme-cyber-comprehensive.yaml, whose bands are R1 [0, 10M),
        # R2 [10M, 50M), R3 [50M, 200M) and whose groups are G1 (C among others) and G2 (I, Q)
        (1_000_000, 30_000_000, "C", "13000"),
        (1_000_000, 10_000_000, "C", "13000"),  # a band includes its lower end
        (1_000_000, 9_999_999, "C", "7220"),  # … and excludes its upper end
        (2_000_000, 0, "I", "17330"),
        (500_000, 199_999_999, "Q", "19500"),
    ],
)
def test_base_premium_is_read_from_the_filed_table(
    limit: int, revenue: int, section: str, premium: str
) -> None:
    plan = product(SME).rate_plan
    assert plan.base_premium(limit=limit, revenue=revenue, industry_section=section) == D(premium)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"limit": 1_500_000, "revenue": 1, "industry_section": "C"}, "rate_plan.no_base_premium"),
        (
            {"limit": 1_000_000, "revenue": 200_000_000, "industry_section": "C"},
            "rate_plan.no_base_premium",
        ),
        ({"limit": 1_000_000, "revenue": 1, "industry_section": "J"}, "rate_plan.no_base_premium"),
        ({"limit": 1_000_000, "industry_section": "C"}, "rate_plan.input_missing"),
        ({"limit": 1_000_000, "revenue": 1}, "rate_plan.input_missing"),
    ],
)
def test_a_lookup_outside_the_table_raises(arguments: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        product(SME).rate_plan.base_premium(**arguments)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_a_score_between_two_points_is_interpolated_linearly() -> None:
    curve = product(SME).rate_plan.coefficient("security_score")  # (40, 1.15) … (60, 1.0)
    assert curve.value_for(50) == D("1.075")  # 1.15 + (1.0 − 1.15) × 10/20
    assert curve.value_for(45) == D("1.1125")  # 1.15 − 0.15 × 5/20
    assert curve.value_for(0) == D("1.3")
    assert curve.value_for(100) == D("0.7")


def test_a_step_table_gives_the_value_of_the_band_the_score_falls_in() -> None:
    # shifan-pc_park-group.yaml: from 0 → 1.2, 40 → 1.1, 60 → 1.0, 80 → 0.9, 90 → 0.8
    steps = product("shifan-pc/park-group-cyber@1").rate_plan.coefficient("security_score")
    readings = [0, 39.9, 40, 59, 60, 80, 89, 90, 100]
    assert [steps.value_for(str(x)) for x in readings] == [
        D(v) for v in ("1.2", "1.2", "1.1", "1.1", "1.0", "0.9", "0.9", "0.8", "0.8")
    ]


def test_beyond_the_end_points_the_guide_is_flat_and_levels_are_looked_up() -> None:
    plan = product(SME).rate_plan
    retention = plan.coefficient("retention")  # points from 5,000 to 50,000
    assert retention.value_for(1000) == D("1.0")
    assert retention.value_for(80_000) == D("0.85")
    assert plan.coefficient("mlps_level").value_for("3") == D("0.9")
    with pytest.raises(ValidationError) as caught:
        plan.coefficient("mlps_level").value_for("5")
    assert caught.value.code == "rate_plan.unknown_level"


def test_coefficients_inside_their_ranges_multiply_exactly() -> None:
    result = product(SME).rate_plan.clamp(
        {"security_score": D("0.7"), "claims_history": D("1.5"), "mlps_level": D("0.85")}
    )
    assert result.product == D("0.8925")  # 0.7 × 1.5 × 0.85 × 1 (retention not given)
    assert result.flags == (ClampFlag("retention", "defaulted", None, D(1)),)


def test_each_coefficient_and_then_the_product_are_clamped_to_the_filed_limits() -> None:
    coefficients, product_value, flags = product(SME).rate_plan.clamp(
        {"security_score": "1.4", "claims_history": "1.5", "mlps_level": "1.05", "retention": 1}
    )
    assert coefficients["security_score"] == D("1.3")  # filed range [0.7, 1.3]
    # 1.3 × 1.5 × 1.05 × 1 = 2.0475 > bound 1.6
    assert product_value == D("1.6")
    assert ClampFlag("security_score", "lowered_to_hi", D("1.4"), D("1.3")) in flags
    assert ClampFlag("product", "lowered_to_hi", D("2.0475"), D("1.6")) in flags


def test_a_coefficient_the_plan_does_not_file_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        product(SME).rate_plan.clamp({"group_size": D("0.9")})
    assert caught.value.code == "rate_plan.factor_not_filed"


def test_filed_premium_inputs_for_the_anti_fraud_product_bought_by_a_group_of_100() -> None:
    spec = product("yangben-pc/anti-fraud@1")
    group = spec.rate_plan.coefficient("group_size").value_for(100)
    inputs = filed_premium_inputs(spec, limit=50_000, coefficients={"group_size": group})
    assert inputs.base_premium == D("28.8")
    assert inputs.clamp.product == D("0.9")
    assert inputs.unrounded_premium == D("25.92")  # 28.8 × 0.9


def test_the_supply_chain_owner_pays_a_base_share_and_the_supplier_share_floats() -> None:
    spec = product("cankao-pc/supply-chain-cyber@1")
    assert spec.group is not None
    sharing = spec.group.premium_sharing  # sponsor_share 0.4
    score_coefficient = spec.rate_plan.coefficient("security_score").value_for(90)  # 0.75
    owner, supplier = sharing.split(D(1000), floating_coefficient=score_coefficient)
    assert (owner, supplier) == (D("400.0"), D("450.00"))  # 0.4 × 1000; 0.6 × 1000 × 0.75


def test_the_park_operator_pays_a_fixed_half() -> None:
    spec = product("shifan-pc/park-group-cyber@1")
    assert spec.group is not None
    assert spec.group.premium_sharing.split(D(800)) == (D("400.0"), D("400.0"))


def test_a_filed_range_must_not_be_inverted_nor_a_curve_unordered() -> None:
    with pytest.raises(ValidationError) as inverted:
        FiledRange(D("1.3"), D("0.7"))
    assert inverted.value.code == "rate_plan.range_inverted"
    with pytest.raises(ValidationError) as unordered:
        Coefficient(
            "security_score",
            FiledRange(D("0.7"), D("1.3")),
            points=(CurvePoint(D(60), D(1)), CurvePoint(D(40), D("1.1"))),
        )
    assert unordered.value.code == "rate_plan.curve_points_unordered"
    with pytest.raises(ValidationError) as two:
        Coefficient(
            "security_score",
            FiledRange(D("0.7"), D("1.3")),
            points=(CurvePoint(D(0), D(1)),),
            steps=(CurvePoint(D(0), D(1)),),
        )
    assert two.value.code == "rate_plan.two_guides"


factors = st.fixed_dictionaries(
    {},
    optional={
        name: st.decimals(min_value="0.01", max_value="5", places=3)
        for name in ("security_score", "claims_history", "retention", "mlps_level")
    },
)


@given(factors)
def test_clamped_coefficients_lie_in_their_ranges_and_clamping_twice_changes_nothing(
    requested: dict[str, Decimal],
) -> None:
    plan = product(SME).rate_plan
    result = plan.clamp(requested)
    for coefficient in plan.coefficients:
        assert coefficient.range.contains(result.coefficients[coefficient.factor])
    assert plan.product_bound.contains(result.product)
    raw = D(1)
    for value in result.coefficients.values():
        raw *= value
    assert result.product == plan.product_bound.clamp(raw)
    again = plan.clamp(result.coefficients)
    assert (again.coefficients, again.product) == (result.coefficients, result.product)
