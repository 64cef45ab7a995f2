"""Regulator statistics: JSON, CSV and Excel — aggregates only."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from liubu.api.deps import UowDep
from liubu.portfolio.statistics import MarketStatistics, market_statistics

router = APIRouter(prefix="/api", tags=["statistics"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/statistics")
def statistics(uow: UowDep) -> dict[str, Any]:
    """Policies, premium and sum insured by product type, industry, region and month."""
    return market_statistics(uow).to_dict()


@router.get("/statistics.csv", response_class=Response)
def statistics_csv(uow: UowDep) -> Response:
    return Response(
        market_statistics(uow).to_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="liubu-statistics.csv"'},
    )


@router.get("/statistics.xlsx", response_class=Response)
def statistics_xlsx(uow: UowDep) -> Response:
    return Response(
        workbook(market_statistics(uow)),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="liubu-statistics.xlsx"'},
    )


def workbook(stats: MarketStatistics) -> bytes:
    """One sheet per line of business, one block per dimension."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for line, totals, groups in (
        ("enterprise 企业", stats.enterprise, stats.enterprise_by),
        ("personal 个人", stats.personal, stats.personal_by),
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
            ["total 合计", "", totals.policies, float(totals.premium), float(totals.sum_insured)]
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
