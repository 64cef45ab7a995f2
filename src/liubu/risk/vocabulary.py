"""The vocabulary of loss components (coverage categories), read from ``data/coverages.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from liubu.datafiles import packaged_yaml

BUSINESS_INTERRUPTION = "business_interruption"


@dataclass(frozen=True, slots=True)
class CoverageCategory:
    """One coverage category (险种责任分项): a stable code with its Chinese and English names."""

    code: str
    zh: str
    en: str
    insurable: bool


@cache
def coverage_categories() -> tuple[CoverageCategory, ...]:
    """Every loss-component category, in the order of the data file."""
    rows = packaged_yaml("liubu.risk", "data", "coverages.yaml")["coverages"]
    return tuple(
        CoverageCategory(str(r["code"]), str(r["zh"]), str(r["en"]), bool(r["insurable"]))
        for r in rows
    )


def coverage_codes(*, insurable_only: bool = False) -> tuple[str, ...]:
    """Codes of the loss-component categories (only those policy terms may name, if asked)."""
    return tuple(c.code for c in coverage_categories() if c.insurable or not insurable_only)
