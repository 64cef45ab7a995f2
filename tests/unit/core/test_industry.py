"""GB/T 4754-2017: 20 sections, 97 divisions, each under the section the standard puts it in."""

from __future__ import annotations

import pytest

from liubu.core import (
    Industry,
    IndustryDivision,
    IndustrySection,
    industry_divisions,
    industry_sections,
    parse_industry,
)
from liubu.errors import ValidationError

# Section → inclusive division range, as printed in GB/T 4754-2017.
SECTION_RANGES = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
    "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
    "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
    "S": (91, 96), "T": (97, 97),
}  # fmt: skip


def test_there_are_twenty_sections_a_to_t_in_order() -> None:
    assert [section.code for section in industry_sections()] == list("ABCDEFGHIJKLMNOPQRST")


def test_there_are_ninety_seven_divisions_numbered_01_to_97() -> None:
    assert [division.code for division in industry_divisions()] == [
        f"{n:02d}" for n in range(1, 98)
    ]


def test_every_division_sits_in_the_section_of_its_range() -> None:
    for division in industry_divisions():
        low, high = SECTION_RANGES[division.section]
        assert low <= int(division.code) <= high, division
    for section in industry_sections():
        low, high = SECTION_RANGES[section.code]
        assert section.division_codes == tuple(f"{n:02d}" for n in range(low, high + 1))


def test_every_section_and_division_has_chinese_and_english_names() -> None:
    entries: list[IndustrySection | IndustryDivision] = [
        *industry_sections(),
        *industry_divisions(),
    ]
    for entry in entries:
        assert entry.zh.strip()
        assert entry.en.strip()
        assert entry.en.isascii()
        assert not entry.zh.isascii()
    assert len({d.zh for d in industry_divisions()}) >= 95  # K70 and P83 repeat their section


@pytest.mark.parametrize(
    ("division", "zh"),
    [
        ("05", "农、林、牧、渔专业及辅助性活动"),
        ("11", "开采专业及辅助性活动"),
        ("25", "石油、煤炭及其他燃料加工业"),
        ("39", "计算机、通信和其他电子设备制造业"),
        ("64", "互联网和相关服务"),
        ("65", "软件和信息技术服务业"),
        ("68", "保险业"),
        ("79", "土地管理业"),
        ("96", "基层群众自治组织及其他组织"),
    ],
)
def test_divisions_carry_their_2017_names(division: str, zh: str) -> None:
    assert Industry.from_division(division).division_info.zh == zh


def test_industry_pairs_a_section_with_one_of_its_divisions() -> None:
    software = Industry("I", "65")
    assert software.code == str(software) == "I65"
    assert software.section_info.zh == "信息传输、软件和信息技术服务业"
    assert Industry.from_division("68") == Industry("J", "68")


@pytest.mark.parametrize(
    ("section", "division", "code"),
    [
        ("C", "65", "industry.mismatch"),
        ("Z", "01", "industry.section"),
        ("i", "65", "industry.section"),
        ("A", "98", "industry.division"),
        ("A", "1", "industry.division"),
        ("A", "00", "industry.division"),
    ],
)
def test_industry_refuses_unknown_or_mismatched_codes(
    section: str, division: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Industry(section, division)
    assert caught.value.code == code
    assert division in caught.value.message or section in caught.value.message


@pytest.mark.parametrize("text", ["I65", "I 65", "i65", " 65 "])
def test_parse_industry_reads_common_spellings(text: str) -> None:
    assert parse_industry(text) == Industry("I", "65")


@pytest.mark.parametrize(
    ("text", "code"),
    [("I6", "industry.syntax"), ("C65", "industry.mismatch"), ("99", "industry.division")],
)
def test_parse_industry_names_the_field_when_refusing(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_industry(text, field="enterprise.industry")
    assert caught.value.code == code
    assert caught.value.field == "enterprise.industry"
    assert "enterprise.industry" in caught.value.message
    assert text in caught.value.message
