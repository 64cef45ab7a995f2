"""保前治疗 on the web: the fixes ranked by money, for the product and limit the enterprise picks,
and handing a fix to a security provider (保中服务)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import assessment, underwriting
from liubu.accounts import OrgKind
from liubu.errors import LiubuError
from liubu.products import FILED, parse_product
from liubu.requests import PlatformDep
from liubu.web.diagnosis import enterprises_to_diagnose, reads_as_insurer
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
_PLAN_TYPES = ("comprehensive", "property_loss", "liability")


@router.get("/steps/treatment", response_class=HTMLResponse)
def choose(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    require_page(principal, "treatment", step=True)
    with platform.uow(principal) as uow:
        enterprises = enterprises_to_diagnose(uow)
    if len(enterprises) == 1:
        return RedirectResponse(f"/treatment/{enterprises[0].id}", status_code=303)
    return RedirectResponse("/steps/diagnosis", status_code=303)


@router.get("/treatment/{enterprise_id}", response_class=HTMLResponse)
def treatment_page(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    product: Annotated[str | None, Query()] = None,
    limit: Annotated[str | None, Query()] = None,
) -> Response:
    page, nav = require_page(principal, "treatment", step=True)
    error = None
    with platform.uow(principal) as uow:
        enterprise = uow.enterprises.readable(enterprise_id)
        candidates = sorted(
            (r for r in uow.products.list() if r.status == FILED and r.product_type in _PLAN_TYPES),
            key=lambda r: (_PLAN_TYPES.index(r.product_type), r.product_ref),
        )
        asked = [r for r in candidates if r.product_ref == product]
        # The product asked for; otherwise the first whose filed rates cover this enterprise.
        chosen, spec, amount, result = None, None, _limit(limit, None), None
        for record in asked or candidates:
            chosen = record
            spec = parse_product(record.document, source=record.product_ref)
            amount = _limit(limit, spec)
            try:
                plan = underwriting.treatment_plan(uow, enterprise.id, product=spec, limit=amount)
                result, error = plan.to_dict(), None
                break
            except LiubuError as problem:
                error = problem.message
        read_only = reads_as_insurer(principal, enterprise)
        # The applicant's insurer reads the plan; handing a fix to a provider is the enterprise's.
        providers = [
            o
            for o in uow.organisations.list()
            if o.kind == OrgKind.SECURITY_PROVIDER and not read_only
        ]
        tasks = [t for t in uow.assessment.tasks() if t.enterprise_id == enterprise.id]
    assessment.note_applicant_read(platform.uow(principal), enterprise.id, part="treatment")
    return render(
        request,
        "treatment.html",
        principal=principal,
        nav=nav,
        page=page,
        enterprise=enterprise,
        products=candidates,
        chosen=chosen,
        spec=spec,
        limit=amount,
        plan=result,
        error=error,
        providers=providers,
        tasks=tasks,
        read_only=read_only,
        lang="zh" if language_of(request) == "zh_CN" else "en",
    )


def _limit(raw: str | None, spec: object) -> Decimal:
    options = getattr(spec, "limit_options", ()) or (Decimal(1_000_000),)
    try:
        wanted = Decimal(raw) if raw else options[0]
    except InvalidOperation:
        wanted = options[0]
    return wanted if wanted in options else options[0]


@router.post("/treatment/{enterprise_id}/tasks")
def assign(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    provider_id: Annotated[str, Form()],
    fix_id: Annotated[str, Form()],
    title_zh: Annotated[str, Form()],
    title_en: Annotated[str, Form()],
) -> Response:
    require_page(principal, "treatment", step=True)
    try:
        assessment.assign_task(
            platform.uow(principal),
            enterprise_id,
            provider_id=provider_id,
            fix_id=fix_id,
            title_zh=title_zh,
            title_en=title_en,
        )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse(f"/treatment/{enterprise_id}#tasks", status_code=303)
