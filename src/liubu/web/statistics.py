"""The regulator's dashboard: totals for enterprise and personal lines, charts by product type
and month, tables by industry and region, and exports."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from liubu.errors import NotFoundError
from liubu.requests import PlatformDep
from liubu.statistics import (
    ACCUMULATION_DIMENSIONS,
    OTHER,
    RISK_DIMENSIONS,
    DependencyAccumulation,
    IndustryRisk,
    MarketStatistics,
    dependency_accumulation,
    industry_risk,
    key_names,
    market_statistics,
)
from liubu.web.charts import share_bars_svg
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, render
from liubu.web.security import WebPrincipal

router = APIRouter(include_in_schema=False)


def dashboard_names(zh: bool) -> dict[str, dict[str, str]]:
    """The statistics' names of the keys (:func:`liubu.statistics.key_names`); a GB/T 4754
    section keeps its letter in front (``C 制造业``), as the standard's readers cite it."""
    names = key_names("zh" if zh else "en")
    names["industry_section"] = {
        code: f"{code} {name}" for code, name in names["industry_section"].items()
    }
    return names


def _bar(
    title: str,
    rows: list[dict[str, Any]],
    *,
    value: str,
    other: str,
    names: dict[str, str],
    count: bool,
) -> str:
    option = {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {
            "type": "category",
            "data": [other if r["merged"] else names.get(r["key"], r["key"]) for r in rows],
            "axisLabel": {"rotate": 30},
        },
        # policy counts are whole numbers: no 0.2 steps on the axis
        "yAxis": {"type": "value", **({"minInterval": 1} if count else {})},
        "series": [{"type": "bar", "data": [float(r[value]) for r in rows]}],
    }
    return json.dumps(option, ensure_ascii=False)


@router.get("/statistics", response_class=HTMLResponse)
def dashboard(
    request: Request, principal: WebPrincipal, platform: PlatformDep, on: date | None = None
) -> Response:
    """The market figures, and the industry risk view on ``on`` (today on the Beijing
    calendar)."""
    page, nav = require_page(principal, "statistics")
    zh = language_of(request) == "zh_CN"
    minimum = platform.settings.statistics_min_insureds
    with platform.uow(principal) as uow:
        stats: MarketStatistics = market_statistics(uow, minimum=minimum)
        risk = industry_risk(
            uow, on=on, minimum=minimum, lang="zh" if zh else "en", intel=platform.index_cache
        )
        accumulation = dependency_accumulation(
            uow, on=on, minimum=minimum, lang="zh" if zh else "en"
        )
    data = stats.to_dict()
    titles = {
        "enterprise_type": ("企业险保费（按产品类型）", "Enterprise premium by product type"),
        "enterprise_month": ("企业险保单数（按月）", "Enterprise policies by month"),
        "personal_month": ("反诈险保单数（按月）", "Anti-fraud policies by month"),
        "personal_province": ("反诈险保单数（按省份）", "Anti-fraud policies by province"),
    }
    sources = {
        "enterprise_type": (data["enterprise"]["by"]["product_type"], "premium", "product_type"),
        "enterprise_month": (data["enterprise"]["by"]["month"], "policies", "month"),
        "personal_month": (data["personal"]["by"]["month"], "policies", "month"),
        "personal_province": (data["personal"]["by"]["province"], "policies", "province"),
    }
    names = dashboard_names(zh)
    # Cells below the minimum of insureds are merged into one bar (docs/statistics.md).
    other = "其他（合并）" if zh else "Other (merged)"
    charts = {
        key: {
            "title": titles[key][0 if zh else 1],
            # nothing to draw: the page says so instead of an empty frame
            "option": _bar(
                titles[key][0 if zh else 1],
                rows,
                value=value,
                other=other,
                names=names.get(dimension, {}),
                count=value == "policies",
            )
            if rows
            else None,
        }
        for key, (rows, value, dimension) in sources.items()
    }
    return render(
        request,
        "statistics.html",
        principal=principal,
        nav=nav,
        page=page,
        data=data,
        charts=charts,
        names=names,
        risk=risk,
        risk_charts=_risk_charts(risk, names, zh),
        accumulation=accumulation,
        accumulation_charts=_accumulation_charts(accumulation, zh),
    )


def _accumulation_charts(view: DependencyAccumulation, zh: bool) -> dict[str, str]:
    """The market accumulation by dependency: per group, its share of the insured enterprises
    and of the sum insured in force (inline SVG, the industry risk view's chart)."""
    if view.totals is None or not view.totals.insureds:
        return {}
    titles = {
        "provider": ("按依赖服务商", "By dependency provider"),
        "cloud_region": ("按云地域", "By cloud region"),
    }
    series = (
        ("投保企业占比", "保险金额占比") if zh else ("Share of insureds", "Share of sum insured")
    )
    other = "其他（合并）" if zh else "Other (merged)"
    total, amount = view.totals.insureds, float(view.totals.sum_insured) or 1.0
    charts = {}
    for dimension in ACCUMULATION_DIMENSIONS:
        cells = view.by[dimension]
        if not cells:
            continue
        groups = [
            (
                other if c.key == OTHER else c.name,
                c.insureds / total,
                float(c.sum_insured) / amount,
            )
            for c in cells
        ]
        title = titles[dimension][0 if zh else 1]
        charts[dimension] = share_bars_svg(groups, series=series, title=title)
    return charts


def _risk_charts(risk: IndustryRisk, names: dict[str, dict[str, str]], zh: bool) -> dict[str, str]:
    """The industry risk view's bar chart per table (inline SVG), groups named as the tables
    name them."""
    titles = {
        "industry_section": ("按行业门类", "By industry section"),
        "region": ("按省份", "By province"),
    }
    series = (
        ("软件存在已知被利用漏洞", "有未处理的高危/严重告警")
        if zh
        else ("Known-exploited software", "Open high or critical alerts")
    )
    other = "其他（合并）" if zh else "Other (merged)"
    charts = {}
    for dimension in RISK_DIMENSIONS:
        cells = risk.by[dimension]
        if not cells:
            continue
        groups = [
            (
                other if c.key == OTHER else names.get(dimension, {}).get(c.key, c.name),
                c.kev_share,
                c.alert_share,
            )
            for c in cells
        ]
        title = titles[dimension][0 if zh else 1]
        charts[dimension] = share_bars_svg(groups, series=series, title=title)
    return charts


_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", MarketStatistics.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        MarketStatistics.to_xlsx,
    ),
}


@router.get("/statistics.{extension}", response_class=Response)
def export(
    request: Request, extension: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """The dashboard's figures as a file, in the signed-in regulator's language (the API has the
    same at /api/statistics.csv and .xlsx for token holders, ``?lang=``)."""
    require_page(principal, "statistics")
    if extension not in _EXPORTS:
        raise NotFoundError(f"No export as .{extension}; choose .csv or .xlsx.")
    media_type, write = _EXPORTS[extension]
    with platform.uow(principal) as uow:
        stats = market_statistics(uow, minimum=platform.settings.statistics_min_insureds)
    return Response(
        write(stats, lang="zh" if language_of(request) == "zh_CN" else "en"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="liubu-statistics.{extension}"'},
    )
