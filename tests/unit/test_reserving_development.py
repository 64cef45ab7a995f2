"""From dated claim amounts (what the claims store will yield through ``DevelopmentSource``) to a
triangle: origins by accident period, development by valuation, incremental movements summed and
cumulative snapshots taken at each cell's end — checked against cells worked out by hand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pytest

from liubu.accounts import OrgKind, Role, acting_in
from liubu.claims import (
    ClaimsCode,
    DevelopmentRow,
    DevelopmentSource,
    read_triangle_csv,
    reserve,
    reserve_product,
    triangle_from_development,
)
from liubu.claims.reserving import Basis
from liubu.errors import PermissionDeniedError, ValidationError

D = Decimal
PAYMENTS = [
    DevelopmentRow(date(2021, 3, 10), date(2021, 6, 1), D(100)),
    DevelopmentRow(date(2021, 3, 10), date(2022, 2, 1), D(50)),
    DevelopmentRow(date(2021, 9, 30), date(2023, 5, 1), D(25)),
    DevelopmentRow(date(2022, 11, 20), date(2022, 12, 15), D(200)),
    DevelopmentRow(date(2022, 11, 20), date(2023, 12, 31), D(30)),
    DevelopmentRow(date(2023, 7, 1), date(2023, 8, 1), D(40)),
]


class FakeClaimsStore:
    """A development source as the store will be: it answers per basis."""

    def __init__(self, rows: list[DevelopmentRow]) -> None:
        self.rows = rows
        self.asked: list[tuple[str | None, str]] = []

    def claim_development(self, product_ref: str | None, basis: Basis) -> Iterable[DevelopmentRow]:
        self.asked.append((product_ref, basis))
        return iter(self.rows)


def test_incremental_payments_cumulate_by_accident_year_and_development_year() -> None:
    triangle = triangle_from_development(PAYMENTS)  # as at the latest valuation, 2023-12-31
    assert triangle.origins == ("2021", "2022", "2023")
    assert triangle.developments == (12, 24, 36)
    # 2021: 100 paid in 2021; +50 in 2022; +25 in 2023.  2022: 200; +30.  2023: 40.
    assert triangle.cells == (
        (D(100), D(150), D(175)),
        (D(200), D(230), None),
        (D(40), None, None),
    )


def test_quarters_and_an_earlier_valuation_date() -> None:
    triangle = triangle_from_development(
        PAYMENTS,
        origin_period="quarter",
        development_period_months=3,
        as_of=date(2021, 12, 31),
    )
    # Accidents 2021-03-10 (Q1) and 2021-09-30 (Q3); Q2 and Q4 had none and are rows of zeros.
    assert triangle.origins == ("2021Q1", "2021Q2", "2021Q3", "2021Q4")
    assert triangle.developments == (3, 6, 9, 12)
    # Q1: nothing paid by 31 March, 100 paid 1 June (age 3–6 months), nothing more in 2021.
    assert triangle.cells[0] == (D(0), D(100), D(100), D(100))
    assert triangle.cells[2] == (D(0), D(0), None, None)
    assert triangle.cells[3] == (D(0), None, None, None)


def test_cumulative_snapshots_take_the_latest_known_amount_and_may_fall_if_allowed() -> None:
    incurred = [
        DevelopmentRow(date(2021, 3, 10), date(2021, 5, 1), D(300)),
        DevelopmentRow(date(2021, 3, 10), date(2022, 3, 1), D(250)),  # case reserve released
        DevelopmentRow(date(2021, 8, 1), date(2022, 6, 1), D(30)),  # a second accident date
        DevelopmentRow(date(2022, 1, 5), date(2022, 2, 1), D(120)),
    ]
    with pytest.raises(ValidationError) as refused:
        triangle_from_development(incurred, amounts="cumulative")
    assert refused.value.code == ClaimsCode.TRIANGLE_DECREASING
    assert refused.value.detail == {
        "field": "value",
        "location": "origin 2021, development 24",
        "origin": "2021",
        "development": 24,
    }
    triangle = triangle_from_development(incurred, amounts="cumulative", allow_decreasing=True)
    # 2021 at 12 months: 300 (the 1 August accident not yet reported); at 24: 250 + 30.
    assert triangle.cells == ((D(300), D(280)), (D(120), None))


def test_a_valuation_before_its_accident_and_an_empty_store_are_refused() -> None:
    with pytest.raises(ValidationError, match="earlier than its accident"):
        triangle_from_development([(date(2022, 5, 1), date(2022, 4, 1), D(1))])
    with pytest.raises(ValidationError) as empty:
        triangle_from_development([])
    assert empty.value.code == ClaimsCode.RESERVING_NO_CLAIMS


def test_the_store_path_and_the_csv_path_reserve_to_the_same_figures() -> None:
    store = FakeClaimsStore(PAYMENTS)
    source: DevelopmentSource = store
    from_store = triangle_from_development(source.claim_development("ins/p@1", "paid"))
    from_file = read_triangle_csv(
        "origin,development,value\n2021,12,100\n2021,24,150\n2021,36,175\n"
        "2022,12,200\n2022,24,230\n2023,12,40\n"
    )
    assert store.asked == [("ins/p@1", "paid")]
    assert from_store.cells == from_file.cells
    assert reserve(from_store).ibnr == reserve(from_file).ibnr
    # f1 = (150 + 230) / (100 + 200) = 1.2667, f2 = 175 / 150 = 1.1667:
    # 2022: 230 × 7/6 − 230 = 38.33; 2023: 40 × 19/15 × 7/6 − 40 = 19.11; total 57.44.
    assert reserve(from_file).ibnr == D("57.44")


def test_an_insurers_actuary_reserves_a_product_from_the_store_and_others_may_not() -> None:
    store = FakeClaimsStore(PAYMENTS)
    actuary = acting_in("insurer-1", OrgKind.INSURER, Role.ACTUARY)
    result = reserve_product(actuary, store, product_ref=None, basis="incurred")
    assert store.asked == [(None, "incurred")]
    assert result.ibnr == D("57.44")  # the figure worked out by hand above
    for outsider in (
        acting_in("insurer-1", OrgKind.INSURER, Role.UNDERWRITER),
        acting_in("provider-1", OrgKind.SECURITY_PROVIDER, Role.ADMIN),
    ):
        with pytest.raises(PermissionDeniedError):
            reserve_product(outsider, store, product_ref=None, basis="paid")
    assert len(store.asked) == 1  # refused before the store was read
