"""Errors on web pages are pages: 401 redirects to sign-in, others render ``error.html``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from liubu.accounts import Principal
from liubu.errors import LiubuError, Reason
from liubu.requests import get_platform
from liubu.web import i18n
from liubu.web.nav import navigation_for
from liubu.web.rendering import language_of, render
from liubu.web.security import optional_principal


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
        message = i18n.error_text(error, language_of(request))
    principal = _signed_in(request)
    nav = navigation_for(principal) if principal is not None else []
    return render(
        request,
        "error.html",
        status_code=error.status,
        message=message,
        principal=principal,
        nav=nav,
    )


def _signed_in(request: Request) -> Principal | None:
    """Who is signed in, so an error page keeps the header and the navigation; None when the
    session cannot be read (the error page must render whatever went wrong)."""
    if "session" not in request.scope:
        return None
    try:
        return optional_principal(request, get_platform(request))
    except Exception:  # an error page never fails on its decoration
        return None


def server_error_page(request: Request, status: int, request_id: str) -> Response:
    """The page a browser gets for an error the guard answers itself: a body over the page's
    cap (413, the body unread), or an error nobody handled (500: no detail, the id to quote).

    A 413 is answered before the session middleware has run: the page then renders with an
    empty session of its own (the default language, no sign-in), which no cookie carries."""
    request.scope.setdefault("session", {})
    i18n.current_language.set(language_of(request))
    if status == 413:
        message = i18n.gettext(
            "The file or form is larger than this page accepts. Send a smaller one, or split it."
        )
    else:
        message = i18n.gettext(
            "Something went wrong on our side. Quote the request id %(request_id)s when you report it."  # noqa: E501
        ) % {"request_id": request_id}
    return render(request, "error.html", status_code=status, message=message)
