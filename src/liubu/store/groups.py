"""Storage of group schemes: the sponsor's scheme and members; the insurer's master policy,
seen by the sponsor; each certificate seen by its member too."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from sqlalchemy import or_, select

from liubu.accounts import Enterprise
from liubu.store import tables
from liubu.store.repositories import TenantTables
from liubu.underwriting import (
    Certificate,
    GroupMember,
    GroupPolicy,
    GroupScheme,
    RegisteredEnterprise,
    SchemeLink,
)

_TABLES = MappingProxyType(
    {
        GroupScheme: tables.group_schemes,
        GroupMember: tables.group_members,
        SchemeLink: tables.scheme_links,
        GroupPolicy: tables.group_policies,
        Certificate: tables.certificates,
    }
)


class SqlGroupRepository(TenantTables):
    """Implements :class:`liubu.underwriting.group_records.GroupRepository`."""

    tables = _TABLES
    also_visible_to = MappingProxyType(
        {
            GroupPolicy: "client_tenant_id",
            Certificate: "client_tenant_id",
        }
    )

    def visible(self, model: Any) -> Any:
        stmt = super().visible(model)
        if model is Certificate and not self.principal.is_platform:
            table = tables.certificates
            me = self.principal.tenant_id
            stmt = select(Certificate).where(
                or_(
                    table.c.tenant_id == me,
                    table.c.client_tenant_id == me,
                    table.c.member_tenant_id == me,
                )
            )
        return stmt

    def add(self, item: Any) -> None:
        self.add_record(item)
        if isinstance(item, GroupScheme | GroupPolicy):
            # Members and certificates refer to these rows; without ORM relationships the
            # flush would not know to insert the parent first.
            self.session.flush()

    def remove(self, item: GroupMember | SchemeLink) -> None:
        self.session.delete(item)
        if isinstance(item, SchemeLink):
            # A member removed with its links: the links' rows go first.
            self.session.flush()

    def links(self, scheme_id: str) -> Sequence[SchemeLink]:
        return self.all(SchemeLink, order="declared_at", scheme_id=scheme_id)

    def insured_scheme(
        self, master: GroupPolicy
    ) -> tuple[GroupScheme, Sequence[GroupMember], Sequence[SchemeLink]]:
        """Platform-wide, for the holder of ``master`` only (the use case passes its own)."""
        scheme = self.session.execute(
            select(GroupScheme).where(tables.group_schemes.c.id == master.scheme_id)
        ).scalar_one()
        m, k = tables.group_members, tables.scheme_links
        members = self.session.execute(
            select(GroupMember).where(m.c.scheme_id == scheme.id).order_by(m.c.added_at, m.c.id)
        ).scalars()
        links = self.session.execute(
            select(SchemeLink).where(k.c.scheme_id == scheme.id).order_by(k.c.declared_at, k.c.id)
        ).scalars()
        return scheme, list(members), list(links)

    def scheme(self, scheme_id: str) -> GroupScheme:
        return self.one(GroupScheme, scheme_id, "group scheme")

    def schemes(self) -> Sequence[GroupScheme]:
        return self.all(GroupScheme, order="created_at")

    def members(self, scheme_id: str) -> Sequence[GroupMember]:
        return self.all(GroupMember, order="added_at", scheme_id=scheme_id)

    def master_policy(self, policy_id: str) -> GroupPolicy:
        return self.one(GroupPolicy, policy_id, "group policy")

    def master_policies(self, scheme_id: str) -> Sequence[GroupPolicy]:
        return self.all(GroupPolicy, order="created_at", scheme_id=scheme_id)

    def held_master_policies(self) -> Sequence[GroupPolicy]:
        return self.all(GroupPolicy, order="created_at")

    def certificates(self, master_id: str) -> Sequence[Certificate]:
        return self.all(Certificate, order="number", master_id=master_id)

    def find_registered_enterprise(self, enterprise_id: str) -> RegisteredEnterprise | None:
        """Platform-wide: an accepted member is usually another tenant's record."""
        stmt = select(Enterprise).where(tables.enterprises.c.id == enterprise_id)
        found = self.session.execute(stmt).scalars().first()
        return None if found is None else RegisteredEnterprise.of(found)

    def invitations(self, usccs: Sequence[str]) -> Sequence[GroupMember]:
        """Platform-wide, by the credit codes the invited tenant holds (the use case passes
        only those)."""
        m = tables.group_members
        stmt = select(GroupMember).where(m.c.uscc.in_(list(usccs))).order_by(m.c.added_at)
        return list(self.session.execute(stmt).scalars())

    def invited_scheme(self, member: GroupMember) -> tuple[GroupScheme, str]:
        scheme = self.session.execute(
            select(GroupScheme).where(tables.group_schemes.c.id == member.scheme_id)
        ).scalar_one()
        sponsor = self.session.execute(
            select(tables.enterprises.c.name).where(
                tables.enterprises.c.id == scheme.sponsor_enterprise_id
            )
        ).scalar_one()
        return scheme, str(sponsor)
