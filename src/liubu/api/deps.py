"""Request dependencies as ``Annotated`` aliases: the platform, the caller, their unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from liubu import accounts
from liubu.accounts import Principal, decode_access_token
from liubu.errors import AuthenticationError
from liubu.requests import PlatformDep as PlatformDep  # the API's routes take it from here
from liubu.store.uow import SqlUnitOfWork

_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def current_principal(
    platform: PlatformDep, token: Annotated[str | None, Depends(_bearer)]
) -> Principal:
    """A bearer JWT from ``/api/auth/token`` or a long-lived API token (``lbt_…``)."""
    if not token:
        raise AuthenticationError("Sign in first: send 'Authorization: Bearer <token>'.")
    with platform.uow() as uow:
        if token.startswith("lbt_"):
            return accounts.authenticate_api_token(uow, token)
        claims = decode_access_token(token, secret=platform.settings.signing_secret)
        return accounts.load_principal(uow, claims.user_id, session_epoch=claims.session_epoch)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def unit_of_work(platform: PlatformDep, principal: CurrentPrincipal) -> Iterator[SqlUnitOfWork]:
    with platform.uow(principal) as uow:
        yield uow


UowDep = Annotated[SqlUnitOfWork, Depends(unit_of_work)]
