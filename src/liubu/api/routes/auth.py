"""Sign-in for machine and script clients: OAuth2 password flow → short-lived JWT."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from liubu import accounts
from liubu.accounts import issue_access_token
from liubu.api.deps import CurrentPrincipal, PlatformDep
from liubu.api.schemas import MePublic, PasswordChange, TokenResponse
from liubu.requests import client_address, sign_in_limits

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenResponse)
def token(
    request: Request,
    platform: PlatformDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenResponse:
    """Throttled per address and per account (429 with Retry-After; docs/security.md)."""
    with platform.uow() as uow:
        principal = accounts.sign_in(
            uow,
            username=form.username,
            password=form.password,
            address=client_address(request, platform),
            limits=sign_in_limits(platform),
        )
    minutes = platform.settings.access_token_minutes
    jwt = issue_access_token(principal, secret=platform.settings.signing_secret, minutes=minutes)
    return TokenResponse(access_token=jwt, expires_in=minutes * 60)


@router.get("/me", response_model=MePublic)
def me(principal: CurrentPrincipal) -> MePublic:
    return MePublic(
        user_id=principal.user_id,
        username=principal.username,
        tenant_id=principal.tenant_id,
        org_kind=principal.org_kind,
        roles=sorted(principal.roles),
    )


@router.post("/me/password", status_code=204)
def change_password(
    request: Request, platform: PlatformDep, principal: CurrentPrincipal, body: PasswordChange
) -> Response:
    """Change your own password (the current one is required). Every web session and access
    token of yours ends, the one of this request too: sign in again with the new password.
    API tokens (lbt_…) stay until revoked."""
    with platform.uow(principal) as uow:
        accounts.change_password(
            uow,
            current_password=body.current_password,
            new_password=body.new_password,
            address=client_address(request, platform),
            limits=sign_in_limits(platform),
        )
    return Response(status_code=204)
