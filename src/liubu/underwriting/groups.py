"""Use cases of group cyber policies (团体网络安全保险): supply chains (供应链网络安全保险) and
industrial parks (网安园区保).

A sponsor (chain owner or park operator) sets up a scheme under a filed group product, adds its
members (registered enterprises, each once), has them scored (:func:`batch_scores`), gets a quote
whose worksheet shows each party's premium (:func:`quote_group`, priced by
:func:`liubu.underwriting.groups_pricing.price_group`) and binds it: one master policy and one
certificate per member, all in the caller's transaction (:func:`bind_group`). Nothing commits
here; the unit of work does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from liubu.accounts.model import OrgKind, Role, new_id
from liubu.accounts.service import require
from liubu.assessment import diagnosis
from liubu.assessment.records import ScanState
from liubu.assessment.score_model import load_score_model
from liubu.core import parse_uscc
from liubu.errors import ConflictError, NotFoundError, Reason, ValidationError
from liubu.products import service as products
from liubu.products.registry import FILED
from liubu.products.spec import ProductSpec
from liubu.products.validation import parse_product
from liubu.underwriting.group_records import (
    POLICYHOLDER_OF,
    Certificate,
    GroupMember,
    GroupPolicy,
    GroupScheme,
    GroupUnitOfWork,
    RegisteredEnterprise,
    SchemeKind,
    SchemeState,
    SupplierAccess,
)
from liubu.underwriting.groups_pricing import GroupPrice, MemberScore, price_group
from liubu.underwriting.lifecycle import BUYERS, QUOTE_VALID_DAYS, _one_year_after, _policy_number
from liubu.underwriting.records import PolicyState

SPONSORS = (Role.ENTERPRISE_USER, Role.ADMIN)
_SPONSOR_KINDS = (OrgKind.ENTERPRISE, OrgKind.PLATFORM)
_BUYER_KINDS = (OrgKind.ENTERPRISE, OrgKind.INSURER, OrgKind.PLATFORM)
_USCC_LENGTH = 18


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class MemberEntry:
    """A member to add: its record id or USCC, what it supplies and with what access."""

    enterprise: str
    supplies: str = ""
    access: str = SupplierAccess.NONE


@dataclass(frozen=True)
class GroupQuote:
    """A priced group quote: valid for :data:`QUOTE_VALID_DAYS` and for exactly these members."""

    scheme_id: str
    insurer_tenant_id: str
    price: GroupPrice
    created_at: datetime
    valid_until: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme_id": self.scheme_id,
            "created_at": self.created_at.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            **self.price.to_dict(),
        }


def _own_scheme(uow: GroupUnitOfWork, scheme_id: str) -> GroupScheme:
    scheme = uow.groups.scheme(scheme_id)
    if scheme.tenant_id != uow.principal.tenant_id and not uow.principal.is_platform:
        raise NotFoundError(f"No scheme of yours with id {scheme_id!r}.")
    return scheme


def _open(scheme: GroupScheme) -> GroupScheme:
    if scheme.status != SchemeState.OPEN:
        raise ConflictError(
            f"The scheme {scheme.name!r} is {scheme.status}; its membership is frozen.",
            code="group.scheme_bound",
        )
    return scheme


def _group_spec(uow: GroupUnitOfWork, reference: str) -> tuple[ProductSpec, str]:
    """The filed group product and the insurer tenant that owns it."""
    record = products.find_product(uow, reference)
    if record.status != FILED:
        raise ValidationError(
            f"{record.product_ref} is {record.status}; only a filed product can insure a group.",
            code="group.product_not_filed",
            field="product_ref",
            value=record.product_ref,
        )
    spec = parse_product(record.document, source=record.product_ref)
    if spec.group is None:
        raise ValidationError(
            f"{record.product_ref} is not a group product; choose a supply-chain or park product.",
            code="group.not_group_product",
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
    require(uow.principal, *SPONSORS, kinds=_SPONSOR_KINDS)
    if kind not in tuple(SchemeKind):
        raise ValidationError(
            f"The scheme kind {kind!r} must be one of {[str(k) for k in SchemeKind]}.",
            code="group.bad_kind",
            field="kind",
            value=kind,
        )
    if not name.strip():
        raise ValidationError("The scheme name must not be empty.", field="name")
    sponsor = uow.enterprises.get(sponsor_enterprise_id)
    spec, _insurer = _group_spec(uow, product_ref)
    wanted = POLICYHOLDER_OF[SchemeKind(kind)]
    if spec.group is not None and spec.group.policyholder != wanted:
        raise ValidationError(
            f"{spec.product_id} is held by a {spec.group.policyholder}, but a {kind} scheme "
            f"needs a product held by a {wanted}.",
            code="group.product_kind_mismatch",
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
            code="group.bad_access",
            field="access",
            value=entry.access,
        )
    if scheme.kind == SchemeKind.SUPPLY_CHAIN and not entry.supplies.strip():
        raise ValidationError(
            f"Say what the supplier {entry.enterprise!r} supplies to the chain owner.",
            code="group.supplies_missing",
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
            code="group.member_not_registered",
            field="enterprise",
            value=", ".join(unknown),
        )
    resolved = [hit for _entry, hit in found if hit is not None]
    if any(e.id == scheme.sponsor_enterprise_id for e in resolved):
        raise ValidationError(
            f"The sponsor of {scheme.name!r} holds the master policy; it cannot be its own member.",
            code="group.sponsor_as_member",
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
            code="group.member_duplicate",
            detail={"enterprises": [e.uscc for e in twice]},
        )
    return resolved


def add_members(
    uow: GroupUnitOfWork, scheme_id: str, entries: Sequence[MemberEntry]
) -> list[GroupMember]:
    """Add every entry or none: an unregistered enterprise, a duplicate, a bad access code or a
    scheme grown past the product's ``members_max`` refuses the whole batch, naming each
    offender."""
    require(uow.principal, *SPONSORS, kinds=_SPONSOR_KINDS)
    scheme = _open(_own_scheme(uow, scheme_id))
    if not entries:
        raise ValidationError("Give at least one member to add.", field="members")
    for entry in entries:
        _check_entry(scheme, entry)
    resolved = _resolve(uow, scheme, entries)
    spec, _insurer = _group_spec(uow, scheme.product_ref)
    count = len(uow.groups.members(scheme.id)) + len(resolved)
    most = spec.group.members_max if spec.group is not None else None
    if most is not None and count > most:
        raise ValidationError(
            f"{spec.product_id} insures at most {most} members; the scheme would have {count}.",
            code="group.members_count",
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
    require(uow.principal, *SPONSORS, kinds=_SPONSOR_KINDS)
    scheme = _open(_own_scheme(uow, scheme_id))
    member = next(
        (m for m in uow.groups.members(scheme.id) if m.enterprise_id == enterprise_id), None
    )
    if member is None:
        raise NotFoundError(f"The enterprise {enterprise_id!r} is not a member of {scheme.name!r}.")
    uow.groups.remove(member)
    scheme.updated_at = _now()


def _member_facts(
    uow: GroupUnitOfWork, members: Sequence[GroupMember]
) -> list[RegisteredEnterprise]:
    facts = [(m, uow.groups.find_registered_enterprise(m.enterprise_id)) for m in members]
    gone = [m.enterprise_id for m, hit in facts if hit is None]
    if gone:
        raise ConflictError(
            f"Members no longer registered on the platform: {', '.join(gone)}; remove them first.",
            code="group.member_gone",
        )
    return [hit for _m, hit in facts if hit is not None]


def scheme_view(uow: GroupUnitOfWork, scheme_id: str) -> dict[str, Any]:
    """The scheme with its supply graph: each member, what it supplies, with what access."""
    require(uow.principal, *BUYERS, kinds=_BUYER_KINDS)
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


def worst_score() -> MemberScore:
    """How an unassessed member is priced: score 0 and the score model's grade for it."""
    return MemberScore(0.0, load_score_model().grade_for(Decimal(0)), source="unassessed")


def batch_scores(uow: GroupUnitOfWork, scheme_id: str) -> dict[str, MemberScore]:
    """Every member's current security score (批量评估), by enterprise id.

    A member with no finished scan is ``unassessed`` and priced at the worst score (0): with no
    outside-in scan its findings are unknown, and the score of an empty record would flatter
    it."""
    require(uow.principal, *BUYERS, kinds=_BUYER_KINDS)
    scheme = _own_scheme(uow, scheme_id)
    out: dict[str, MemberScore] = {}
    for member in uow.groups.members(scheme.id):
        scans = uow.assessment.scans(member.enterprise_id)
        if not any(s.status == ScanState.FINISHED for s in scans):
            out[member.enterprise_id] = worst_score()
            continue
        result = diagnosis.security_score(uow, member.enterprise_id)
        out[member.enterprise_id] = MemberScore(
            float(result.value), result.grade, source="assessment"
        )
    return out


def quote_group(
    uow: GroupUnitOfWork,
    scheme_id: str,
    *,
    limit: Decimal,
    scores: Mapping[str, MemberScore] | None = None,
    retention: Decimal | None = None,
) -> GroupQuote:
    """Price the scheme's members at ``limit`` each (``scores``: one per member by enterprise
    id; None: :func:`batch_scores`). The worksheet shows each party's premium."""
    require(uow.principal, *BUYERS, kinds=_BUYER_KINDS)
    scheme = _open(_own_scheme(uow, scheme_id))
    spec, insurer_tenant = _group_spec(uow, scheme.product_ref)
    facts = _member_facts(uow, uow.groups.members(scheme.id))
    chosen = dict(scores) if scores is not None else batch_scores(uow, scheme.id)
    price = price_group(spec, facts, scores=chosen, limit=limit, retention=retention)
    now = _now()
    return GroupQuote(scheme.id, insurer_tenant, price, now, now + timedelta(days=QUOTE_VALID_DAYS))


def _check_quote(uow: GroupUnitOfWork, scheme: GroupScheme, quote: GroupQuote) -> ProductSpec:
    """The quote still prices exactly this scheme's members under this product, unexpired."""
    if quote.scheme_id != scheme.id:
        raise ValidationError(
            f"The quote is for scheme {quote.scheme_id!r}, not {scheme.id!r}.",
            code="group.quote_other_scheme",
            field="quote",
            value=quote.scheme_id,
        )
    if _now() > quote.valid_until:
        raise ConflictError(
            f"The quote expired on {quote.valid_until:%Y-%m-%d}; ask for a new one.",
            code="quote.expired",
        )
    spec, _insurer = _group_spec(uow, scheme.product_ref)
    facts = _member_facts(uow, uow.groups.members(scheme.id))
    quoted = {m.enterprise_id: m.score for m in quote.price.members}
    if {f.id for f in facts} != set(quoted):
        raise ConflictError(
            f"The members of {scheme.name!r} changed since the quote; quote again.",
            code="group.quote_stale",
        )
    again = price_group(
        spec, facts, scores=quoted, limit=quote.price.limit, retention=quote.price.retention
    )
    if again.to_dict() != quote.price.to_dict():
        raise ConflictError(
            f"The premium of {scheme.name!r} is no longer what was quoted; quote again.",
            code="group.quote_stale",
        )
    return spec


def bind_group(
    uow: GroupUnitOfWork, scheme_id: str, quote: GroupQuote, *, start: date | None = None
) -> GroupPolicy:
    """Issue the master policy and one certificate per member from ``quote``, and freeze the
    scheme's membership. Everything is added to the caller's transaction: if any part fails,
    the unit of work rolls all of it back."""
    require(uow.principal, *BUYERS, kinds=_BUYER_KINDS)
    scheme = _open(_own_scheme(uow, scheme_id))
    _check_quote(uow, scheme, quote)
    price, begin, now = quote.price, start or _now().date(), _now()
    master = GroupPolicy(
        id=new_id(),
        tenant_id=quote.insurer_tenant_id,
        client_tenant_id=scheme.tenant_id,
        scheme_id=scheme.id,
        number=_policy_number(begin),
        product_ref=price.product_ref,
        period_start=begin,
        period_end=_one_year_after(begin),
        limit_per_member=price.limit,
        retention=price.retention,
        total_premium=price.total_premium,
        sponsor_premium=price.sponsor_premium,
        status=PolicyState.IN_FORCE,
        worksheet=quote.to_dict(),
        created_at=now,
        aggregate_limit=price.aggregate_limit,
    )
    uow.groups.add(master)
    tenants = {f.id: f.tenant_id for f in _member_facts(uow, uow.groups.members(scheme.id))}
    for index, share in enumerate(price.members, start=1):
        certificate = Certificate(
            id=new_id(),
            tenant_id=master.tenant_id,
            client_tenant_id=master.client_tenant_id,
            member_tenant_id=tenants[share.enterprise_id],
            master_id=master.id,
            enterprise_id=share.enterprise_id,
            number=f"{master.number}-{index:04d}",
            limit=price.limit,
            member_premium=share.premium,
            member_share=share.member_share,
            sponsor_share=share.sponsor_share,
            score=share.score.score,
            grade=share.score.grade,
            assessed=share.score.assessed,
            created_at=now,
        )
        uow.groups.add(certificate)
    scheme.status, scheme.updated_at = SchemeState.BOUND, now
    return master
