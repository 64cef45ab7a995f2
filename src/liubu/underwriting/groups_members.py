"""Group schemes and their members (供应链/园区成员管理): a sponsor sets up a scheme under a
filed group product and adds registered enterprises to it, each once, all or none per batch.

Each use case that writes commits its own transaction (``with uow: …; uow.commit()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu import products
from liubu.accounts import OrgKind, Role, new_id, require
from liubu.core import parse_uscc
from liubu.errors import ConflictError, NotFoundError, Reason, ValidationError
from liubu.products import FILED, ProductSpec, parse_product
from liubu.underwriting.group_records import (
    POLICYHOLDER_OF,
    GroupMember,
    GroupScheme,
    GroupUnitOfWork,
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
_USCC_LENGTH = 18


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class MemberEntry:
    """A member to add: its record id or USCC, what it supplies and with what access."""

    enterprise: str
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
        if not name.strip():
            raise ValidationError("The scheme name must not be empty.", field="name")
        sponsor = uow.enterprises.get(sponsor_enterprise_id)
        spec, _insurer = group_spec(uow, product_ref)
        wanted = POLICYHOLDER_OF[SchemeKind(kind)]
        if spec.group is not None and spec.group.policyholder != wanted:
            raise ValidationError(
                f"{spec.product_id} is held by a {spec.group.policyholder}, but a {kind} scheme "
                f"needs a product held by a {wanted}.",
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


def _find(uow: GroupUnitOfWork, key: str) -> RegisteredEnterprise | None:
    text = key.strip()
    if len(text) == _USCC_LENGTH:  # record ids are 32 hex digits: 18 characters is a USCC
        text = parse_uscc(text, field="enterprise").code
    return uow.groups.find_registered_enterprise(text) if text else None


def _named(enterprises: Iterable[RegisteredEnterprise]) -> str:
    return ", ".join(f"{e.name} ({e.uscc})" for e in enterprises)


def _check_entry(scheme: GroupScheme, entry: MemberEntry) -> None:
    if entry.access not in tuple(SupplierAccess):
        raise ValidationError(
            f"The access {entry.access!r} of {entry.enterprise!r} must be one of "
            f"{[str(a) for a in SupplierAccess]}.",
            code=UnderwritingCode.GROUP_BAD_ACCESS,
            field="access",
            value=entry.access,
        )
    if scheme.kind == SchemeKind.SUPPLY_CHAIN and not entry.supplies.strip():
        raise ValidationError(
            f"Say what the supplier {entry.enterprise!r} supplies to the chain owner.",
            code=UnderwritingCode.GROUP_SUPPLIES_MISSING,
            field="supplies",
            value=entry.enterprise,
        )


def _resolve(
    uow: GroupUnitOfWork, scheme: GroupScheme, entries: Sequence[MemberEntry]
) -> list[RegisteredEnterprise]:
    """The registered enterprise of every entry; refuses unregistered ones, the sponsor itself
    and duplicates (twice in ``entries`` or already members), naming all of them."""
    found = [(entry, _find(uow, entry.enterprise)) for entry in entries]
    unknown = [entry.enterprise for entry, hit in found if hit is None]
    if unknown:
        raise ValidationError(
            f"Not a registered enterprise: {', '.join(repr(u) for u in unknown)}. A member must "
            "register on the platform before it can join a scheme.",
            code=UnderwritingCode.GROUP_MEMBER_NOT_REGISTERED,
            field="enterprise",
            value=", ".join(unknown),
        )
    resolved = [hit for _entry, hit in found if hit is not None]
    if any(e.id == scheme.sponsor_enterprise_id for e in resolved):
        raise ValidationError(
            f"The sponsor of {scheme.name!r} holds the master policy; it cannot be its own member.",
            code=UnderwritingCode.GROUP_SPONSOR_AS_MEMBER,
            field="enterprise",
            value=scheme.sponsor_enterprise_id,
        )
    existing = {m.enterprise_id for m in uow.groups.members(scheme.id)}
    seen: set[str] = set()
    twice = []
    for enterprise in resolved:
        if enterprise.id in existing or enterprise.id in seen:
            twice.append(enterprise)
        seen.add(enterprise.id)
    if twice:
        raise ConflictError(
            f"Already a member of {scheme.name!r} (or given twice): {_named(twice)}.",
            reason=Reason.DUPLICATE,
            code=UnderwritingCode.GROUP_MEMBER_DUPLICATE,
            detail={"enterprises": [e.uscc for e in twice]},
        )
    return resolved


def add_members(
    uow: GroupUnitOfWork, scheme_id: str, entries: Sequence[MemberEntry]
) -> list[GroupMember]:
    """Add every entry or none: an unregistered enterprise, a duplicate, a bad access code or a
    scheme grown past the product's ``members_max`` refuses the whole batch, naming each
    offender."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _open(_own_scheme(uow, scheme_id))
        if not entries:
            raise ValidationError("Give at least one member to add.", field="members")
        for entry in entries:
            _check_entry(scheme, entry)
        resolved = _resolve(uow, scheme, entries)
        spec, _insurer = group_spec(uow, scheme.product_ref)
        count = len(uow.groups.members(scheme.id)) + len(resolved)
        most = spec.group.members_max if spec.group is not None else None
        if most is not None and count > most:
            raise ValidationError(
                f"{spec.product_id} insures at most {most} members; the scheme would have {count}.",
                code=UnderwritingCode.GROUP_MEMBERS_COUNT,
                field="members",
                value=count,
            )
        now = _now()
        added = []
        for entry, enterprise in zip(entries, resolved, strict=True):
            member = GroupMember(
                id=new_id(),
                tenant_id=scheme.tenant_id,
                scheme_id=scheme.id,
                enterprise_id=enterprise.id,
                supplies=entry.supplies.strip(),
                access=str(SupplierAccess(entry.access)),
                added_at=now,
            )
            uow.groups.add(member)
            added.append(member)
        scheme.updated_at = now
        uow.commit()
        return added


def add_member(
    uow: GroupUnitOfWork,
    scheme_id: str,
    *,
    enterprise: str,
    supplies: str = "",
    access: str = SupplierAccess.NONE,
) -> GroupMember:
    """Add one member by record id or USCC (see :func:`add_members`)."""
    return add_members(uow, scheme_id, [MemberEntry(enterprise, supplies, access)])[0]


def remove_member(uow: GroupUnitOfWork, scheme_id: str, enterprise_id: str) -> None:
    """Take a member out of an open scheme."""
    with uow:
        require(uow.principal, *SPONSORS, kinds=SPONSOR_KINDS)
        scheme = _open(_own_scheme(uow, scheme_id))
        member = next(
            (m for m in uow.groups.members(scheme.id) if m.enterprise_id == enterprise_id), None
        )
        if member is None:
            raise NotFoundError(
                f"The enterprise {enterprise_id!r} is not a member of {scheme.name!r}."
            )
        uow.groups.remove(member)
        scheme.updated_at = _now()
        uow.commit()


def _member_facts(
    uow: GroupUnitOfWork, members: Sequence[GroupMember]
) -> list[RegisteredEnterprise]:
    facts = [(m, uow.groups.find_registered_enterprise(m.enterprise_id)) for m in members]
    gone = [m.enterprise_id for m, hit in facts if hit is None]
    if gone:
        raise ConflictError(
            f"Members no longer registered on the platform: {', '.join(gone)}; remove them first.",
            code=UnderwritingCode.GROUP_MEMBER_GONE,
        )
    return [hit for _m, hit in facts if hit is not None]


def scheme_view(uow: GroupUnitOfWork, scheme_id: str) -> dict[str, Any]:
    """The scheme with its supply graph: each member, what it supplies, with what access."""
    require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
    scheme = _own_scheme(uow, scheme_id)
    members = list(uow.groups.members(scheme.id))
    facts = _member_facts(uow, members)
    return {
        "id": scheme.id,
        "kind": scheme.kind,
        "name": scheme.name,
        "status": scheme.status,
        "product": scheme.product_ref,
        "sponsor_enterprise_id": scheme.sponsor_enterprise_id,
        "members": [
            {
                "enterprise_id": e.id,
                "name": e.name,
                "uscc": e.uscc,
                "supplies": m.supplies,
                "access": m.access,
                "added_at": m.added_at.isoformat(),
            }
            for m, e in zip(members, facts, strict=True)
        ],
    }
