"""Market statistics for regulators (监管统计): policies, premium and sum insured by product type,
industry, region and month, for enterprise and personal lines separately — aggregates only,
never a person or an insured."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, UnitOfWork, require

ENTERPRISE_DIMENSIONS = ("product_type", "industry_section", "region", "month")
PERSONAL_DIMENSIONS = ("product", "province", "month")


@dataclass(frozen=True)
class Figures:
    policies: int
    premium: Decimal
    sum_insured: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "policies": self.policies,
            "premium": str(self.premium),
            "sum_insured": str(self.sum_insured),
        }


@dataclass(frozen=True)
class Row:
    key: str
    figures: Figures


class StatisticsQueries(Protocol):
    """Aggregate queries over the whole market (every insurer), returning no personal data."""

    def enterprise_totals(self) -> Figures: ...
    def enterprise_by(self, dimension: str) -> Sequence[Row]: ...
    def personal_totals(self) -> Figures: ...
    def personal_by(self, dimension: str) -> Sequence[Row]: ...


class StatisticsUnitOfWork(UnitOfWork, Protocol):
    @property
    def statistics(self) -> StatisticsQueries: ...


@dataclass(frozen=True)
class MarketStatistics:
    enterprise: Figures
    enterprise_by: dict[str, Sequence[Row]]
    personal: Figures
    personal_by: dict[str, Sequence[Row]]

    def to_dict(self) -> dict[str, Any]:
        def rows(groups: dict[str, Sequence[Row]]) -> dict[str, Any]:
            return {
                d: [{"key": r.key, **r.figures.to_dict()} for r in rs] for d, rs in groups.items()
            }

        return {
            "enterprise": {"totals": self.enterprise.to_dict(), "by": rows(self.enterprise_by)},
            "personal": {"totals": self.personal.to_dict(), "by": rows(self.personal_by)},
        }

    def to_csv(self) -> str:
        """One table: line, dimension, key, policies, premium, sum insured (UTF-8 with BOM for
        spreadsheet programs)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "dimension", "key", "policies", "premium", "sum_insured"])
        for line, totals, groups in (
            ("enterprise", self.enterprise, self.enterprise_by),
            ("personal", self.personal, self.personal_by),
        ):
            writer.writerow(
                [line, "total", "", totals.policies, totals.premium, totals.sum_insured]
            )
            for dimension, group in groups.items():
                for row in group:
                    figures = row.figures
                    writer.writerow(
                        [
                            line,
                            dimension,
                            row.key,
                            figures.policies,
                            figures.premium,
                            figures.sum_insured,
                        ]
                    )
        return "\ufeff" + out.getvalue()

    def to_xlsx(self) -> bytes:
        """One sheet per line of business, one block per dimension."""
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for line, totals, groups in (
            ("enterprise 企业", self.enterprise, self.enterprise_by),
            ("personal 个人", self.personal, self.personal_by),
        ):
            sheet = book.create_sheet(line)
            sheet.append(
                [
                    "dimension 维度",
                    "key 分组",
                    "policies 保单数",
                    "premium 保费 (CNY)",
                    "sum insured 保额 (CNY)",
                ]
            )
            sheet.append(
                [
                    "total 合计",
                    "",
                    totals.policies,
                    float(totals.premium),
                    float(totals.sum_insured),
                ]
            )
            for dimension, rows in groups.items():
                for row in rows:
                    sheet.append(
                        [
                            dimension,
                            row.key,
                            row.figures.policies,
                            float(row.figures.premium),
                            float(row.figures.sum_insured),
                        ]
                    )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def market_statistics(uow: StatisticsUnitOfWork) -> MarketStatistics:
    """For regulators (and the platform operator): the whole market, aggregates only."""
    require(
        uow.principal,
        Role.REGULATOR_VIEWER,
        Role.ADMIN,
        kinds=[OrgKind.REGULATOR, OrgKind.PLATFORM],
    )
    queries = uow.statistics
    return MarketStatistics(
        enterprise=queries.enterprise_totals(),
        enterprise_by={d: queries.enterprise_by(d) for d in ENTERPRISE_DIMENSIONS},
        personal=queries.personal_totals(),
        personal_by={d: queries.personal_by(d) for d in PERSONAL_DIMENSIONS},
    )
