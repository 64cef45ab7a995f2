"""Ownership of a credit code over HTTP: the platform operator verifies an enterprise and decides
claims; the claimant and the holder add their evidence (see docs/groups.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from liubu import accounts
from liubu.accounts import Enterprise, IdentityClaim
from liubu.api.deps import UowDep
from liubu.api.schemas import EnterprisePublic

router = APIRouter(prefix="/api", tags=["identity"])


class ClaimPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    tenant_id: str = Field(description="The claimant's organisation")
    uscc: str
    claimant_name: str
    holder_tenant_id: str
    holder_enterprise_id: str
    state: str = Field(description="open, upheld or rejected")
    claimant_evidence: str
    holder_evidence: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None
    version: int


class EvidenceRequest(BaseModel):
    note: str = Field(min_length=1, max_length=4000, description="Licence number, authorisation…")


class DecisionRequest(BaseModel):
    uphold: bool = Field(description="true: the holder's record releases the code")
    note: str = Field(default="", max_length=4000)


@router.post("/enterprises/{enterprise_id}/verification", response_model=EnterprisePublic)
def verify_enterprise(enterprise_id: str, uow: UowDep) -> Enterprise:
    """The platform operator verifies that the holder's organisation controls the enterprise."""
    return accounts.verify_enterprise(uow, enterprise_id)


@router.get("/identity-claims", response_model=list[ClaimPublic])
def list_claims(uow: UowDep) -> Sequence[IdentityClaim]:
    """Claims you are party to (the platform operator: all), newest first."""
    return accounts.list_claims(uow)


@router.get("/identity-claims/{claim_id}", response_model=ClaimPublic)
def get_claim(claim_id: str, uow: UowDep) -> IdentityClaim:
    return uow.identity_claims.get(claim_id)


@router.post("/identity-claims/{claim_id}/evidence", response_model=ClaimPublic)
def add_evidence(claim_id: str, body: EvidenceRequest, uow: UowDep) -> IdentityClaim:
    """The claimant's or the holder's evidence, replacing what that party wrote before."""
    return accounts.add_evidence(uow, claim_id, body.note)


@router.post("/identity-claims/{claim_id}/decision", response_model=ClaimPublic)
def decide_claim(claim_id: str, body: DecisionRequest, uow: UowDep) -> IdentityClaim:
    """The platform operator upholds or rejects the claim."""
    return accounts.decide_claim(uow, claim_id, uphold=body.uphold, note=body.note)
