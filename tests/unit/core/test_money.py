"""Money: exact Decimal CNY, half-up rounding to the fen, pro rata and largest-remainder splits."""

from __future__ import annotations

import dataclasses
import itertools
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liubu.core import Money
from liubu.errors import ValidationError

FEN = Decimal("0.01")

amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)
whole_fen = st.integers(min_value=-(10**12), max_value=10**12)
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


def hamilton_reference(fen: int, ints: list[int]) -> list[int]:
    """Largest remainder in plain integers, written independently of liubu's Fraction version."""
    total = sum(ints)
    floors = [fen * w // total for w in ints]
    remainders = [fen * w % total for w in ints]
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    for i in order[: fen - sum(floors)]:
        floors[i] += 1
    return floors


def test_money_from_str_int_and_decimal_are_equal_and_hash_alike() -> None:
    forms = {Money("12.50"), Money("12.5"), Money(Decimal("12.500")), Money(" 12.5 ")}
    assert len(forms) == 1
    assert Money(12) == Money("12.00")


@pytest.mark.parametrize("value", [0.1, 1.0, True])
def test_money_refuses_floats_and_bools(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(value)  # type: ignore[arg-type]
    assert caught.value.code == "money.type"
    assert caught.value.field == "amount"
    assert repr(value) in caught.value.message


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "12,5", "¥12", ""])
def test_money_refuses_text_that_is_not_a_finite_decimal(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(text)
    assert caught.value.code in {"money.syntax", "money.not_finite"}
    assert "amount" in caught.value.message


def test_from_float_goes_through_repr_not_the_binary_value() -> None:
    assert Decimal(0.1) != Decimal("0.1")  # noqa: RUF032 -- the binary value from_float avoids
    assert Money.from_float(0.1).amount == Decimal("0.1")
    assert Money.from_float(2.675).round_fen() == Money("2.68")  # round(2.675, 2) == 2.67


@pytest.mark.parametrize("value", [math.nan, math.inf, "1.5", 1])
def test_from_float_refuses_non_finite_and_non_float(value: object) -> None:
    with pytest.raises(ValidationError):
        Money.from_float(value)  # type: ignore[arg-type]


def test_addition_is_exact_where_binary_floats_are_not() -> None:
    assert 0.1 + 0.2 != 0.3
    assert Money("0.1") + Money("0.2") == Money("0.3")
    assert Money("10") - Money("0.01") == Money("9.99")
    assert -Money("5") == Money("-5")
    assert abs(Money("-5")) == Money("5")


def test_multiplication_by_decimal_and_int_from_either_side() -> None:
    assert Money("100") * Decimal("1.15") == Money("115")
    assert 3 * Money("0.1") == Money("0.3")
    assert Money("0.333") * 3 == Money("0.999")


def test_multiplication_by_a_float_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Money("100") * 1.15  # type: ignore[operator]
    assert caught.value.field == "factor"


def test_money_does_not_mix_with_bare_numbers() -> None:
    with pytest.raises(TypeError):
        Money("1") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("1") * Money("2")  # type: ignore[operator]
    with pytest.raises(TypeError):
        assert Money("1") < 2  # type: ignore[operator]


def test_money_orders_by_amount() -> None:
    values = [Money("1.01"), Money("-3"), Money("1.005"), Money("0")]
    assert sorted(values) == [Money("-3"), Money("0"), Money("1.005"), Money("1.01")]
    assert max(values) == Money("1.01")


def test_money_is_immutable() -> None:
    money = Money("1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal("2")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("2.6649999", "2.66"),
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("-2.675", "-2.68"),
        ("-0.005", "-0.01"),
        ("1234", "1234.00"),
    ],
)
def test_round_fen_rounds_ties_away_from_zero(amount: str, rounded: str) -> None:
    result = Money(amount).round_fen()
    assert result.amount == Decimal(rounded)
    assert result.amount.as_tuple().exponent == -2


@given(amounts)
def test_round_fen_matches_decimal_quantize_half_up(amount: Decimal) -> None:
    assert Money(amount).round_fen().amount == amount.quantize(FEN, rounding=ROUND_HALF_UP)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_round_fen_matches_integer_half_up_on_micro_yuan(micro: int) -> None:
    # An amount of micro yuan (1e-6): half-up to the fen is floor((|m| + 5000) / 10000) fen.
    expected_fen = (abs(micro) + 5000) // 10000 * (1 if micro >= 0 else -1)
    assert Money(Decimal(micro).scaleb(-6)).fen == expected_fen


def test_fen_counts_whole_fen_after_rounding() -> None:
    assert Money("12.345").fen == 1235
    assert Money("-0.015").fen == -2


@pytest.mark.parametrize(
    ("amount", "days", "total", "expected"),
    [
        ("365", 10, 365, "10.00"),
        ("1000", 1, 3, "333.33"),
        ("1000", 2, 3, "666.67"),
        ("0.05", 1, 2, "0.03"),
        ("12000", 0, 366, "0.00"),
        ("12000.005", 366, 366, "12000.01"),
    ],
)
def test_pro_rata_rounds_half_up_once(amount: str, days: int, total: int, expected: str) -> None:
    assert Money(amount).pro_rata(days, total) == Money(expected)


@given(amounts, st.integers(min_value=1, max_value=3660), st.data())
def test_pro_rata_matches_high_precision_decimal(
    amount: Decimal, total: int, data: st.DataObject
) -> None:
    days = data.draw(st.integers(min_value=0, max_value=total))
    with localcontext() as context:
        context.prec = 80  # a tie is a terminating decimal, exact at this precision
        expected = (amount * days / total).quantize(FEN, rounding=ROUND_HALF_UP)
    assert Money(amount).pro_rata(days, total).amount == expected


@pytest.mark.parametrize(("days", "total"), [(4, 3), (-1, 3), (0, 0), (1, -5)])
def test_pro_rata_refuses_days_outside_the_term(days: int, total: int) -> None:
    with pytest.raises(ValidationError) as caught:
        Money("100").pro_rata(days, total)
    assert caught.value.code == "money.pro_rata_days"


def test_pro_rata_refuses_fractional_days() -> None:
    with pytest.raises(ValidationError):
        Money("100").pro_rata(1.5, 3)  # type: ignore[arg-type]


def test_allocate_gives_the_odd_fen_to_the_largest_remainders() -> None:
    assert Money("100").allocate([1, 1, 1]) == (Money("33.34"), Money("33.33"), Money("33.33"))
    assert Money("0.05").allocate([1] * 6) == tuple([Money("0.01")] * 5 + [Money("0")])
    # quotas 0.70/0.20/0.10 of 1.00 — exact, nothing to hand out
    assert Money("1").allocate([7, 2, 1]) == (Money("0.70"), Money("0.20"), Money("0.10"))
    # quotas of 0.10: 0.0666… and 0.0333…; the larger remainder (0.666…) takes the odd fen
    assert Money("0.10").allocate([Decimal("2"), Decimal("1")]) == (Money("0.07"), Money("0.03"))


def test_allocate_gives_zero_weight_nothing() -> None:
    assert Money("10").allocate([0, 1]) == (Money("0"), Money("10"))


def test_allocate_splits_negative_amounts_symmetrically() -> None:
    assert Money("-100").allocate([1, 1, 1]) == (Money("-33.34"), Money("-33.33"), Money("-33.33"))


@pytest.mark.parametrize(
    ("amount", "bad_weights", "code"),
    [
        ("100.001", [1, 1], "money.allocate_fen"),
        ("100", [], "money.allocate_weights"),
        ("100", [0, 0], "money.allocate_weights"),
        ("100", [1, -1, 2], "money.allocate_weights"),
    ],
)
def test_allocate_refuses_bad_input(amount: str, bad_weights: list[int], code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(amount).allocate(bad_weights)
    assert caught.value.code == code


@given(whole_fen, weights)
def test_allocate_sums_exactly_and_matches_integer_hamilton(fen: int, ints: list[int]) -> None:
    total = Money(Decimal(fen).scaleb(-2))
    shares = total.allocate(ints)
    assert sum((share.amount for share in shares), Decimal(0)) == total.amount
    sign = -1 if fen < 0 else 1
    assert [share.fen for share in shares] == [sign * f for f in hamilton_reference(abs(fen), ints)]


@given(whole_fen.filter(lambda f: f >= 0), weights)
def test_allocate_shares_stay_within_one_fen_of_the_exact_quota(fen: int, ints: list[int]) -> None:
    shares = Money(Decimal(fen).scaleb(-2)).allocate(ints)
    for share, weight in zip(shares, ints, strict=True):
        quota = Fraction(fen * weight, sum(ints))
        assert quota - 1 < share.fen < quota + 1
    # a larger weight never gets a smaller share
    ranked = sorted(zip(ints, (s.fen for s in shares), strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(ranked) if a[0] < b[0])


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.56", "¥1,234.56"),
        ("1234567.891", "¥1,234,567.89"),
        ("0", "¥0.00"),
        ("0.005", "¥0.01"),
        ("-5", "-¥5.00"),
        ("-1234.5", "-¥1,234.50"),
        ("-0.004", "¥0.00"),
    ],
)
def test_money_prints_as_yuan_with_thousands_separators(amount: str, text: str) -> None:
    assert str(Money(amount)) == text


def test_half_up_rounding_is_written_only_in_core_money() -> None:
    """One rounding rule: every other module rounds through ``liubu.core.half_up`` or Money."""
    import ast
    from pathlib import Path

    import liubu

    root = Path(liubu.__file__).parent
    writers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if any(
            isinstance(node, ast.Name | ast.alias)
            and (node.id if isinstance(node, ast.Name) else node.name) == "ROUND_HALF_UP"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert writers == ["core/money.py"]


def test_half_up_rounds_ties_away_from_zero_unlike_the_decimal_default() -> None:
    from decimal import localcontext

    from liubu.core import half_up

    quantum = Decimal("0.01")
    with localcontext() as context:  # the default context rounds ties to even: 0.12
        assert Decimal("0.125").quantize(quantum, context=context) == Decimal("0.12")
    assert half_up(Decimal("0.125"), quantum) == Decimal("0.13")
    assert half_up(Decimal("-0.125"), quantum) == Decimal("-0.13")
    assert half_up(Decimal("0.124999"), quantum) == Decimal("0.12")
