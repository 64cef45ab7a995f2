"""Group cover on the web: the chain owner's (or park operator's) schemes, the invitations it
sends by credit code, its graph of the suppliers that accepted with their scores and premium
shares, and binding the master policy; for an invited enterprise, its invitations to accept,
decline or leave."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import portfolio, underwriting
from liubu.accounts import OrgKind
from liubu.core import shanghai_today
from liubu.errors import LiubuError, PermissionDeniedError
from liubu.products import find_product, load_vocabulary, product_title, summarise
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.charts import bars_svg, exceedance_svg
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
_ACCESS_COLOURS = {
    "none": "#9aa5b1",
    "remote_access": "#d64545",
    "network_connection": "#e8833a",
    "data_processing": "#7b61ff",
    "software_supply": "#2680c2",
}


# The fields of the form that starts a scheme (all bounded: names by the use case's own rule too).
SCHEME_FIELDS = ("kind", "name", "sponsor", "product")
MAX_FIELD = 200


def _schemes_page(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The sponsor's schemes, the form that starts one (for those who may sponsor) and the
    invitations to the caller's enterprise."""
    page, nav = require_page(principal, "groups")
    sponsoring = underwriting.may_sponsor(principal)
    with platform.uow(principal) as uow:
        schemes = list(reversed(uow.groups.schemes()))
        counts = {s.id: len(uow.groups.members(s.id)) for s in schemes}
        # Products by name, insurer and version, never by reference code.
        titles = {r.product_ref: product_title(r) for r in uow.products.list()}
        sponsors = list(uow.enterprises.list()) if sponsoring else []
        offered = underwriting.group_products(uow) if sponsoring else []
        invitations = None
        if principal.org_kind is OrgKind.ENTERPRISE:
            invitations = underwriting.my_invitations(uow)
        # The insurer's own: the schemes whose master policy it holds.
        underwritten = (
            underwriting.underwritten_schemes(uow)
            if principal.org_kind is OrgKind.INSURER
            else None
        )
    return render(
        request,
        "groups.html",
        status_code=status_code,
        principal=principal,
        nav=nav,
        page=page,
        schemes=schemes,
        counts=counts,
        titles=titles,
        invitations=invitations,
        underwritten=underwritten,
        state_labels=_STATE_LABELS,
        sponsoring=sponsoring,
        sponsors=sponsors,
        offered=offered,
        kinds=[str(k) for k in underwriting.SchemeKind],
        values=values or {},
        error=error,
        lang="zh" if language_of(request) == "zh_CN" else "en",
    )


@router.get("/groups", response_class=HTMLResponse)
def schemes_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    return _schemes_page(request, principal, platform)


@router.post("/groups/new", response_class=HTMLResponse)
async def start_scheme(
    request: Request, principal: WebPrincipal, platform: PlatformDep, _csrf: CsrfChecked
) -> Response:
    """A sponsor starts a scheme (the same use case as ``POST /api/groups``); a refusal is shown
    beside the form with what was typed, and the new scheme's page follows success."""
    require_page(principal, "groups")
    if not underwriting.may_sponsor(principal):
        raise PermissionDeniedError("Your role may not start a group scheme.")
    form = await request.form()
    values = {k: str(form.get(k, ""))[:MAX_FIELD] for k in SCHEME_FIELDS}
    try:
        scheme = underwriting.create_scheme(
            platform.uow(principal),
            kind=values["kind"],
            name=values["name"],
            sponsor_enterprise_id=values["sponsor"],
            product_ref=values["product"],
        )
    except LiubuError as error:
        return _schemes_page(
            request,
            principal,
            platform,
            values=values,
            error=refusal(request, error),
            status_code=422,
        )
    flash(request, i18n.gettext("Scheme started: invite its members below."))
    return RedirectResponse(f"/groups/{scheme.id}", status_code=303)


_RESPONSES = {
    "accept": underwriting.accept_invitation,
    "decline": underwriting.decline_invitation,
    "leave": underwriting.leave_scheme,
}


@router.post("/groups/invitations/{invitation_id}/{action}")
def respond(
    request: Request,
    invitation_id: str,
    action: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    """The invited enterprise's answer: accept, decline or leave."""
    require_page(principal, "groups")
    use_case = _RESPONSES.get(action)
    if use_case is None:
        return RedirectResponse("/groups", status_code=303)
    try:
        done = use_case(platform.uow(principal), invitation_id)
        flash(request, f"{done.scheme_name}: {i18n.gettext(_STATE_LABELS[done.state])}")
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse("/groups#invitations", status_code=303)


# Invitation states on screen; "declined" as a bare code is already a quote's 已拒保.
_STATE_LABELS = {
    "invited": "Invited",
    "accepted": "Accepted",
    "declined": "Declined",
    "left": "Left",
}


@router.post("/groups/{scheme_id}/invite")
def invite(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    usccs: Annotated[str, Form(max_length=20_000)],
    supplies: Annotated[str, Form(max_length=200)] = "",
    access: Annotated[str, Form(max_length=32)] = "none",
) -> Response:
    """Invite enterprises by credit code, one per line (or separated by commas or blanks)."""
    require_page(principal, "groups")
    codes = [c for c in usccs.replace(",", " ").split() if c]
    entries = [underwriting.MemberEntry(uscc=c, supplies=supplies, access=access) for c in codes]
    try:
        invited = underwriting.add_members(platform.uow(principal), scheme_id, entries)
        flash(request, i18n.gettext("Invitations sent: %(count)s") % {"count": len(invited)})
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse(f"/groups/{scheme_id}#members", status_code=303)


def _worksheet(uow: Any, scheme_id: str, limit: Decimal | None) -> tuple[dict[str, Any], Any]:
    """The bound master policy's worksheet, or a live quote at ``limit`` (default: the product's
    first limit option) while the scheme is open."""
    scheme = uow.groups.scheme(scheme_id)
    masters = list(uow.groups.master_policies(scheme.id))
    if masters:
        return masters[-1].worksheet, masters[-1]
    spec, _insurer = underwriting.group_spec(uow, scheme.product_ref)
    chosen = limit if limit is not None else spec.limit_options[0]
    return underwriting.quote_group(uow, scheme.id, limit=chosen).to_dict(), None


def graph_option(
    view: dict[str, Any],
    worksheet: dict[str, Any] | None,
    *,
    zh: bool,
    declared: Sequence[underwriting.LinkView] = (),
) -> str:
    """An ECharts graph: the sponsor in the middle, each member around it sized by its premium,
    labelled with its score; edges coloured by the access the member has, and the declared
    supplier-of-supplier links (dashed) from the member that reaches through another to it."""
    lines = {m["enterprise_id"]: m for m in (worksheet or {}).get("members", [])}
    sponsor = "链主" if zh else "Chain owner"
    if view["kind"] == "park":
        sponsor = "园区运营方" if zh else "Park operator"
    nodes: list[dict[str, Any]] = [
        {"name": sponsor, "symbolSize": 46, "itemStyle": {"color": "#1f3a5f"}, "x": 0, "y": 0}
    ]
    links: list[dict[str, Any]] = []
    premiums = [float(line["premium"]) for line in lines.values()] or [1.0]
    top = max(premiums) or 1.0
    shown: set[str] = set()
    for member in view["members"]:
        if member["state"] != "accepted" or member["name"] is None:
            continue  # an invitation is not in the graph until the member accepts
        line = lines.get(member["enterprise_id"])
        score = "" if line is None else f"\n{line['score']:.0f} {line['grade']}"
        size = 18 if line is None else 18 + 26 * float(line["premium"]) / top
        shown.add(member["name"])
        nodes.append(
            {
                "name": member["name"],
                "value": None if line is None else float(line["premium"]),
                "symbolSize": round(size, 1),
                "label": {"show": True, "formatter": member["name"] + score},
            }
        )
        links.append(
            {
                "source": member["name"],
                "target": sponsor,
                "label": {"show": bool(member["supplies"]), "formatter": member["supplies"]},
                "lineStyle": {
                    "color": _ACCESS_COLOURS.get(member["access"], "#9aa5b1"),
                    "width": 2,
                },
            }
        )
    for link in declared:
        if link.source_name in shown and link.target_name in shown:
            links.append(
                {
                    "source": link.source_name,
                    "target": link.target_name,
                    "symbol": ["none", "arrow"],
                    "lineStyle": {
                        "color": _ACCESS_COLOURS.get(link.access, "#9aa5b1"),
                        "width": 2,
                        "type": "dashed",
                        "curveness": 0.2,
                    },
                }
            )
    option = {
        "tooltip": {},
        "series": [
            {
                "type": "graph",
                "layout": "force",
                "force": {"repulsion": 320, "edgeLength": 140},
                "roam": True,
                "label": {"show": True, "position": "bottom"},
                "edgeLabel": {"fontSize": 10},
                "data": nodes,
                "links": links,
            }
        ],
    }
    return json.dumps(option, ensure_ascii=False)


# The chain's contagion on its page: enough trials for a steady ranking, fixed seed so that the
# page shows the same figures on every visit.
CONTAGION_TRIALS = 20_000
CONTAGION_SEED = 20_261_207
CRITICAL_TOP = 10


def contagion_view(
    view: dict[str, Any],
    worksheet: dict[str, Any],
    owner_revenue: float,
    *,
    lang: str,
    links: Sequence[underwriting.LinkView] = (),
) -> dict[str, Any]:
    """Contagion over a scheme's chain (its members and the declared links between them): the
    most critical suppliers (table and bar chart), the chain's loss exceedance curve and the
    premium shares by contribution beside today's. Only the sponsor and the insurer of the
    scheme's master policy reach the pages that show it."""
    chain, premiums = portfolio.scheme_chain(view, worksheet, owner_revenue, links)
    result = portfolio.simulate_contagion(chain, trials=CONTAGION_TRIALS, seed=CONTAGION_SEED)
    critical = result.critical(CRITICAL_TOP)
    access = {m["enterprise_id"]: m["access"] for m in view["members"] if m["enterprise_id"]}
    zh = lang == "zh"
    chart_lang = "zh_CN" if zh else "en"
    names = [c.name for c in critical]
    shares = [c.share for c in critical]
    bar_title = "供应商对链主损失的贡献" if zh else "Suppliers' share of the owner's loss"
    bar_axis = "占链主预期损失的比例" if zh else "Share of the owner's expected loss"
    curve = {"aggregate": [[x, p] for x, p in result.exceedance]}
    return {
        "result": result,
        "critical": critical,
        "access": access,
        "allocation": portfolio.allocate_by_contribution(result, premiums),
        "bars": bars_svg(names, shares, title=bar_title, axis_label=bar_axis),
        "bars_narrow": bars_svg(names, shares, title=bar_title, axis_label=bar_axis, narrow=True),
        "curve": exceedance_svg(curve, lang=chart_lang) if result.exceedance else None,
        "curve_narrow": exceedance_svg(curve, lang=chart_lang, narrow=True)
        if result.exceedance
        else None,
    }


def _limit(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value > 0 else None


@router.get("/groups/{scheme_id}", response_class=HTMLResponse)
def scheme_page(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    limit: str | None = None,
) -> Response:
    page, nav = require_page(principal, "groups")
    if principal.org_kind is OrgKind.INSURER:
        return _insured_page(request, scheme_id, principal, platform)
    worksheet, master, problem, contagion = None, None, None, None
    lang = "zh" if language_of(request) == "zh_CN" else "en"
    with platform.uow(principal) as uow:
        view = underwriting.scheme_view(uow, scheme_id)
        titles = {view["product"]: product_title(find_product(uow, view["product"]))}
        chain = view["kind"] == underwriting.SchemeKind.SUPPLY_CHAIN
        links = underwriting.scheme_links(uow, scheme_id) if chain else []
        if any(m["state"] == "accepted" for m in view["members"]):
            try:
                worksheet, master = _worksheet(uow, scheme_id, _limit(limit))
            except LiubuError as error:
                problem = refusal(request, error)
        if worksheet and chain:
            owner = uow.enterprises.get(view["sponsor_enterprise_id"])
            contagion = contagion_view(
                view, worksheet, float(owner.annual_revenue), lang=lang, links=links
            )
    return render(
        request,
        "group.html",
        principal=principal,
        nav=nav,
        page=page,
        view=view,
        worksheet=worksheet,
        master=master,
        problem=problem,
        graph=graph_option(view, worksheet, zh=lang == "zh", declared=links),
        contagion=contagion,
        links=links,
        chain=chain,
        max_links=underwriting.MAX_LINKS,
        state_labels=_STATE_LABELS,
        access_kinds=[str(a) for a in underwriting.SupplierAccess],
        titles=titles,
        lang=lang,
    )


def _insured_page(
    request: Request, scheme_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """The insurer's view of a scheme whose master policy it holds: the members that policy
    insures with their scores and premiums, the declared links between them and the chain's
    contagion (404 to any other insurer)."""
    page, nav = require_page(principal, "groups")
    lang = "zh" if language_of(request) == "zh_CN" else "en"
    with platform.uow(principal) as uow:
        insured = underwriting.underwritten_scheme(uow, scheme_id)
        view = insured.view
        titles = {view["product"]: product_title(find_product(uow, view["product"]))}
    contagion = None
    if view["kind"] == underwriting.SchemeKind.SUPPLY_CHAIN and insured.worksheet.get("members"):
        contagion = contagion_view(
            view, insured.worksheet, float(insured.owner_revenue), lang=lang, links=insured.links
        )
    return render(
        request,
        "group_insured.html",
        principal=principal,
        nav=nav,
        page=page,
        view=view,
        worksheet=insured.worksheet,
        master=insured.master,
        graph=graph_option(view, insured.worksheet, zh=lang == "zh", declared=insured.links),
        contagion=contagion,
        links=insured.links,
        titles=titles,
        lang=lang,
    )


@router.post("/groups/{scheme_id}/links")
def declare_link(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    source: Annotated[str, Form(max_length=64)],
    target: Annotated[str, Form(max_length=64)],
    access: Annotated[str, Form(max_length=32)] = "none",
) -> Response:
    """The chain owner declares that ``source`` reaches it through ``target``."""
    require_page(principal, "groups")
    try:
        done = underwriting.declare_link(
            platform.uow(principal), scheme_id, source=source, target=target, access=access
        )
        flash(
            request,
            i18n.gettext("Link declared: %(source)s → %(target)s")
            % {"source": done.source_name, "target": done.target_name},
        )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse(f"/groups/{scheme_id}#links", status_code=303)


@router.post("/groups/{scheme_id}/links/{link_id}/remove")
def remove_link(
    request: Request,
    scheme_id: str,
    link_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    require_page(principal, "groups")
    try:
        underwriting.remove_link(platform.uow(principal), scheme_id, link_id)
        flash(request, i18n.gettext("Link withdrawn."))
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse(f"/groups/{scheme_id}#links", status_code=303)


@router.get("/groups/{scheme_id}/bind", response_class=HTMLResponse)
def bind_page(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    limit: str | None = None,
) -> Response:
    """The sponsor's guided bind (团体投保确认): the group premium and each member's share, the
    limits, retention and main exclusions, then the start date and the two declarations, as
    for one enterprise's policy, before anything is bound."""
    page, nav = require_page(principal, "groups")
    with platform.uow(principal) as uow:
        view = underwriting.scheme_view(uow, scheme_id)
        if view["status"] != "open":
            return RedirectResponse(f"/groups/{scheme_id}", status_code=303)
        spec, _insurer = underwriting.group_spec(uow, view["product"])
        record = find_product(uow, view["product"])
        try:
            worksheet, _master = _worksheet(uow, scheme_id, _limit(limit))
        except LiubuError as error:
            flash(request, refusal(request, error), kind="error")
            return RedirectResponse(f"/groups/{scheme_id}", status_code=303)
    today = shanghai_today()
    return render(
        request,
        "group_bind.html",
        principal=principal,
        nav=nav,
        page=page,
        view=view,
        worksheet=worksheet,
        title=product_title(record),
        summary=summarise(spec, load_vocabulary()),
        declarations=underwriting.declaration_texts(),
        today=today,
        latest=today + timedelta(days=underwriting.MAX_START_DAYS),
        lang="zh" if language_of(request) == "zh_CN" else "en",
    )


@router.post("/groups/{scheme_id}/bind")
def bind(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    limit: Annotated[Decimal, Form(gt=0, max_digits=18)],
    start: Annotated[date | None, Form()] = None,
    truthful: Annotated[bool, Form()] = False,
    terms_read: Annotated[bool, Form()] = False,
) -> Response:
    require_page(principal, "groups")
    try:
        with platform.uow(principal) as uow:  # the bind joins the transaction that priced it
            priced = underwriting.quote_group(uow, scheme_id, limit=limit)
            master = underwriting.bind_group(
                uow,
                scheme_id,
                priced,
                declarations=underwriting.Declarations(truthful=truthful, terms_read=terms_read),
                start=start,
            )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
        return RedirectResponse(f"/groups/{scheme_id}/bind?limit={limit}", status_code=303)
    flash(request, i18n.gettext("Master policy bound: %(number)s") % {"number": master.number})
    return RedirectResponse(f"/groups/{scheme_id}", status_code=303)
