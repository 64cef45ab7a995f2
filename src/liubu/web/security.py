"""Web sessions and CSRF.

Two cookies with separate jobs:

* ``liubu_sid`` — who is signed in: only an opaque random token (256 bits), HttpOnly. The server
  keeps the session (``liubu.accounts.sessions``): sign-out, a password change or an admin's
  revocation removes it, so a saved copy of the cookie opens nothing afterwards, and idle and
  absolute timeouts are enforced on the server, whatever the cookie's own expiry says.
* ``liubu_session`` — Starlette's signed cookie, with no authority: the language choice, flash
  messages and the CSRF token of a visitor who is not signed in (the sign-in form).

CSRF (synchroniser token): every form carries ``csrf_token``. With a session token in the cookie,
it is ``HMAC(signing secret, session token)``: bound to that server-side session, unforgeable
without the secret, and dead once the session is. Without one, it is a random value kept in the
signed cookie, as before; sign-in clears that cookie, so the token changes (no fixation).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from liubu import accounts
from liubu.accounts import Principal
from liubu.errors import AuthenticationError, PermissionDeniedError, Reason
from liubu.requests import PlatformDep, get_platform, session_limits

SESSION_CSRF = "csrf"
SESSION_LANGUAGE = "lang"
SESSION_COOKIE = "liubu_sid"
_MAX_TOKEN = 100  # a token is 43 characters; anything far longer is not one of ours


def session_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > _MAX_TOKEN:
        return None
    return token


def csrf_token(request: Request) -> str:
    token = session_token(request)
    if token is not None:
        secret = get_platform(request).settings.signing_secret
        return hmac.new(secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()
    anonymous = request.session.get(SESSION_CSRF)
    if not anonymous:
        anonymous = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = anonymous
    return str(anonymous)


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    expected = _expected_csrf(request)
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        raise PermissionDeniedError(
            "The form expired or did not come from this site; reload the page and try again.",
            reason=Reason.CSRF_FAILED,
        )


def _expected_csrf(request: Request) -> str:
    if session_token(request) is not None:
        return csrf_token(request)
    return str(request.session.get(SESSION_CSRF, ""))


CsrfChecked = Annotated[None, Depends(check_csrf)]


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = get_platform(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        path="/",
        httponly=True,
        secure=settings.env == "production",
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    settings = get_platform(request).settings
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=settings.env == "production",
        samesite="lax",
    )


def optional_principal(request: Request, platform: PlatformDep) -> Principal | None:
    token = session_token(request)
    if token is None:
        return None
    try:
        with platform.uow() as uow:
            return accounts.resume_session(uow, token, limits=session_limits(platform))
    except AuthenticationError:
        return None


def web_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise AuthenticationError("Sign in to continue.")
    return principal


WebPrincipal = Annotated[Principal, Depends(web_principal)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
