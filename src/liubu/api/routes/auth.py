"""Sign-in for machine and script clients: OAuth2 password flow → short-lived JWT."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from liubu import accounts
from liubu.accounts import issue_access_token
from liubu.api.deps import CurrentPrincipal, PlatformDep
from liubu.api.schemas import MePublic, TokenResponse
from liubu.requests import sign_in_limits

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenResponse)
def token(
    platform: PlatformDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenResponse:
    with platform.uow() as uow:
        principal = accounts.sign_in(
            uow,
            username=form.username,
            password=form.password,
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
