"""Regulator statistics: JSON, CSV and Excel — aggregates only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from liubu.api.deps import UowDep
from liubu.statistics import market_statistics

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
        market_statistics(uow).to_xlsx(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="liubu-statistics.xlsx"'},
    )
