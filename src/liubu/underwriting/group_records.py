"""What group cyber policies store (团体保单): supply-chain and park schemes, their members, the
master policy and one certificate per member.

- a :class:`GroupScheme` belongs to its sponsor's tenant (the chain owner, 链主企业, or the park
  operator, 园区运营方) and names the filed group product it will be insured under;
- a :class:`GroupMember` is an invitation by credit code that the member enterprise's own tenant
  accepts, declines or later leaves (:class:`MemberState`); only accepted members are shown by
  name, scored, priced and bound (for a supply chain: what it supplies and with what access to
  the owner's systems — the supply graph);
- a :class:`GroupPolicy` (the master policy, 主保单) and its :class:`Certificate` s (成员保险凭证)
  belong to the insurer (``tenant_id``) and are visible to the sponsor (``client_tenant_id``); a
  certificate is also visible to the member it insures (``member_tenant_id``).

Accepted members are looked up platform-wide through
:meth:`GroupRepository.find_registered_enterprise`, which returns only the
:class:`RegisteredEnterprise` facts that pricing needs; invitations are found by the credit codes
the member's tenant holds (:meth:`GroupRepository.invitations`). See docs/groups.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from liubu.accounts import Enterprise
from liubu.assessment import AssessmentUnitOfWork
from liubu.products import ProductsUnitOfWork


class SchemeKind(StrEnum):
    SUPPLY_CHAIN = "supply_chain"  # 供应链网络安全保险: chain owner + suppliers
    PARK = "park"  # 网安园区保: park operator + member enterprises


#: The product's ``group.policyholder`` each kind of scheme needs.
POLICYHOLDER_OF = {SchemeKind.SUPPLY_CHAIN: "chain_owner", SchemeKind.PARK: "park_operator"}


class SupplierAccess(StrEnum):
    """What access a member has to the sponsor's systems (an edge of the supply graph)."""

    NONE = "none"
    REMOTE_ACCESS = "remote_access"  # 远程运维/远程访问
    NETWORK_CONNECTION = "network_connection"  # 网络互联
    DATA_PROCESSING = "data_processing"  # 数据处理/委托处理
    SOFTWARE_SUPPLY = "software_supply"  # 软件供应


class MemberState(StrEnum):
    """Consent of a member (成员同意): the sponsor sees only this until the member accepts."""

    INVITED = "invited"  # 已邀请
    ACCEPTED = "accepted"  # 已接受: named, scored, priced and bound
    DECLINED = "declined"  # 已拒绝
    LEFT = "left"  # 已退出


class SchemeState(StrEnum):
    OPEN = "open"  # members may join and leave
    BOUND = "bound"  # a master policy was issued; membership is frozen


@dataclass(frozen=True, slots=True)
class RegisteredEnterprise:
    """The minimal facts of a registered enterprise that a group scheme may see and price."""

    id: str
    tenant_id: str
    name: str
    uscc: str
    industry_section: str
    annual_revenue: Decimal
    mlps_level: int | None
    critical_infrastructure: bool
    # The record holds its credit code and the platform operator verified its tenant's control.
    verified: bool = False

    @classmethod
    def of(cls, enterprise: Enterprise) -> RegisteredEnterprise:
        return cls(
            id=enterprise.id,
            tenant_id=enterprise.tenant_id,
            name=enterprise.name,
            uscc=enterprise.uscc,
            industry_section=enterprise.industry_section,
            annual_revenue=enterprise.annual_revenue,
            mlps_level=enterprise.mlps_level,
            critical_infrastructure=enterprise.critical_infrastructure,
            verified=enterprise.identity_holder and enterprise.verified_at is not None,
        )


@dataclass(eq=False)
class GroupScheme:
    """A supply chain or a park, sponsored by one enterprise and insured under one product."""

    id: str
    tenant_id: str  # the sponsor's tenant
    kind: str  # SchemeKind
    name: str
    sponsor_enterprise_id: str
    product_ref: str  # insurer/code@version of a filed group product
    created_at: datetime
    status: str = SchemeState.OPEN
    # Touched by every change of membership and by binding, so that the store's optimistic lock
    # (the version column) makes a join racing a bind fail instead of joining a bound scheme.
    updated_at: datetime | None = None
    version: int = 1


@dataclass(eq=False)
class GroupMember:
    """An invitation to a scheme and, once accepted, a member: for a supply chain, what it
    supplies and with what access. ``enterprise_id`` is set only by the member's acceptance."""

    id: str
    tenant_id: str  # the sponsor's tenant, as the scheme's
    scheme_id: str
    enterprise_id: str | None
    supplies: str
    access: str  # SupplierAccess
    added_at: datetime  # invited at
    version: int = 1
    uscc: str = ""  # the credit code the sponsor invited
    state: str = MemberState.INVITED
    responded_at: datetime | None = None


@dataclass(eq=False)
class SchemeLink:
    """A supplier-of-supplier link (供应商之间的连接) the sponsor declares: the member
    ``source_member_id`` reaches the chain owner through the member ``target_member_id`` (the
    edge source → target of the supply graph), with ``access`` (:class:`SupplierAccess`) to the
    target's systems. Both are accepted members' rows of the same scheme; the link belongs to the
    sponsor's tenant, as the scheme."""

    id: str
    tenant_id: str  # the sponsor's tenant, as the scheme's
    scheme_id: str
    source_member_id: str
    target_member_id: str
    access: str  # SupplierAccess
    declared_at: datetime
    version: int = 1


@dataclass(eq=False)
class GroupPolicy:
    """The master policy (主保单) of a scheme; ``worksheet`` is the bound quote's worksheet."""

    id: str
    tenant_id: str  # the insurer's tenant
    client_tenant_id: str  # the sponsor's tenant
    scheme_id: str
    number: str
    product_ref: str
    period_start: date
    period_end: date
    limit_per_member: Decimal
    retention: Decimal
    total_premium: Decimal
    sponsor_premium: Decimal
    status: str  # liubu.underwriting.records.PolicyState
    worksheet: dict[str, Any]
    created_at: datetime
    aggregate_limit: Decimal | None = None  # the product's shared aggregate, if it has one
    # The sponsor's declarations at binding (投保声明), who made them and when; None on a master
    # policy bound before binding asked for them.
    declarations: dict[str, Any] | None = None
    version: int = 1


@dataclass(eq=False)
class Certificate:
    """A member's certificate (成员保险凭证) under a master policy.

    ``member_premium`` = ``sponsor_share`` + ``member_share``, each rounded to the fen.
    """

    id: str
    tenant_id: str  # the insurer's tenant
    client_tenant_id: str  # the sponsor's tenant
    member_tenant_id: str  # the insured member's tenant: it sees its own certificate
    master_id: str
    enterprise_id: str
    number: str
    limit: Decimal
    member_premium: Decimal
    member_share: Decimal
    sponsor_share: Decimal
    score: float
    grade: str
    assessed: bool
    created_at: datetime
    version: int = 1


class GroupRepository(Protocol):
    """Schemes and members scoped to the sponsor's tenant; master policies and certificates to
    the insurer and the sponsor (and a certificate to its member)."""

    def add(self, item: object) -> None:
        """A :class:`GroupScheme`, :class:`GroupMember`, :class:`SchemeLink`,
        :class:`GroupPolicy` or :class:`Certificate`."""
        ...

    def remove(self, item: GroupMember | SchemeLink) -> None: ...
    def links(self, scheme_id: str) -> Sequence[SchemeLink]:
        """The scheme's supplier-of-supplier links in the order they were declared."""
        ...

    def insured_scheme(
        self, master: GroupPolicy
    ) -> tuple[GroupScheme, Sequence[GroupMember], Sequence[SchemeLink]]:
        """Platform-wide (unscoped): the scheme of a master policy the caller holds, its
        members and links, for the insurer that underwrites it only (the use case passes a
        master policy of the caller's own tenant)."""
        ...

    def scheme(self, scheme_id: str) -> GroupScheme:
        """Raises :class:`liubu.errors.NotFoundError` when absent or not visible."""
        ...

    def schemes(self) -> Sequence[GroupScheme]: ...
    def members(self, scheme_id: str) -> Sequence[GroupMember]:
        """The scheme's members in the order they joined."""
        ...

    def master_policy(self, policy_id: str) -> GroupPolicy: ...
    def master_policies(self, scheme_id: str) -> Sequence[GroupPolicy]: ...
    def held_master_policies(self) -> Sequence[GroupPolicy]:
        """Every master policy visible to the caller, oldest first."""
        ...

    def certificates(self, master_id: str) -> Sequence[Certificate]:
        """The master policy's certificates in number order."""
        ...

    def find_registered_enterprise(self, enterprise_id: str) -> RegisteredEnterprise | None:
        """Platform-wide (unscoped): the facts of an accepted member's record, or None."""
        ...

    def invitations(self, usccs: Sequence[str]) -> Sequence[GroupMember]:
        """Platform-wide (unscoped): every invitation to one of ``usccs`` (the credit codes the
        caller's tenant holds), oldest first."""
        ...

    def invited_scheme(self, member: GroupMember) -> tuple[GroupScheme, str]:
        """Platform-wide (unscoped): the scheme of an invitation and its sponsor's name, for the
        invited member only."""
        ...


class GroupUnitOfWork(AssessmentUnitOfWork, ProductsUnitOfWork, Protocol):
    """Everything the group use cases read and write in one transaction.

    The assessment repository must let a sponsor read the assessment records (scans, findings,
    answer sets) of its schemes' members, or every member is priced as unassessed.
    """

    @property
    def groups(self) -> GroupRepository: ...
