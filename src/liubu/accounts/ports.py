"""What the accounts use cases need from storage: repository and unit-of-work protocols.

``liubu.store`` implements them on SQLAlchemy; tests may implement them with fakes. Every
repository is bound to the unit of work's :class:`~liubu.accounts.model.Principal` and scopes each
query to that principal's tenant (the platform operator sees all tenants).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from liubu.accounts.model import (
    ApiToken,
    Enterprise,
    IdentityClaim,
    Organisation,
    Principal,
    User,
    WebSession,
)
from liubu.accounts.reasons import AccountsCode
from liubu.accounts.throttle import FailureCounts
from liubu.errors import ValidationError

MAX_AUDIT_PAGE = 500
_MAX_FILTER_TEXT = 128


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
    """``get``/``list``: the caller's own enterprises, what use cases act on. ``readable``/
    ``applicants``: also the enterprises that asked the caller's insurer for a quote, whose
    assessment its underwriting staff may read (never change)."""

    def add(self, enterprise: Enterprise) -> None: ...
    def get(self, enterprise_id: str) -> Enterprise: ...
    def list(self) -> Sequence[Enterprise]: ...
    def readable(self, enterprise_id: str) -> Enterprise: ...
    def applicants(self) -> Sequence[Enterprise]: ...
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


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What to show: exact actor (user id), action prefix (``policy.`` or ``policy.bound``),
    entity type and id, and a half-open time window [since, until). ``before_seq`` pages back."""

    actor_id: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_seq: int | None = None
    limit: int = 100

    def __post_init__(self) -> None:
        for name in ("actor_id", "action", "entity_type", "entity_id"):
            value = getattr(self, name)
            if value is not None and (len(value) > _MAX_FILTER_TEXT or not value.isprintable()):
                raise ValidationError(
                    f"The filter {name} must be printable text of at most "
                    f"{_MAX_FILTER_TEXT} characters.",
                    code=AccountsCode.BAD_AUDIT_FILTER,
                    field=name,
                )
        if not 1 <= self.limit <= MAX_AUDIT_PAGE:
            raise ValidationError(
                f"Show between 1 and {MAX_AUDIT_PAGE} events at a time; got {self.limit}.",
                code=AccountsCode.BAD_AUDIT_FILTER,
                field="limit",
                value=self.limit,
            )
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValidationError(
                    f"The filter {name} must carry a time zone.",
                    code=AccountsCode.BAD_AUDIT_FILTER,
                    field=name,
                )
        if self.since and self.until and self.since >= self.until:
            raise ValidationError(
                "The start of the window must come before its end.",
                code=AccountsCode.BAD_AUDIT_FILTER,
                field="since",
            )


class AuditRecord(Protocol):
    """One audit event as a reader sees it (``liubu.audit.AuditEvent`` has these fields)."""

    @property
    def seq(self) -> int: ...
    @property
    def occurred_at(self) -> str: ...
    @property
    def tenant_id(self) -> str: ...
    @property
    def actor_id(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity_type(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def hash(self) -> str: ...


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

    def search(self, query: AuditFilter) -> Sequence[AuditRecord]:
        """The events visible to the caller matching ``query``, newest first."""
        ...


class WebSessionStore(Protocol):
    """Unscoped: a session is found by its token before anyone is known."""

    def add(self, session: WebSession) -> None: ...
    def find(self, token_hash: str) -> WebSession | None: ...
    def touch(self, token_hash: str, at: datetime) -> None: ...
    def delete(self, token_hash: str) -> int: ...
    def delete_for_user(self, user_id: str) -> int: ...
    def delete_expired(self, *, now: datetime, idle_since: datetime) -> int:
        """Remove sessions past their absolute end or idle since before ``idle_since``."""
        ...


class SignInFailureStore(Protocol):
    """The login throttle's memory: failures by account key and address."""

    def record(self, *, account_key: str, address: str, at: datetime) -> None: ...
    def counts(self, *, account_key: str, address: str, since: datetime) -> FailureCounts: ...
    def clear_pair(self, *, account_key: str, address: str) -> None: ...
    def purge(self, *, before: datetime) -> int: ...


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
    @property
    def web_sessions(self) -> WebSessionStore: ...
    @property
    def sign_in_failures(self) -> SignInFailureStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def flush(self) -> None:
        """Write pending changes inside the transaction (ids and constraints become visible)."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
