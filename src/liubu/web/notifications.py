"""通知 on the web: every signed-in user's inbox (mark read; the unread count is in the shell's
header), and for a tenant's admin the rules form and the dead-letter list with retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import notify
from liubu.accounts import Role
from liubu.errors import LiubuError
from liubu.notify import Channel, EventKind
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
PAGE = "/notifications"
# Form fields are cut to a little over what the use cases accept, so a huge post is not copied
# around before it is refused with its reason.
_FIELD = 600


@router.get(PAGE, response_class=HTMLResponse)
def notifications_page(
    request: Request, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    page, nav = require_page(principal, "notifications")
    items = notify.inbox(platform.uow(principal), limit=50)
    is_admin = principal.has_any(Role.ADMIN)
    rules = notify.list_rules(platform.uow(principal)) if is_admin else []
    dead = notify.dead_letters(platform.uow(principal), limit=50) if is_admin else []
    return render(
        request,
        "notifications.html",
        principal=principal,
        nav=nav,
        page=page,
        items=items,
        unread=notify.unread_count(platform.uow(principal)),
        is_admin=is_admin,
        rules=rules,
        dead=dead,
        event_kinds=list(EventKind),
        channels=list(Channel),
        roles=sorted(principal.roles | {Role.ADMIN}),
        lang="zh" if language_of(request) == "zh_CN" else "en",
    )


@router.post(f"{PAGE}/read")
def read(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    notification_id: Annotated[str, Form()] = "",
) -> Response:
    require_page(principal, "notifications")
    ids = [notification_id[:64]] if notification_id else None
    notify.mark_read(platform.uow(principal), ids)
    return RedirectResponse(PAGE, status_code=303)


@router.post(f"{PAGE}/rules")
def add_rule(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    event_kind: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
) -> Response:
    require_page(principal, "notifications")
    try:
        notify.add_rule(
            platform.uow(principal),
            event_kind=event_kind[:_FIELD],
            channel=channel[:_FIELD],
            target=target[:_FIELD],
            secret=secret[:_FIELD] or None,
            cipher=platform.cipher,
            allowed=platform.outbound_allowed(),
        )
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error", where="rules")
    return RedirectResponse(f"{PAGE}#rules", status_code=303)


@router.post(f"{PAGE}/rules/{{rule_id}}/remove")
def remove_rule(
    request: Request, rule_id: str, principal: WebPrincipal, platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:  # fmt: skip
    require_page(principal, "notifications")
    try:
        notify.remove_rule(platform.uow(principal), rule_id)
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error", where="rules")
    return RedirectResponse(f"{PAGE}#rules", status_code=303)


@router.post(f"{PAGE}/deliveries/{{delivery_id}}/retry")
def retry(
    request: Request, delivery_id: str, principal: WebPrincipal, platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:  # fmt: skip
    require_page(principal, "notifications")
    try:
        notify.retry_delivery(platform.uow(principal), delivery_id)
        i18n.current_language.set(language_of(request))  # the message is made before render()
        queued = "The delivery is queued again; it is sent on the next run of the deliverer."
        flash(request, i18n.gettext(queued), where="dead")
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error", where="dead")
    return RedirectResponse(f"{PAGE}#dead", status_code=303)
