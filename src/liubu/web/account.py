"""The signed-in user's own account: changing the password (the current one is required)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import accounts
from liubu.accounts import AccountsCode
from liubu.errors import RateLimitedError, ValidationError
from liubu.requests import PlatformDep, client_address, session_limits, sign_in_limits
from liubu.web import i18n
from liubu.web.nav import navigation_for
from liubu.web.rendering import flash, render
from liubu.web.security import CsrfChecked, WebPrincipal, set_session_cookie

router = APIRouter(include_in_schema=False)

# The policy's refusals as messages on the page, in the page's language (the API answers with
# the English message and the code). Literal gettext calls, so the catalogue tool finds them.
_MESSAGES: dict[str, Callable[[], str]] = {
    AccountsCode.PASSWORD_TOO_SHORT: lambda: i18n.gettext(
        "The new password must have at least 12 characters."
    ),
    AccountsCode.PASSWORD_TOO_LONG: lambda: i18n.gettext(
        "The new password must have at most 128 characters."
    ),
    AccountsCode.PASSWORD_COMMON: lambda: i18n.gettext(
        "This password is on the list of common or breached passwords. Choose another."
    ),
    AccountsCode.PASSWORD_HAS_USERNAME: lambda: i18n.gettext(
        "The new password must not contain your username."
    ),
    AccountsCode.PASSWORD_CURRENT_WRONG: lambda: i18n.gettext("The current password is wrong."),
}


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, principal: WebPrincipal) -> Response:
    return render(request, "password.html", principal=principal, nav=navigation_for(principal))


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    platform: PlatformDep,
    principal: WebPrincipal,
    _csrf: CsrfChecked,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    error: str | None = None
    field = "new_password"
    status = 422
    if new_password != confirm_password:
        error, field = i18n.gettext("The two new passwords differ."), "confirm_password"
    else:
        try:
            with platform.uow(principal) as uow:
                changed = accounts.change_password(
                    uow,
                    current_password=current_password[:1024],
                    new_password=new_password,
                    address=client_address(request, platform),
                    limits=sign_in_limits(platform),
                )
                # Every session of the user ended, this one too; the user carries on in a new one.
                token = accounts.start_session(uow, changed, limits=session_limits(platform))
        except RateLimitedError:
            error, status = i18n.gettext("Too many failed attempts. Try again later."), 429
        except ValidationError as refused:
            translated = _MESSAGES.get(refused.code)
            error = translated() if translated else refused.message
            field = refused.field or field
    if error is not None:
        return render(
            request,
            "password.html",
            principal=principal,
            nav=navigation_for(principal),
            error=error,
            error_field=field,
            status_code=status,
        )
    flash(request, i18n.gettext("Your password was changed. Other sessions were signed out."))
    response = RedirectResponse("/account/password", status_code=303)
    set_session_cookie(request, response, token)
    return response
