"""GB/T 2260: the 34 provincial-level divisions and a partial table of six-digit names."""

from __future__ import annotations

import pytest

from liubu.core import Region, RegionLevel, parse_region, parse_resident_id, parse_uscc, provinces
from liubu.core._data import load_table
from liubu.errors import ValidationError

# The provincial prefixes of GB/T 2260 (34: 23 provinces incl. Taiwan, 5 autonomous regions,
# 4 municipalities, 2 special administrative regions).
PROVINCE_CODES = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
]


def test_all_thirty_four_provincial_divisions_are_present_in_code_order() -> None:
    assert [province.code for province in provinces()] == PROVINCE_CODES


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [("710000", "台湾省", "Taiwan"), ("810000", "香港特别行政区", "Hong Kong"),
     ("820000", "澳门特别行政区", "Macao"), ("500000", "重庆市", "Chongqing")],
)  # fmt: skip
def test_province_level_codes_have_names(code: str, zh: str, en: str) -> None:
    region = Region(code)
    assert region.level is RegionLevel.PROVINCE
    assert (region.name_zh, region.name_en) == (zh, en)
    assert region.province.region_code == code


def test_a_district_in_the_table_has_its_name_and_province() -> None:
    chaoyang = Region("110105")
    assert chaoyang.name_zh == "朝阳区"
    assert chaoyang.level is RegionLevel.COUNTY
    assert chaoyang.province.zh == "北京市"


def test_a_valid_code_outside_the_table_still_knows_its_province() -> None:
    nanshan = Region("440305")  # 深圳市南山区, not in liubu's partial table
    assert nanshan.name_zh is None
    assert nanshan.name_en is None
    assert nanshan.province.en == "Guangdong"
    assert Region("440300").name_zh == "深圳市"
    assert Region("440300").level is RegionLevel.PREFECTURE


def test_published_identifier_examples_point_at_real_divisions() -> None:
    # GB 32100-2015's example was registered in Fuzhou; GB 11643-1999's holder in Chaoyang, Beijing.
    assert Region(parse_uscc("91350100M000100Y43").division_code).name_zh == "福州市"
    assert Region(parse_resident_id("11010519491231002X").division_code).name_zh == "朝阳区"


def test_every_table_code_is_six_digits_under_a_known_province_and_unique() -> None:
    rows = load_table("gbt2260.yaml")["divisions"]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for code in codes:
        region = Region(code)
        assert region.name_zh is not None
        assert region.level is not RegionLevel.PROVINCE


@pytest.mark.parametrize(
    ("code", "reason"),
    [("1101", "region.format"), ("11010a", "region.format"), ("１１０１０５", "region.format"),
     ("990000", "region.province"), ("100000", "region.province"), (110105, "region.format")],
)  # fmt: skip
def test_region_refuses_malformed_codes_and_unknown_provinces(code: object, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Region(code)  # type: ignore[arg-type]
    assert caught.value.code == reason
    assert str(code) in caught.value.message


def test_parse_region_strips_blanks_and_names_the_field() -> None:
    assert parse_region(" 310115 ").name_zh == "浦东新区"
    with pytest.raises(ValidationError) as caught:
        parse_region("990000", field="site.region")
    assert caught.value.field == "site.region"
    assert caught.value.message.startswith("The site.region '990000'")
