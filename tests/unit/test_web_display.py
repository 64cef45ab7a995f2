"""The display layer: figures a person reads, checked against values written out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu.core import Money
from liubu.web.display import local_time, money, percent, significant


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("43846.705"), "¥43,846.71"),  # half-up at the fen
        ("1234567", "¥1,234,567.00"),
        (Money("0.005"), "¥0.01"),
        (Decimal("-12.5"), "-¥12.50"),
        (None, "—"),
        ("not a number", "—"),
    ],
)
def test_money_is_yuan_with_separators_to_the_fen(value: object, shown: str) -> None:
    assert money(value) == shown


def test_money_to_the_yuan() -> None:
    assert money(Decimal("2500000.49"), 0) == "¥2,500,000"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.31906112267087634003544458227763415302013441912373", "0.3191"),
        ("77574.77299002953235521", "77,575"),
        ("499999.9999998002", "500,000"),
        ("1.25", "1.25"),
        ("0.000123456", "0.0001235"),
        ("1", "1"),
        ("0", "0"),
    ],
)
def test_ratios_to_four_significant_digits(value: str, shown: str) -> None:
    assert significant(value) == shown


def test_percent_and_time_in_shanghai() -> None:
    assert percent(Decimal("0.12345")) == "12.3%"
    # 16:30 UTC is half past midnight the next day in Beijing (UTC+8, no summer time).
    assert local_time(datetime(2026, 12, 6, 16, 30, tzinfo=UTC)) == "2026-12-07 00:30"
