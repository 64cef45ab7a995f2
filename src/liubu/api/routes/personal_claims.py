"""Anti-fraud resident claims over HTTP (反诈险理赔): one claim, a bulk file, reading them.

Insurer staff only (claims adjusters and the insurer's administrators): the anti-fraud book has
no resident logins, so a resident's claim reaches the insurer by hotline or counter and its
staff enter it here. A bulk file is uploaded, inspected (a wrong encoding or header is refused
before anything is stored) and queued as a durable ``anti_fraud_claims_import`` job, run by a
worker exactly as ``liubu personal-claims import`` runs it: chunked, idempotent (an insurer's
receipt number is stored once) and resumable. The upload is kept 0600 in a 0700 folder and
deleted when its import ends; its error file holds masked values only.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from liubu import jobs
from liubu.api.deps import CurrentPrincipal, PlatformDep, UowDep
from liubu.bootstrap import ANTI_FRAUD_CLAIMS_IMPORT
from liubu.claims import (
    ANTIFRAUD_MAX_AMOUNT,
    AntifraudClaim,
    antifraud_claim,
    antifraud_claims,
    claims_insurer,
    file_antifraud_claim,
    inspect_claims_file,
    parse_receipt_number,
)
from liubu.core import PersonalDataCipher
from liubu.errors import NotFoundError, ValidationError
from liubu.jobs import Job, JobState

router = APIRouter(prefix="/api", tags=["anti-fraud claims"])
_CHUNK = 1 << 20
Lang = Literal["zh", "en"]


class PersonalClaimCreate(BaseModel):
    receipt_number: str = Field(
        min_length=23, max_length=25, description="报案回执编号: A|J, organ code, YYYYMM, serial"
    )
    resident_id: str = Field(min_length=18, max_length=18, description="居民身份证号码")
    loss_amount: Decimal = Field(ge=0, le=ANTIFRAUD_MAX_AMOUNT, max_digits=11, decimal_places=2)
    recovered_amount: Decimal = Field(
        default=Decimal(0), ge=0, le=ANTIFRAUD_MAX_AMOUNT, max_digits=11, decimal_places=2
    )
    loss_date: date
    police_report_date: date
    notified_on: date
    cause: str | None = Field(
        default=None, max_length=40, pattern=r"^[a-z_]+$", description="an exclusion code"
    )
    external_ref: str | None = Field(default=None, max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")


@router.post("/personal-claims", status_code=201)
def file_claim(
    body: PersonalClaimCreate, platform: PlatformDep, uow: UowDep, lang: Lang = "en"
) -> dict[str, Any]:
    """Assess and store one claim; a refused claim is stored too, with its reasons."""
    claim = AntifraudClaim(
        receipt=parse_receipt_number(body.receipt_number),
        loss_amount=body.loss_amount,
        loss_date=body.loss_date,
        police_report_date=body.police_report_date,
        notified_on=body.notified_on,
        recovered_amount=body.recovered_amount,
        cause=body.cause,
    )
    stored = file_antifraud_claim(
        uow,
        resident_id=body.resident_id,
        claim=claim,
        cipher=PersonalDataCipher(platform.settings.personal_data_key),
        external_ref=body.external_ref,
    )
    return stored.shown(lang)


@router.get("/personal-claims")
def list_claims(
    uow: UowDep,
    receipt_number: Annotated[str | None, Query(max_length=25)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    lang: Lang = "en",
) -> list[dict[str, Any]]:
    """The caller's latest claims, or the one with a receipt number."""
    found = antifraud_claims(uow, receipt_number=receipt_number, limit=limit)
    return [claim.shown(lang) for claim in found]


@router.get("/personal-claims/{claim_id}")
def show_claim(claim_id: str, uow: UowDep, lang: Lang = "en") -> dict[str, Any]:
    return antifraud_claim(uow, claim_id[:64]).shown(lang)


async def _save(upload: UploadFile, folder: Path) -> Path:
    """Stream the upload to disk while hashing it (0600 in 0700 folders), named by SHA-256."""
    for each in (folder.parent, folder):
        each.mkdir(mode=0o700, parents=True, exist_ok=True)
        each.chmod(0o700)
    digest = hashlib.sha256()
    partial = folder / f".upload-{threading.get_ident()}-{id(upload)}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := await upload.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    path = folder / f"{digest.hexdigest()}.csv"
    partial.replace(path)
    return path


@router.post("/personal-claims/imports", status_code=202)
async def start_import(
    platform: PlatformDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="CSV of claims (docs/antifraud-claims.md)")],
) -> dict[str, Any]:
    """Start (or resume, or repeat harmlessly) a bulk claims import; returns its id."""
    with platform.uow(principal) as uow:
        claims_insurer(uow, None)  # insurer staff of their own insurer only
    path = await _save(file, platform.claims_import_folder(principal.tenant_id))
    try:
        inspect_claims_file(path)
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    platform.queue_claims_import(principal, path, file_name=(file.filename or path.name)[:300])
    return {"id": path.stem, "status_url": f"/api/personal-claims/imports/{path.stem}"}


_STATUS = {
    JobState.QUEUED: "running",
    JobState.RUNNING: "running",
    JobState.SUCCEEDED: "finished",
    JobState.FAILED: "failed",
}


def _checked_id(import_id: str) -> str:
    if len(import_id) != 64 or not all(c in "0123456789abcdef" for c in import_id):
        raise NotFoundError(f"No claims import {import_id[:64]} of yours.")
    return import_id


@router.get("/personal-claims/imports/{import_id}")
def import_progress(import_id: str, platform: PlatformDep, uow: UowDep) -> dict[str, Any]:
    """The import's job and the counts committed so far."""
    import_id = _checked_id(import_id)
    with uow:
        tenant_id = claims_insurer(uow, None) if not uow.principal.is_platform else None
    job = jobs.job_for(platform.uow(uow.principal), ANTI_FRAUD_CLAIMS_IMPORT, import_id)
    stored = None
    if tenant_id is not None:
        with uow:
            stored = uow.antifraud_claims.checkpoint(tenant_id, import_id)
    if job is None and stored is None:
        raise NotFoundError(f"No claims import {import_id} of yours.")
    shown: dict[str, Any] = {"id": import_id, "status": "stored"}
    if job is not None:
        shown |= _job_fields(job)
    if stored is not None:
        shown["checkpoint"] = stored[1].to_dict()
    return shown


def _job_fields(job: Job) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "status": _STATUS[job.state],
        "job_state": str(job.state),
        "attempts": job.attempts,
        "lines_done": job.progress_done,
        "lines_total": job.progress_total,
    }
    if job.state == JobState.SUCCEEDED and job.result is not None:
        shown["summary"] = json.loads(job.result)
    if job.error is not None:
        shown["error"] = job.error
    return shown


@router.get("/personal-claims/imports/{import_id}/errors.csv", response_class=FileResponse)
def import_errors(import_id: str, platform: PlatformDep, uow: UowDep) -> FileResponse:
    """The lines not stored, with their line numbers and reasons (values masked)."""
    import_id = _checked_id(import_id)
    with uow:
        tenant_id = claims_insurer(uow, None)
    path = platform.claims_import_folder(tenant_id) / f"{import_id}.csv.errors.csv"
    if not path.exists():
        raise NotFoundError(f"No error file for claims import {import_id} of yours.")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="errors.csv")
