"""The actuary's claims-experience page (理赔经验与费率指示): upload experience, see what is
stored, and read a product's rate indication — filed against suggested coefficients, per factor
level, with credibility and the filed range. Advice: nothing here changes a product."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import experience, products
from liubu.accounts import Principal
from liubu.errors import LiubuError, NotFoundError, PermissionDeniedError
from liubu.experience import advisory_notes
from liubu.products import FILED, Lang
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)


def _products(uow: Any, principal: Principal) -> list[Any]:
    """Filed products to indicate against: the caller's insurer's own first."""
    filed = [r for r in uow.products.list() if r.status == FILED]
    return sorted(filed, key=lambda r: (r.tenant_id != principal.tenant_id, r.product_ref))


def factor_chart(factor: dict[str, Any], rows: list[dict[str, Any]], *, zh: bool) -> str:
    """Bars of the filed and the suggested coefficient per level, with the filed range drawn as
    two dashed lines: a suggested bar past a line needs a new filing."""
    levels = [r["level"] for r in rows]
    names = (
        ("现行备案系数", "建议系数", "备案区间下限", "备案区间上限")
        if zh
        else ("Filed coefficient", "Suggested coefficient", "Filed range low", "Filed range high")
    )

    def bound(i: int) -> dict[str, Any]:
        return {
            "name": names[2 + i],
            "type": "line",
            "step": "middle",
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": "#c8102e"},
            "itemStyle": {"color": "#c8102e"},
            "data": [float(r["filed_range"][i]) for r in rows],
        }

    option = {
        "title": {
            "text": f"{factor['factor']} → {factor['coefficient']}",
            "left": "center",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": levels},
        "yAxis": {"type": "value", "scale": True},
        "series": [
            {
                "name": names[0],
                "type": "bar",
                "itemStyle": {"color": "#9aa5b1"},
                "data": [None if r["filed"] is None else float(r["filed"]) for r in rows],
            },
            {
                "name": names[1],
                "type": "bar",
                "itemStyle": {"color": "#0b6e4f"},
                "data": [float(r["indicated"]) for r in rows],
            },
            bound(0),
            bound(1),
        ],
    }
    return json.dumps(option, ensure_ascii=False)


@router.get("/experience", response_class=HTMLResponse)
def experience_page(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    product: Annotated[str | None, Query()] = None,
) -> Response:
    page, nav = require_page(principal, "experience")
    zh = language_of(request) == "zh_CN"
    lang: Lang = "zh" if zh else "en"
    i18n.current_language.set(language_of(request))
    document: dict[str, Any] | None = None
    problem: str | None = None
    with platform.uow(principal) as uow:
        counts = experience.experience_counts(uow)
        choices = _products(uow, principal)
        tags = uow.experience.product_tags()
        chosen = (
            product or (tags[0] if tags else None) or (choices[0].product_ref if choices else None)
        )
        if chosen is not None and counts.rows:
            try:
                spec = products.find_spec(uow, chosen)
                document = experience.indication_document(experience.indicate(uow, spec))
            except (NotFoundError, PermissionDeniedError):
                raise
            except LiubuError as error:  # e.g. no factor of the data is filed by this product
                problem = refusal(request, error)
    charts: dict[str, str] = {}
    by_factor: dict[str, list[dict[str, Any]]] = {}
    if document is not None:
        for row in document["table"]:
            by_factor.setdefault(row["factor"], []).append(row)
        for factor in document["factors"]:
            charts[factor["factor"]] = factor_chart(factor, by_factor[factor["factor"]], zh=zh)
    return render(
        request,
        "experience.html",
        principal=principal,
        nav=nav,
        page=page,
        counts=counts,
        choices=choices,
        tags=tags,
        chosen=chosen,
        document=document,
        by_factor=by_factor,
        charts=charts,
        problem=problem,
        advice=experience.ADVICE.in_(lang),
        notes=[note.in_(lang) for note in advisory_notes()],
    )


@router.post("/experience/import")
async def experience_import(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    file: Annotated[UploadFile, File()],
    product: Annotated[str, Form()] = "",
) -> Response:
    """Store an uploaded experience file, all or nothing; the page says what happened."""
    require_page(principal, "experience")
    i18n.current_language.set(language_of(request))
    tag = product or None
    try:
        content = await file.read(experience.MAX_FILE_BYTES + 1)
        summary = experience.import_upload(
            platform.uow(principal), content, name=file.filename or "upload.csv", product_ref=tag
        )
    except PermissionDeniedError:
        raise
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
        return RedirectResponse("/experience", status_code=303)
    flash(
        request,
        i18n.gettext(
            "%(rows)s rows read from %(file)s: %(stored)s stored, %(present)s already present."
        )
        % {
            "rows": f"{summary.rows:,}",
            "file": summary.source,
            "stored": f"{summary.stored:,}",
            "present": f"{summary.already_present:,}",
        },
    )
    target = f"/experience?product={tag}" if tag else "/experience"
    return RedirectResponse(target, status_code=303)
