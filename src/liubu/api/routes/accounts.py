"""Organisations (tenants), users and API tokens."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, status

from liubu import accounts
from liubu.accounts import ApiToken, Organisation, Role, User
from liubu.api.deps import UowDep
from liubu.api.schemas import (
    ApiTokenCreate,
    ApiTokenIssued,
    ApiTokenPublic,
    OrganisationCreate,
    OrganisationPublic,
    SessionsRevoke,
    SessionsRevoked,
    UserCreate,
    UserPublic,
)
from liubu.errors import NotFoundError

router = APIRouter(prefix="/api", tags=["accounts"])


@router.get("/organisations", response_model=list[OrganisationPublic])
def list_organisations(uow: UowDep) -> Sequence[Organisation]:
    return uow.organisations.list()


@router.post("/organisations", response_model=OrganisationPublic, status_code=201)
def create_organisation(body: OrganisationCreate, uow: UowDep) -> Organisation:
    organisation = accounts.create_organisation(uow, kind=body.kind, name=body.name)
    return organisation


@router.get("/organisations/{organisation_id}", response_model=OrganisationPublic)
def get_organisation(organisation_id: str, uow: UowDep) -> Organisation:
    return uow.organisations.get(organisation_id)


@router.get("/users", response_model=list[UserPublic])
def list_users(uow: UowDep) -> Sequence[User]:
    accounts.require(uow.principal, Role.ADMIN)
    return uow.users.list()


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, uow: UowDep) -> User:
    user = accounts.create_user(
        uow,
        tenant_id=body.tenant_id or uow.principal.tenant_id,
        username=body.username,
        password=body.password,
        roles=body.roles,
        display_name=body.display_name,
    )
    return user


@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(user_id: str, uow: UowDep) -> User:
    user = uow.users.get(user_id)
    if user.id != uow.principal.user_id and not uow.principal.has_any(Role.ADMIN):
        raise NotFoundError(f"No user with id {user_id!r} is visible to you.")
    return user


@router.post("/users/{user_id}/sessions/revoke", response_model=SessionsRevoked)
def revoke_sessions(user_id: str, body: SessionsRevoke, uow: UowDep) -> SessionsRevoked:
    """An admin ends every web session and access token of a user (and, if asked, their API
    tokens): for a lost laptop or a leaked password."""
    ended = accounts.revoke_sessions(uow, user_id, api_tokens=body.api_tokens)
    return SessionsRevoked(
        user_id=user_id, web_sessions_ended=ended, api_tokens_revoked=body.api_tokens
    )


@router.get("/tokens", response_model=list[ApiTokenPublic])
def list_tokens(uow: UowDep) -> list[ApiToken]:
    return [t for t in uow.api_tokens.list() if t.user_id == uow.principal.user_id]


@router.post("/tokens", response_model=ApiTokenIssued, status_code=201)
def create_token(body: ApiTokenCreate, uow: UowDep) -> ApiTokenIssued:
    token, plaintext = accounts.issue_api_token(uow, name=body.name)
    return ApiTokenIssued(
        id=token.id,
        name=token.name,
        created_at=token.created_at,
        revoked_at=None,
        token=plaintext,
    )


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: str, uow: UowDep) -> None:
    accounts.revoke_api_token(uow, token_id)
