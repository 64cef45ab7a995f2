"""liubu.web — the server-rendered pages (Jinja2 + HTMX, zh-CN and English) and their static
assets. ``liubu.app`` mounts them after the API."""

from __future__ import annotations

from importlib import resources

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from liubu.errors import LiubuError
from liubu.web import (
    account,
    audit,
    claims,
    claims_actions,
    claims_appeals,
    claims_assessment,
    diagnosis,
    experience,
    groups,
    i18n,
    monitoring,
    notifications,
    onboarding,
    portfolio,
    products,
    questionnaire,
    reserving,
    risk,
    routes,
    service,
    statistics,
    treatment,
    underwriting,
)
from liubu.web.errors import html_error, server_error_page, wants_html
from liubu.web.rendering import language_of

__all__ = ["install_pages", "server_error_page", "wants_html"]


async def speak(request: Request) -> None:
    """Set the request's language before its handler runs, so a message made before
    ``render()`` (a flash before a redirect) is in the reader's language. Async: a sync
    dependency would set it in a thread's copy of the context, not the handler's."""
    i18n.current_language.set(language_of(request))


def install_pages(app: FastAPI) -> None:
    """Static assets, every page, and an error handler that answers a browser with a page and
    leaves everyone else to the handler already installed (the API's problem+json)."""
    static = str(resources.files("liubu.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    for module in (
        account,
        audit,
        risk,
        products,
        diagnosis,
        questionnaire,
        treatment,
        monitoring,
        underwriting,
        statistics,
        groups,
        experience,
        reserving,
        portfolio,
        claims,
        claims_actions,
        claims_appeals,
        claims_assessment,
        onboarding,
        service,
        notifications,
    ):
        app.include_router(module.router, dependencies=[Depends(speak)])
    # Last: the area pages match /{slug} for the slugs in navigation.yaml.
    app.include_router(routes.router, dependencies=[Depends(speak)])
    _install_html_errors(app)


def _install_html_errors(app: FastAPI) -> None:
    fallback = app.exception_handlers[LiubuError]

    async def handler(request: Request, error: Exception) -> Response:
        if isinstance(error, LiubuError) and wants_html(request):
            return html_error(request, error)
        return await fallback(request, error)  # type: ignore[no-any-return, misc]

    app.add_exception_handler(LiubuError, handler)
