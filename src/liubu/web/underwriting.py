"""Quotes and policies on the web: the enterprise compares and binds; the underwriter works the
referral queue with the rating worksheet; everyone party to a policy reads its document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import assessment, underwriting
from liubu.accounts import Principal
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.errors import LiubuError, NotFoundError
from liubu.products import current_versions, product_title
from liubu.requests import PlatformDep
from liubu.risk import coverage_categories, scenario_titles
from liubu.store.uow import SqlUnitOfWork
from liubu.web.charts import score_history_svg
from liubu.web.nav import navigation_for, require_page
from liubu.web.rendering import flash, language_of, refusal, render, templates
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
QUOTABLE = (
    "comprehensive",
    "property_loss",
    "liability",
    "it_product_liability",
    "security_product_guarantee",
    "security_service_professional_liability",
    "service_bundle",
)


def _lang(request: Request) -> str:
    return "zh" if language_of(request) == "zh_CN" else "en"


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "quotes")
    with platform.uow(principal) as uow:
        enterprises = list(uow.enterprises.list())
        quotes = list(reversed(uow.underwriting.quotes()))
        policies = list(reversed(uow.underwriting.policies()))
        visible = list(uow.products.list())
        products = [r for r in current_versions(visible) if r.product_type in QUOTABLE]
        # Names, never reference codes, on the customer's page: product, insurer and version.
        titles = {r.product_ref: product_title(r) for r in visible}
        # A scheme's master policy (团体保单) is the sponsor's policy too.
        group_policies = [
            (scheme, master)
            for scheme in uow.groups.schemes()
            for master in uow.groups.master_policies(scheme.id)
        ]
    return render(
        request,
        "quotes.html",
        principal=principal,
        nav=nav,
        page=page,
        enterprises=enterprises,
        quotes=quotes,
        policies=policies,
        products=products,
        titles=titles,
        group_policies=group_policies,
        bound={(p.quote_id, p.terms.option_index) for p in policies},
        lang=_lang(request),
    )


@router.post("/quotes/request")
async def request_quotes(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    require_page(principal, "quotes")
    form = await request.form()
    wanted = [str(v) for v in form.getlist("products")]
    enterprise_id = str(form.get("enterprise_id", ""))
    try:
        with platform.uow(principal) as uow:
            underwriting.request_quotes(uow, enterprise_id, products_wanted=wanted)
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse("/quotes", status_code=303)


@router.get("/quotes/{quote_id}/bind/{option_index}", response_class=HTMLResponse)
def bind_page(
    request: Request,
    quote_id: str,
    option_index: int,
    principal: WebPrincipal,
    platform: PlatformDep,
) -> Response:
    """The guided bind (投保确认): the option's price and terms, what is and is not covered, the
    start date and the two declarations, before anything is bound."""
    from liubu import products
    from liubu.products import load_vocabulary, parse_product, summarise

    page, nav = require_page(principal, "quotes")
    with platform.uow(principal) as uow:
        quote = uow.underwriting.quote(quote_id)
        if not 0 <= option_index < len(quote.options):
            raise NotFoundError(f"The quote has no option {option_index}.")
        option = quote.options[option_index]
        record = products.find_product(uow, option.product)
    spec = parse_product(record.document, source=record.product_ref)
    today = shanghai_today()
    return render(
        request,
        "bind.html",
        principal=principal,
        nav=nav,
        page=page,
        quote=quote,
        option=option,
        option_index=option_index,
        title=products.product_title(record),
        summary=summarise(spec, load_vocabulary()),
        declarations=underwriting.declaration_texts(),
        today=today,
        latest=today + timedelta(days=underwriting.MAX_START_DAYS),
        can_bind=quote.status == "offered" and option.status.offered,
        lang=_lang(request),
        term=_term_chart(quote, _lang(request)),
    )


@router.post("/quotes/{quote_id}/bind")
def bind(
    request: Request,
    quote_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    option_index: Annotated[int, Form(ge=0, le=99)],
    version: Annotated[int, Form(ge=1)],
    start: Annotated[date | None, Form()] = None,
    truthful: Annotated[bool, Form()] = False,
    terms_read: Annotated[bool, Form()] = False,
) -> Response:
    require_page(principal, "quotes")
    try:
        with platform.uow(principal) as uow:
            policy = underwriting.bind(
                uow,
                quote_id,
                option_index=option_index,
                expected_version=version,
                declarations=underwriting.Declarations(truthful=truthful, terms_read=terms_read),
                start=start,
            )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
        return RedirectResponse(f"/quotes/{quote_id}/bind/{option_index}", status_code=303)
    platform.queue_service_schedule(tenant_id=policy.tenant_id)  # 保中服务 tasks of its services
    return RedirectResponse(f"/policies/{policy.id}", status_code=303)


@router.get("/underwriting", response_class=HTMLResponse)
def underwriting_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "underwriting")
    with platform.uow(principal) as uow:
        queue = (
            underwriting.referral_queue(uow) if underwriting.decides_referrals(principal) else None
        )
        quotes = list(reversed(uow.underwriting.quotes()))
        policies = list(reversed(uow.underwriting.policies()))
    return render(
        request,
        "underwriting.html",
        principal=principal,
        nav=nav,
        page=page,
        queue=queue,
        quotes=quotes,
        policies=policies,
        lang=_lang(request),
    )


@router.get("/underwriting/quotes/{quote_id}", response_class=HTMLResponse)
def quote_detail(
    request: Request, quote_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    page, nav = require_page(principal, "underwriting")
    with platform.uow(principal) as uow:
        quote = uow.underwriting.quote(quote_id)
        breakdowns: dict[int, Any] = {}
        for index, option in enumerate(quote.options):
            if option.technical_premium is None:
                continue
            try:
                breakdowns[index] = underwriting.option_breakdown(uow, quote.id, index)
            except LiubuError as error:  # e.g. the library changed since: say so, show the rest
                breakdowns[index] = {"problem": refusal(request, error)}
        applicant = _applicant(uow, quote.enterprise_id)
    term = _term_chart(quote, _lang(request))
    # Scenarios and loss components by name (the code stays in each row's data-part and title).
    part_names = {c.code: {"zh": c.zh, "en": c.en} for c in coverage_categories()}
    part_names |= {code: {"zh": t.zh, "en": t.en} for code, t in scenario_titles().items()}
    return render(
        request,
        "underwriting_quote.html",
        principal=principal,
        nav=nav,
        page=page,
        quote=quote,
        options=[option.to_dict() for option in quote.options],  # JSON-ready, as the API shows
        breakdowns=breakdowns,
        applicant=applicant,
        part_names=part_names,
        lang=_lang(request),
        term=term,
    )


def _term_chart(quote: Any, lang: str) -> dict[str, str] | None:
    """A renewal quote's score over the expiring term (bind → each change → renewal), drawn."""
    term = quote.renewal
    if term is None:
        return None
    start = datetime.combine(term.period_start, datetime.min.time(), tzinfo=UTC)
    points = [(start, float(term.bind_score))]
    points += [(c.at, float(c.score_after)) for c in term.changes]
    points.append((max(quote.created_at, points[-1][0]), float(term.renewal_score)))
    grades = [(g, float(low)) for g, low in assessment.load_score_model().grades]
    chart_lang = "zh_CN" if lang == "zh" else "en"
    return {
        "chart": score_history_svg(points, lang=chart_lang, grades=grades),
        "chart_narrow": score_history_svg(points, lang=chart_lang, grades=grades, narrow=True),
    }


def _applicant(uow: SqlUnitOfWork, enterprise_id: str) -> dict[str, Any] | None:
    """The applicant's current diagnosis (score, open findings), when the caller may read it:
    the insurer's underwriting staff, by the applicant's consent (it asked for the quote)."""
    try:
        enterprise = uow.enterprises.readable(enterprise_id)
    except NotFoundError:  # e.g. the insurer's actuary: the quote's snapshot only
        return None
    return {
        "id": enterprise.id,
        "summary": assessment.assessment_summary(uow, enterprise.id),
        "findings": assessment.current_findings(uow, enterprise.id),
    }


@router.post("/underwriting/quotes/{quote_id}/decision")
def decide(
    request: Request,
    quote_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    decision: Annotated[str, Form()],
    reasons: Annotated[str, Form()] = "",
) -> Response:
    require_page(principal, "underwriting")
    try:
        with platform.uow(principal) as uow:
            underwriting.decide_referral(
                uow, quote_id, approve=decision == "approve", reasons=reasons
            )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
        return RedirectResponse(f"/underwriting/quotes/{quote_id}", status_code=303)
    return RedirectResponse("/underwriting", status_code=303)


def _policy_context(platform: Platform, principal: Principal, policy_id: str) -> dict[str, Any]:
    from liubu import products
    from liubu.products import load_vocabulary, parse_product, summarise

    with platform.uow(principal) as uow:
        policy = uow.underwriting.policy(policy_id)
        events = list(uow.underwriting.events(policy.id))
        record = products.find_product(uow, policy.product_ref)
    spec = parse_product(record.document, source=record.product_ref)
    return {
        "policy": policy,
        "events": events,
        "spec": spec,
        "title": products.product_title(record),
        "status": underwriting.policy_label("states", policy.status),
        "event_kinds": {e.kind: underwriting.policy_label("events", e.kind) for e in events},
        "account": underwriting.premium_account(policy, events),
        "today": shanghai_today().isoformat(),
        "records_payments": underwriting.records_payments(principal)
        and policy.status == "in_force",
        # What the insured declared at binding (policies bound before declarations have none).
        "declared": next((e.detail.get("declarations") for e in events if e.kind == "issue"), None),
        "summary": summarise(spec, load_vocabulary()),
    }


@router.post("/policies/{policy_id}/payments")
def record_payment(
    request: Request,
    policy_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    amount: Annotated[Decimal, Form(gt=0, le=Decimal("1e12"), max_digits=14, decimal_places=2)],
    paid_on: Annotated[date, Form()],
) -> Response:
    try:
        with platform.uow(principal) as uow:
            underwriting.record_premium_payment(uow, policy_id, amount=amount, paid_on=paid_on)
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error", where="payment")
    return RedirectResponse(f"/policies/{policy_id}", status_code=303)


@router.get("/policies/{policy_id}.pdf")
def policy_pdf(policy_id: str, principal: WebPrincipal, platform: PlatformDep) -> Response:
    from weasyprint import HTML

    context = _policy_context(platform, principal, policy_id)
    html = templates().env.get_template("policy_document.html").render(**context)
    return Response(HTML(string=html).write_pdf(), media_type="application/pdf")


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def policy_document(
    request: Request, policy_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    nav = navigation_for(principal)
    return render(
        request,
        "policy.html",
        principal=principal,
        nav=nav,
        **_policy_context(platform, principal, policy_id),
    )
