"""Group cover on the web: the chain owner's (or park operator's) schemes, its graph of suppliers
with their scores and premium shares, and binding the master policy."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import underwriting
from liubu.errors import LiubuError
from liubu.requests import PlatformDep
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
_ACCESS_COLOURS = {
    "none": "#9aa5b1",
    "remote_access": "#d64545",
    "network_connection": "#e8833a",
    "data_processing": "#7b61ff",
    "software_supply": "#2680c2",
}


@router.get("/groups", response_class=HTMLResponse)
def schemes_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "groups")
    with platform.uow(principal) as uow:
        schemes = list(reversed(uow.groups.schemes()))
        counts = {s.id: len(uow.groups.members(s.id)) for s in schemes}
    return render(
        request,
        "groups.html",
        principal=principal,
        nav=nav,
        page=page,
        schemes=schemes,
        counts=counts,
    )


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


def graph_option(view: dict[str, Any], worksheet: dict[str, Any] | None, *, zh: bool) -> str:
    """An ECharts graph: the sponsor in the middle, each member around it sized by its premium,
    labelled with its score; edges coloured by the access the member has."""
    lines = {m["enterprise_id"]: m for m in (worksheet or {}).get("members", [])}
    sponsor = "链主" if zh else "Chain owner"
    if view["kind"] == "park":
        sponsor = "园区运营方" if zh else "Park operator"
    nodes: list[dict[str, Any]] = [
        {"name": sponsor, "symbolSize": 46, "itemStyle": {"color": "#1f3a5f"}, "x": 0, "y": 0}
    ]
    links = []
    premiums = [float(line["premium"]) for line in lines.values()] or [1.0]
    top = max(premiums) or 1.0
    for member in view["members"]:
        line = lines.get(member["enterprise_id"])
        score = "" if line is None else f"\n{line['score']:.0f} {line['grade']}"
        size = 18 if line is None else 18 + 26 * float(line["premium"]) / top
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
    worksheet, master, problem = None, None, None
    with platform.uow(principal) as uow:
        view = underwriting.scheme_view(uow, scheme_id)
        if view["members"]:
            try:
                worksheet, master = _worksheet(uow, scheme_id, _limit(limit))
            except LiubuError as error:
                problem = error.message
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
        graph=graph_option(view, worksheet, zh=language_of(request) == "zh_CN"),
    )


@router.post("/groups/{scheme_id}/bind")
def bind(
    request: Request,
    scheme_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    limit: Annotated[Decimal, Form(gt=0)],
) -> Response:
    require_page(principal, "groups")
    try:
        with platform.uow(principal) as uow:  # the bind joins the transaction that priced it
            priced = underwriting.quote_group(uow, scheme_id, limit=limit)
            master = underwriting.bind_group(uow, scheme_id, priced)
        flash(request, master.number)
    except LiubuError as error:
        flash(request, error.message, kind="error")
    return RedirectResponse(f"/groups/{scheme_id}", status_code=303)
