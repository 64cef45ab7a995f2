"""Bulk anti-fraud issuance over HTTP (反诈险批量出单): upload a CSV, follow its progress, fetch its
error file.

The upload is streamed to ``<data_dir>/imports/<tenant>/<sha256>.csv`` and inspected first: a
wrong encoding or header is refused (422) before anything is issued. The import is then queued as
a durable ``anti_fraud_import`` job (docs/jobs.md) and run by a worker — the web process's own
thread or a ``liubu worker`` — exactly as ``liubu policies import`` runs it: chunked, idempotent
(the same file under the same plan issues nothing twice) and resumable: if the worker dies
mid-import, the job is claimed again when its lease expires and continues from the last committed
chunk. Posting the same file while its import is queued or running returns that import.

Personal data at rest: the upload and its error file are created 0600 in 0700 folders, and the
upload is deleted when its import has ended (finished, or failed with no attempt left); the
error file holds only masked values, neutralised for spreadsheets.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse

from liubu import jobs, products
from liubu.api.deps import CurrentPrincipal, PlatformDep, UowDep
from liubu.bootstrap import ANTI_FRAUD_IMPORT
from liubu.core import shanghai_today
from liubu.errors import NotFoundError, ValidationError
from liubu.jobs import Job, JobState
from liubu.massissue import ImportPlan, inspect_file
from liubu.products import parse_product
from liubu.store.personal import import_status

router = APIRouter(prefix="/api", tags=["mass issuance"])
_CHUNK = 1 << 20
# The status the API has always shown: a queued import (or one queued again after a failed
# attempt) is still "running" to its owner; the job's own state is shown beside it.
_STATUS = {
    JobState.QUEUED: "running",
    JobState.RUNNING: "running",
    JobState.SUCCEEDED: "finished",
    JobState.FAILED: "failed",
}


def _private_folder(folder: Path) -> None:
    """``folder`` and its parent (``imports/``) exist, readable by the server's user only."""
    for each in (folder.parent, folder):
        each.mkdir(mode=0o700, exist_ok=True)
        each.chmod(0o700)  # one made before this rule keeps its mode otherwise


async def _save(upload: UploadFile, folder: Path) -> tuple[Path, str]:
    """Stream the upload to disk while hashing it; the file is named by its SHA-256 and, like
    everything under the imports folder, readable by the server's user only (0600): it holds
    names, resident ids and mobile numbers until its import ends (then the job deletes it)."""
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    _private_folder(folder)
    digest = hashlib.sha256()
    partial = folder / f".upload-{threading.get_ident()}-{id(upload)}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := await upload.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    path = folder / f"{sha}.csv"
    partial.replace(path)
    return path, sha


@router.post("/personal-policies/imports", status_code=202)
async def start_import(
    platform: PlatformDep,
    principal: CurrentPrincipal,
    file: Annotated[UploadFile, File(description="CSV: name, resident_id, mobile, limit")],
    product: Annotated[str, Form(description="The per-person product, insurer/code@version")],
    inception: Annotated[date | None, Form(description="Cover starts; default today")] = None,
) -> dict[str, Any]:
    """Start (or resume, or repeat harmlessly) a bulk issuance; returns its id to follow."""
    with platform.uow(principal) as uow:
        record = products.find_product(uow, product)
        products.require_issuer(principal, record.tenant_id)
    # A product that cannot be issued per person is refused now, not by the worker later.
    plan = ImportPlan(
        parse_product(record.document, source=record.product_ref), inception or shanghai_today()
    )
    path, sha = await _save(file, platform.import_folder(principal.tenant_id))
    try:
        inspect_file(path)  # wrong encoding or columns: refused before anything issues
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    platform.queue_import(
        principal,
        path,
        tenant_id=record.tenant_id,
        product_ref=record.product_ref,
        inception=plan.inception,
        file_name=file.filename or path.name,
    )
    return {"id": sha, "status_url": f"/api/personal-policies/imports/{sha}"}


@router.get("/personal-policies/imports/{import_id}")
def import_progress(import_id: str, platform: PlatformDep, uow: UowDep) -> dict[str, Any]:
    """The import's job (queued, running, or how it ended) and what the database holds."""
    job = jobs.job_for(platform.uow(uow.principal), ANTI_FRAUD_IMPORT, import_id)
    stored = import_status(uow, import_id)
    if job is None and stored is None:
        raise NotFoundError(f"No import {import_id} of yours.")
    shown = _job_fields(job) if job is not None else {"status": "stored"}
    return {"id": import_id, **shown, **(stored or {})}


def _job_fields(job: Job) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "status": _STATUS[job.state],
        "job_state": str(job.state),
        "attempts": job.attempts,
        "file_name": job.payload.get("file_name"),
        "lines_done": job.progress_done,
        "lines_total": job.progress_total,
    }
    if job.state == JobState.SUCCEEDED and job.result is not None:
        shown["summary"] = json.loads(job.result)
    if job.error is not None:
        shown["error"] = job.error
    return shown


@router.get("/personal-policies/imports/{import_id}/errors.csv", response_class=FileResponse)
def import_errors(import_id: str, platform: PlatformDep, uow: UowDep) -> FileResponse:
    """The rejected lines with their line numbers and reasons."""
    path = platform.import_folder(uow.principal.tenant_id) / f"{import_id}.csv.errors.csv"
    if len(import_id) != 64 or not import_id.isalnum() or not path.exists():
        raise NotFoundError(f"No error file for import {import_id} of yours.")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="errors.csv")
