"""The actuary's reserving page (准备金评估): reserve the insurer's own claims from the claims
store (a product, or all of them; paid or incurred; by accident year or quarter), or upload or
paste a triangle; choose chain ladder, Mack or Bornhuetter–Ferguson, and see the triangle as a
heat map, the development factors, each origin's ultimate, IBNR and (Mack) standard error, and
the totals. Nothing is stored. An insurer with no claim amount yet sees an empty state."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from liubu import claims
from liubu.accounts import Principal
from liubu.bootstrap import Platform
from liubu.claims import ClaimsCode
from liubu.errors import LiubuError, PermissionDeniedError, ValidationError
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
MAX_PASTE = 1_000_000  # characters pasted in the form; larger triangles go as a file
METHODS = ("chainladder", "mack", "bf")
BASES = ("paid", "incurred")
PERIODS = ("year", "quarter")
ALL_PRODUCTS = ""  # the form's value for every product of the insurer


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


def _own_products(platform: Platform, principal: Principal) -> list[str]:
    """The insurer's own products (every version), to reserve from the claims store."""
    with platform.uow(principal) as uow:
        refs = {r.product_ref for r in uow.products.list() if r.tenant_id == principal.tenant_id}
    return sorted(refs)


def _defaults() -> dict[str, str]:
    return {
        "method": "chainladder",
        "basis": "paid",
        "product": ALL_PRODUCTS,
        "origin_period": "year",
        "source": "store",
    }


@router.get("/reserving", response_class=HTMLResponse)
def reserving_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    require_page(principal, "reserving")
    return _page(request, principal, form=_defaults(), products=_own_products(platform, principal))


@router.post("/reserving/store", response_class=HTMLResponse)
def reserving_from_store(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    product: Annotated[str, Form(max_length=200)] = ALL_PRODUCTS,
    basis: Annotated[str, Form(max_length=16)] = "paid",
    origin_period: Annotated[str, Form(max_length=16)] = "year",
    method: Annotated[str, Form(max_length=16)] = "chainladder",
    apriori: Annotated[str, Form(max_length=32)] = "",
    premium: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Reserve the insurer's own claims of ``product`` (or all) from the claims store: the
    triangle is built from the store's development (tenant-scoped there), then the same methods
    as an uploaded triangle."""
    require_page(principal, "reserving")
    i18n.current_language.set(language_of(request))
    own = _own_products(platform, principal)
    form = {
        **_defaults(),
        "product": product,
        "basis": basis,
        "origin_period": origin_period,
        "method": method,
        "apriori": apriori,
        "premium": premium,
    }

    def page(**shown: Any) -> Response:
        return _page(request, principal, form=form, products=own, **shown)

    try:
        if product != ALL_PRODUCTS and product not in own:
            raise ValidationError(
                i18n.gettext("Choose one of your products."), field="product", value=product[:64]
            )
        chosen_basis = _choice(basis, BASES, "basis")
        period = _choice(origin_period, PERIODS, "origin_period")
        with platform.uow(principal) as uow:
            triangle = claims.product_triangle(
                principal,
                uow.claim_development,
                product_ref=product or None,
                basis=chosen_basis,  # type: ignore[arg-type]
                origin_period=period,  # type: ignore[arg-type]
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
    except ValidationError as error:
        if error.code == ClaimsCode.RESERVING_NO_CLAIMS:
            return page(empty=True)
        return page(problem=refusal(request, error), status_code=422)
    except LiubuError as error:
        return page(problem=refusal(request, error), status_code=422)
    return page(triangle=triangle, result=result)


@router.post("/reserving", response_class=HTMLResponse)
async def reserving_run(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
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
    form = {
        **_defaults(),
        "source": "upload",
        "method": method,
        "basis": basis,
        "text": text,
        "apriori": apriori,
        "premium": premium,
    }
    require_page(principal, "reserving")
    i18n.current_language.set(language_of(request))
    own = _own_products(platform, principal)
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
            request,
            principal,
            form=form,
            products=own,
            problem=refusal(request, error),
            status_code=422,
        )
    return _page(request, principal, form=form, products=own, triangle=triangle, result=result)


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationError(
            i18n.gettext("Choose one of %(allowed)s.") % {"allowed": ", ".join(allowed)},
            field=field,
            value=value[:16],
        )
    return value


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
    products: list[str],
    triangle: claims.Triangle | None = None,
    result: claims.ReserveResult | None = None,
    problem: str | None = None,
    empty: bool = False,
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
        products=products,
        all_products=ALL_PRODUCTS,
        empty=empty,
        triangle=triangle,
        result=result,
        heatmap=triangle_heatmap(triangle, zh=zh) if triangle is not None else None,
        problem=problem,
        max_paste=MAX_PASTE,
    )
