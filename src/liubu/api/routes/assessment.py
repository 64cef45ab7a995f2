"""Pre-bind diagnosis over HTTP: assets and proof of control, scans (run in the background),
findings and disputes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from liubu import assessment
from liubu.api.deps import PlatformDep, UowDep
from liubu.assessment import Asset, FindingRecord, Scan

router = APIRouter(prefix="/api", tags=["assessment"])


class AssetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=253, description="Host name, domain or IP.")


class AssetPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    enterprise_id: str
    name: str
    token: str = Field(description="Publish this to prove control (see instructions).")
    verified_at: datetime | None
    verified_by: str | None


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


@router.get("/enterprises/{enterprise_id}/assets", response_model=list[AssetPublic])
def list_assets(enterprise_id: str, uow: UowDep) -> Sequence[Asset]:
    return uow.assessment.assets(uow.enterprises.get(enterprise_id).id)


@router.post("/enterprises/{enterprise_id}/assets", response_model=AssetDeclared, status_code=201)
def declare_asset(enterprise_id: str, body: AssetCreate, uow: UowDep) -> AssetDeclared:
    asset = assessment.declare_asset(uow, enterprise_id, body.name)
    return AssetDeclared(
        asset=AssetPublic.model_validate(asset), instructions=assessment.proof_instructions(asset)
    )


@router.post("/assets/{asset_id}/verify", response_model=AssetPublic)
def verify_asset(asset_id: str, uow: UowDep, platform: PlatformDep) -> Asset:
    asset = assessment.verify_asset(uow, asset_id, platform.scan_policy())
    return asset


@router.post("/enterprises/{enterprise_id}/scans", response_model=ScanPublic, status_code=202)
def start_scan(enterprise_id: str, uow: UowDep, platform: PlatformDep) -> Scan:
    """Queue a scan of the verified assets; poll ``GET /api/scans/{id}`` for progress."""
    record = assessment.request_scan(uow, enterprise_id)
    platform.run_scan_later(record.id, tenant_id=record.tenant_id)
    return record


@router.get("/enterprises/{enterprise_id}/scans", response_model=list[ScanPublic])
def list_scans(enterprise_id: str, uow: UowDep) -> Sequence[Scan]:
    return uow.assessment.scans(uow.enterprises.get(enterprise_id).id)


@router.get("/scans/{scan_id}", response_model=ScanPublic)
def get_scan(scan_id: str, uow: UowDep) -> Scan:
    return uow.assessment.scan(scan_id)


@router.get("/enterprises/{enterprise_id}/findings", response_model=list[FindingPublic])
def list_findings(enterprise_id: str, uow: UowDep) -> list[FindingRecord]:
    return assessment.current_findings(uow, uow.enterprises.get(enterprise_id).id)


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
