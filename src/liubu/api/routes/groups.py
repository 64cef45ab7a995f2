"""Group cover over HTTP: a chain owner's or park operator's schemes, members, quotes and binding.

The sponsor enterprise's users act here; each member's own tenant sees only its certificate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from liubu import underwriting
from liubu.api.deps import UowDep
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
    enterprise: str = Field(description="USCC or the enterprise's record id")
    supplies: str = Field(default="", max_length=200, description="What it supplies")
    access: SupplierAccess = SupplierAccess.NONE


class MembersRequest(BaseModel):
    members: list[MemberRequest] = Field(min_length=1, max_length=1000)


class GroupQuoteRequest(BaseModel):
    limit: Decimal = Field(gt=0, description="Limit per member (CNY)")
    retention: Decimal | None = Field(default=None, ge=0)
    bind: bool = Field(default=False, description="Bind at once: master policy + certificates")
    start: date | None = None


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
    """Add members, all or none: a duplicate or an unregistered enterprise is named."""
    underwriting.add_members(
        uow,
        scheme_id,
        [
            underwriting.MemberEntry(
                enterprise=m.enterprise, supplies=m.supplies, access=str(m.access)
            )
            for m in body.members
        ],
    )
    view = underwriting.scheme_view(uow, scheme_id)
    return view


@router.post("/groups/{scheme_id}/quote")
def quote_scheme(scheme_id: str, body: GroupQuoteRequest, uow: UowDep) -> dict[str, Any]:
    """Price each member from its own assessment; the worksheet shows each party's premium.
    With ``bind``: the master policy and a certificate per member, in one transaction."""
    priced = underwriting.quote_group(uow, scheme_id, limit=body.limit, retention=body.retention)
    data = priced.to_dict()
    if body.bind:
        master = underwriting.bind_group(uow, scheme_id, priced, start=body.start)
        data["master_policy"] = {"id": master.id, "number": master.number}
    return data
