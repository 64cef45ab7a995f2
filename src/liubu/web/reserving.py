"""The actuary's reserving page (准备金评估): upload or paste a triangle, choose chain ladder,
Mack or Bornhuetter–Ferguson, and see the triangle as a heat map, the development factors, each
origin's ultimate, IBNR and (Mack) standard error, and the totals. Nothing is stored."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from liubu import claims
from liubu.accounts import Principal
from liubu.errors import LiubuError, PermissionDeniedError, ValidationError
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
MAX_PASTE = 1_000_000  # characters pasted in the form; larger triangles go as a file
METHODS = ("chainladder", "mack", "bf")


def triangle_heatmap(triangle: claims.Triangle, *, zh: bool) -> str:
    """An ECharts heat map of the cumulative amounts: origins down, development ages across, the
    empty lower-right (the future) left blank."""
    data = [
        [j, i, float(value)]
        for i, row in enumerate(triangle.cells)
        for j, value in enumerate(row)
        if value is not None
    ]
    top = max((cell[2] for cell in data), default=1.0) or 1.0
    option = {
        "tooltip": {"position": "top"},
        "grid": {"left": 60, "right": 20, "top": 20, "bottom": 110},
        "xAxis": {
            "type": "category",
            "name": "进展期（月）" if zh else "Development (months)",
            "nameLocation": "middle",
            "nameGap": 26,
            "data": [str(d) for d in triangle.developments],
        },
        "yAxis": {"type": "category", "data": list(triangle.origins), "inverse": True},
        "visualMap": {
            "min": 0,
            "max": top,
            "calculable": True,
            "precision": 0,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#f7fbff", "#6baed6", "#08306b"]},
        },
        "series": [
            {
                "name": "累计金额" if zh else "Cumulative amount",
                "type": "heatmap",
                "data": data,
                "emphasis": {"itemStyle": {"borderColor": "#333", "borderWidth": 1}},
            }
        ],
    }
    return json.dumps(option, ensure_ascii=False)


@router.get("/reserving", response_class=HTMLResponse)
def reserving_page(request: Request, principal: WebPrincipal) -> Response:
    return _page(request, principal, form={"method": "chainladder", "basis": "paid"})


@router.post("/reserving", response_class=HTMLResponse)
async def reserving_run(
    request: Request,
    principal: WebPrincipal,
    _csrf: CsrfChecked,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form(max_length=MAX_PASTE)] = "",
    method: Annotated[str, Form(max_length=16)] = "chainladder",
    basis: Annotated[str, Form(max_length=16)] = "paid",
    apriori: Annotated[str, Form(max_length=32)] = "",
    premium: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Reserve the uploaded (or, without a file, the pasted) triangle; the page shows the result
    or the located error."""
    form = {"method": method, "basis": basis, "text": text, "apriori": apriori, "premium": premium}
    require_page(principal, "reserving")
    i18n.current_language.set(language_of(request))
    try:
        content = await file.read(claims.MAX_TRIANGLE_BYTES + 1) if file is not None else b""
        name = (file.filename if file is not None else None) or "triangle.csv"
        source: str | bytes = content if content else text
        if not source.strip():
            raise ValidationError(
                i18n.gettext("Upload a triangle CSV file or paste its text."), field="text"
            )
        triangle = claims.read_triangle_csv(
            source, name=name if content else "text", allow_decreasing=basis == "incurred"
        )
        result = claims.reserve_triangle(
            principal,
            triangle,
            method,
            apriori=_ratio(apriori),
            premium=claims.read_premium_csv(premium, name="premium") if premium.strip() else None,
        )
    except PermissionDeniedError:
        raise
    except LiubuError as error:
        return _page(
            request, principal, form=form, problem=refusal(request, error), status_code=422
        )
    return _page(request, principal, form=form, triangle=triangle, result=result)


def _ratio(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(
            i18n.gettext("The a-priori loss ratio %(value)s is not a number.") % {"value": text},
            field="apriori",
        ) from None


def _page(
    request: Request,
    principal: Principal,
    *,
    form: dict[str, str],
    triangle: claims.Triangle | None = None,
    result: claims.ReserveResult | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    page, nav = require_page(principal, "reserving")
    zh = language_of(request) == "zh_CN"
    return render(
        request,
        "reserving.html",
        status_code=status_code,
        principal=principal,
        nav=nav,
        page=page,
        form=form,
        methods=METHODS,
        triangle=triangle,
        result=result,
        heatmap=triangle_heatmap(triangle, zh=zh) if triangle is not None else None,
        problem=problem,
        max_paste=MAX_PASTE,
    )
