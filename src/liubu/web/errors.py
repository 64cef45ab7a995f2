"""Errors on web pages are pages: 401 redirects to sign-in, others render ``error.html``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from liubu.errors import LiubuError, Reason
from liubu.web import i18n
from liubu.web.rendering import language_of, render


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api", "/healthz", "/readyz", "/docs", "/openapi", "/static")):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method == "POST"


def html_error(request: Request, error: LiubuError) -> Response:
    if error.status == 401:
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    i18n.current_language.set(language_of(request))
    if error.reason is Reason.CSRF_FAILED:
        message = i18n.gettext("The form expired. Reload the page and try again.")
    elif error.status == 403:
        message = i18n.gettext("Your role does not give access to this page.")
    elif error.status == 404:
        message = i18n.gettext("This page does not exist.")
    else:
        message = error.message
    return render(request, "error.html", status_code=error.status, message=message)


def server_error_page(request: Request, status: int, request_id: str) -> Response:
    """The page a browser gets for an error nobody handled: no detail, the id to quote."""
    i18n.current_language.set(language_of(request))
    message = i18n.gettext(
        "Something went wrong on our side. Quote the request id %(request_id)s when you report it."
    ) % {"request_id": request_id}
    return render(request, "error.html", status_code=status, message=message)
