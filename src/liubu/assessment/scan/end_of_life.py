"""End-of-life software: identified versions whose release line gets no more security fixes,
from the dated, sourced table ``data/end_of_life.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from liubu.assessment.scan._data import load_table, require

_FILE = "end_of_life.yaml"
_CPE_SPLIT = re.compile(r"(?<!\\):")


@dataclass(frozen=True)
class EndOfLife:
    """The support that ended for one identified product version, and who says so."""

    product: str
    version: str
    line: str
    ended: date
    source: str
    as_of: date

    def describe(self) -> str:
        return (
            f"{self.product} {self.version} is in release line {self.line}, whose support ended "
            f"on {self.ended.isoformat()} (source: {self.source}; table checked "
            f"{self.as_of.isoformat()})."
        )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


@cache
def _table() -> tuple[date, tuple[dict[str, object], ...]]:
    table = load_table(_FILE)
    as_of = require(table, "as_of", date, filename=_FILE, where="(top)")
    rows = require(table, "products", list, filename=_FILE, where="(top)")
    return as_of, tuple(rows)


def end_of_life(cpe: str, *, at: datetime) -> EndOfLife | None:
    """The end of support of the product and version named by ``cpe`` if it is before ``at``."""
    parts = _CPE_SPLIT.split(cpe)
    if len(parts) < 6:
        return None
    product, version = f"{parts[3]}:{parts[4]}", parts[5].replace("\\", "")
    as_of, rows = _table()
    for index, row in enumerate(rows):
        where = f"products[{index}]"
        if product not in require(row, "cpe", list, filename=_FILE, where=where):
            continue
        name = require(row, "name", str, filename=_FILE, where=where)
        source = require(row, "source", str, filename=_FILE, where=where)
        below = row.get("below")
        if below is not None and _version_key(version) < _version_key(str(below)):
            ended = require(row, "ended", date, filename=_FILE, where=where)
            line = f"before {below}"
        else:
            line = ".".join(version.split(".")[:2])
            ended = dict(row.get("lines") or {}).get(line)  # type: ignore[call-overload]
            if ended is None:
                continue
        if ended < at.date():
            return EndOfLife(name, version, line, ended, source, as_of)
    return None
