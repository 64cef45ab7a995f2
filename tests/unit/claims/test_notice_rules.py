"""The rules of a notice, pure, on reference-catalogue products, each expectation worked out by
hand from the product's file (trigger, notice deadline, services)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from liubu.claims import DEFAULT_IR_MINUTES, ClaimFlag, ClaimsCode, Cover, check_notice
from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_reference_catalogue


def _spec(product: str) -> ProductSpec:
    return next(p for p in load_reference_catalogue() if p.product_id == product)


SME = _spec("shifan-pc/sme-cyber-comprehensive@2")  # claims-made, retro 0 d, ERP 60 d, 48 h, IR 30'
PROPERTY = _spec("shifan-pc/enterprise-cyber-property@1")  # occurrence, 24 h, IR 15'
CYBER_LIABILITY = _spec("yangben-pc/cyber-liability@1")  # claims-made, retro 365 d, ERP 90 d
ANTI_FRAUD = _spec("yangben-pc/anti-fraud@1")  # no service promises a response time

COVER = Cover("LB1", date(2026, 1, 1), date(2027, 1, 1))
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_timely_notice_gets_the_products_clocks_and_no_flags() -> None:
    checked = check_notice(
        SME, COVER, occurred_on=date(2026, 5, 30), discovered_at=NOON - timedelta(hours=47),
        notified_at=NOON,
    )  # fmt: skip
    assert checked.flags == ()
    assert checked.ir_contact_due == datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    assert checked.settlement_due == datetime(2026, 6, 11, 12, 0, tzinfo=UTC)
    assert checked.retroactive_date == date(2026, 1, 1)


def test_notice_later_than_the_deadline_after_discovery_is_flagged_late() -> None:
    late = check_notice(
        PROPERTY, COVER, occurred_on=date(2026, 5, 30), discovered_at=NOON - timedelta(hours=25),
        notified_at=NOON,
    )  # fmt: skip
    assert late.flags == (ClaimFlag.LATE_NOTICE,)
    assert late.ir_contact_due - NOON == timedelta(minutes=15)


def test_an_occurrence_policy_refuses_losses_outside_its_period_with_the_dates() -> None:
    with pytest.raises(ValidationError) as before:
        check_notice(
            PROPERTY, COVER, occurred_on=date(2025, 12, 31), discovered_at=NOON, notified_at=NOON
        )
    assert before.value.code == ClaimsCode.POLICY_NOT_IN_FORCE
    assert "2026-01-01 to 2027-01-01" in before.value.message
    cancelled = Cover("LB1", date(2026, 1, 1), date(2027, 1, 1), cancelled_on=date(2026, 5, 1))
    with pytest.raises(ValidationError) as after:
        check_notice(
            PROPERTY, cancelled, occurred_on=date(2026, 5, 1), discovered_at=NOON, notified_at=NOON
        )
    assert "was cancelled on 2026-05-01" in after.value.message


def test_claims_made_cover_flags_losses_before_the_retroactive_date_and_late_reports() -> None:
    # Retroactive period 365 days before inception: 2025-01-01; earlier is flagged, not refused.
    early = check_notice(
        CYBER_LIABILITY, COVER, occurred_on=date(2024, 12, 31), discovered_at=NOON,
        notified_at=NOON,
    )  # fmt: skip
    assert early.flags == (ClaimFlag.BEFORE_RETROACTIVE_DATE,)
    assert early.retroactive_date == date(2025, 1, 1)
    on_the_day = check_notice(
        CYBER_LIABILITY, COVER, occurred_on=date(2025, 1, 1), discovered_at=NOON, notified_at=NOON
    )
    assert on_the_day.flags == ()
    # Reported 2027-04-01 (after 2027-01-01 + 90 days = 2027-04-01): outside; one day earlier: in.
    late_report = datetime(2027, 4, 1, 9, tzinfo=UTC)
    outside = check_notice(
        CYBER_LIABILITY, COVER, occurred_on=date(2026, 12, 30),
        discovered_at=late_report - timedelta(hours=1), notified_at=late_report,
    )  # fmt: skip
    assert outside.flags == (ClaimFlag.REPORTED_OUTSIDE_PERIOD,)
    inside = check_notice(
        CYBER_LIABILITY, COVER, occurred_on=date(2026, 12, 30),
        discovered_at=late_report - timedelta(days=1, hours=1),
        notified_at=late_report - timedelta(days=1),
    )  # fmt: skip
    assert inside.flags == ()


def test_discovery_must_fall_between_the_loss_and_the_notice() -> None:
    with pytest.raises(ValidationError) as refused:
        check_notice(
            SME, COVER, occurred_on=date(2026, 5, 31), discovered_at=NOON + timedelta(minutes=1),
            notified_at=NOON,
        )  # fmt: skip
    assert refused.value.code == ClaimsCode.BAD_DATES
    assert refused.value.field == "discovered_at"
    with pytest.raises(ValidationError):
        check_notice(SME, COVER, occurred_on=date(2026, 6, 2), discovered_at=NOON, notified_at=NOON)


def test_a_product_promising_no_response_time_gets_the_documented_default() -> None:
    checked = check_notice(
        ANTI_FRAUD, COVER, occurred_on=date(2026, 5, 31), discovered_at=NOON, notified_at=NOON
    )
    assert (
        checked.ir_contact_due - NOON == timedelta(minutes=DEFAULT_IR_MINUTES) == timedelta(hours=2)
    )


def test_the_dates_are_beijing_calendar_dates_after_16_utc() -> None:
    # 2026-06-01 18:30 UTC is 2026-06-02 02:30 in Beijing (UTC+8, no daylight saving): a loss
    # that happened there on 2 June, found at 01:30 Beijing time, is reported the same day.
    late_evening = datetime(2026, 6, 1, 18, 30, tzinfo=UTC)
    found = late_evening - timedelta(hours=1)
    checked = check_notice(
        SME, COVER, occurred_on=date(2026, 6, 2), discovered_at=found, notified_at=late_evening
    )
    assert checked.flags == ()
    with pytest.raises(ValidationError) as future:  # 3 June has not begun in Beijing
        check_notice(
            SME, COVER, occurred_on=date(2026, 6, 3), discovered_at=found, notified_at=late_evening
        )
    assert future.value.code == ClaimsCode.BAD_DATES
    # a discovery at 23:30 UTC on 31 May is 07:30 on 1 June in Beijing: before a loss of 2 June
    with pytest.raises(ValidationError) as early:
        check_notice(
            SME, COVER, occurred_on=date(2026, 6, 2),
            discovered_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC), notified_at=late_evening,
        )  # fmt: skip
    assert early.value.code == ClaimsCode.BAD_DATES
