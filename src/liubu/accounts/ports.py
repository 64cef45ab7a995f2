"""What the accounts use cases need from storage: repository and unit-of-work protocols.

``liubu.store`` implements them on SQLAlchemy; tests may implement them with fakes. Every
repository is bound to the unit of work's :class:`~liubu.accounts.model.Principal` and scopes each
query to that principal's tenant (the platform operator sees all tenants).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, Self

from liubu.accounts.model import (
    ApiToken,
    Enterprise,
    IdentityClaim,
    Organisation,
    Principal,
    User,
)


class OrganisationRepository(Protocol):
    def add(self, organisation: Organisation) -> None: ...
    def get(self, organisation_id: str) -> Organisation: ...
    def list(self) -> Sequence[Organisation]: ...
    def find_by_code(self, code: str) -> Organisation | None:
        """Unscoped: codes are unique platform-wide."""
        ...

    def find_by_id_unscoped(self, organisation_id: str) -> Organisation | None:
        """Unscoped, for naming a counterparty (a provider to assign work to)."""
        ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, user_id: str) -> User: ...
    def list(self) -> Sequence[User]: ...
    def find_by_username(self, username: str) -> User | None:
        """Unscoped lookup for sign-in (usernames are unique platform-wide)."""
        ...


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken) -> None: ...
    def get(self, token_id: str) -> ApiToken: ...
    def list(self) -> Sequence[ApiToken]: ...
    def find_for_authentication(self, token_id: str) -> ApiToken | None:
        """Unscoped lookup when a machine client presents a token."""
        ...


class EnterpriseRepository(Protocol):
    def add(self, enterprise: Enterprise) -> None: ...
    def get(self, enterprise_id: str) -> Enterprise: ...
    def list(self) -> Sequence[Enterprise]: ...
    def find_by_uscc(self, uscc: str) -> Enterprise | None:
        """Within the caller's tenant only."""
        ...

    def find_identity_holder(self, uscc: str) -> Enterprise | None:
        """Platform-wide (unscoped): the record holding ``uscc``, if any. Only identity use
        cases call it, and never show what it returns to the caller."""
        ...

    def delete(self, enterprise: Enterprise) -> None: ...


class IdentityClaimRepository(Protocol):
    """Claims visible to the claimant's tenant and the holder's tenant (and the platform)."""

    def add(self, claim: IdentityClaim) -> None: ...
    def get(self, claim_id: str) -> IdentityClaim: ...
    def list(self) -> Sequence[IdentityClaim]: ...
    def find_open(self, uscc: str) -> IdentityClaim | None:
        """The caller's tenant's open claim on ``uscc``, if any."""
        ...


class AuditLog(Protocol):
    def record(
        self,
        action: str,
        *,
        entity_type: str,
        entity_id: str,
        tenant_id: str | None = None,
        actor_id: str | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        """Append an event that is not a row change (sign-in, failed sign-in, token use)."""
        ...

    def count_recent(self, action: str, *, entity_id: str, since: datetime) -> int:
        """How many events of ``action`` on ``entity_id`` happened since ``since``."""
        ...


class UnitOfWork(Protocol):
    """One business transaction. Rolls back on exit unless :meth:`commit` was called.

    Each use case owns its transaction: ``with uow: …; uow.commit()``. Entering a unit of work
    that is already entered (an entry point holding one for a request) joins that transaction;
    only the outermost exit ends it.
    """

    # Read-only in the protocol so implementations may hold more specific repositories.
    @property
    def principal(self) -> Principal: ...
    @property
    def organisations(self) -> OrganisationRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def enterprises(self) -> EnterpriseRepository: ...
    @property
    def identity_claims(self) -> IdentityClaimRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def flush(self) -> None:
        """Write pending changes inside the transaction (ids and constraints become visible)."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
