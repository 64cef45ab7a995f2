"""Administrative division codes GB/T 2260 (中华人民共和国行政区划代码).

A code has six digits: two for the province (省级), two for the prefecture (地级), two for the
county (县级). ``data/gbt2260.yaml`` holds all 34 provincial-level divisions and a partial table of
six-digit names (see its header); a valid code outside that table still has its province.

>>> Region("110105").name_zh
'朝阳区'
>>> Region("110105").province.en
'Beijing'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from liubu.core._data import load_table, require_keys
from liubu.core.reasons import CoreCode
from liubu.errors import ValidationError

_FILENAME = "gbt2260.yaml"
_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial-level division: two-digit prefix and names."""

    code: str
    zh: str
    en: str

    @property
    def region_code(self) -> str:
        """The six-digit code of the province itself, e.g. ``110000``."""
        return f"{self.code}0000"


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    provinces: Mapping[str, Province]
    names: Mapping[str, tuple[str, str]]


@cache
def _gazetteer() -> _Gazetteer:
    keys = frozenset({"code", "zh", "en"})
    document = load_table(_FILENAME)
    provinces: dict[str, Province] = {}
    for raw in document["provinces"]:
        row = require_keys(raw, keys, filename=_FILENAME)
        provinces[str(row["code"])] = Province(str(row["code"]), str(row["zh"]), str(row["en"]))
    names: dict[str, tuple[str, str]] = {
        province.region_code: (province.zh, province.en) for province in provinces.values()
    }
    for raw in document["divisions"]:
        row = require_keys(raw, keys, filename=_FILENAME)
        names[str(row["code"])] = (str(row["zh"]), str(row["en"]))
    return _Gazetteer(MappingProxyType(provinces), MappingProxyType(names))


def provinces() -> tuple[Province, ...]:
    """All 34 provincial-level divisions, in code order."""
    return tuple(_gazetteer().provinces.values())


class RegionLevel(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


@dataclass(frozen=True, slots=True)
class Region:
    """A six-digit GB/T 2260 code whose province exists, e.g. ``Region("440300")`` (深圳市)."""

    code: str

    def __post_init__(self) -> None:
        if (
            not isinstance(self.code, str)
            or len(self.code) != 6
            or any(char not in _DIGITS for char in self.code)
        ):
            raise ValidationError(
                f"The region code {self.code!r} is not a GB/T 2260 code: it must be six digits.",
                code=CoreCode.REGION_FORMAT,
                field="code",
                value=repr(self.code),
            )
        if self.code[:2] not in _gazetteer().provinces:
            raise ValidationError(
                f"The region code {self.code!r} starts with {self.code[:2]!r}, which is not a "
                f"provincial-level division of GB/T 2260.",
                code=CoreCode.REGION_PROVINCE,
                field="code",
                value=self.code,
            )

    @property
    def province(self) -> Province:
        return _gazetteer().provinces[self.code[:2]]

    @property
    def level(self) -> RegionLevel:
        """Province for ``xx0000``, prefecture for ``xxxx00``, county otherwise."""
        if self.code[2:] == "0000":
            return RegionLevel.PROVINCE
        if self.code[4:] == "00":
            return RegionLevel.PREFECTURE
        return RegionLevel.COUNTY

    @property
    def name_zh(self) -> str | None:
        """The Chinese name when the code is in liubu's table, else None."""
        entry = _gazetteer().names.get(self.code)
        return entry[0] if entry else None

    @property
    def name_en(self) -> str | None:
        entry = _gazetteer().names.get(self.code)
        return entry[1] if entry else None

    def __str__(self) -> str:
        return self.code


def parse_region(text: str, *, field: str = "region") -> Region:
    """Parse user input (blanks around it allowed) into a :class:`Region`."""
    try:
        return Region(text.strip() if isinstance(text, str) else text)
    except ValidationError as error:
        raise ValidationError(
            error.message.replace("The region code", f"The {field}", 1),
            code=error.code,
            field=field,
            value=repr(text),
        ) from error
