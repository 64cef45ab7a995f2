"""Mid-term endorsements and cancellation refunds against hand calculations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.underwriting import (
    cancellation_refund,
    cancellation_rule_for,
    months_in_force,
    pro_rata_premium,
    short_rate_table,
)

START, END = dt.date(2025, 1, 1), dt.date(2026, 1, 1)  # 365 days, end excluded
DAY_100 = dt.date(2025, 4, 11)  # 2025-01-01 + 100 days: 100 days in force, 265 to go


def test_limit_increase_at_day_100_charges_the_remaining_days() -> None:
    # +¥3,000 a year from day 100 of 365: 3,000 × 265 / 365 = 2,178.0821… → ¥2,178.08.
    assert (END - START).days == 365
    assert (DAY_100 - START).days == 100
    extra = pro_rata_premium(Money(3_000), start=START, end=END, effective=DAY_100)
    assert extra == Money("2178.08")


def test_a_reduction_returns_premium_rounded_half_up_away_from_zero() -> None:
    # −1,000 × 73 / 365 = −200 exactly; −1,001 × 73 / 365 = −200.2 → −¥200.20.
    effective = END - dt.timedelta(days=73)
    assert pro_rata_premium(Money(-1_000), start=START, end=END, effective=effective) == Money(-200)
    assert pro_rata_premium(Money(-1_001), start=START, end=END, effective=effective) == Money(
        "-200.20"
    )
    # −0.05 × 1/2 = −0.025 → half-up away from zero → −¥0.03.
    short_end = START + dt.timedelta(days=2)
    assert pro_rata_premium(
        Money("-0.05"), start=START, end=short_end, effective=START + dt.timedelta(days=1)
    ) == Money("-0.03")


def test_a_change_from_inception_is_the_full_premium_and_at_expiry_nothing() -> None:
    assert pro_rata_premium(Money(3_000), start=START, end=END, effective=START) == Money(3_000)
    assert pro_rata_premium(Money(3_000), start=START, end=END, effective=END) == Money(0)


def test_a_leap_year_term_has_366_days() -> None:
    # 2024-01-01 to 2025-01-01: 366 days; from 2024-03-01 (day 60) 306 remain:
    # 12,000 × 306 / 366 = 10,032.786… → ¥10,032.79.
    amount = pro_rata_premium(
        Money(12_000),
        start=dt.date(2024, 1, 1),
        end=dt.date(2025, 1, 1),
        effective=dt.date(2024, 3, 1),
    )
    assert amount == Money("10032.79")


def test_pro_rata_cancellation_refunds_the_unexpired_days(sme: ProductSpec) -> None:
    # ¥12,000, cancelled at day 100: refund 12,000 × 265 / 365 = 8,712.3287… → ¥8,712.33;
    # earned 12,000 − 8,712.33 = ¥3,287.67.
    refund = cancellation_refund(
        Money(12_000), start=START, end=END, cancelled_on=DAY_100, rule=sme
    )
    assert (refund.refund, refund.earned) == (Money("8712.33"), Money("3287.67"))
    assert (refund.method, refund.term_days, refund.days_in_force) == ("pro_rata", 365, 100)
    # The product states no cancellation rule: pro rata, and the refund says so.
    assert cancellation_rule_for(sme).assumed
    assert "no cancellation rule" in refund.notes[0].en


def test_short_rate_cancellation_keeps_the_tables_share(sme: ProductSpec) -> None:
    # Day 100 is 3 months and 10 days in force: a part month counts as whole → 4 months → 40 %.
    # Earned 12,000 × 0.40 = ¥4,800; refund ¥7,200.
    refund = cancellation_refund(
        Money(12_000), start=START, end=END, cancelled_on=DAY_100, rule="short_rate"
    )
    assert refund.months_in_force == 4
    assert refund.earned_share == Decimal("0.40")
    assert (refund.earned, refund.refund) == (Money(4_800), Money(7_200))
    assert "assumption" in refund.notes[0].en
    # 9 months (to 2025-10-01) → 85 %: earned 10,200, refund 1,800.
    nine = cancellation_refund(
        Money(12_000), start=START, end=END, cancelled_on=dt.date(2025, 10, 1), rule="short_rate"
    )
    assert (nine.months_in_force, nine.earned, nine.refund) == (9, Money(10_200), Money(1_800))


def test_the_short_rate_table_rises_to_the_full_premium() -> None:
    table = dict(short_rate_table())
    assert (table[1], table[6], table[9], table[12]) == (
        Decimal("0.10"),
        Decimal("0.60"),
        Decimal("0.85"),
        Decimal("1.00"),
    )


def test_months_in_force_count_calendar_months_and_month_ends() -> None:
    assert months_in_force(START, START) == 0
    assert months_in_force(START, dt.date(2025, 2, 1)) == 1
    assert months_in_force(START, dt.date(2025, 2, 2)) == 2
    # From 31 January, one month later is 28 February.
    assert months_in_force(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 1
    assert months_in_force(dt.date(2025, 1, 31), dt.date(2025, 3, 1)) == 2


def test_dates_outside_the_period_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        pro_rata_premium(Money(100), start=START, end=END, effective=dt.date(2026, 1, 2))
    assert caught.value.field == "effective"
    with pytest.raises(ValidationError):
        cancellation_refund(Money(100), start=END, end=START, cancelled_on=END, rule="pro_rata")
    with pytest.raises(ValidationError):
        pro_rata_premium(
            Money(100), start=START, end=END, effective=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        )
    with pytest.raises(ValidationError):
        cancellation_refund(Money(100), start=START, end=END, cancelled_on=DAY_100, rule="flat")
