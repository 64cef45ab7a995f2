"""The assessment on the web (定损): the adjuster's form of itemised losses, business-interruption
figures and exclusion rulings → the core's ``assess_claim`` (the worksheet is kept with the
claim); and the insured's documents — the coverage letter and the statement of loss, HTML or
PDF, in Chinese or English — rendered by :mod:`liubu.web.claims_documents`, not rewritten here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from liubu import claims
from liubu.core import Money
from liubu.errors import NotFoundError, ValidationError
from liubu.requests import PlatformDep
from liubu.web.claims_actions import _, _back, _done, _refusals
from liubu.web.claims_documents import (
    render_letter_html,
    render_letter_pdf,
    render_statement_html,
    render_statement_pdf,
)
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
ITEM_ROWS = 6  # loss rows the form offers (the use case bounds the items it accepts)
KINDS = [str(k) for k in claims.LossKind]


def _field(form: FormData, name: str, limit: int = 500) -> str:
    value = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _decimal(text: str, field: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError("Give a number.", field=field, value=text[:32]) from error
    if not number.is_finite():  # NaN or Infinity: no count, hours or amount
        raise ValidationError("Give a finite number.", field=field, value=text[:32])
    return number


def _items(form: FormData) -> list[claims.LossItem]:
    items = []
    for row in range(ITEM_ROWS):
        amount = _field(form, f"item_amount_{row}", 32)
        if not amount:
            continue
        count = _field(form, f"item_count_{row}", 12)
        items.append(
            claims.LossItem(
                coverage=_field(form, f"item_coverage_{row}", 64),
                kind=claims.LossKind(_field(form, f"item_kind_{row}", 32) or "other"),
                description=_field(form, f"item_description_{row}"),
                amount=Money(_decimal(amount, f"item_amount_{row}")),
                count=int(_decimal(count, f"item_count_{row}")) if count else None,
                sanctions_screened=bool(form.get(f"item_screened_{row}")),
                sanctions_hit=bool(form.get(f"item_hit_{row}")),
            )
        )
    return items


def _business_interruption(form: FormData) -> list[claims.BusinessInterruption]:
    hours = _field(form, "bi_hours", 16)
    if not hours:
        return []
    hourly = _field(form, "bi_hourly", 32)
    profit = _field(form, "bi_gross_profit", 32)
    period = _field(form, "bi_period_hours", 16)
    return [
        claims.BusinessInterruption(
            outage_hours=_decimal(hours, "bi_hours"),
            hourly_gross_profit=Money(_decimal(hourly, "bi_hourly")) if hourly else None,
            gross_profit=Money(_decimal(profit, "bi_gross_profit")) if profit else None,
            gross_profit_hours=_decimal(period, "bi_period_hours") if period else None,
        )
    ]


def _rulings(form: FormData, claim: claims.Claim) -> dict[str, tuple[str, str]]:
    rulings = {}
    for code in claims.incident_type(claim.incident_type).exclusions_to_check:
        status = _field(form, f"ruling_{code}", 32)
        if status and status != "undecided":
            rulings[code] = (status, _field(form, f"ruling_reason_{code}", 500))
    return rulings


def assessment_inputs(
    form: FormData, uow: claims.ClaimsUnitOfWork, claim_id: str
) -> tuple[
    list[claims.LossItem],
    list[claims.BusinessInterruption],
    dict[str, tuple[str, str]] | None,
]:
    """The assessment form's losses, business-interruption figures and exclusion rulings (the
    re-assessment of an appeal posts the same form)."""
    with uow:
        claim = claims.claim_view(uow, claim_id).claim
    try:
        items, bi = _items(form), _business_interruption(form)
    except ValueError as error:  # an unknown loss kind
        raise ValidationError(
            f"Choose the kind of each loss: one of {', '.join(KINDS)}.", field="items"
        ) from error
    return items, bi, _rulings(form, claim) or None


@router.post("/claims/{claim_id}/assess")
async def assess(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    with _refusals(request):
        items, bi, rulings = assessment_inputs(form, platform.uow(principal), claim_id)
        claims.assess_claim(
            platform.uow(principal),
            claim_id,
            items=items,
            business_interruption=bi,
            rulings=rulings,
        )
        _done(request, _("The claim is assessed: the worksheet is kept with it."))
    return _back(claim_id)


def _documents(platform: PlatformDep, principal: WebPrincipal, claim_id: str) -> Any:
    with platform.uow(principal) as uow:
        return claims.claim_documents(uow, claim_id)


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise NotFoundError(f"No document in {lang[:8]!r}; choose zh or en.")
    return lang


@router.get("/claims/{claim_id}/letter.{lang}.{kind}")
def letter(
    claim_id: str, lang: str, kind: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """The coverage letter (承保意见书), HTML or PDF, zh or en."""
    found = _documents(platform, principal, claim_id).letter
    if kind == "pdf":
        return Response(render_letter_pdf(found, _lang(lang)), media_type="application/pdf")
    if kind != "html":
        raise NotFoundError("Choose html or pdf.")
    return HTMLResponse(render_letter_html(found, _lang(lang)))


@router.get("/claims/{claim_id}/statement.{lang}.{kind}")
def statement(
    claim_id: str, lang: str, kind: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """The statement of loss (赔款计算书), HTML or PDF, zh or en — once the claim is assessed."""
    found = _documents(platform, principal, claim_id).statement
    if found is None:
        raise NotFoundError("The claim is not assessed yet: there is no statement of loss.")
    if kind == "pdf":
        return Response(render_statement_pdf(found, _lang(lang)), media_type="application/pdf")
    if kind != "html":
        raise NotFoundError("Choose html or pdf.")
    return HTMLResponse(render_statement_html(found, _lang(lang)))
