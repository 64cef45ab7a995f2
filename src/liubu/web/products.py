"""The product catalogue and side-by-side comparison, in the reader's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from liubu import products
from liubu.products import DRAFT, Lang, load_vocabulary
from liubu.requests import PlatformDep
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, render
from liubu.web.security import WebPrincipal

router = APIRouter(include_in_schema=False)


def product_lang(request: Request) -> Lang:
    """The products package speaks ``zh``/``en``; the site speaks ``zh_CN``/``en``."""
    return "zh" if language_of(request) == "zh_CN" else "en"


@router.get("/products", response_class=HTMLResponse)
def catalogue(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "products")
    with platform.uow(principal) as uow:
        records = sorted(uow.products.list(), key=lambda r: (r.status == DRAFT, r.product_ref))
    lang = product_lang(request)
    vocabulary = load_vocabulary()
    type_names = {
        r.product_type: vocabulary.product_type(r.product_type).name.in_(lang) for r in records
    }
    return render(
        request,
        "products.html",
        principal=principal,
        nav=nav,
        page=page,
        records=records,
        plang=lang,
        type_names=type_names,
    )


@router.get("/products/compare", response_class=HTMLResponse)
def comparison(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    ids: Annotated[list[str], Query()],
) -> Response:
    page, nav = require_page(principal, "products")
    lang = product_lang(request)
    with platform.uow(principal) as uow:
        result = products.compare_products(uow, ids, lang=lang).to_dict(lang)
    return render(
        request,
        "products_compare.html",
        principal=principal,
        nav=nav,
        page=page,
        comparison=result,
        plang=lang,
        ids=ids,
    )
