"""Software identification from banners → CPE 2.3 names (rules in ``data/software.yaml``).

Only identifications with a version are reported: a CPE without one would match every CVE of the
product. The lead joins these names to CVEs with the intel index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from liubu.assessment.scan._data import load_table, require

_FILE = "software.yaml"
# CPE 2.3 formatted-string binding (NISTIR 7695 §6.2): these characters stand as themselves;
# every other printable character is quoted with a backslash.
_UNQUOTED = re.compile(r"[A-Za-z0-9._-]")


@dataclass(frozen=True)
class SoftwareRule:
    source: str
    pattern: re.Pattern[str]
    products: tuple[tuple[str, str], ...]


@cache
def software_rules() -> tuple[SoftwareRule, ...]:
    """The identification rules, read once."""
    rows = require(load_table(_FILE), "rules", list, filename=_FILE, where="(top)")
    rules = []
    for index, row in enumerate(rows):
        where = f"rules[{index}]"
        products = require(row, "products", list, filename=_FILE, where=where)
        rules.append(
            SoftwareRule(
                source=require(row, "source", str, filename=_FILE, where=where),
                pattern=re.compile(
                    require(row, "pattern", str, filename=_FILE, where=where), re.DOTALL
                ),
                products=tuple(
                    (vendor, product)
                    for vendor, product in (str(item).split(":", 1) for item in products)
                ),
            )
        )
    return tuple(rules)


def cpe_component(value: str) -> str:
    """One CPE 2.3 formatted-string component: lower case, special characters quoted."""
    if value in {"*", "-"}:
        return value
    return "".join(char if _UNQUOTED.fullmatch(char) else "\\" + char for char in value.lower())


def cpe_name(vendor: str, product: str, version: str, update: str = "*") -> str:
    """``cpe:2.3:a:<vendor>:<product>:<version>:<update>:*:*:*:*:*:*`` for an application."""
    parts = [cpe_component(part) for part in (vendor, product, version, update)]
    return "cpe:2.3:a:" + ":".join(parts) + ":*:*:*:*:*:*"


def identify(source: str, banner: str) -> list[tuple[str, str]]:
    """Every ``(cpe, matched text)`` the rules for ``source`` find in ``banner``."""
    found: list[tuple[str, str]] = []
    for rule in software_rules():
        if rule.source != source:
            continue
        match = rule.pattern.search(banner)
        if match is None:
            continue
        update = match.groupdict().get("update") or "*"
        for vendor, product in rule.products:
            found.append((cpe_name(vendor, product, match["version"], update), match.group(0)))
    return found
