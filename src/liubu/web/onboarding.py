"""Web onboarding (企业登记): a business user puts its enterprise on record, with the facts the
platform prices and reports by — name, unified social credit code, GB/T 4754 industry, GB/T 2260
province, revenue, employees, MLPS level and whether it operates critical information
infrastructure — and goes on to its diagnosis. The same use case as ``POST /api/enterprises``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import accounts
from liubu.accounts import EnterpriseFacts
from liubu.core import industry_divisions, industry_sections, provinces
from liubu.errors import LiubuError, PermissionDeniedError, ValidationError
from liubu.requests import PlatformDep
from liubu.web.nav import navigation_for
from liubu.web.rendering import language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)

FIELDS = ("name", "uscc", "division", "province", "revenue", "employees", "mlps_level", "cii")
MAX_FIELD = 200  # characters of any one field; the facts' own rules bound them further


def _allowed(principal: WebPrincipal) -> None:
    if not accounts.may_register_enterprises(principal):
        raise PermissionDeniedError("Your role may not register enterprises.")


def _page(
    request: Request,
    principal: WebPrincipal,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = "zh" if language_of(request) == "zh_CN" else "en"
    return render(
        request,
        "enterprise_new.html",
        status_code=status_code,
        principal=principal,
        nav=navigation_for(principal),
        sections=industry_sections(),
        divisions=industry_divisions(),
        provinces=provinces(),
        values=values,
        error=error,
        lang=lang,
    )


@router.get("/enterprises/new", response_class=HTMLResponse)
def new_enterprise(request: Request, principal: WebPrincipal) -> Response:
    _allowed(principal)
    return _page(request, principal, {"mlps_level": "2"})


def _number(text: str, field: str, kind: type[int] | type[Decimal]) -> int | Decimal:
    try:
        value = kind(text.replace(",", "").strip())
    except (ValueError, InvalidOperation):
        raise ValidationError(
            f"The {field.replace('_', ' ')} must be a number, not {text!r}.",
            field=field,
            value=text,
        ) from None
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(f"The {field} must be a finite number.", field=field, value=text)
    return value


def facts_from(values: dict[str, str]) -> EnterpriseFacts:
    """The form's fields as checked enterprise facts (the division's value is ``section:code``)."""
    section, _, division = values.get("division", "").partition(":")
    return EnterpriseFacts(
        name=values.get("name", ""),
        uscc=values.get("uscc", ""),
        industry_section=section,
        industry_division=division,
        region_code=values.get("province", ""),
        annual_revenue=Decimal(_number(values.get("revenue", ""), "annual_revenue", Decimal)),
        employees=int(_number(values.get("employees", ""), "employees", int)),
        mlps_level=int(_number(values.get("mlps_level", ""), "mlps_level", int)),
        critical_infrastructure=values.get("cii") == "yes",
    )


@router.post("/enterprises/new", response_class=HTMLResponse)
async def register(
    request: Request, principal: WebPrincipal, platform: PlatformDep, _csrf: CsrfChecked
) -> Response:
    _allowed(principal)
    form = await request.form()
    values = {k: str(form.get(k, ""))[:MAX_FIELD] for k in FIELDS}
    try:
        facts = facts_from(values)
        with platform.uow(principal) as uow:
            enterprise = accounts.register_enterprise(uow, facts)
    except LiubuError as error:
        return _page(request, principal, values, refusal(request, error), status_code=422)
    return RedirectResponse(f"/diagnosis/{enterprise.id}", status_code=303)
