"""Reserving against published figures: chain ladder and Mack on the Taylor/Ashe triangle as Mack
(1993) prints it and on the RAA triangle as Mack (1994) prints it, Bornhuetter–Ferguson against a
hand computation. Each triangle is typed in from the paper's table and written as the CSV a user
would upload, so the reader is exercised too (never chainladder's bundled samples)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from liubu.claims import (
    ClaimsCode,
    ReservingMethod,
    Triangle,
    TrianglePoint,
    read_premium_csv,
    read_triangle_csv,
    reserve,
)
from liubu.errors import ValidationError

# Taylor & Ashe (1983), cumulative, as tabulated in Mack, T. (1993) "Distribution-free
# calculation of the standard error of chain ladder reserve estimates", ASTIN Bulletin 23(2),
# 213–225 (accident years 1–10, development years 1–10; here origins 2001–2010).
TAYLOR_ASHE = """
357848 1124788 1735330 2218270 2745596 3319994 3466336 3606286 3833515 3901463
352118 1236139 2170033 3353322 3799067 4120063 4647867 4914039 5339085
290507 1292306 2218525 3235179 3985995 4132918 4628910 4909315
310608 1418858 2195047 3757447 4029929 4381982 4588268
443160 1136350 2128333 2897821 3402672 3873311
396132 1333217 2180715 2985752 3691712
440832 1288463 2419861 3483130
359480 1421128 2864498
376686 1363294
344014
"""
# Mack (1993), the table of the example: chain-ladder factors, reserves R_i and s.e.(R_i), and
# the overall reserve 18,680,856 with standard error 2,447,095 (13 %). Printed to the unit.
MACK_1993_FACTORS = [
    "3.491",
    "1.747",
    "1.457",
    "1.174",
    "1.104",
    "1.086",
    "1.054",
    "1.077",
    "1.018",
]
MACK_1993_RESERVES = [94_634, 469_511, 709_638, 984_889, 1_419_459, 2_177_641, 3_920_301,
                      4_278_972, 4_625_811]  # fmt: skip
MACK_1993_SE = [75_535, 121_699, 133_549, 261_406, 411_010, 558_317, 875_328, 971_258, 1_363_155]

# The RAA triangle (Reinsurance Association of America, general liability, incurred), as in
# Mack, T. (1994) "Measuring the variability of chain ladder reserve estimates", CAS Forum,
# Spring 1994: total reserve 52,135 and total standard error 26,909. Incurred: 1982 falls from
# 15,599 to 15,496 at 84 months, which only an incurred triangle may do.
RAA = """
5012 8269 10907 11805 13539 16181 18009 18608 18662 18834
106 4285 5396 10666 13782 15599 15496 16169 16704
3410 8992 13873 16141 18735 22214 22863 23466
5655 11555 15766 21266 23425 26083 27067
1092 9565 15836 22169 25955 26180
1513 6445 11702 12935 15852
557 4020 10946 12314
1351 6947 13112
3133 5395
2063
"""


def _long_csv(table: str, first_origin: int) -> str:
    lines = ["origin,development,value"]
    for i, row in enumerate(table.split("\n")[1:-1]):
        lines += [f"{first_origin + i},{12 * (j + 1)},{v}" for j, v in enumerate(row.split())]
    return "\n".join(lines) + "\n"


def _units(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1)))


@pytest.fixture(scope="module")
def taylor_ashe(tmp_path_factory: pytest.TempPathFactory) -> Triangle:
    path = tmp_path_factory.mktemp("triangles") / "taylor_ashe.csv"
    path.write_text(_long_csv(TAYLOR_ASHE, 2001), encoding="utf-8")
    return read_triangle_csv(path)


def test_chain_ladder_reproduces_mack_1993_factors_and_reserves(taylor_ashe: Triangle) -> None:
    result = reserve(taylor_ashe, "chainladder")
    assert [f"{f.age_to_age:.3f}" for f in result.factors] == MACK_1993_FACTORS
    assert [_units(row.ibnr) for row in result.origins] == [0, *MACK_1993_RESERVES]
    assert _units(result.ibnr) == 18_680_856
    assert result.mack_se is None
    assert all(row.mack_se is None for row in result.origins)
    # Ultimate = latest + IBNR, and the age-to-ultimate factor is the product of the rest.
    for row in result.origins:
        assert row.ultimate - row.latest - row.ibnr == 0
    assert result.factors[0].age_to_ultimate == Decimal("14.446577")


def test_mack_reproduces_the_standard_errors_of_mack_1993(taylor_ashe: Triangle) -> None:
    result = reserve(taylor_ashe, ReservingMethod.MACK)
    assert _units(result.ibnr) == 18_680_856
    assert result.mack_se is not None
    assert _units(result.mack_se) == 2_447_095
    assert round(result.mack_se / result.ibnr, 2) == Decimal("0.13")  # printed as 13 %
    errors = [row.mack_se for row in result.origins]
    assert None not in errors
    assert [_units(se) for se in errors if se is not None] == [0, *MACK_1993_SE]
    assert "sigma_interpolation=mack" in result.settings


def test_mack_reproduces_the_raa_figures_of_mack_1994(tmp_path: Path) -> None:
    path = tmp_path / "raa.csv"
    path.write_text(_long_csv(RAA, 1981), encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        read_triangle_csv(path)  # paid by default: the 1982 fall is refused, at its line
    assert refused.value.code == ClaimsCode.TRIANGLE_DECREASING
    assert refused.value.location == f"{path}:18"  # header, 10 cells of 1981, then 1982's 7th
    raa = read_triangle_csv(path, allow_decreasing=True)
    result = reserve(raa, "mack")
    assert _units(result.ibnr) == 52_135
    assert result.mack_se is not None
    assert _units(result.mack_se) == 26_909


def test_bornhuetter_ferguson_matches_a_hand_computation(tmp_path: Path) -> None:
    triangle = read_triangle_csv(
        "origin,development,value\n"
        "2020,12,100\n2020,24,150\n2020,36,165\n2021,12,120\n2021,24,180\n2022,12,130\n"
    )
    premium_file = tmp_path / "premium.csv"
    premium_file.write_text("origin,premium\n2020,200\n2021,300\n2022,400\n", encoding="utf-8")
    premium = read_premium_csv(premium_file)
    result = reserve(triangle, "bf", apriori=Decimal("0.6"), premium=premium)
    # f(12→24) = (150 + 180) / (100 + 120) = 1.5; f(24→36) = 165 / 150 = 1.1;
    # age-to-ultimate F(24) = 1.1, F(12) = 1.65.
    # 2021: 0.6 × 300 × (1 − 1/1.1)  = 180 × 0.1/1.1  = 16.3636… → 16.36
    # 2022: 0.6 × 400 × (1 − 1/1.65) = 240 × 0.65/1.65 = 94.5454… → 94.55
    by_origin = {row.origin: row for row in result.origins}
    assert by_origin["2020"].ibnr == Decimal("0.00")
    assert by_origin["2021"].ibnr == Decimal("16.36")
    assert by_origin["2022"].ibnr == Decimal("94.55")
    assert by_origin["2021"].ultimate == Decimal("196.36")
    assert by_origin["2022"].ultimate == Decimal("224.55")
    assert result.ibnr == Decimal("110.91")  # 16.3636… + 94.5454… = 110.9090…, rounded once
    assert [(f.age_to_age, f.age_to_ultimate) for f in result.factors] == [
        (Decimal("1.5"), Decimal("1.65")),
        (Decimal("1.1"), Decimal("1.1")),
    ]
    # Chain ladder on the same triangle: 180 × 1.1 − 180 = 18; 130 × 1.65 − 130 = 84.5.
    chain = reserve(triangle, "chainladder")
    assert [row.ibnr for row in chain.origins] == [Decimal(0), Decimal(18), Decimal("84.5")]


def test_bornhuetter_ferguson_refuses_without_premium_or_a_priori_ratio() -> None:
    triangle = read_triangle_csv(_long_csv(TAYLOR_ASHE, 2001))
    with pytest.raises(ValidationError, match="premium of every origin") as no_premium:
        reserve(triangle, "bf", apriori=Decimal("0.7"))
    assert no_premium.value.code == ClaimsCode.RESERVING_EXPOSURE
    with pytest.raises(ValidationError, match="a-priori loss ratio") as no_ratio:
        reserve(triangle, "bf", premium=dict.fromkeys(triangle.origins, Decimal(1)))
    assert no_ratio.value.field == "apriori"
    partial = dict.fromkeys(triangle.origins[:-1], Decimal(1))
    with pytest.raises(ValidationError, match="missing for 2010") as missing:
        reserve(triangle, "bf", apriori=Decimal("0.7"), premium=partial)
    assert missing.value.field == "premium"
    with pytest.raises(ValidationError, match="choose chainladder, mack or bf"):
        reserve(triangle, "munich")


def _refusal(text: str, **options: bool) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        read_triangle_csv("origin,development,value\n" + text, name="t.csv", **options)
    return refused.value


def test_a_gap_inside_the_known_region_names_origin_and_development() -> None:
    error = _refusal("2020,12,100\n2020,24,150\n2020,36,160\n2021,12,110\n2022,12,120\n")
    assert error.code == ClaimsCode.TRIANGLE_GAP
    assert "origin 2021 has no value at 24 months" in error.message
    assert error.detail["origin"] == "2021"
    assert error.detail["development"] == 24


def test_a_missing_origin_row_is_refused_as_not_consecutive() -> None:
    error = _refusal("2020,12,100\n2020,24,150\n2022,12,120\n")
    assert error.code == ClaimsCode.TRIANGLE_GRID
    assert "2020 is followed by 2022" in error.message


def test_decreasing_paid_is_refused_at_its_line_unless_allowed() -> None:
    text = "2020,12,100\n2020,24,90\n2021,12,110\n"
    error = _refusal(text)
    assert error.code == ClaimsCode.TRIANGLE_DECREASING
    assert error.location == "t.csv:3"
    assert "falls from 100 to 90 at 24 months" in error.message
    incurred = read_triangle_csv("origin,development,value\n" + text, allow_decreasing=True)
    assert incurred.cells == ((Decimal(100), Decimal(90)), (Decimal(110), None))


def test_a_duplicate_cell_is_refused_at_its_second_line() -> None:
    error = _refusal("2020,12,100\n2020,24,150\n2020,12,101\n2021,12,110\n")
    assert error.code == ClaimsCode.TRIANGLE_DUPLICATE_CELL
    assert error.location == "t.csv:4"
    assert "first on line 2" in error.message


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        ("2020,12,abc", "value", ClaimsCode.TRIANGLE_VALUE),
        ("2020,12,-5", "value", ClaimsCode.TRIANGLE_VALUE),
        ("2020,12,1e400", "value", ClaimsCode.TRIANGLE_VALUE),
        ("2020,twelve,5", "development", ClaimsCode.TRIANGLE_VALUE),
        ("20x0,12,5", "origin", ClaimsCode.TRIANGLE_VALUE),
    ],
)
def test_a_non_numeric_or_out_of_range_cell_names_its_line(
    line: str, column: str, code: ClaimsCode
) -> None:
    error = _refusal(f"2019,12,1\n{line}\n")
    assert error.code == code
    assert error.location == "t.csv:3"
    assert error.field == column


def test_a_bad_header_or_ragged_line_is_refused_at_its_line() -> None:
    with pytest.raises(ValidationError, match="header must name the columns") as header:
        read_triangle_csv("origin,age,value\n2020,12,1\n", name="h.csv")
    assert header.value.location == "h.csv:1"
    assert _refusal("2020,12\n").location == "t.csv:2"


def test_developments_must_be_a_regular_grid() -> None:
    error = _refusal("2020,12,1\n2020,30,2\n2021,12,1\n")
    assert error.code == ClaimsCode.TRIANGLE_GRID
    assert "30 months is not a multiple of 12" in error.message
    truncated = _refusal("2020,12,1\n2020,24,2\n2021,12,1\n2021,24,2\n2022,12,1\n")
    assert truncated.code == ClaimsCode.TRIANGLE_GAP  # the oldest origin stops short of 2022
    assert "origin 2020 has no value at 36 months" in truncated.message


def test_a_triangle_larger_than_200_origins_is_refused() -> None:
    points = tuple(TrianglePoint(f"{1900 + i}", 12, Decimal(1)) for i in range(201))
    with pytest.raises(ValidationError, match="201 origins") as refused:
        Triangle(points)
    assert refused.value.code == ClaimsCode.TRIANGLE_TOO_LARGE


def test_a_file_over_the_size_limit_is_refused_while_reading(tmp_path: Path) -> None:
    from liubu.claims import MAX_TRIANGLE_BYTES

    path = tmp_path / "big.csv"
    blank = " " * 199 + "\n"  # blank lines are skipped, but count towards the size
    path.write_text("origin,development,value\n2020,12,1\n" + blank * (MAX_TRIANGLE_BYTES // 199))
    with pytest.raises(ValidationError, match="larger than 4 MiB") as refused:
        read_triangle_csv(path)
    assert refused.value.code == ClaimsCode.TRIANGLE_TOO_LARGE


def test_reserving_a_column_that_sums_to_zero_is_a_clear_error() -> None:
    triangle = read_triangle_csv("origin,development,value\n2020,12,0\n2020,24,5\n2021,12,3\n")
    with pytest.raises(ValidationError, match="from 12 to 24 months is undefined") as refused:
        reserve(triangle)
    assert refused.value.code == ClaimsCode.RESERVING_UNDEFINED


def test_degenerate_factors_and_far_future_valuations_are_refused_not_crashed() -> None:
    # f(12→24) = 1e15 / 0.000001 = 1e21, so 2021's ultimate would be 1e15 × 1e21 = 1e36.
    degenerate = read_triangle_csv(
        "origin,development,value\n2020,12,0.000001\n2020,24,1000000000000000\n"
        "2021,12,1000000000000000\n"
    )
    with pytest.raises(ValidationError, match="degenerate") as refused:
        reserve(degenerate)
    assert refused.value.code == ClaimsCode.RESERVING_UNDEFINED
    with pytest.raises(ValidationError, match="valued after 2200") as late:
        Triangle((TrianglePoint("2200", 12, Decimal(1)), TrianglePoint("2200", 24, Decimal(2))))
    assert late.value.code == ClaimsCode.TRIANGLE_VALUE
