"""Steps 5 and 6 on the web (保后救援 · 保后赔偿): the insured reports an incident and follows its
claims, the adjuster works the queue with its SLA clocks, the incident-response vendor answers
its dispatches; one claim's page shows each party what the store lets it read. The forms that
change a claim are in :mod:`liubu.web.claims_actions`; both call the use cases of
:mod:`liubu.claims` and render, nothing more."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from liubu import claims
from liubu.accounts import OrgKind, Principal, Role
from liubu.products import Text, load_vocabulary
from liubu.requests import PlatformDep
from liubu.web.claims_appeals import appeal_context, local_day
from liubu.web.claims_assessment import ITEM_ROWS
from liubu.web.nav import navigation_for, require_page
from liubu.web.rendering import language_of, render
from liubu.web.security import WebPrincipal

router = APIRouter(include_in_schema=False)


def party_of(principal: Principal) -> str:
    """Which side of a claim the caller is on: ``insurer``, ``insured`` or ``vendor``."""
    if principal.org_kind is OrgKind.ENTERPRISE:
        return "insured"
    if principal.org_kind is OrgKind.SECURITY_PROVIDER:
        return "vendor"
    return "insurer"


def _lang(request: Request) -> str:
    return "zh" if language_of(request) == "zh_CN" else "en"


def _names(lang: str) -> dict[str, Any]:
    """Bilingual names of incident types and coverages, in the page's language."""

    def text(value: Text) -> str:
        return value.in_("zh" if lang == "zh" else "en")

    return {
        "incident_names": {t.code: text(t.name) for t in claims.incident_types()},
        "coverage_names": {c.code: text(c.name) for c in load_vocabulary().coverages},
        "text": text,
    }


def _sla(claim: claims.Claim) -> dict[str, Any]:
    return claim.sla(datetime.now(UTC))


def _step(
    request: Request, principal: Principal, platform: PlatformDep, slug: str, template: str
) -> Response:
    page, nav = require_page(principal, slug, step=True)
    party = party_of(principal)
    lang = _lang(request)
    context: dict[str, Any] = {"party": party}
    with platform.uow(principal) as uow:
        context["open_claims"] = claims.queue(uow, state="open")
        context["closed_claims"] = claims.queue(uow, state="closed")
        if party == "insured":
            context["policies"] = claims.reportable_policies(uow)
        if party == "vendor":
            context["incidents"] = [
                claims.incident_view(uow, c.id)
                for c in [*context["open_claims"], *context["closed_claims"]]
            ]
        if party == "insurer" and any(
            r in principal.roles for r in (Role.CLAIMS_ADJUSTER, Role.ADMIN)
        ):
            context["hotline"] = True  # staff enter notices called in to the 24/7 hotline
            # the queue marks the claims whose appeal waits for a re-assessment or a decision
            context["appealed"] = {a.claim_id for a in claims.undecided_appeals(uow)}
        if party == "insurer" and slug == "compensation":
            context["approvals"] = claims.approvals(uow)
            context["money"] = claims.claim_views(uow, context["open_claims"])
        if party == "insured" and slug == "compensation":
            context["money"] = {
                **claims.claim_views(uow, context["open_claims"]),
                **claims.claim_views(uow, context["closed_claims"]),
            }
    return render(
        request,
        template,
        principal=principal,
        nav=nav,
        page=page,
        lang=lang,
        sla=_sla,
        incident_types=claims.incident_types(),
        today=datetime.now(UTC),
        **_names(lang),
        **context,
    )


@router.get("/steps/rescue", response_class=HTMLResponse)
def rescue(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    """Step 5: report (insured), the queue by SLA (adjuster), the dispatched incidents
    (vendor)."""
    return _step(request, principal, platform, "rescue", "claims_rescue.html")


@router.get("/steps/compensation", response_class=HTMLResponse)
def compensation(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    """Step 6: the claims and their money — paid, outstanding, approvals waiting."""
    return _step(request, principal, platform, "compensation", "claims_compensation.html")


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_detail(
    request: Request, claim_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """One claim, as the caller may see it (another party's claim: 404)."""
    lang = _lang(request)
    text = _names(lang)["text"]
    with platform.uow(principal) as uow:
        view = claims.claim_page(uow, claim_id)
    documents = None
    if view.insurer or view.insured:
        with platform.uow(principal) as uow:
            documents = claims.claim_documents(uow, claim_id)
    vendor_names = {v.id: v.name for v in view.vendors}
    dispatched = {d.vendor_tenant_id for d in view.dispatches if str(d.state) != "declined"}
    me = principal.tenant_id
    names = _names(lang)
    return render(
        request,
        "claim.html",
        principal=principal,
        nav=navigation_for(principal),
        view=view,
        claim=view.claim,
        party=party_of(principal),
        lang=lang,
        sla=_sla(view.claim),
        vendor_names=vendor_names,
        panel=[v for v in view.vendors if v.id not in dispatched] if view.insurer else [],
        can_log=view.insurer
        or any(d.vendor_tenant_id == me and str(d.state) == "accepted" for d in view.dispatches),
        can_upload=view.insurer
        or view.insured
        or any(d.vendor_tenant_id == me and str(d.state) == "accepted" for d in view.dispatches),
        is_adjuster=view.insurer
        and any(r in principal.roles for r in (Role.CLAIMS_ADJUSTER, Role.ADMIN)),
        pay_key=secrets.token_urlsafe(18),  # one per rendered pay form: a double submit pays once
        phases=[str(p) for p in claims.Phase],
        documents=documents,
        loss_kinds=[str(k) for k in claims.LossKind],
        item_rows=range(ITEM_ROWS),
        exclusions_to_check=claims.incident_type(view.claim.incident_type).exclusions_to_check,
        exclusion_names={e.code: text(e.name) for e in load_vocabulary().exclusions},
        local_day=local_day,
        **appeal_context(principal, view, documents, lang, names["coverage_names"]),
        **names,
    )
