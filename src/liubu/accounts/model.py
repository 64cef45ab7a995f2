"""Tenants, users, roles, API tokens and enterprise records (the accounts aggregate roots).

A tenant is an :class:`Organisation`. Every stored record belongs to exactly one tenant
(``tenant_id``); repositories filter by the caller's tenant, so a route can never forget to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrgKind(StrEnum):
    """Kinds of organisation (tenant)."""

    PLATFORM = "platform"  # 平台运营方
    INSURER = "insurer"  # 保险公司
    SECURITY_PROVIDER = "security_provider"  # 网络安全服务机构
    ENTERPRISE = "enterprise"  # 投保企业
    REGULATOR = "regulator"  # 主管部门


class Role(StrEnum):
    ADMIN = "admin"
    UNDERWRITER = "underwriter"  # 核保人
    ACTUARY = "actuary"  # 精算师
    CLAIMS_ADJUSTER = "claims_adjuster"  # 理赔人员
    SECURITY_ANALYST = "security_analyst"  # 安全分析师
    ENTERPRISE_USER = "enterprise_user"  # 企业用户
    REGULATOR_VIEWER = "regulator_viewer"  # 监管查看


ROLES_BY_KIND: dict[OrgKind, frozenset[Role]] = {
    OrgKind.PLATFORM: frozenset({Role.ADMIN}),
    OrgKind.INSURER: frozenset({Role.ADMIN, Role.UNDERWRITER, Role.ACTUARY, Role.CLAIMS_ADJUSTER}),
    OrgKind.SECURITY_PROVIDER: frozenset({Role.ADMIN, Role.SECURITY_ANALYST}),
    OrgKind.ENTERPRISE: frozenset({Role.ADMIN, Role.ENTERPRISE_USER}),
    OrgKind.REGULATOR: frozenset({Role.ADMIN, Role.REGULATOR_VIEWER}),
}


def new_id() -> str:
    """A random, unguessable identifier (UUID4 hex) for stored records."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Principal:
    """Who is acting: the authenticated user with their tenant and roles."""

    user_id: str
    username: str
    tenant_id: str
    org_kind: OrgKind
    roles: frozenset[Role]
    # The user's session epoch when this principal was established (a web session, an access
    # token); raising the user's epoch ends every credential that names an older one.
    session_epoch: int = 0

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_platform(self) -> bool:
        return self.org_kind is OrgKind.PLATFORM


SYSTEM = Principal(
    user_id="system",
    username="system",
    tenant_id="platform",
    org_kind=OrgKind.PLATFORM,
    roles=frozenset({Role.ADMIN}),
)


def acting_in(
    tenant_id: str, kind: OrgKind, role: Role = Role.ADMIN, *, name: str = "system"
) -> Principal:
    """A non-user actor (the CLI, a data loader) working inside one tenant with one role."""
    return Principal(
        user_id=name, username=name, tenant_id=tenant_id, org_kind=kind, roles=frozenset({role})
    )


@dataclass(eq=False)
class Organisation:
    id: str
    kind: OrgKind
    name: str
    created_at: datetime
    code: str | None = None  # a short slug, e.g. the insurer code its products carry
    version: int = 1

    @property
    def tenant_id(self) -> str:
        # An organisation is its own tenant.
        return self.id


@dataclass(eq=False)
class User:
    id: str
    tenant_id: str
    username: str
    display_name: str
    password_hash: str
    roles: list[str]
    created_at: datetime
    active: bool = True
    version: int = 1
    session_epoch: int = 0  # raised to revoke every session and access token at once

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.roles)


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    token_hash: str
    user_id: str
    tenant_id: str
    session_epoch: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime  # the absolute end, whatever the activity


@dataclass(eq=False)
class ApiToken:
    """A long-lived machine credential. Only a hash of the secret is stored."""

    id: str
    tenant_id: str
    user_id: str
    name: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    version: int = 1


@dataclass(eq=False)
class Enterprise:
    """An enterprise on record with its tenant: the facts underwriting starts from."""

    id: str
    tenant_id: str
    name: str
    uscc: str  # 统一社会信用代码, GB 32100-2015
    industry_section: str  # GB/T 4754-2017 门类 A–T
    industry_division: str  # GB/T 4754-2017 大类 01–97
    region_code: str  # GB/T 2260 six-digit code
    annual_revenue: Decimal  # CNY
    employees: int
    mlps_level: int  # 网络安全等级保护 1–5
    critical_infrastructure: bool  # 关键信息基础设施运营者
    created_at: datetime
    updated_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    version: int = 1
    # The enterprise's own record holds its credit code platform-wide (one holder per code; an
    # insurer's record of a client never does); the platform operator verifies the holder before
    # it may join group schemes (see docs/groups.md).
    identity_holder: bool = False
    verified_at: datetime | None = None


class ClaimState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the claimant is right: the holder's record releases the code
    REJECTED = "rejected"  # the holder keeps the code


@dataclass(eq=False)
class IdentityClaim:
    """A dispute over a credit code (统一社会信用代码争议) for the platform operator to decide: the
    claimant tenant's registration was refused because another record holds the code."""

    id: str
    tenant_id: str  # the claimant's tenant
    uscc: str
    claimant_name: str  # the name the claimant registered under
    holder_tenant_id: str
    holder_enterprise_id: str
    created_at: datetime
    state: str = ClaimState.OPEN
    claimant_evidence: str = ""
    holder_evidence: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str = ""
    version: int = 1
