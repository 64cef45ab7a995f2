"""The anti-fraud claim's assessment against the reference product's terms, every figure worked
out by hand: ¥3,000 annual retention, 70 % indemnity share (coinsurance 0.3), the holder's limit,
168 h waiting period from inception, notice within 72 h of the police report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liubu.claims import (
    AntifraudClaim,
    AntifraudDecision,
    AntifraudTerms,
    ClaimsCode,
    YearToDate,
    anniversary,
    antifraud_step_title,
    assess_antifraud_claim,
    parse_receipt_number,
)
from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_reference_catalogue

INCEPTION = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def product() -> ProductSpec:
    return next(s for s in load_reference_catalogue() if s.product_id == "yangben-pc/anti-fraud@1")


def _claim(
    loss: str,
    *,
    on: dt.date = dt.date(2026, 3, 1),
    told_after: int = 1,
    recovered: str = "0",
    cause: str | None = None,
) -> AntifraudClaim:
    return AntifraudClaim(
        receipt=parse_receipt_number(f"A110105010000{on:%Y%m}0001"),
        loss_amount=Decimal(loss),
        loss_date=on,
        police_report_date=on,
        notified_on=on + dt.timedelta(days=told_after),
        recovered_amount=Decimal(recovered),
        cause=cause,
    )


def test_the_terms_are_read_off_the_filed_product(product: ProductSpec) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(50_000))
    assert terms.annual_retention == Decimal(3000)
    assert terms.indemnity_share == Decimal("0.7")  # 1 − coinsurance 0.3
    assert (terms.waiting_days, terms.notice_days, terms.recovery_wait_days) == (7, 3, 30)
    assert "gambling" in terms.exclusions


def test_a_first_claim_pays_seventy_percent_above_the_retention(product: ProductSpec) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(50_000))
    result = assess_antifraud_claim(_claim("20000", recovered="1000"), terms=terms,
                                    inception=INCEPTION, year_to_date=YearToDate())  # fmt: skip
    # (20000 − 1000 − 3000) × 0.7 = 11200
    assert result.decision is AntifraudDecision.ACCEPTED
    assert result.payable == Decimal("11200.00")
    assert result.retention_applied == Decimal("3000.00")
    assert result.payable_from == dt.date(2026, 3, 31)


def test_the_share_is_rounded_half_up_to_the_fen_once(product: ProductSpec) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    # (3000.05 − 3000) × 0.7 = 0.035 → 0.04 and (3000.15 − 3000) × 0.7 = 0.105 → 0.11 half-up
    # (half-even would give 0.10: the second case tells the two apart)
    first = assess_antifraud_claim(
        _claim("3000.05"), terms=terms, inception=INCEPTION, year_to_date=YearToDate()
    )
    second = assess_antifraud_claim(
        _claim("3000.15"), terms=terms, inception=INCEPTION, year_to_date=YearToDate()
    )
    assert (first.payable, second.payable) == (Decimal("0.04"), Decimal("0.11"))


def test_earlier_claims_of_the_year_erode_the_retention_and_the_limit(
    product: ProductSpec,
) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    year = YearToDate()
    first = assess_antifraud_claim(
        _claim("2000"), terms=terms, inception=INCEPTION, year_to_date=year
    )
    assert (first.payable, first.retention_applied) == (Decimal("0.00"), Decimal("2000.00"))
    assert first.notes[0] is ClaimsCode.WITHIN_RETENTION
    year = year.after(first)
    second = assess_antifraud_claim(
        _claim("9000"), terms=terms, inception=INCEPTION, year_to_date=year
    )
    # 1000 of retention left: (9000 − 1000) × 0.7 = 5600
    assert (second.payable, second.retention_applied) == (Decimal("5600.00"), Decimal("1000.00"))
    year = year.after(second)
    assert year == YearToDate(Decimal("3000.00"), Decimal("5600.00"), 2)
    third = assess_antifraud_claim(
        _claim("9000"), terms=terms, inception=INCEPTION, year_to_date=year
    )
    # 9000 × 0.7 = 6300, but only 10000 − 5600 = 4400 of the limit is left
    assert third.payable == Decimal("4400.00")
    assert ClaimsCode.CAPPED_AT_LIMIT in third.notes
    assert dict(third.steps)["share"] == Decimal("6300.00")
    year = year.after(third)
    fourth = assess_antifraud_claim(
        _claim("9000"), terms=terms, inception=INCEPTION, year_to_date=year
    )
    assert fourth.payable == Decimal("0.00")
    assert ClaimsCode.CAPPED_AT_LIMIT in fourth.notes


@pytest.mark.parametrize(
    ("loss_day", "refused"),
    [(dt.date(2026, 1, 7), True), (dt.date(2026, 1, 8), False)],
    ids=["day-7-inside", "day-8-covered"],
)
def test_the_waiting_period_ends_168_hours_after_inception(
    product: ProductSpec, loss_day: dt.date, refused: bool
) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    result = assess_antifraud_claim(_claim("9000", on=loss_day), terms=terms, inception=INCEPTION,
                                    year_to_date=YearToDate())  # fmt: skip
    assert (result.reasons == (ClaimsCode.WAITING_PERIOD,)) is refused


@pytest.mark.parametrize(("days", "late"), [(3, False), (4, True)])
def test_the_insurer_must_be_told_within_72_hours_of_the_police_report(
    product: ProductSpec, days: int, late: bool
) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    result = assess_antifraud_claim(_claim("9000", told_after=days), terms=terms,
                                    inception=INCEPTION, year_to_date=YearToDate())  # fmt: skip
    assert (ClaimsCode.LATE_NOTICE in result.reasons) is late


def test_every_reason_is_given_and_nothing_is_paid_on_a_refusal(product: ProductSpec) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    claim = _claim("9000", on=dt.date(2026, 1, 2), told_after=5, cause="gambling")
    result = assess_antifraud_claim(
        claim, terms=terms, inception=INCEPTION, year_to_date=YearToDate()
    )
    assert result.decision is AntifraudDecision.REFUSED
    assert result.reasons == (
        ClaimsCode.WAITING_PERIOD,
        ClaimsCode.LATE_NOTICE,
        ClaimsCode.EXCLUDED_CAUSE,
    )
    assert result.payable == Decimal("0.00")
    assert YearToDate().after(result) == YearToDate()


def test_a_loss_outside_the_policy_year_is_refused(product: ProductSpec) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    for day in (dt.date(2025, 12, 31), dt.date(2027, 1, 1)):
        result = assess_antifraud_claim(_claim("9000", on=day), terms=terms, inception=INCEPTION,
                                        year_to_date=YearToDate())  # fmt: skip
        assert result.reasons == (ClaimsCode.NOT_IN_FORCE,)
    assert anniversary(dt.date(2024, 2, 29)) == dt.date(2025, 3, 1)


def test_the_worksheet_survives_storage_and_every_step_has_two_titles(
    product: ProductSpec,
) -> None:
    terms = AntifraudTerms.of(product, limit=Decimal(10_000))
    result = assess_antifraud_claim(
        _claim("5000"), terms=terms, inception=INCEPTION, year_to_date=YearToDate()
    )
    assert type(result).from_dict(result.to_dict()) == result
    for code, _value in result.steps:
        assert antifraud_step_title(code, "zh") != antifraud_step_title(code, "en")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A1101050100002026030001", None),
        ("j110105010000202603000123", None),  # J, lower case, 6-digit serial
        ("B1101050100002026030001", ClaimsCode.RECEIPT_NUMBER),  # letter
        ("A110105010000202603001", ClaimsCode.RECEIPT_NUMBER),  # 3-digit serial
        ("A9901050100002026030001", ClaimsCode.RECEIPT_NUMBER),  # no province 99
        ("A1101050100002026130001", ClaimsCode.RECEIPT_NUMBER),  # month 13
    ],
)
def test_receipt_numbers_are_checked_for_their_form(text: str, code: ClaimsCode | None) -> None:
    if code is None:
        assert parse_receipt_number(text).province == "11"
        return
    with pytest.raises(ValidationError) as refused:
        parse_receipt_number(text)
    assert refused.value.code == code


def test_a_claim_with_dates_out_of_order_or_a_receipt_of_another_month_is_refused() -> None:
    with pytest.raises(ValidationError) as order:
        _claim("100", told_after=-1)
    assert order.value.code == ClaimsCode.DATE_ORDER
    with pytest.raises(ValidationError) as month:
        AntifraudClaim(
            receipt=parse_receipt_number("A1101050100002026050001"),
            loss_amount=Decimal(100),
            loss_date=dt.date(2026, 3, 1),
            police_report_date=dt.date(2026, 3, 1),
            notified_on=dt.date(2026, 3, 1),
        )
    assert month.value.code == ClaimsCode.RECEIPT_MONTH
    with pytest.raises(ValidationError) as recovered:
        _claim("100", recovered="100.01")
    assert recovered.value.code == ClaimsCode.AMOUNT
    with pytest.raises(ValidationError) as cause:
        _claim("100", cause="astrology")
    assert cause.value.code == ClaimsCode.UNKNOWN_CAUSE
