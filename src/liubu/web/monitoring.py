"""保中监控 on the web (step 4): what each role does with alerts on insured assets.

* the insured: what is watched, its alerts with what to do in plain words, each alert's history;
* a security provider's analyst: the alert queue by service-level due time, overdue flagged,
  with the actions it may take as forms;
* the insurer (underwriter, administrator) and the platform: alerts by severity and service-level
  state as a chart, each rule's precision, and the list with the insurer's actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import monitoring
from liubu.accounts import OrgKind, Principal
from liubu.errors import LiubuError
from liubu.monitoring import (
    ACTIVE_STATUSES,
    Alert,
    AlertAction,
    AlertSeverity,
    FalsePositiveReason,
    RulePrecision,
    SlaState,
    WatchedAsset,
)
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.charts import stacked_bars_svg
from liubu.web.i18n import gettext as _
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)

_SLA_COLOURS = {
    SlaState.OVERDUE: "#c92a2a",
    SlaState.ON_TIME: "#1f5fa8",
    SlaState.STOPPED: "#868e96",
}


@dataclass(frozen=True)
class AlertRow:
    """An alert as the page shows it: its due time now, whether it is overdue, what the viewer
    may do."""

    alert: Alert
    due: datetime | None
    sla: SlaState
    actions: tuple[AlertAction, ...]
    rescannable: bool

    @property
    def active(self) -> bool:
        return self.alert.status in ACTIVE_STATUSES


def _view(principal: Principal) -> str:
    if principal.org_kind is OrgKind.ENTERPRISE:
        return "enterprise"
    if principal.org_kind is OrgKind.SECURITY_PROVIDER:
        return "analyst"
    return "insurer"


def _rows(alerts: list[Alert], principal: Principal, now: datetime) -> list[AlertRow]:
    return [
        AlertRow(
            alert=a,
            due=monitoring.next_due(a),
            sla=monitoring.sla_state(a, now),
            actions=monitoring.allowed_actions(a, principal),
            rescannable=monitoring.rescannable(a),
        )
        for a in alerts
    ]


def _queue_order(row: AlertRow) -> tuple[int, datetime, str]:
    # Worked alerts first, soonest due first (overdue ones are the soonest); settled ones last.
    far = datetime.max.replace(tzinfo=UTC)
    due = row.due if row.due is None or row.due.tzinfo else row.due.replace(tzinfo=UTC)
    return (0 if row.active else 1, due or far, row.alert.id)


def _chart(rows: list[AlertRow]) -> str:
    states = [SlaState.OVERDUE, SlaState.ON_TIME, SlaState.STOPPED]
    names = {
        SlaState.OVERDUE: _("Overdue"),
        SlaState.ON_TIME: _("On time"),
        SlaState.STOPPED: _("Settled or fix reported"),
    }
    bars = [
        (
            _(str(severity)),
            [sum(1 for r in rows if r.alert.severity == severity and r.sla is s) for s in states],
        )
        for severity in AlertSeverity
    ]
    series = [(names[s], _SLA_COLOURS[s]) for s in states]
    return stacked_bars_svg(bars, series)


@router.get("/steps/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "monitoring", step=True)
    i18n.current_language.set(language_of(request))  # the chart's words are drawn before render
    now = datetime.now(UTC)
    view = _view(principal)
    alerts = monitoring.list_alerts(platform.uow(principal))
    rows = sorted(_rows(alerts, principal, now), key=_queue_order)
    watched: tuple[WatchedAsset, ...] = ()
    precision: list[RulePrecision] = []
    chart = None
    if view == "enterprise":
        watched = monitoring.watchlist(platform.uow(principal))
    if view == "insurer":
        precision = monitoring.rule_precision(platform.uow(principal))
        chart = _chart(rows)
    return render(
        request,
        "monitoring.html",
        principal=principal,
        nav=nav,
        page=page,
        view=view,
        rows=rows,
        watched=watched,
        precision=precision,
        chart=chart,
        overdue=sum(1 for r in rows if r.sla is SlaState.OVERDUE),
        reasons=list(FalsePositiveReason),
    )


@router.post("/monitoring/alerts/{alert_id}/transitions")
def act(
    request: Request,
    alert_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    action: Annotated[str, Form(max_length=32)],
    expected_version: Annotated[int, Form(ge=1)],
    reason: Annotated[str | None, Form(max_length=64)] = None,
    note: Annotated[str | None, Form(max_length=monitoring.MAX_NOTE)] = None,
) -> Response:
    require_page(principal, "monitoring", step=True)
    i18n.current_language.set(language_of(request))
    try:
        chosen = monitoring.parse_action(action)
        if chosen is AlertAction.VERIFY:
            verified = monitoring.verify_fix(
                lambda: platform.uow(principal),
                alert_id,
                expected_version=expected_version,
                policy=platform.scan_policy(),
                intel=platform.index_cache,
            )
            message = (
                _("The rescan no longer shows the indicator: the alert is fixed.")
                if verified.fixed
                else _("The rescan still shows the indicator: the alert stays in remediation.")
            )
            flash(request, message, kind="info" if verified.fixed else "error")
        else:
            monitoring.transition(
                platform.uow(principal),
                alert_id,
                chosen,
                expected_version=expected_version,
                reason=reason or None,
                note=note or None,
            )
            flash(request, _("Done: the alert is updated."))
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")
    return RedirectResponse(f"/steps/monitoring#alert-{alert_id}", status_code=303)
