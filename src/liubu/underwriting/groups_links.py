"""Supplier-of-supplier links of a supply chain (供应商之间的连接) and the insurer's view of the
scheme it underwrites.

The chain owner (the scheme's sponsor) declares that a supplier reaches it through another
supplier: a :class:`SchemeLink` from the member that reaches (``source``) to the member it
reaches through (``target``), with the access the source has to the target's systems — the edge
``source → target`` of the supply graph, as every member's own edge ``member → owner``. Both ends
are accepted members of the scheme; a member that later leaves takes its links out of the graph
(the rows stay, and come back if it joins again); a member the sponsor removes takes its links
with it. Links belong to the sponsor's tenant: members do not see them (a link names another
member, and a member never learns who else is in the scheme), the insurer that underwrites the
scheme sees them with the members its master policy names. Each use case that writes commits its
own transaction; each row change is audited by the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.errors import ConflictError, NotFoundError, ValidationError
from liubu.underwriting.group_records import (
    GroupMember,
    GroupPolicy,
    GroupScheme,
    GroupUnitOfWork,
    MemberState,
    SchemeKind,
    SchemeLink,
    SupplierAccess,
)
from liubu.underwriting.groups_members import (
    BUYER_KINDS,
    SPONSOR_KINDS,
    SPONSORS,
    _member_facts,
    _own_scheme,
)
from liubu.underwriting.lifecycle import BUYERS
from liubu.underwriting.reasons import UnderwritingCode

#: Links one scheme may declare at most.
MAX_LINKS = 500
#: Who at an insurer reads the schemes it underwrites.
INSURER_READERS = (Role.UNDERWRITER, Role.ACTUARY, Role.ADMIN)
INSURER_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LinkView:
    """A declared link as its readers see it: the two members by record id and name."""

    id: str
    source: str  # the enterprise record that reaches the owner through ``target``
    source_name: str
    target: str
    target_name: str
    access: str
    declared_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "source_name": self.source_name,
            "target": self.target,
            "target_name": self.target_name,
            "access": self.access,
            "declared_at": self.declared_at.isoformat(),
        }


def _chain_scheme(uow: GroupUnitOfWork, scheme_id: str) -> GroupScheme:
    scheme = _own_scheme(uow, scheme_id)
    if scheme.kind != SchemeKind.SUPPLY_CHAIN:
        raise ConflictError(
            f"The scheme {scheme.name!r} is a park: its members do not supply one another.",
            code=UnderwritingCode.GROUP_BAD_KIND,
        )
    return scheme


def _accepted(
    uow: GroupUnitOfWork, members: Sequence[GroupMember]
) -> dict[str, tuple[GroupMember, str]]:
    """The accepted members by row id, each with its enterprise's name."""
    accepted = [m for m in members if m.state == MemberState.ACCEPTED]
    names = {f.id: f.name for f in _member_facts(uow, accepted)}
    return {m.id: (m, names[m.enterprise_id or ""]) for m in accepted}


def _views(links: Sequence[SchemeLink], named: dict[str, tuple[str, str]]) -> list[LinkView]:
    """The links whose two ends are in ``named`` (member row id → enterprise id and name)."""
    out = []
    for link in links:
        source, target = named.get(link.source_member_id), named.get(link.target_member_id)
        if source is None or target is None:
            continue  # an end left the scheme: the link is out of the graph
        out.append(
            LinkView(
                link.id, source[0], source[1], target[0], target[1], link.access, link.declared_at
            )
        )
    return out


def _resolve(
    accepted: dict[str, tuple[GroupMember, str]], key: str, field_name: str, scheme: GroupScheme
) -> GroupMember:
    """An accepted member by its row id, its enterprise record id or its credit code."""
    wanted = key.strip()
    for member, _name in accepted.values():
        if wanted and wanted.upper() in (
            member.id.upper(),
            member.uscc,
            (member.enterprise_id or "").upper(),
        ):
            return member
    raise ValidationError(
        f"{key[:64]!r} is not a member of {scheme.name!r} that accepted its invitation; "
        "a link joins two accepted members.",
        code=UnderwritingCode.GROUP_LINK_UNKNOWN_MEMBER,
        field=field_name,
        value=key[:64],
    )


def declare_link(
    uow: GroupUnitOfWork, scheme_id: str, *, source: str, target: str, access: str
) -> LinkView:
    """The sponsor declares that the member ``source`` reaches the chain owner through the
    member ``target`` with ``access`` to the target's systems (each member by its invitation's
    id, its record id or its credit code). Refused, at the field: an end that is not an accepted
    member, a member linked to itself, an access outside the vocabulary, a link declared twice,
    more than :data:`MAX_LINKS` in the scheme. Allowed on a bound scheme too: the graph is what
    the owner knows of its chain, not its membership."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _chain_scheme(uow, scheme_id)
        if access not in tuple(SupplierAccess):
            raise ValidationError(
                f"The access {access[:64]!r} must be one of {[str(a) for a in SupplierAccess]}.",
                code=UnderwritingCode.GROUP_BAD_ACCESS,
                field="access",
                value=access[:64],
            )
        accepted = _accepted(uow, uow.groups.members(scheme.id))
        src = _resolve(accepted, source, "source", scheme)
        dst = _resolve(accepted, target, "target", scheme)
        if src.id == dst.id:
            raise ValidationError(
                f"{accepted[src.id][1]} cannot reach the owner through itself.",
                code=UnderwritingCode.GROUP_LINK_SELF,
                field="target",
                value=target[:64],
            )
        links = list(uow.groups.links(scheme.id))
        if any((x.source_member_id, x.target_member_id) == (src.id, dst.id) for x in links):
            raise ConflictError(
                f"{accepted[src.id][1]} → {accepted[dst.id][1]} is already declared.",
                code=UnderwritingCode.GROUP_LINK_DUPLICATE,
            )
        if len(links) >= MAX_LINKS:
            raise ValidationError(
                f"A scheme declares at most {MAX_LINKS} links; {scheme.name!r} has {len(links)}.",
                code=UnderwritingCode.GROUP_LINK_COUNT,
                field="links",
                value=len(links) + 1,
            )
        link = SchemeLink(
            id=new_id(),
            tenant_id=scheme.tenant_id,
            scheme_id=scheme.id,
            source_member_id=src.id,
            target_member_id=dst.id,
            access=str(SupplierAccess(access)),
            declared_at=_now(),
        )
        uow.groups.add(link)
        named = {k: (m.enterprise_id or "", n) for k, (m, n) in accepted.items()}
        (view,) = _views([link], named)
        uow.commit()
        return view


def remove_link(uow: GroupUnitOfWork, scheme_id: str, link_id: str) -> None:
    """The sponsor withdraws a link it declared."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _chain_scheme(uow, scheme_id)
        found = next((x for x in uow.groups.links(scheme.id) if x.id == link_id), None)
        if found is None:
            raise NotFoundError(f"{link_id[:64]!r} is not a link of {scheme.name!r}.")
        uow.groups.remove(found)
        uow.commit()


def scheme_links(uow: GroupUnitOfWork, scheme_id: str) -> list[LinkView]:
    """The sponsor's links between accepted members, in the order declared."""
    require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
    with uow:
        scheme = _own_scheme(uow, scheme_id)
        accepted = _accepted(uow, uow.groups.members(scheme.id))
        named = {k: (m.enterprise_id or "", n) for k, (m, n) in accepted.items()}
        return _views(uow.groups.links(scheme.id), named)


@dataclass(frozen=True)
class InsuredScheme:
    """The insurer's view of a scheme it underwrites: the scheme's graph as ``view`` (the shape
    of :func:`scheme_view`, with the members the master policy names), the master policy and its
    worksheet, the owner's annual revenue and the links between those members."""

    view: dict[str, Any]
    master: GroupPolicy
    owner_revenue: Decimal
    links: tuple[LinkView, ...]

    @property
    def worksheet(self) -> dict[str, Any]:
        return self.master.worksheet


def underwritten_scheme(uow: GroupUnitOfWork, scheme_id: str) -> InsuredScheme:
    """The scheme as the insurer of its master policy sees it (404 to anyone else, the sponsor's
    own view being :func:`scheme_view`). The insurer's right comes from the master policy it
    holds: its worksheet already names each insured member with its score and premium, so the
    view shows those members only, with the access each was invited with and the links between
    them; invitations that were never bound stay the sponsor's."""
    require(uow.principal, *INSURER_READERS, kinds=INSURER_KINDS)
    with uow:
        me = uow.principal.tenant_id
        masters = [
            m
            for m in uow.groups.master_policies(scheme_id)
            if m.tenant_id == me or uow.principal.is_platform
        ]
        if not masters:
            raise NotFoundError(f"No scheme you underwrite with id {scheme_id!r}.")
        master = masters[-1]
        scheme, members, links = uow.groups.insured_scheme(master)
        insured = {line["enterprise_id"]: line for line in master.worksheet.get("members", [])}
        rows, named = [], {}
        for m in members:
            line = insured.get(m.enterprise_id or "")
            if line is None or m.state != MemberState.ACCEPTED:
                continue
            named[m.id] = (str(line["enterprise_id"]), str(line["name"]))
            rows.append(
                {
                    "id": m.id,
                    "uscc": m.uscc,
                    "state": m.state,
                    "supplies": m.supplies,
                    "access": m.access,
                    "invited_at": m.added_at.isoformat(),
                    "responded_at": None if m.responded_at is None else m.responded_at.isoformat(),
                    "enterprise_id": line["enterprise_id"],
                    "name": line["name"],
                }
            )
        owner = uow.groups.find_registered_enterprise(scheme.sponsor_enterprise_id)
        if owner is None:
            raise NotFoundError(f"The chain owner of {scheme.name!r} is no longer registered.")
        view = {
            "id": scheme.id,
            "kind": scheme.kind,
            "name": scheme.name,
            "status": scheme.status,
            "product": scheme.product_ref,
            "sponsor_enterprise_id": scheme.sponsor_enterprise_id,
            "sponsor_name": owner.name,
            "members": rows,
        }
        return InsuredScheme(view, master, owner.annual_revenue, tuple(_views(links, named)))


def underwritten_schemes(uow: GroupUnitOfWork) -> list[tuple[GroupPolicy, str]]:
    """The master policies the caller's insurer holds, newest first, each with its scheme's
    name."""
    require(uow.principal, *INSURER_READERS, kinds=INSURER_KINDS)
    with uow:
        me = uow.principal.tenant_id
        held = [m for m in uow.groups.held_master_policies() if m.tenant_id == me]
        return [(m, uow.groups.insured_scheme(m)[0].name) for m in reversed(held)]


__all__ = [
    "MAX_LINKS",
    "InsuredScheme",
    "LinkView",
    "declare_link",
    "remove_link",
    "scheme_links",
    "underwritten_scheme",
    "underwritten_schemes",
]
