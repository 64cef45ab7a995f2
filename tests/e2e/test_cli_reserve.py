"""``liubu reserve`` as a user runs it: a triangle CSV in, the published Mack (1993) figures out as
JSON; a bad file is one located line and exit 1; misuse prints the usage and exits 2; the claims
store form reads the claims store (a product it does not hold is one clear line)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.unit.test_reserving import MACK_1993_RESERVES, MACK_1993_SE, TAYLOR_ASHE, _long_csv


def _units(text: str | None) -> int:
    assert text is not None
    return int(Decimal(text).quantize(Decimal(1)))


def test_mack_json_of_the_taylor_ashe_triangle_gives_the_published_figures(tmp_path: Path) -> None:
    triangle = tmp_path / "taylor_ashe.csv"
    triangle.write_text(_long_csv(TAYLOR_ASHE, 2001), encoding="utf-8")
    shown = run_cli("reserve", str(triangle), "--method", "mack", "--json", data_dir=tmp_path)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert set(report) == {"method", "ibnr", "mack_se", "origins"}
    assert report["method"] == "mack"
    assert _units(report["ibnr"]) == 18_680_856
    assert _units(report["mack_se"]) == 2_447_095
    origins = report["origins"]
    assert list(origins) == [str(year) for year in range(2001, 2011)]
    assert [_units(origins[o]["ibnr"]) for o in origins][1:] == MACK_1993_RESERVES
    assert [_units(origins[o]["mack_se"]) for o in origins][1:] == MACK_1993_SE
    assert set(origins["2010"]) == {"ultimate", "ibnr", "mack_se"}
    assert _units(origins["2010"]["ultimate"]) == 344_014 + 4_625_811


def test_bf_with_a_premium_file_and_the_table_output(tmp_path: Path) -> None:
    triangle = tmp_path / "small.csv"
    triangle.write_text(
        "origin,development,value\n2020,12,100\n2020,24,150\n2020,36,165\n"
        "2021,12,120\n2021,24,180\n2022,12,130\n",
        encoding="utf-8",
    )
    premium = tmp_path / "premium.csv"
    premium.write_text("origin,premium\n2020,200\n2021,300\n2022,400\n", encoding="utf-8")
    shown = run_cli(
        "reserve", str(triangle), "--method", "bf", "--apriori", "0.6", "--premium", str(premium),
        "--json", data_dir=tmp_path,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    # 0.6 × 300 × (1 − 1/1.1) = 16.36; 0.6 × 400 × (1 − 1/1.65) = 94.55 (tests/unit/test_reserving)
    assert report["ibnr"] == "110.91"
    assert report["mack_se"] is None
    assert report["origins"]["2022"] == {"ultimate": "224.55", "ibnr": "94.55", "mack_se": None}

    table = run_cli("reserve", str(triangle), data_dir=tmp_path)
    assert table.returncode == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert "│ total │ 475.00 │ 577.50 │ 102.50 │" in text  # 18 + 84.5 by chain ladder
    assert "│ 12–24 │ 1.500000 │ 1.650000 │" in text


def test_bad_input_is_one_located_line_and_exit_1(tmp_path: Path) -> None:
    paid = tmp_path / "paid.csv"
    paid.write_text("origin,development,value\n2020,12,100\n2020,24,90\n2021,12,5\n")
    refused = run_cli("reserve", str(paid), "--json", data_dir=tmp_path)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.strip().count("\n") == 0
    assert refused.stderr.startswith("error: paid.csv:3: The cumulative amount of origin 2020")

    no_premium = run_cli("reserve", str(paid), "--basis", "incurred", "--method", "bf",
                         "--apriori", "0.7", data_dir=tmp_path)  # fmt: skip
    assert no_premium.returncode == 1
    assert "needs the premium of every origin" in no_premium.stderr

    # The store form reads the claims store as an actuary of the product's insurer: on a store
    # without that product, one line naming it.
    run_cli("db", "upgrade", data_dir=tmp_path, check=True)
    store = run_cli("reserve", "--product", "shifan-pc/sme@1", "--basis", "paid", "--json",
                    data_dir=tmp_path)  # fmt: skip
    assert store.returncode == 1
    assert store.stdout == ""
    assert store.stderr.strip().splitlines() == [
        "error: No product 'shifan-pc/sme@1' is visible to you."
    ]


def test_misuse_prints_the_usage_and_exits_2(tmp_path: Path) -> None:
    triangle = tmp_path / "t.csv"
    triangle.write_text("origin,development,value\n2020,12,1\n")
    for args in (
        ("reserve",),
        ("reserve", str(triangle), "--product", "a/b@1"),
        ("reserve", str(triangle), "--method", "munich"),
        ("reserve", str(triangle), "--basis", "earned"),
    ):
        result = run_cli(*args, data_dir=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Usage: liubu reserve" in result.stderr, args
        assert "Traceback" not in result.stderr + result.stdout
