"""Web sessions and CSRF: a signed session cookie names the user; every form carries a token."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request

from liubu import accounts
from liubu.accounts import Principal
from liubu.errors import AuthenticationError, PermissionDeniedError, Reason
from liubu.requests import PlatformDep

SESSION_USER = "uid"
SESSION_CSRF = "csrf"
SESSION_LANGUAGE = "lang"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return str(token)


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    expected = request.session.get(SESSION_CSRF, "")
    if not expected or not hmac.compare_digest(str(expected), csrf_token):
        raise PermissionDeniedError(
            "The form expired or did not come from this site; reload the page and try again.",
            reason=Reason.CSRF_FAILED,
        )


CsrfChecked = Annotated[None, Depends(check_csrf)]


def optional_principal(request: Request, platform: PlatformDep) -> Principal | None:
    user_id = request.session.get(SESSION_USER)
    if not user_id:
        return None
    try:
        with platform.uow() as uow:
            return accounts.load_principal(uow, str(user_id))
    except AuthenticationError:
        request.session.pop(SESSION_USER, None)
        return None


def web_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise AuthenticationError("Sign in to continue.")
    return principal


WebPrincipal = Annotated[Principal, Depends(web_principal)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
