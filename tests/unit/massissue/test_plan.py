"""The import plan: premiums per limit from the filed rate plan, the products it accepts, and the
idempotency (policy) key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

import pytest

from liubu.errors import ValidationError
from liubu.massissue import ImportPlan, policy_key
from liubu.products import ProductSpec, load_reference_catalogue
from tests.unit.massissue.conftest import INCEPTION, filed_base_premiums


def test_premiums_are_the_filed_per_person_premiums_of_each_limit(plan: ImportPlan) -> None:
    expected = filed_base_premiums()
    assert expected == {
        Decimal(10000): Decimal("7.9"),
        Decimal(50000): Decimal("28.8"),
        Decimal(100000): Decimal("48.8"),
    }
    assert dict(plan.premiums) == expected
    assert [flag.kind for flag in plan.clamp_flags] == ["defaulted"]


@pytest.mark.parametrize(
    ("group_size", "coefficient"),
    [
        (1, Decimal("1.0")),
        (100, Decimal("0.9")),
        # between the filed points (100, 0.9) and (1000, 0.8): 0.9 − 0.1·450/900 = 0.85
        (550, Decimal("0.85")),
        (2_000_000, Decimal("0.8")),  # beyond the last point the curve stays flat
    ],
)
def test_a_group_size_discount_follows_the_filed_curve_rounded_half_up_to_the_fen(
    anti_fraud: ProductSpec, group_size: int, coefficient: Decimal
) -> None:
    plan = ImportPlan(anti_fraud, INCEPTION, factors={"group_size": group_size})
    for limit, base in filed_base_premiums().items():
        exact = base * coefficient
        assert plan.premiums[limit] == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    # 7.9 × 0.85 = 6.715 → 6.72 (half up, not to even)
    if group_size == 550:
        assert plan.premiums[Decimal(10000)] == Decimal("6.72")


def test_a_product_not_priced_per_person_is_refused() -> None:
    sme = next(
        s
        for s in load_reference_catalogue()
        if s.status == "filed" and s.rate_plan.basis != "per_person"
    )
    with pytest.raises(ValidationError, match="not 'per_person'") as caught:
        ImportPlan(sme, INCEPTION)
    assert caught.value.code == "massissue.product_not_per_person"


def test_a_draft_product_is_refused(anti_fraud: ProductSpec) -> None:
    draft = dataclasses.replace(anti_fraud, status="draft")
    with pytest.raises(ValidationError, match="not 'filed'") as caught:
        ImportPlan(draft, INCEPTION)
    assert caught.value.code == "massissue.product_not_filed"


def test_an_inception_before_the_product_takes_effect_is_refused(anti_fraud: ProductSpec) -> None:
    assert anti_fraud.effective_from == dt.date(2024, 3, 15)
    with pytest.raises(ValidationError, match="2024-03-14") as caught:
        ImportPlan(anti_fraud, dt.date(2024, 3, 14))
    assert caught.value.code == "massissue.product_not_effective"
    assert ImportPlan(anti_fraud, dt.date(2024, 3, 15)).inception == dt.date(2024, 3, 15)


@pytest.mark.parametrize("chunk_size", [0, -1, 1_000_001, True])
def test_a_chunk_size_out_of_range_is_refused(anti_fraud: ProductSpec, chunk_size: int) -> None:
    with pytest.raises(ValidationError) as caught:
        ImportPlan(anti_fraud, INCEPTION, chunk_size=chunk_size)
    assert caught.value.code == "massissue.chunk_size"


def test_the_policy_key_is_the_documented_hash_of_product_inception_limit_and_person(
    plan: ImportPlan,
) -> None:
    person = "ab" * 32
    text = f"liubu mass issue policy key v1|yangben-pc/anti-fraud@1|2025-01-01|50000|{person}"
    expected = hashlib.sha256(text.encode()).hexdigest()[:32]
    assert plan.policy_key(limit=Decimal("50000"), person_hash=person) == expected
    assert (
        policy_key(
            product_id="yangben-pc/anti-fraud@1",
            inception=INCEPTION,
            limit=Decimal("5E+4"),
            person_hash=person,
        )
        == expected
    )


def test_the_policy_key_changes_with_limit_inception_and_person(
    anti_fraud: ProductSpec, plan: ImportPlan
) -> None:
    person = "cd" * 32
    key = plan.policy_key(limit=Decimal(10000), person_hash=person)
    renewal = ImportPlan(anti_fraud, dt.date(2026, 1, 1))
    assert renewal.policy_key(limit=Decimal(10000), person_hash=person) != key
    assert plan.policy_key(limit=Decimal(50000), person_hash=person) != key
    assert plan.policy_key(limit=Decimal(10000), person_hash="ce" + person[2:]) != key


def test_the_plan_key_changes_with_every_setting_that_decides_the_outcome(
    anti_fraud: ProductSpec, plan: ImportPlan
) -> None:
    same = ImportPlan(anti_fraud, INCEPTION)
    assert same.plan_key == plan.plan_key
    others = [
        ImportPlan(anti_fraud, dt.date(2025, 1, 2)),
        ImportPlan(anti_fraud, INCEPTION, factors={"group_size": 100}),
        ImportPlan(anti_fraud, INCEPTION, chunk_size=5_000),
    ]
    assert len({plan.plan_key, *(other.plan_key for other in others)}) == 4
