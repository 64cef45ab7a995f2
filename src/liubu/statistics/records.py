"""The records of the regulator's statistics: figures of a cell, a row of a one-way table and the
name of a product the figures are keyed by."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liubu.products import Lang, Text

#: The default minimum of distinct insureds behind any published figure (setting
#: ``LIUBU_STATISTICS_MIN_INSUREDS``).
MIN_INSUREDS = 3


@dataclass(frozen=True)
class Figures:
    """``insureds`` counts distinct insureds: enterprises by credit code, or persons (one per
    anti-fraud policy, as the importer's running totals count them).

    ``claims`` (claims filed) and ``claims_paid`` (the payable amount of the accepted ones) are
    counted in the cell of the policy they were made under; None where a line does not report
    claims yet (the enterprise line, until its claims are stored)."""

    policies: int
    premium: Decimal
    sum_insured: Decimal
    insureds: int
    claims: int | None = None
    claims_paid: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policies": self.policies,
            "insureds": self.insureds,
            "premium": str(self.premium),
            "sum_insured": str(self.sum_insured),
            "claims": self.claims,
            "claims_paid": None if self.claims_paid is None else str(self.claims_paid),
        }


@dataclass(frozen=True)
class Row:
    """One cell of a one-way table; ``merged`` > 0 only on the ``other`` row, counting the cells
    merged into it."""

    key: str
    figures: Figures
    merged: int = 0


@dataclass(frozen=True)
class ProductName:
    """A filed product version as the exports name it (产品名称), beside its reference."""

    product_ref: str
    name: Text
    version: int

    def in_(self, lang: Lang) -> str:
        """``个人反诈保险 第 1 版`` / ``Personal anti-fraud insurance version 1``."""
        if lang == "zh":
            return f"{self.name.zh} 第 {self.version} 版"
        return f"{self.name.en} version {self.version}"


@dataclass(frozen=True, slots=True)
class InsuredCover:
    """A cover in force on a day — a policy, or a group member's certificate — as the industry
    risk view reads it from the store. Internal to the computation: ``cover_id``,
    ``enterprise_id`` and ``insured`` (the credit code, the unit of the small-cell rule) never
    leave this package."""

    cover_id: str
    enterprise_id: str
    insured: str
    industry_section: str
    region: str
