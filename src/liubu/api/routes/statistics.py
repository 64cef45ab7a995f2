"""Regulator statistics: JSON, CSV and Excel — aggregates only."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from liubu.api.deps import PlatformDep, UowDep
from liubu.products import Lang
from liubu.statistics import (
    MarketStatistics,
    dependency_accumulation,
    industry_risk,
    market_statistics,
)

router = APIRouter(prefix="/api", tags=["statistics"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(uow: UowDep, platform: PlatformDep) -> MarketStatistics:
    return market_statistics(uow, minimum=platform.settings.statistics_min_insureds)


@router.get("/statistics")
def statistics(uow: UowDep, platform: PlatformDep) -> dict[str, Any]:
    """Policies, premium and sum insured by product type, industry, region and month. Cells of
    fewer than ``minimum_insureds`` insureds are merged into an ``other`` row; a line below it
    is withheld."""
    return _figures(uow, platform).to_dict()


@router.get("/statistics/monitoring")
def monitoring_statistics(
    uow: UowDep, platform: PlatformDep, on: date | None = None, lang: Lang = "zh"
) -> dict[str, Any]:
    """The industry risk view on ``on`` (today on the Beijing calendar): among the enterprises
    insured that day, how many and what share have software with a CVE in CISA's KEV catalogue
    and an open high or critical alert, by industry section and by province, groups named in
    ``lang``. Groups of fewer than ``minimum_insureds`` are merged into ``other``; the whole
    view is withheld below it. No insured is named (docs/statistics.md)."""
    return industry_risk(
        uow,
        on=on,
        minimum=platform.settings.statistics_min_insureds,
        lang=lang,
        intel=platform.index_cache,
    ).to_dict()


@router.get("/statistics/dependencies")
def dependency_statistics(
    uow: UowDep, platform: PlatformDep, on: date | None = None, lang: Lang = "zh"
) -> dict[str, Any]:
    """The market accumulation by dependency on ``on`` (today on the Beijing calendar): across
    all insurers, the insured enterprises and their sum insured (aggregate limits in force) by
    dependency provider and by cloud region, named in ``lang``. Groups of fewer than
    ``minimum_insureds`` are merged into ``other``; the whole view is withheld below it. No
    insured or insurer is named (docs/statistics.md)."""
    return dependency_accumulation(
        uow, on=on, minimum=platform.settings.statistics_min_insureds, lang=lang
    ).to_dict()


@router.get("/statistics.csv", response_class=Response)
def statistics_csv(uow: UowDep, platform: PlatformDep, lang: Lang = "zh") -> Response:
    """The figures as one table: line, dimension and group named in ``lang`` (zh or en), each
    with its code in the column beside it."""
    return Response(
        _figures(uow, platform).to_csv(lang=lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="liubu-statistics.csv"'},
    )


@router.get("/statistics.xlsx", response_class=Response)
def statistics_xlsx(uow: UowDep, platform: PlatformDep, lang: Lang = "zh") -> Response:
    """The figures as an Excel workbook, one sheet per line, named in ``lang`` as the CSV is."""
    return Response(
        _figures(uow, platform).to_xlsx(lang=lang),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="liubu-statistics.xlsx"'},
    )
