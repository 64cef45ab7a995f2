"""Use cases of group cyber policies (团体网络安全保险): supply chains (供应链网络安全保险) and
industrial parks (网安园区保).

A sponsor (chain owner or park operator) sets up a scheme under a filed group product and invites
its members by credit code (:mod:`liubu.underwriting.groups_members`, re-exported here); each
member's own tenant accepts (:mod:`liubu.underwriting.groups_consent`). Only accepted members
(still holding their verified code) are scored
(:func:`batch_scores`), gets a quote whose worksheet shows each party's premium
(:func:`quote_group`, priced by :func:`liubu.underwriting.groups_pricing.price_group`) and binds
it: one master policy and one certificate per member, all in one transaction
(:func:`bind_group`). Each use case that writes commits its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from liubu import assessment
from liubu.accounts import new_id, require
from liubu.assessment import ScanState, load_score_model
from liubu.errors import ConflictError, ValidationError
from liubu.underwriting.declarations import Declarations
from liubu.underwriting.group_records import (
    Certificate,
    GroupPolicy,
    GroupScheme,
    GroupUnitOfWork,
    SchemeState,
)
from liubu.underwriting.groups_consent import (
    Invitation,
    accept_invitation,
    decline_invitation,
    leave_scheme,
    my_invitations,
)
from liubu.underwriting.groups_members import (
    BUYER_KINDS,
    GroupProduct,
    MemberEntry,
    PricedMembers,
    _open,
    _own_scheme,
    add_member,
    add_members,
    create_scheme,
    group_products,
    group_spec,
    may_sponsor,
    priced_members,
    remove_member,
    scheme_view,
)
from liubu.underwriting.groups_pricing import GroupPrice, MemberScore, MemberShare, price_group
from liubu.underwriting.lifecycle import (
    BUYERS,
    QUOTE_VALID_DAYS,
    _one_year_after,
    _policy_number,
    declared_start,
)
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.records import PolicyState

__all__ = [
    "GroupProduct",
    "GroupQuote",
    "Invitation",
    "MemberEntry",
    "MemberScore",
    "accept_invitation",
    "add_member",
    "add_members",
    "batch_scores",
    "bind_group",
    "create_scheme",
    "decline_invitation",
    "group_products",
    "group_spec",
    "leave_scheme",
    "may_sponsor",
    "my_invitations",
    "quote_group",
    "remove_member",
    "scheme_view",
    "worst_score",
]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class GroupQuote:
    """A priced group quote: valid for :data:`QUOTE_VALID_DAYS` and for exactly these members."""

    scheme_id: str
    insurer_tenant_id: str
    price: GroupPrice
    created_at: datetime
    valid_until: datetime
    # Invitations not priced, by state (invited, declined, left; lapsed: accepted but no longer
    # the verified holder of its code): counts only, never who.
    not_priced: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme_id": self.scheme_id,
            "created_at": self.created_at.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            **self.price.to_dict(),
            "not_priced": dict(self.not_priced),
        }


def worst_score() -> MemberScore:
    """How an unassessed member is priced: score 0 and the score model's grade for it."""
    return MemberScore(0.0, load_score_model().grade_for(Decimal(0)), source="unassessed")


def batch_scores(uow: GroupUnitOfWork, scheme_id: str) -> dict[str, MemberScore]:
    """Every member's current security score (批量评估), by enterprise id.

    A member with no finished scan is ``unassessed`` and priced at the worst score (0): with no
    outside-in scan its findings are unknown, and the score of an empty record would flatter
    it."""
    require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
    scheme = _own_scheme(uow, scheme_id)
    out: dict[str, MemberScore] = {}
    for member in _priced(uow, scheme).facts:
        scans = uow.assessment.scans(member.id)
        if not any(s.status == ScanState.FINISHED for s in scans):
            out[member.id] = worst_score()
            continue
        result = assessment.security_score(uow, member.id)
        out[member.id] = MemberScore(float(result.value), result.grade, source="assessment")
    return out


def _priced(uow: GroupUnitOfWork, scheme: GroupScheme) -> PricedMembers:
    """The accepted members a quote prices; refuses a scheme with none."""
    priced = priced_members(uow, scheme)
    if not priced.facts:
        waiting = ", ".join(f"{n} {state}" for state, n in priced.not_priced.items() if n)
        raise ConflictError(
            f"No member of {scheme.name!r} has accepted its invitation yet"
            f"{f' ({waiting})' if waiting else ''}; there is nobody to price.",
            code=UnderwritingCode.GROUP_NO_ACCEPTED_MEMBERS,
        )
    return priced


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
    require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
    scheme = _open(_own_scheme(uow, scheme_id))
    spec, insurer_tenant = group_spec(uow, scheme.product_ref)
    priced = _priced(uow, scheme)
    chosen = dict(scores) if scores is not None else batch_scores(uow, scheme.id)
    price = price_group(spec, priced.facts, scores=chosen, limit=limit, retention=retention)
    now = _now()
    valid_until = now + timedelta(days=QUOTE_VALID_DAYS)
    return GroupQuote(scheme.id, insurer_tenant, price, now, valid_until, priced.not_priced)


def _check_quote(uow: GroupUnitOfWork, scheme: GroupScheme, quote: GroupQuote) -> dict[str, str]:
    """The quote still prices exactly this scheme's members under this product, unexpired;
    returns each member's tenant by enterprise id."""
    if quote.scheme_id != scheme.id:
        raise ValidationError(
            f"The quote is for scheme {quote.scheme_id!r}, not {scheme.id!r}.",
            code=UnderwritingCode.GROUP_QUOTE_OTHER_SCHEME,
            field="quote",
            value=quote.scheme_id,
        )
    if _now() > quote.valid_until:
        raise ConflictError(
            f"The quote expired on {quote.valid_until:%Y-%m-%d}; ask for a new one.",
            code=UnderwritingCode.QUOTE_EXPIRED,
        )
    spec, _insurer = group_spec(uow, scheme.product_ref)
    facts = _priced(uow, scheme).facts
    quoted = {m.enterprise_id: m.score for m in quote.price.members}
    if {f.id for f in facts} != set(quoted):
        raise ConflictError(
            f"The members of {scheme.name!r} changed since the quote; quote again.",
            code=UnderwritingCode.GROUP_QUOTE_STALE,
        )
    again = price_group(
        spec, facts, scores=quoted, limit=quote.price.limit, retention=quote.price.retention
    )
    if again.to_dict() != quote.price.to_dict():
        raise ConflictError(
            f"The premium of {scheme.name!r} is no longer what was quoted; quote again.",
            code=UnderwritingCode.GROUP_QUOTE_STALE,
        )
    return {f.id: f.tenant_id for f in facts}


def _certificate(
    master: GroupPolicy, share: MemberShare, *, index: int, tenant: str
) -> Certificate:
    return Certificate(
        id=new_id(),
        tenant_id=master.tenant_id,
        client_tenant_id=master.client_tenant_id,
        member_tenant_id=tenant,
        master_id=master.id,
        enterprise_id=share.enterprise_id,
        number=f"{master.number}-{index:04d}",
        limit=master.limit_per_member,
        member_premium=share.premium,
        member_share=share.member_share,
        sponsor_share=share.sponsor_share,
        score=share.score.score,
        grade=share.score.grade,
        assessed=share.score.assessed,
        created_at=master.created_at,
    )


def bind_group(
    uow: GroupUnitOfWork,
    scheme_id: str,
    quote: GroupQuote,
    *,
    declarations: Declarations,
    start: date | None = None,
) -> GroupPolicy:
    """Issue the master policy and one certificate per member (numbered ``<master>-0001`` …)
    from ``quote``, and freeze the scheme's membership, in one transaction committed here: if
    any part fails, nothing is kept. As for one enterprise's policy (:func:`bind`), the sponsor
    makes both :class:`Declarations` first, and cover starts on ``start`` (today by default, at
    most :data:`MAX_START_DAYS` ahead); the master policy keeps the declarations, who made them
    and when."""
    with uow:
        require(uow.principal, *BUYERS, kinds=BUYER_KINDS)
        begin, declared = declared_start(uow.principal, declarations, start)
        scheme = _open(_own_scheme(uow, scheme_id))
        tenants = _check_quote(uow, scheme, quote)
        price, now = quote.price, _now()
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
            declarations=declared,
        )
        uow.groups.add(master)
        for index, share in enumerate(price.members, start=1):
            uow.groups.add(
                _certificate(master, share, index=index, tenant=tenants[share.enterprise_id])
            )
        scheme.status, scheme.updated_at = SchemeState.BOUND, now
        uow.commit()
        return master
