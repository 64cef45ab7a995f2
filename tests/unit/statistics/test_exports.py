"""The exports name what they are keyed by in the reader's language and keep each code beside its
name: liability, section C and province 32 against the standards' own tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from liubu.products import Lang, Text
from liubu.statistics import OTHER, Figures, MarketStatistics, ProductName, Row

SOURCE = Path(__file__).resolve().parents[3] / "src" / "liubu"


def _table(*parts: str) -> Any:
    return yaml.safe_load(SOURCE.joinpath(*parts).read_text("utf-8"))


def _truth(lang: str) -> dict[tuple[str, str], str]:
    """(dimension, code) → name, read from the data files, not through liubu."""
    (jiangsu,) = [
        p for p in _table("core", "data", "gbt2260.yaml")["provinces"] if p["code"] == "32"
    ]
    (manufacturing,) = [
        s for s in _table("core", "data", "gbt4754_2017.yaml")["sections"] if s["code"] == "C"
    ]
    (liability,) = [
        t
        for t in _table("products", "data", "product_types.yaml")["product_types"]
        if t["code"] == "liability"
    ]
    return {
        ("region", "32"): jiangsu[lang],
        ("industry_section", "C"): manufacturing[lang],
        ("product_type", "liability"): liability["name"][lang],
        ("province", "32"): jiangsu[lang],
        ("product", "yangben-pc/anti-fraud@2"): {
            "zh": "个人反诈保险 第 2 版",
            "en": "Personal anti-fraud insurance version 2",
        }[lang],
    }


def _figures(n: int) -> Figures:
    return Figures(n, Decimal(100 * n), Decimal(10_000 * n), insureds=n)


def _statistics() -> MarketStatistics:
    enterprise: dict[str, Sequence[Row]] = {
        "product_type": [Row("liability", _figures(4)), Row(OTHER, _figures(3), merged=2)],
        "industry_section": [Row("C", _figures(7))],
        "region": [Row("32", _figures(7))],
        "month": [Row("2026-12", _figures(7))],
    }
    personal: dict[str, Sequence[Row]] = {
        "product": [Row("yangben-pc/anti-fraud@2", _figures(5))],
        "province": [Row("32", _figures(5))],
        "month": [Row("2026-12", _figures(5))],
    }
    product = ProductName(
        "yangben-pc/anti-fraud@2", Text("个人反诈保险", "Personal anti-fraud insurance"), 2
    )
    return MarketStatistics(
        enterprise=_figures(7),
        enterprise_by=enterprise,
        personal=_figures(5),
        personal_by=personal,
        products={product.product_ref: product},
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_csv_shows_names_in_the_chosen_language_with_codes_beside(lang: Lang) -> None:
    text = _statistics().to_csv(lang=lang)
    assert text.startswith("\ufeff")
    heading, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert heading[4:6] == (["分组", "分组代码"] if lang == "zh" else ["Group", "Group code"])
    named = {(r[3], r[5]): r[4] for r in rows}
    for key, name in _truth(lang).items():
        assert named[key] == name, key
    assert named[("product_type", OTHER)] == ("其他（合并）" if lang == "zh" else "Other (merged)")
    assert named[("month", "2026-12")] == "2026-12"  # a month is its own name
    (jiangsu,) = [r for r in rows if (r[1], r[3], r[5]) == ("enterprise", "region", "32")]
    assert jiangsu[6:10] == ["7", "7", "700", "70000"]  # the figures follow their names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_names_its_sheets_and_groups_in_the_chosen_language(lang: Lang) -> None:
    book = load_workbook(io.BytesIO(_statistics().to_xlsx(lang=lang)))
    assert book.sheetnames == (
        ["企业险", "个人反诈险"]
        if lang == "zh"
        else ["Enterprise cover", "Personal anti-fraud cover"]
    )
    named = {
        (row[1], row[3]): row[2]
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row and row[3]
    }
    for key, name in _truth(lang).items():
        assert named[key] == name, key
