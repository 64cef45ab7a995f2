"""Pre-bind diagnosis over HTTP: assets and proof of control, scans (run in the background),
findings and disputes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from liubu import assessment
from liubu.api.deps import PlatformDep, UowDep
from liubu.assessment import Asset, FindingRecord, Scan

router = APIRouter(prefix="/api", tags=["assessment"])


class AssetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=253, description="Host name, domain or IP.")


class TrustedCaPublic(BaseModel):
    subject: str
    not_after: datetime
    sha256: str


class AssetPublic(BaseModel):
    id: str
    enterprise_id: str
    name: str
    token: str = Field(description="Publish this to prove control (see instructions).")
    verified_at: datetime | None
    verified_by: str | None
    trusted_ca: list[TrustedCaPublic] = Field(
        description="CA certificates trusted for this asset's TLS chains only (a private CA)."
    )

    @classmethod
    def of(cls, asset: Asset) -> AssetPublic:
        return cls(
            id=asset.id,
            enterprise_id=asset.enterprise_id,
            name=asset.name,
            token=asset.token,
            verified_at=asset.verified_at,
            verified_by=asset.verified_by,
            trusted_ca=[
                TrustedCaPublic(subject=ca.subject, not_after=ca.not_after, sha256=ca.sha256)
                for ca in assessment.trusted_ca_of(asset)
            ],
        )


class AssetDeclared(BaseModel):
    asset: AssetPublic
    instructions: dict[str, str]


class ScanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    enterprise_id: str
    status: str
    targets: list[str]
    progress_done: int
    progress_total: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class FindingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    scan_id: str
    code: str
    severity: str
    factor: str
    asset: str
    status: str
    detail: dict[str, Any]
    dispute_note: str | None
    updated_at: datetime


class Dispute(BaseModel):
    kind: Literal["not_ours", "compensating_control", "fixed_pending_rescan"]
    note: str = Field(min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, max_length=10_000)


class Waiver(BaseModel):
    reason: str = Field(
        max_length=2 * assessment.MAX_WAIVER_REASON,
        description=f"Why the insurer accepts the finding: 1 to {assessment.MAX_WAIVER_REASON:,} "
        "characters once trimmed (outside that, 422 with code waiver.reason).",
    )


@router.get("/enterprises/{enterprise_id}/assets", response_model=list[AssetPublic])
def list_assets(enterprise_id: str, uow: UowDep) -> list[AssetPublic]:
    return [AssetPublic.of(a) for a in uow.assessment.assets(uow.enterprises.get(enterprise_id).id)]


@router.post("/enterprises/{enterprise_id}/assets", response_model=AssetDeclared, status_code=201)
def declare_asset(enterprise_id: str, body: AssetCreate, uow: UowDep) -> AssetDeclared:
    asset = assessment.declare_asset(uow, enterprise_id, body.name)
    return AssetDeclared(
        asset=AssetPublic.of(asset), instructions=assessment.proof_instructions(asset).as_dict()
    )


@router.post("/assets/{asset_id}/verify", response_model=AssetPublic)
def verify_asset(asset_id: str, uow: UowDep, platform: PlatformDep) -> AssetPublic:
    return AssetPublic.of(assessment.verify_asset(uow, asset_id, platform.scan_policy()))


@router.put("/assets/{asset_id}/trusted-ca", response_model=AssetPublic)
async def trust_ca(asset_id: str, uow: UowDep, file: Annotated[UploadFile, File()]) -> AssetPublic:
    """Trust a private CA for this asset's TLS chains only: a PEM file of one or more CA
    certificates, at most 64 KiB (else 422 with asset.ca_too_large or asset.ca_invalid). Replaces
    the asset's earlier CA; audited."""
    content = await file.read(assessment.MAX_CA_BUNDLE_BYTES + 1)
    return AssetPublic.of(assessment.trust_ca(uow, asset_id, content))


@router.delete("/assets/{asset_id}/trusted-ca", response_model=AssetPublic)
def untrust_ca(asset_id: str, uow: UowDep) -> AssetPublic:
    """Stop trusting the asset's private CA; audited."""
    return AssetPublic.of(assessment.untrust_ca(uow, asset_id))


@router.post("/enterprises/{enterprise_id}/scans", response_model=ScanPublic, status_code=202)
def start_scan(enterprise_id: str, uow: UowDep, platform: PlatformDep) -> Scan:
    """Queue a scan of the verified assets; poll ``GET /api/scans/{id}`` for progress."""
    record = assessment.request_scan(uow, enterprise_id)
    platform.run_scan_later(record.id, tenant_id=record.tenant_id)
    return record


@router.get("/enterprises/{enterprise_id}/scans", response_model=list[ScanPublic])
def list_scans(enterprise_id: str, uow: UowDep) -> Sequence[Scan]:
    assessment.note_applicant_read(uow, enterprise_id, part="scans")
    return uow.assessment.scans(uow.enterprises.readable(enterprise_id).id)


@router.get("/scans/{scan_id}", response_model=ScanPublic)
def get_scan(scan_id: str, uow: UowDep) -> Scan:
    return uow.assessment.scan(scan_id)


@router.get("/enterprises/{enterprise_id}/findings", response_model=list[FindingPublic])
def list_findings(enterprise_id: str, uow: UowDep) -> list[FindingRecord]:
    # Also the insurer the enterprise asked for a quote (read only); the assets list stays the
    # enterprise's own: it carries the verification tokens.
    assessment.note_applicant_read(uow, enterprise_id, part="findings")
    return assessment.current_findings(uow, uow.enterprises.readable(enterprise_id).id)


@router.post("/findings/{finding_id}/dispute", response_model=FindingPublic)
def dispute_finding(
    finding_id: str, body: Dispute, uow: UowDep, platform: PlatformDep
) -> FindingRecord:
    disputed = assessment.dispute_and_rescan(
        uow, finding_id, kind=body.kind, note=body.note, evidence=body.evidence
    )
    if disputed.rescan is not None:  # a claimed fix is checked by scanning again
        platform.run_scan_later(disputed.rescan.id, tenant_id=disputed.rescan.tenant_id)
    return disputed.finding


@router.post("/findings/{finding_id}/waive", response_model=FindingPublic)
def waive_finding(finding_id: str, body: Waiver, uow: UowDep) -> FindingRecord:
    """An insurer's underwriter (or admin, or the platform) waives a current finding of an
    enterprise in its book, with a reason: it stays listed as ``waived`` (``detail.waiver``:
    reason, by, at), costs no point in the score and is carried on by later scans. Audited."""
    return assessment.waive_finding(uow, finding_id, reason=body.reason)


@router.get("/enterprises/{enterprise_id}/score-history")
def score_history(enterprise_id: str, uow: UowDep) -> list[dict[str, Any]]:
    """Every change of the enterprise's score, oldest first, with its reason in Chinese and
    English: for the insured, an insurer that insures or insured it, an assigned provider."""
    return [change.to_dict() for change in assessment.score_history(uow, enterprise_id)]
