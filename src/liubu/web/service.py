"""Step 3, 保中服务, on the web: the provider's queue with its actions (accept, report, complete),
the insured's and the insurer's view of the bundled services' tasks with missed SLAs flagged,
and the insurer sending a report back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import monitoring
from liubu.accounts import OrgKind, Principal
from liubu.core import shanghai_today
from liubu.errors import LiubuError
from liubu.monitoring import MAX_REPORT_CHARS, RejectReason, ServiceView, TaskKind, TaskState
from liubu.products import load_vocabulary
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)

#: Tasks due this far ahead are shown; later ones are counted.
HORIZON = timedelta(days=31)
_DONE = (TaskState.COMPLETED, TaskState.CANCELLED)


@dataclass(frozen=True)
class Row:
    view: ServiceView
    name: str
    provider: str
    task_text: str


def _party(principal: Principal) -> str:
    if principal.org_kind is OrgKind.SECURITY_PROVIDER:
        return "provider"
    if principal.org_kind is OrgKind.ENTERPRISE:
        return "insured"
    return "insurer"


def _rows(
    views: list[ServiceView], lang: str, names: dict[str, str], today: date
) -> tuple[list[Row], int]:
    vocabulary = load_vocabulary().services
    shown: list[Row] = []
    later = 0
    for view in views:
        task = view.task
        if task.status == TaskState.CANCELLED:
            continue
        if task.due_on > today + HORIZON:
            later += 1
            continue
        if task.kind == TaskKind.RESCAN:
            name = i18n.gettext("Monthly monitoring rescan")
        else:
            term = vocabulary.get(task.service_code)
            name = term.name.in_(lang) if term else task.service_code  # type: ignore[arg-type]
        provider = names.get(task.provider_id or "", "")
        text = view.terms.task.in_(lang)  # type: ignore[arg-type]
        shown.append(Row(view, name, provider, text))
    # Work owed first (most overdue first), then what waits on the insurer, then what is done.
    order = {TaskState.RETURNED: 0, TaskState.OPEN: 1, TaskState.ACCEPTED: 1, TaskState.REPORTED: 2}
    shown.sort(key=lambda r: (order.get(TaskState(r.view.task.status), 3), r.view.task.due_on))
    return shown, later


@router.get("/steps/service", response_class=HTMLResponse)
def service_page(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "service", step=True)
    i18n.current_language.set(language_of(request))  # the rescan's name is translated here
    lang = "zh" if language_of(request) == "zh_CN" else "en"
    today = shanghai_today()
    party = _party(principal)
    with platform.uow(principal) as uow:
        views = monitoring.list_services(uow, on=today)
        ids = {v.task.provider_id for v in views if v.task.provider_id}
        names: dict[str, str] = {}
        for provider_id in ids:
            found = uow.organisations.find_by_id_unscoped(provider_id)
            if found is not None:
                names[provider_id] = found.name
    rows, later = _rows(views, lang, names, today)
    counts = {
        "overdue": sum(1 for v in views if v.breach is not None),
        "unassigned": sum(1 for v in views if v.unassigned and v.task.status not in _DONE),
        "reported": sum(1 for v in views if v.task.status == TaskState.REPORTED),
        "completed": sum(1 for v in views if v.task.status == TaskState.COMPLETED),
    }
    reasons = monitoring.load_service_terms().reject_reasons
    return render(
        request,
        "service.html",
        principal=principal,
        nav=nav,
        page=page,
        party=party,
        rows=rows,
        later=later,
        counts=counts,
        today=today,
        max_report=MAX_REPORT_CHARS,
        reject_reasons=[(str(code), reasons[code].in_(lang)) for code in RejectReason],  # type: ignore[arg-type]
    )


def _done(request: Request, message: str) -> Response:
    i18n.current_language.set(language_of(request))
    flash(request, i18n.gettext(message))
    return RedirectResponse("/steps/service", status_code=303)


def _(message: str) -> str:
    """Marks a message for the catalogues; :func:`_done` translates it for the request."""
    return message


def _refused(request: Request, error: LiubuError) -> Response:
    flash(request, refusal(request, error), kind="error")
    return RedirectResponse("/steps/service", status_code=303)


def _act(
    request: Request, principal: Principal, action: Callable[[], object], done: str
) -> Response:
    """Take ``action`` for a caller who may use the service page; back to the page with ``done``
    (a message id), or with the refusal beside the queue."""
    require_page(principal, "service", step=True)
    try:
        action()
    except LiubuError as error:
        return _refused(request, error)
    return _done(request, done)


@router.post("/service/{task_id}/accept")
def accept(
    request: Request,
    task_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    return _act(
        request,
        principal,
        lambda: monitoring.accept_service(platform.uow(principal), task_id),
        _("Task accepted."),
    )


@router.post("/service/{task_id}/report")
def report(
    request: Request,
    task_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    text: Annotated[str, Form(max_length=MAX_REPORT_CHARS)],
    scan_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return _act(
        request,
        principal,
        lambda: monitoring.report_service(
            platform.uow(principal), task_id, report=text, scan_id=scan_id.strip() or None
        ),
        _("Report sent."),
    )


@router.post("/service/{task_id}/complete")
def complete(
    request: Request,
    task_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    return _act(
        request,
        principal,
        lambda: monitoring.complete_service(platform.uow(principal), task_id),
        _("Task completed."),
    )


@router.post("/service/{task_id}/reject")
def reject(
    request: Request,
    task_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    reason: Annotated[str, Form(max_length=40)],
) -> Response:
    return _act(
        request,
        principal,
        lambda: monitoring.reject_report(platform.uow(principal), task_id, reason=reason),
        _("Report sent back to the provider."),
    )
