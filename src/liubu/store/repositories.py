"""Repositories: every query is scoped to the caller's tenant here, never in a route.

The platform operator sees every tenant; everyone else sees only rows whose ``tenant_id`` is their
own organisation. A row of another tenant is reported as absent (404), not forbidden, so its
existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, CompoundSelect, Select, Table, or_, select
from sqlalchemy.orm import Session

from liubu.accounts import (
    ApiToken,
    Enterprise,
    IdentityClaim,
    Organisation,
    OrgKind,
    Principal,
    Role,
    User,
)
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.products import DRAFT, ProductRecord
from liubu.store import tables

T = TypeVar("T")

# An insurer's staff who may read an applicant's assessment: its underwriters (of any authority)
# and its administrators. Its actuaries and claims adjusters work on the book, not applicants.
APPLICANT_READERS = (Role.ADMIN, Role.UNDERWRITER)


def applicants_of(principal: Principal) -> CompoundSelect[Any] | None:
    """The enterprises whose assessment ``principal`` may READ as their (prospective) insurer,
    or None when the principal is no insurer's underwriter or administrator.

    The consent rule: an enterprise that asks an insurer for a quote sends it its score and
    findings, so that insurer's underwriting staff may read its assessment (assets, scans,
    findings, answers; the score, report and treatment plan computed from them) once a quote
    from that insurer names it, or a policy does. Reading only: use cases that change the
    assessment look records up by :meth:`EnterpriseRepository.get` and the assessment
    repository's by-id lookups, which this rule never widens. Other insurers see nothing
    (404)."""
    if principal.org_kind is not OrgKind.INSURER or not principal.has_any(*APPLICANT_READERS):
        return None
    me, quotes, policies = principal.tenant_id, tables.quotes, tables.policies
    return (
        select(quotes.c.enterprise_id)
        .where(quotes.c.tenant_id == me)
        .union(select(policies.c.enterprise_id).where(policies.c.tenant_id == me))
    )


class ScopedRepository(Generic[T]):
    """Base for tenant-scoped repositories of one mapped domain class."""

    model: type[T]
    table: Table
    label: str = "record"
    tenant_attribute: str = "tenant_id"

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _tenant_column(self) -> ColumnElement[Any]:
        return self.table.c[self.tenant_attribute]

    def scoped(self, stmt: Select[Any] | None = None) -> Select[Any]:
        stmt = stmt if stmt is not None else select(self.model)
        if self.principal.is_platform:
            return stmt
        return stmt.where(self._tenant_column() == self.principal.tenant_id)

    def add(self, item: T) -> None:
        owner = getattr(item, self.tenant_attribute)
        if not self.principal.is_platform and owner != self.principal.tenant_id:
            raise PermissionDeniedError(f"You may not create a {self.label} for another tenant.")
        self.session.add(item)

    def get(self, item_id: str) -> T:
        found = self.session.execute(
            self.scoped().where(self.table.c.id == item_id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No {self.label} with id {item_id!r} is visible to you.")
        return cast(T, found)

    def list(self) -> Sequence[T]:
        stmt = self.scoped().order_by(self.table.c.created_at)
        return list(self.session.execute(stmt).scalars())

    def delete(self, item: T) -> None:
        self.session.delete(item)


class OrganisationRepository(ScopedRepository[Organisation]):
    model = Organisation
    table = tables.organisations
    label = "organisation"
    tenant_attribute = "id"

    def find_by_code(self, code: str) -> Organisation | None:
        stmt = select(Organisation).where(self.table.c.code == code)
        return self.session.execute(stmt).scalar_one_or_none()

    def find_by_id_unscoped(self, organisation_id: str) -> Organisation | None:
        stmt = select(Organisation).where(self.table.c.id == organisation_id)
        return self.session.execute(stmt).scalar_one_or_none()


class UserRepository(ScopedRepository[User]):
    model = User
    table = tables.users
    label = "user"

    def find_by_username(self, username: str) -> User | None:
        stmt = select(User).where(self.table.c.username == username)
        return self.session.execute(stmt).scalar_one_or_none()


class ApiTokenRepository(ScopedRepository[ApiToken]):
    model = ApiToken
    table = tables.api_tokens
    label = "API token"

    def find_for_authentication(self, token_id: str) -> ApiToken | None:
        stmt = select(ApiToken).where(self.table.c.id == token_id)
        return self.session.execute(stmt).scalar_one_or_none()


class EnterpriseRepository(ScopedRepository[Enterprise]):
    """The caller's own enterprises (:meth:`get`, :meth:`list`: what use cases act on); an
    insurer's underwriting staff also read their applicants (:meth:`readable`,
    :meth:`applicants`; see :func:`applicants_of`)."""

    model = Enterprise
    table = tables.enterprises
    label = "enterprise"

    def readable(self, enterprise_id: str) -> Enterprise:
        """An enterprise the caller may read the assessment of: its own, or an applicant of
        the caller's insurer. For showing only; never for a change."""
        applicants = applicants_of(self.principal)
        if applicants is None:
            return self.get(enterprise_id)
        stmt = select(Enterprise).where(
            self.table.c.id == enterprise_id,
            or_(self._tenant_column() == self.principal.tenant_id, self.table.c.id.in_(applicants)),
        )
        found = self.session.execute(stmt).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No enterprise with id {enterprise_id!r} is visible to you.")
        return found

    def applicants(self) -> Sequence[Enterprise]:
        """The enterprises that asked the caller's insurer for a quote (none for anyone else),
        by name."""
        applicants = applicants_of(self.principal)
        if applicants is None:
            return []
        stmt = select(Enterprise).where(self.table.c.id.in_(applicants)).order_by(self.table.c.name)
        return list(self.session.execute(stmt).scalars())

    def find_by_uscc(self, uscc: str) -> Enterprise | None:
        # Within the caller's own tenant, also for the platform operator: uniqueness is per tenant.
        stmt = select(Enterprise).where(
            self.table.c.uscc == uscc, self.table.c.tenant_id == self.principal.tenant_id
        )
        return self.session.execute(stmt).scalar_one_or_none()

    def find_identity_holder(self, uscc: str) -> Enterprise | None:
        # Unscoped: a credit code has one holder platform-wide (a partial unique index).
        stmt = select(Enterprise).where(
            self.table.c.uscc == uscc, self.table.c.identity_holder.is_(True)
        )
        return self.session.execute(stmt).scalar_one_or_none()


class IdentityClaimRepository(ScopedRepository[IdentityClaim]):
    """Claims seen by the claimant's tenant and the holder's tenant (the platform: all)."""

    model = IdentityClaim
    table = tables.identity_claims
    label = "identity claim"

    def scoped(self, stmt: Select[Any] | None = None) -> Select[Any]:
        stmt = stmt if stmt is not None else select(self.model)
        if self.principal.is_platform:
            return stmt
        me = self.principal.tenant_id
        return stmt.where(or_(self.table.c.tenant_id == me, self.table.c.holder_tenant_id == me))

    def find_open(self, uscc: str) -> IdentityClaim | None:
        stmt = select(IdentityClaim).where(
            self.table.c.uscc == uscc,
            self.table.c.tenant_id == self.principal.tenant_id,
            self.table.c.state == "open",
        )
        return self.session.execute(stmt).scalars().first()


class ProductRepository(ScopedRepository[ProductRecord]):
    """Drafts are the owning insurer's; filed and withdrawn versions are public."""

    model = ProductRecord
    table = tables.products
    label = "product"

    def scoped(self, stmt: Select[Any] | None = None) -> Select[Any]:
        stmt = stmt if stmt is not None else select(ProductRecord)
        if self.principal.is_platform:
            return stmt
        return stmt.where(
            or_(self.table.c.tenant_id == self.principal.tenant_id, self.table.c.status != DRAFT)
        )

    def find_by_ref(self, product_ref: str) -> ProductRecord | None:
        stmt = select(ProductRecord).where(self.table.c.product_ref == product_ref)
        return self.session.execute(stmt).scalar_one_or_none()

    def series(self, insurer: str, code: str) -> Sequence[ProductRecord]:
        stmt = (
            select(ProductRecord)
            .where(self.table.c.insurer == insurer, self.table.c.code == code)
            .order_by(self.table.c.product_version)
        )
        return list(self.session.execute(stmt).scalars())


class TenantTables:
    """Base for repositories over several mapped classes that share one visibility rule.

    Subclasses list their classes in ``tables`` and, where a second party may see a record
    (the insured of a quote, the provider of a task), name that column in ``also_visible_to``.
    """

    tables: ClassVar[Mapping[type, Table]]
    also_visible_to: ClassVar[Mapping[type, str]] = MappingProxyType({})

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def visible(self, model: type[T]) -> Select[Any]:
        """What the caller may read; by default what it may change."""
        return self.changeable(model)

    def changeable(self, model: type[T]) -> Select[Any]:
        """What the caller may act on: its own rows and those naming it in ``also_visible_to``."""
        table = self.tables[model]
        stmt = select(model)
        if self.principal.is_platform:
            return stmt
        me = self.principal.tenant_id
        other = self.also_visible_to.get(model)
        if other is None:
            return stmt.where(table.c.tenant_id == me)
        return stmt.where(or_(table.c.tenant_id == me, table.c[other] == me))

    def one(self, model: type[T], item_id: str, label: str, *, to_change: bool = False) -> T:
        scope = self.changeable(model) if to_change else self.visible(model)
        stmt = scope.where(self.tables[model].c.id == item_id)
        found = self.session.execute(stmt).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No {label} with id {item_id!r} is visible to you.")
        return cast(T, found)

    def all(self, model: type[T], *, order: str, **equal: str) -> list[T]:
        table = self.tables[model]
        stmt = self.visible(model)
        for column, value in equal.items():
            stmt = stmt.where(table.c[column] == value)
        return list(self.session.execute(stmt.order_by(table.c[order])).scalars())

    def add_record(self, item: Any) -> None:
        """Refuse to record anything the caller is not a party to."""
        parties = {item.tenant_id, getattr(item, "client_tenant_id", item.tenant_id)}
        if not self.principal.is_platform and self.principal.tenant_id not in parties:
            raise PermissionDeniedError("You may only record what your organisation is party to.")
        self.session.add(item)
