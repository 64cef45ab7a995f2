"""Jinja2 rendering with the request's language, CSRF token and navigation in every context."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from liubu import notify
from liubu.accounts import Principal
from liubu.errors import LiubuError
from liubu.web import display, i18n
from liubu.web.security import SESSION_LANGUAGE, csrf_token

ECHARTS = "vendor/echarts-6.1.0.min.js"
HTMX = "vendor/htmx-2.0.11.min.js"


@cache
def templates() -> Jinja2Templates:
    directory = str(resources.files("liubu.web").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(directory),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(default=True),
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters.update(display.FILTERS)
    engine = Jinja2Templates(env=env)
    engine.env.globals.update(ECHARTS=ECHARTS, HTMX=HTMX, LANGUAGE_NAMES=i18n.LANGUAGE_NAMES)
    return engine


def language_of(request: Request) -> str:
    default = getattr(request.app.state, "default_language", "zh_CN")
    chosen = request.session.get(SESSION_LANGUAGE) if "session" in request.scope else None
    return i18n.negotiate(chosen, default)


def refusal(request: Request, error: LiubuError) -> str:
    """A refusal as the signed-in person reads it (:func:`liubu.web.i18n.error_text`)."""
    return i18n.error_text(error, language_of(request))


def flash(request: Request, message: str, *, kind: str = "info", where: str | None = None) -> None:
    """A one-time message for the next page (after a redirect); ``where`` names the form it is
    shown beside, on pages that place messages so (else at the top)."""
    entry = {"kind": kind, "message": message}
    if where is not None:
        entry["where"] = where
    request.session.setdefault("flash", []).append(entry)


def _unread(request: Request, principal: Principal) -> int | None:
    """The shell header's count of the user's unread notifications (None when it cannot be
    read: an error page must still render when the database is what failed)."""
    platform = getattr(request.app.state, "platform", None)
    if platform is None:
        return None
    try:
        return notify.unread_count(platform.uow(principal))
    except Exception:  # the count is a courtesy; the page is what was asked for
        return None


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    language = language_of(request)
    i18n.current_language.set(language)
    context.setdefault("principal", None)
    context.setdefault("nav", [])
    if context["principal"] is not None and "unread_notifications" not in context:
        context["unread_notifications"] = _unread(request, context["principal"])
    base = {
        "lang": language,
        "html_lang": "zh-CN" if language == "zh_CN" else "en",
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flash", []) if "session" in request.scope else [],
        "current_path": request.url.path,
        # Where the language switch returns to, query included (e.g. the compared ids).
        "current_url": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    return templates().TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
