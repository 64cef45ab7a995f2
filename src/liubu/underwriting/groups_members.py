"""Group schemes and their members (供应链/园区成员管理): a sponsor sets up a scheme under a
filed group product and invites enterprises to it by credit code, each once, all or none per
batch; each member's own tenant accepts (:mod:`liubu.underwriting.groups_consent`).

Each use case that writes commits its own transaction (``with uow: …; uow.commit()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu import products
from liubu.accounts import OrgKind, Principal, Role, check_name, new_id, require
from liubu.core import parse_uscc
from liubu.errors import ConflictError, NotFoundError, Reason, ValidationError
from liubu.products import FILED, ProductSpec, ProductTitle, parse_product
from liubu.underwriting.group_records import (
    POLICYHOLDER_OF,
    GroupMember,
    GroupScheme,
    GroupUnitOfWork,
    MemberState,
    RegisteredEnterprise,
    SchemeKind,
    SchemeState,
    SupplierAccess,
)
from liubu.underwriting.lifecycle import BUYERS
from liubu.underwriting.reasons import UnderwritingCode

SPONSORS = (Role.ENTERPRISE_USER, Role.ADMIN)
SPONSOR_KINDS = (OrgKind.ENTERPRISE, OrgKind.PLATFORM)
BUYER_KINDS = (OrgKind.ENTERPRISE, OrgKind.INSURER, OrgKind.PLATFORM)
# The schemes each group product's policyholder makes, as a refusal names them.
_SCHEMES_OF = {"chain_owner": "supply-chain schemes", "park_operator": "industrial-park schemes"}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class MemberEntry:
    """A member to invite: its credit code (USCC), what it supplies and with what access."""

    uscc: str
    supplies: str = ""
    access: str = SupplierAccess.NONE


def _own_scheme(uow: GroupUnitOfWork, scheme_id: str) -> GroupScheme:
    scheme = uow.groups.scheme(scheme_id)
    if scheme.tenant_id != uow.principal.tenant_id and not uow.principal.is_platform:
        raise NotFoundError(f"No scheme of yours with id {scheme_id!r}.")
    return scheme


def _open(scheme: GroupScheme) -> GroupScheme:
    if scheme.status != SchemeState.OPEN:
        raise ConflictError(
            f"The scheme {scheme.name!r} is {scheme.status}; its membership is frozen.",
            code=UnderwritingCode.GROUP_SCHEME_BOUND,
        )
    return scheme


def group_spec(uow: GroupUnitOfWork, reference: str) -> tuple[ProductSpec, str]:
    """The filed group product and the insurer tenant that owns it."""
    record = products.find_product(uow, reference)
    if record.status != FILED:
        raise ValidationError(
            f"{record.product_ref} is {record.status}; only a filed product can insure a group.",
            code=UnderwritingCode.GROUP_PRODUCT_NOT_FILED,
            field="product_ref",
            value=record.product_ref,
        )
    spec = parse_product(record.document, source=record.product_ref)
    if spec.group is None:
        raise ValidationError(
            f"{record.product_ref} is not a group product; choose a supply-chain or park product.",
            code=UnderwritingCode.GROUP_NOT_GROUP_PRODUCT,
            field="product_ref",
            value=record.product_ref,
        )
    return spec, record.tenant_id


def may_sponsor(principal: Principal) -> bool:
    """Whether ``principal`` may start a group scheme (what :func:`create_scheme` requires)."""
    return principal.org_kind in SPONSOR_KINDS and principal.has_any(*SPONSORS)


@dataclass(frozen=True)
class GroupProduct:
    """A group product a sponsor may start a scheme under: the current filed version, named
    (:class:`~liubu.products.ProductTitle`), with the kind of scheme its policyholder fits."""

    title: ProductTitle
    kind: SchemeKind

    @property
    def product_ref(self) -> str:
        return self.title.product_ref


def group_products(uow: GroupUnitOfWork) -> list[GroupProduct]:
    """The current filed version of each group product (new schemes are offered no other),
    by insurer and code."""
    kind_of = {holder: kind for kind, holder in POLICYHOLDER_OF.items()}
    found = []
    for record in products.current_versions(uow.products.list()):
        spec = parse_product(record.document, source=record.product_ref)
        if spec.group is not None and spec.group.policyholder in kind_of:
            title = products.title_of(spec, version=record.product_version)
            found.append(GroupProduct(title, kind_of[spec.group.policyholder]))
    return found


def create_scheme(
    uow: GroupUnitOfWork,
    *,
    kind: str,
    name: str,
    sponsor_enterprise_id: str,
    product_ref: str,
) -> GroupScheme:
    """A new scheme of the caller's enterprise (the chain owner or park operator) under a filed
    group product whose policyholder matches ``kind``."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        if kind not in tuple(SchemeKind):
            raise ValidationError(
                f"The scheme kind {kind!r} must be one of {[str(k) for k in SchemeKind]}.",
                code=UnderwritingCode.GROUP_BAD_KIND,
                field="kind",
                value=kind,
            )
        name = check_name(name, field="name", what="scheme name")
        sponsor = uow.enterprises.get(sponsor_enterprise_id)
        spec, _insurer = group_spec(uow, product_ref)
        wanted = POLICYHOLDER_OF[SchemeKind(kind)]
        if spec.group is not None and spec.group.policyholder != wanted:
            held = spec.group.policyholder
            raise ValidationError(
                f"{spec.name.en} insures {_SCHEMES_OF.get(held, held)}, not "
                f"{_SCHEMES_OF[wanted]}: choose a product for the kind of scheme you start.",
                code=UnderwritingCode.GROUP_PRODUCT_KIND_MISMATCH,
                field="product_ref",
                value=spec.product_id,
            )
        scheme = GroupScheme(
            id=new_id(),
            tenant_id=sponsor.tenant_id,
            kind=str(SchemeKind(kind)),
            name=name.strip(),
            sponsor_enterprise_id=sponsor.id,
            product_ref=spec.product_id,
            created_at=_now(),
        )
        uow.groups.add(scheme)
        uow.commit()
        return scheme


def _named(entries: Iterable[MemberEntry]) -> str:
    return ", ".join(e.uscc for e in entries)


def _check_entry(scheme: GroupScheme, entry: MemberEntry) -> None:
    if entry.access not in tuple(SupplierAccess):
        raise ValidationError(
            f"The access {entry.access!r} of {entry.uscc!r} must be one of "
            f"{[str(a) for a in SupplierAccess]}.",
            code=UnderwritingCode.GROUP_BAD_ACCESS,
            field="access",
            value=entry.access,
        )
    if scheme.kind == SchemeKind.SUPPLY_CHAIN and not entry.supplies.strip():
        raise ValidationError(
            f"Say what the supplier {entry.uscc!r} supplies to the chain owner.",
            code=UnderwritingCode.GROUP_SUPPLIES_MISSING,
            field="supplies",
            value=entry.uscc,
        )


def _canonical(
    uow: GroupUnitOfWork, scheme: GroupScheme, entries: Sequence[MemberEntry]
) -> list[MemberEntry]:
    """Each entry with its credit code checked and canonical; refuses the sponsor's own code and
    codes invited twice (in ``entries`` or still invited or accepted). Nothing here depends on
    whether, or by whom, a code is registered: the reply must not tell."""
    canonical = [
        MemberEntry(parse_uscc(e.uscc.strip(), field="uscc").code, e.supplies, e.access)
        for e in entries
    ]
    sponsor = uow.enterprises.get(scheme.sponsor_enterprise_id)
    if any(e.uscc == sponsor.uscc for e in canonical):
        raise ValidationError(
            f"The sponsor of {scheme.name!r} holds the master policy; it cannot be its own member.",
            code=UnderwritingCode.GROUP_SPONSOR_AS_MEMBER,
            field="uscc",
            value=sponsor.uscc,
        )
    live = {
        m.uscc
        for m in uow.groups.members(scheme.id)
        if m.state in (MemberState.INVITED, MemberState.ACCEPTED)
    }
    seen: set[str] = set()
    twice = []
    for entry in canonical:
        if entry.uscc in live or entry.uscc in seen:
            twice.append(entry)
        seen.add(entry.uscc)
    if twice:
        raise ConflictError(
            f"Already invited to {scheme.name!r} (or given twice): {_named(twice)}.",
            reason=Reason.DUPLICATE,
            code=UnderwritingCode.GROUP_MEMBER_DUPLICATE,
            detail={"enterprises": [e.uscc for e in twice]},
        )
    return canonical


def add_members(
    uow: GroupUnitOfWork, scheme_id: str, entries: Sequence[MemberEntry]
) -> list[GroupMember]:
    """Invite every entry by credit code, or none: a duplicate, a bad code or access, or a
    scheme grown past the product's ``members_max`` refuses the whole batch. The reply is the
    same whether a code is registered or not; a code that declined or left is invited again."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _open(_own_scheme(uow, scheme_id))
        if not entries:
            raise ValidationError("Give at least one member to invite.", field="members")
        for entry in entries:
            _check_entry(scheme, entry)
        canonical = _canonical(uow, scheme, entries)
        spec, _insurer = group_spec(uow, scheme.product_ref)
        rows = {m.uscc: m for m in uow.groups.members(scheme.id)}
        live = sum(m.state in (MemberState.INVITED, MemberState.ACCEPTED) for m in rows.values())
        count = live + len(canonical)
        most = spec.group.members_max if spec.group is not None else None
        if most is not None and count > most:
            raise ValidationError(
                f"{spec.product_id} insures at most {most} members; the scheme would have {count}.",
                code=UnderwritingCode.GROUP_MEMBERS_COUNT,
                field="members",
                value=count,
            )
        now = _now()
        invited = []
        for entry in canonical:
            member = rows.get(entry.uscc)
            if member is None:
                member = GroupMember(
                    id=new_id(),
                    tenant_id=scheme.tenant_id,
                    scheme_id=scheme.id,
                    enterprise_id=None,
                    supplies="",
                    access=str(SupplierAccess.NONE),
                    added_at=now,
                    uscc=entry.uscc,
                )
                uow.groups.add(member)
            member.supplies, member.access = (
                entry.supplies.strip(),
                str(SupplierAccess(entry.access)),
            )
            member.state, member.enterprise_id = str(MemberState.INVITED), None
            member.added_at, member.responded_at = now, None
            invited.append(member)
        scheme.updated_at = now
        uow.commit()
        return invited


def add_member(
    uow: GroupUnitOfWork,
    scheme_id: str,
    *,
    uscc: str,
    supplies: str = "",
    access: str = SupplierAccess.NONE,
) -> GroupMember:
    """Invite one member by credit code (see :func:`add_members`)."""
    return add_members(uow, scheme_id, [MemberEntry(uscc, supplies, access)])[0]


def remove_member(uow: GroupUnitOfWork, scheme_id: str, member: str) -> None:
    """The sponsor withdraws an invitation or takes a member out of an open scheme; ``member``
    is the invitation's id or its credit code."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _open(_own_scheme(uow, scheme_id))
        key = member.strip().upper()
        found = next(
            (m for m in uow.groups.members(scheme.id) if key in (m.id.upper(), m.uscc)), None
        )
        if found is None:
            raise NotFoundError(f"{member!r} is not invited to {scheme.name!r}.")
        for link in uow.groups.links(scheme.id):  # its links go with it
            if found.id in (link.source_member_id, link.target_member_id):
                uow.groups.remove(link)
        uow.groups.remove(found)
        scheme.updated_at = _now()
        uow.commit()


@dataclass(frozen=True, slots=True)
class PricedMembers:
    """The members a quote prices (accepted, still holding their verified credit code) and how
    many invitations it does not, by state (``invited``, ``declined``, ``left``, ``lapsed``)."""

    facts: list[RegisteredEnterprise]
    not_priced: dict[str, int]


def priced_members(uow: GroupUnitOfWork, scheme: GroupScheme) -> PricedMembers:
    members = list(uow.groups.members(scheme.id))
    accepted = [m for m in members if m.state == MemberState.ACCEPTED]
    facts = _member_facts(uow, accepted)
    counts = {str(s): 0 for s in MemberState if s != MemberState.ACCEPTED}
    counts["lapsed"] = sum(not f.verified for f in facts)
    for m in members:
        if m.state != MemberState.ACCEPTED:
            counts[m.state] = counts.get(m.state, 0) + 1
    return PricedMembers([f for f in facts if f.verified], counts)


def _member_facts(
    uow: GroupUnitOfWork, members: Sequence[GroupMember]
) -> list[RegisteredEnterprise]:
    facts = [(m, uow.groups.find_registered_enterprise(m.enterprise_id or "")) for m in members]
    gone = [str(m.enterprise_id) for m, hit in facts if hit is None]
    if gone:
        raise ConflictError(
            f"Members no longer registered on the platform: {', '.join(gone)}; remove them first.",
            code=UnderwritingCode.GROUP_MEMBER_GONE,
        )
    return [hit for _m, hit in facts if hit is not None]


def scheme_view(uow: GroupUnitOfWork, scheme_id: str) -> dict[str, Any]:
    """The scheme with its supply graph: each invitation by credit code with its state, what it
    supplies, with what access; only an accepted member's record id and name."""
    require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
    scheme = _own_scheme(uow, scheme_id)
    members = list(uow.groups.members(scheme.id))
    accepted = [m for m in members if m.state == MemberState.ACCEPTED]
    named = {f.id: f for f in _member_facts(uow, accepted)}
    rows = []
    for m in members:
        row: dict[str, Any] = {
            "id": m.id,
            "uscc": m.uscc,
            "state": m.state,
            "supplies": m.supplies,
            "access": m.access,
            "invited_at": m.added_at.isoformat(),
            "responded_at": None if m.responded_at is None else m.responded_at.isoformat(),
            "enterprise_id": None,
            "name": None,
        }
        fact = named.get(m.enterprise_id or "") if m.state == MemberState.ACCEPTED else None
        if fact is not None:
            row["enterprise_id"], row["name"] = fact.id, fact.name
        rows.append(row)
    return {
        "id": scheme.id,
        "kind": scheme.kind,
        "name": scheme.name,
        "status": scheme.status,
        "product": scheme.product_ref,
        "sponsor_enterprise_id": scheme.sponsor_enterprise_id,
        "members": rows,
    }
