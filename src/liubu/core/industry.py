"""The national industry classification GB/T 4754-2017 (国民经济行业分类): sections and divisions.

The table (20 sections 门类 A–T, 97 divisions 大类 01–97) lives in ``data/gbt4754_2017.yaml`` and
is read on first use.

>>> Industry.from_division("65").code
'I65'
>>> Industry("I", "65").division_info.zh
'软件和信息技术服务业'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from liubu.core._data import load_table, require_keys
from liubu.core.reasons import CoreCode
from liubu.errors import ValidationError

_FILENAME = "gbt4754_2017.yaml"
_INDUSTRY_TEXT = re.compile(r"([A-Za-z])?\s*([0-9]{2})")


@dataclass(frozen=True, slots=True)
class IndustrySection:
    """A section (门类), e.g. ``I`` 信息传输、软件和信息技术服务业."""

    code: str
    zh: str
    en: str
    division_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndustryDivision:
    """A division (大类), e.g. ``65`` 软件和信息技术服务业, with the code of its section."""

    code: str
    zh: str
    en: str
    section: str


@dataclass(frozen=True, slots=True)
class _Classification:
    sections: Mapping[str, IndustrySection]
    divisions: Mapping[str, IndustryDivision]


@cache
def _classification() -> _Classification:
    section_keys = frozenset({"code", "zh", "en", "divisions"})
    division_keys = frozenset({"code", "zh", "en"})
    sections: dict[str, IndustrySection] = {}
    divisions: dict[str, IndustryDivision] = {}
    for raw_section in load_table(_FILENAME)["sections"]:
        section = require_keys(raw_section, section_keys, filename=_FILENAME)
        code = str(section["code"])
        for raw_division in section["divisions"]:
            division = require_keys(raw_division, division_keys, filename=_FILENAME)
            divisions[str(division["code"])] = IndustryDivision(
                code=str(division["code"]),
                zh=str(division["zh"]),
                en=str(division["en"]),
                section=code,
            )
        sections[code] = IndustrySection(
            code=code,
            zh=str(section["zh"]),
            en=str(section["en"]),
            division_codes=tuple(str(division["code"]) for division in section["divisions"]),
        )
    return _Classification(MappingProxyType(sections), MappingProxyType(divisions))


def industry_sections() -> tuple[IndustrySection, ...]:
    """All sections A–T in the order of the standard."""
    return tuple(_classification().sections.values())


def industry_divisions() -> tuple[IndustryDivision, ...]:
    """All divisions 01–97 in the order of the standard."""
    return tuple(_classification().divisions.values())


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry as section and division, e.g. ``Industry("I", "65")``.

    The division must belong to the section (``Industry("C", "65")`` is refused).
    """

    section: str
    division: str

    def __post_init__(self) -> None:
        table = _classification()
        if self.section not in table.sections:
            raise ValidationError(
                f"The industry section {self.section!r} is not a GB/T 4754-2017 section (A–T).",
                code=CoreCode.INDUSTRY_SECTION,
                field="section",
                value=repr(self.section),
            )
        if self.division not in table.divisions:
            raise ValidationError(
                f"The industry division {self.division!r} is not a GB/T 4754-2017 division "
                f"(two digits, 01–97).",
                code=CoreCode.INDUSTRY_DIVISION,
                field="division",
                value=repr(self.division),
            )
        owner = table.divisions[self.division].section
        if owner != self.section:
            raise ValidationError(
                f"The industry division {self.division!r} belongs to section {owner!r}, "
                f"not to section {self.section!r}.",
                code=CoreCode.INDUSTRY_MISMATCH,
                field="division",
                value=self.division,
            )

    @classmethod
    def from_division(cls, division: str) -> Industry:
        """The industry of a division, its section looked up (``"65"`` → ``I65``)."""
        known = _classification().divisions.get(division)
        if known is None:
            raise ValidationError(
                f"The industry division {division!r} is not a GB/T 4754-2017 division "
                f"(two digits, 01–97).",
                code=CoreCode.INDUSTRY_DIVISION,
                field="division",
                value=repr(division),
            )
        return cls(known.section, division)

    @property
    def code(self) -> str:
        """Section letter and division digits, e.g. ``I65``."""
        return f"{self.section}{self.division}"

    @property
    def section_info(self) -> IndustrySection:
        return _classification().sections[self.section]

    @property
    def division_info(self) -> IndustryDivision:
        return _classification().divisions[self.division]

    def __str__(self) -> str:
        return self.code


def parse_industry(text: str, *, field: str = "industry") -> Industry:
    """Parse ``"I65"``, ``"I 65"``, ``"i65"`` or ``"65"`` into an :class:`Industry`."""
    match = _INDUSTRY_TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(
            f"The {field} {text!r} is not an industry code: write a section letter and a "
            f"two-digit division, e.g. 'I65', or the division alone.",
            code=CoreCode.INDUSTRY_SYNTAX,
            field=field,
            value=repr(text),
        )
    letter, division = match.groups()
    try:
        if letter is None:
            return Industry.from_division(division)
        return Industry(letter.upper(), division)
    except ValidationError as error:
        raise ValidationError(
            f"The {field} {text!r} is not a GB/T 4754-2017 industry: {error.message}",
            code=error.code,
            field=field,
            value=text,
        ) from error
