"""Server-rendered pages: sign-in, the lifecycle steps and the platform's areas."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import accounts
from liubu.accounts import Principal
from liubu.errors import AuthenticationError, NotFoundError, RateLimitedError
from liubu.requests import PlatformDep, client_address, session_limits, sign_in_limits
from liubu.web import i18n
from liubu.web.home import next_steps
from liubu.web.nav import navigation_for, require_page
from liubu.web.rendering import language_of, render
from liubu.web.security import (
    SESSION_LANGUAGE,
    CsrfChecked,
    MaybePrincipal,
    WebPrincipal,
    clear_session_cookie,
    session_token,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the redirect cannot be pointed elsewhere."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: MaybePrincipal, platform: PlatformDep) -> Response:
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    steps = next_steps(platform.uow(principal), principal)
    return render(
        request, "home.html", principal=principal, nav=navigation_for(principal), steps=steps
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, principal: MaybePrincipal, next: str | None = None) -> Response:
    if principal is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    # The messages below are translated before render() would set the page's language.
    i18n.current_language.set(language_of(request))
    try:
        with platform.uow() as uow:
            principal = accounts.sign_in(
                uow,
                username=username,
                password=password,
                address=client_address(request, platform),
                limits=sign_in_limits(platform),
            )
            token = accounts.start_session(uow, principal, limits=session_limits(platform))
    except RateLimitedError as refused:
        minutes = max(1, math.ceil(refused.retry_after / 60))
        message = i18n.gettext(
            "Too many failed attempts. Wait about %(minutes)s min, then try again."
        ) % {"minutes": minutes}
        response = _login_again(request, next, username, message, 429)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    except AuthenticationError:
        message = i18n.gettext("The username or password is wrong.")
        return _login_again(request, next, username, message, 401)
    language = request.session.get(SESSION_LANGUAGE)
    request.session.clear()  # a fresh signed cookie on sign-in: its CSRF token changes too
    if language:
        request.session[SESSION_LANGUAGE] = language
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    return response


def _login_again(request: Request, next: str, username: str, error: str, status: int) -> Response:
    return render(
        request,
        "login.html",
        next=_safe_next(next),
        error=error,
        username=username[:64],
        status_code=status,
    )


@router.post("/logout")
def logout(request: Request, platform: PlatformDep, _csrf: CsrfChecked) -> Response:
    token = session_token(request)
    if token is not None:
        with platform.uow() as uow:
            accounts.end_session(uow, token)
    language = request.session.get(SESSION_LANGUAGE)
    request.session.clear()
    if language:
        request.session[SESSION_LANGUAGE] = language
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str, next: str | None = None) -> Response:
    if language not in i18n.LANGUAGES:
        raise NotFoundError(f"No language {language!r}; choose zh_CN or en.")
    request.session[SESSION_LANGUAGE] = language
    return RedirectResponse(_safe_next(next), status_code=303)


def _page(request: Request, principal: Principal, slug: str, *, step: bool) -> Response:
    page, nav = require_page(principal, slug, step=step)
    return render(request, "page.html", principal=principal, nav=nav, page=page)


@router.get("/steps/{slug}", response_class=HTMLResponse)
def step_page(request: Request, slug: str, principal: WebPrincipal) -> Response:
    return _page(request, principal, slug, step=True)


@router.get("/{slug}", response_class=HTMLResponse)
def area_page(request: Request, slug: str, principal: WebPrincipal) -> Response:
    return _page(request, principal, slug, step=False)
