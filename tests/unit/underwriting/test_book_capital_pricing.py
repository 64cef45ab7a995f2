"""The technical premium's capital from the insurer's simulated book: min(C₁, r × C₁) with a stored
ratio r, the assumed N, ρ book only as the fallback, and the worksheet saying which was used."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.underwriting import BookCapitalRatio, Loads, PricedOption, loads_for, price_option

from .conftest import make_applicant

LOADS = Loads(
    Decimal("0.30"),
    Decimal("0.05"),
    Decimal("0.10"),
    Decimal("0.995"),
    book_policies=300,
    book_correlation=Decimal("0.10"),
    simulated_book=True,
)
AT = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def ratio(
    value: str, *, basis: str = "industry", key: str = "C", period: int = 200
) -> BookCapitalRatio:
    return BookCapitalRatio(
        ratio=Decimal(value),
        basis=basis,
        key=key,
        run_id="run-7",
        computed_at=AT,
        book_policies=1_200,
        return_period=period,
    )


def by_hand(expected: Decimal, capital: Decimal, loads: Loads) -> Decimal:
    """(E + coc × C) / (1 − e − p), rounded half-up to the fen."""
    exact = (expected + loads.cost_of_capital * capital) / (
        1 - loads.expense_ratio - loads.profit_margin
    )
    return Money(exact).round_fen().amount


@pytest.mark.parametrize("r", ["0.1234", "0", "1"])
def test_with_a_stored_ratio_capital_is_r_times_stand_alone(sme: ProductSpec, r: str) -> None:
    option = price_option(
        sme, make_applicant(), limit=1_000_000, loads=LOADS, book_capital=ratio(r)
    )
    sheet = option.worksheet
    expected = sheet.step("expected_insured_loss").exact
    stand_alone = sheet.step("stand_alone_capital").exact
    assert expected is not None
    assert stand_alone is not None
    assert stand_alone == sheet.step("tvar").exact - expected  # type: ignore[operator]
    capital = min(stand_alone, Decimal(r) * stand_alone)
    assert option.technical_premium is not None
    assert option.technical_premium.amount == by_hand(expected, capital, LOADS)
    step = sheet.step("capital")
    assert step.exact == capital
    assert step.detail["basis"] == "simulated_book"
    used = sheet.step("book_capital_ratio")
    assert used.exact == Decimal(r)
    assert (used.detail["basis"], used.detail["key"], used.detail["run_id"]) == (
        "industry",
        "C",
        "run-7",
    )
    assert not any(s.code == "diversification_factor" for s in sheet.technical)
    assert any(
        "run-7" in n.en and "2026-12-01" in n.en and "industry section C" in n.en
        for n in sheet.notes
    )
    assert any("run-7" in n.zh and "行业门类 C" in n.zh for n in sheet.notes)
    assert option.book_capital == ratio(r)


def test_without_a_stored_ratio_the_assumed_book_is_the_fallback_and_says_so(
    sme: ProductSpec,
) -> None:
    option = price_option(sme, make_applicant(), limit=1_000_000, loads=LOADS)
    assumed = price_option(
        sme, make_applicant(), limit=1_000_000, loads=replace(LOADS, simulated_book=False)
    )
    assert option.technical_premium == assumed.technical_premium
    sheet = option.worksheet
    assert sheet.step("capital").detail["basis"] == "book"
    expected, book = sheet.step("expected_insured_loss").exact, sheet.step("book_capital").exact
    assert expected is not None
    assert book is not None
    stand_alone = sheet.step("stand_alone_capital").exact
    assert stand_alone is not None
    assert option.technical_premium is not None
    assert option.technical_premium.amount == by_hand(expected, min(stand_alone, book), LOADS)
    assert any(n.en.startswith("No simulated book capital is stored") for n in sheet.notes)
    assert not any(n.en.startswith("No simulated") for n in assumed.worksheet.notes)


def test_a_ratio_is_used_only_when_the_loads_ask_for_it_at_their_own_level(
    sme: ProductSpec,
) -> None:
    applicant = make_applicant()
    fallback = price_option(sme, applicant, limit=1_000_000, loads=LOADS).technical_premium
    off = price_option(
        sme,
        applicant,
        limit=1_000_000,
        loads=replace(LOADS, simulated_book=False),
        book_capital=ratio("0.05"),
    )
    other_level = price_option(
        sme, applicant, limit=1_000_000, loads=LOADS, book_capital=ratio("0.05", period=100)
    )
    used = price_option(sme, applicant, limit=1_000_000, loads=LOADS, book_capital=ratio("0.05"))
    assert off.technical_premium == fallback
    assert other_level.technical_premium == fallback
    assert used.technical_premium != fallback
    assert off.worksheet.step("capital").detail["basis"] == "book"


def test_a_smaller_ratio_never_gives_a_higher_premium(sme: ProductSpec) -> None:
    premiums = []
    for r in ("0", "0.1", "0.3", "0.7", "1"):
        option = price_option(
            sme, make_applicant(), limit=500_000, loads=LOADS, book_capital=ratio(r)
        )
        assert option.technical_premium is not None
        premiums.append(option.technical_premium.amount)
    assert premiums == sorted(premiums)
    stand_alone = price_option(
        sme,
        make_applicant(),
        limit=500_000,
        loads=replace(LOADS, book_policies=None, book_correlation=None),
    ).technical_premium
    assert stand_alone is not None
    assert premiums[-1] == stand_alone.amount


def test_the_ratio_is_kept_on_the_option_and_read_back() -> None:
    kept = ratio("0.25", basis="policy", key="LB2026-0001")
    option = PricedOption.from_dict(
        {"schema": 3, "product": "p", "status": "auto", "book_capital": kept.to_dict()}
    )
    assert option.book_capital == kept
    assert PricedOption.from_dict(option.to_dict()).book_capital == kept
    assert (
        PricedOption.from_dict({"schema": 2, "product": "p", "status": "auto"}).book_capital is None
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ratio": Decimal("1.5")}, "ratio"),
        ({"ratio": Decimal("-0.1")}, "ratio"),
        ({"basis": "region"}, "basis"),
        ({"basis": "policy", "key": ""}, "key"),
    ],
)
def test_a_ratio_out_of_range_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        replace(ratio("0.5"), **changes)
    assert caught.value.field == field


def test_every_insurer_asks_for_its_simulated_book() -> None:
    for insurer in ("shifan-pc", "cankao-pc", "yangben-pc", "no-such-insurer"):
        assert loads_for(insurer).simulated_book is True


def test_a_simulated_book_flag_that_is_not_true_or_false_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        replace(LOADS, simulated_book="yes")
    assert caught.value.field == "simulated_book"
