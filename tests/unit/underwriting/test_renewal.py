"""Renewal re-rating: the claims-history coefficient from the claims count."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.underwriting import claims_history_coefficient, claims_history_level


@pytest.mark.parametrize(
    ("count", "level", "coefficient"),
    [(0, "none", "0.95"), (1, "one", "1.2"), (2, "two_or_more", "1.5"), (7, "two_or_more", "1.5")],
)
def test_claims_count_maps_to_level_and_default_coefficient(
    count: int, level: str, coefficient: str
) -> None:
    assert claims_history_level(count) == level
    assert claims_history_coefficient(count) == Decimal(coefficient)


def test_a_products_own_filed_level_is_used(product: Callable[[str], ProductSpec]) -> None:
    # shifan-pc/enterprise-cyber-property@1 files two_or_more at 1.6.
    assert claims_history_coefficient(3, spec=product("shifan-pc/enterprise-cyber-property@1")) == (
        Decimal("1.6")
    )
    # The anti-fraud plan files no claims-history factor: neutral.
    assert claims_history_coefficient(3, spec=product("yangben-pc/anti-fraud@1")) == Decimal(1)


def test_a_negative_claims_count_is_refused() -> None:
    with pytest.raises(ValidationError):
        claims_history_coefficient(-1)
