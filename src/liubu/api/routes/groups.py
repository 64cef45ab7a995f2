"""Group cover over HTTP: a chain owner's or park operator's schemes, invitations, quotes and
binding; and, for an invited enterprise, its invitations to accept, decline or leave.

The sponsor sees an invitation's credit code and state only, until the member accepts; each
member's own tenant sees its invitations and its certificate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from liubu import portfolio, underwriting
from liubu.api.deps import UowDep
from liubu.api.schemas import DeclarationsIn
from liubu.underwriting import GroupScheme, SchemeKind, SupplierAccess

router = APIRouter(prefix="/api", tags=["groups"])


class SchemeRequest(BaseModel):
    kind: SchemeKind = Field(description="supply_chain (供应链) or park (网安园区保)")
    name: str = Field(min_length=1, max_length=200)
    sponsor_enterprise_id: str = Field(description="The chain owner's or park operator's record")
    product: str = Field(description="A filed group product, insurer/code@version")


class SchemePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    name: str
    sponsor_enterprise_id: str
    product_ref: str
    status: str
    created_at: datetime
    version: int


class MemberRequest(BaseModel):
    uscc: str = Field(
        min_length=1,
        max_length=32,
        validation_alias=AliasChoices("uscc", "enterprise"),
        description="The unified social credit code (统一社会信用代码) of the enterprise to invite",
    )
    supplies: str = Field(default="", max_length=200, description="What it supplies")
    access: SupplierAccess = SupplierAccess.NONE


class MembersRequest(BaseModel):
    members: list[MemberRequest] = Field(min_length=1, max_length=1000)


class GroupQuoteRequest(BaseModel):
    limit: Decimal = Field(gt=0, description="Limit per member (CNY)")
    retention: Decimal | None = Field(default=None, ge=0)
    bind: bool = Field(default=False, description="Bind at once: master policy + certificates")
    declarations: DeclarationsIn | None = Field(
        default=None,
        description="The sponsor's declarations; binding needs both "
        "(else 422 bind.declarations_required).",
    )
    start: date | None = Field(
        default=None,
        description="First day of cover when binding: today (the default) to 90 days ahead "
        "(else 422 bind.start_out_of_range).",
    )


@router.get("/groups", response_model=list[SchemePublic])
def list_schemes(uow: UowDep) -> Sequence[GroupScheme]:
    return uow.groups.schemes()


@router.post("/groups", response_model=SchemePublic, status_code=201)
def create_scheme(body: SchemeRequest, uow: UowDep) -> GroupScheme:
    scheme = underwriting.create_scheme(
        uow,
        kind=str(body.kind),
        name=body.name,
        sponsor_enterprise_id=body.sponsor_enterprise_id,
        product_ref=body.product,
    )
    return scheme


@router.get("/groups/{scheme_id}")
def get_scheme(scheme_id: str, uow: UowDep) -> dict[str, Any]:
    """The scheme and its supply graph: who supplies what, with what access."""
    return underwriting.scheme_view(uow, scheme_id)


@router.post("/groups/{scheme_id}/members", status_code=201)
def add_members(scheme_id: str, body: MembersRequest, uow: UowDep) -> dict[str, Any]:
    """Invite members by credit code, all or none. The reply is the same whether a code is
    registered or not, and names no invitee until it accepts."""
    underwriting.add_members(
        uow,
        scheme_id,
        [
            underwriting.MemberEntry(uscc=m.uscc, supplies=m.supplies, access=str(m.access))
            for m in body.members
        ],
    )
    return underwriting.scheme_view(uow, scheme_id)


@router.delete("/groups/{scheme_id}/members/{member}", status_code=204)
def remove_member(scheme_id: str, member: str, uow: UowDep) -> None:
    """Withdraw an invitation or take a member out (by invitation id or credit code)."""
    underwriting.remove_member(uow, scheme_id, member)


@router.get("/group-invitations")
def my_invitations(uow: UowDep) -> list[dict[str, Any]]:
    """The invitations to the credit codes your organisation holds."""
    return [i.to_dict() for i in underwriting.my_invitations(uow)]


@router.post("/group-invitations/{invitation_id}/accept")
def accept_invitation(invitation_id: str, uow: UowDep) -> dict[str, Any]:
    """Join the scheme: the sponsor then sees your name, score and premium. Needs your
    enterprise verified by the platform operator."""
    return underwriting.accept_invitation(uow, invitation_id).to_dict()


@router.post("/group-invitations/{invitation_id}/decline")
def decline_invitation(invitation_id: str, uow: UowDep) -> dict[str, Any]:
    return underwriting.decline_invitation(uow, invitation_id).to_dict()


@router.post("/group-invitations/{invitation_id}/leave")
def leave_scheme(invitation_id: str, uow: UowDep) -> dict[str, Any]:
    """Leave an open scheme you accepted."""
    return underwriting.leave_scheme(uow, invitation_id).to_dict()


@router.post("/groups/{scheme_id}/quote")
def quote_scheme(scheme_id: str, body: GroupQuoteRequest, uow: UowDep) -> dict[str, Any]:
    """Price each accepted member from its own assessment; the worksheet shows each party's
    premium and ``not_priced`` counts the invitations not accepted. With ``bind`` and the
    sponsor's ``declarations``: the master policy, from ``start``, and a certificate per
    accepted member, in one transaction."""
    priced = underwriting.quote_group(uow, scheme_id, limit=body.limit, retention=body.retention)
    data = priced.to_dict()
    if body.bind:
        declared = body.declarations or DeclarationsIn(truthful=False, terms_read=False)
        master = underwriting.bind_group(
            uow, scheme_id, priced, declarations=declared.made(), start=body.start
        )
        data["master_policy"] = {
            "id": master.id,
            "number": master.number,
            "status": master.status,
            "period_start": master.period_start.isoformat(),
            "period_end": master.period_end.isoformat(),
        }
    return data


class LinkRequest(BaseModel):
    source: str = Field(
        min_length=1,
        max_length=64,
        description="The member that reaches the chain owner through another: its invitation "
        "id, record id or credit code",
    )
    target: str = Field(
        min_length=1, max_length=64, description="The member it reaches the owner through"
    )
    access: SupplierAccess = Field(description="The source's access to the target's systems")


@router.get("/groups/{scheme_id}/links")
def scheme_links(scheme_id: str, uow: UowDep) -> list[dict[str, Any]]:
    """The supplier-of-supplier links the chain owner declared (the sponsor only)."""
    return [link.to_dict() for link in underwriting.scheme_links(uow, scheme_id)]


@router.post("/groups/{scheme_id}/links", status_code=201)
def declare_link(scheme_id: str, body: LinkRequest, uow: UowDep) -> dict[str, Any]:
    """Declare that ``source`` reaches the chain owner through ``target``: both accepted
    members, not the same one, not declared before (422 at the field, or 409)."""
    return underwriting.declare_link(
        uow, scheme_id, source=body.source, target=body.target, access=str(body.access)
    ).to_dict()


@router.delete("/groups/{scheme_id}/links/{link_id}", status_code=204)
def remove_link(scheme_id: str, link_id: str, uow: UowDep) -> None:
    underwriting.remove_link(uow, scheme_id, link_id)


#: Simulated years a request may ask for (the page uses 20,000).
MAX_API_TRIALS = 200_000


@router.get("/groups/{scheme_id}/contagion")
def scheme_contagion(
    scheme_id: str,
    uow: UowDep,
    trials: Annotated[int, Query(ge=1_000, le=MAX_API_TRIALS)] = 20_000,
    seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = 20_261_207,
) -> dict[str, Any]:
    """Supply-chain contagion over the scheme's chain, its members and declared links: the
    owner's probability and loss, each supplier's contribution and the premium shares by
    contribution beside today's. For the chain owner and for the insurer of the scheme's master
    policy; 404 to anyone else (a supplier included)."""
    chain, premiums = portfolio.scheme_graph(uow, scheme_id)
    result = portfolio.simulate_contagion(chain, trials=trials, seed=seed)
    document = result.to_dict()
    document["premium_by_contribution"] = [
        {
            "id": a.id,
            "name": a.name,
            "premium": str(a.premium),
            "contribution_share": a.contribution_share,
            "by_contribution": str(a.by_contribution),
        }
        for a in portfolio.allocate_by_contribution(result, premiums)
    ]
    return document
