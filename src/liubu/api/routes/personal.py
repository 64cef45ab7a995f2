"""Bulk anti-fraud issuance over HTTP (反诈险批量出单): upload a CSV, follow its progress, fetch its
error file.

The upload is streamed to ``<data_dir>/imports/<tenant>/<sha256>.csv`` and inspected first: a
wrong encoding or header is refused (422) before anything is issued. The import then runs in a
background thread of this process, exactly as ``liubu policies import`` does — chunked,
idempotent (the same file under the same plan issues nothing twice) and resumable: if the server
dies mid-import, posting the same file again continues from the last committed chunk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse

from liubu.accounts.model import Principal
from liubu.api.deps import CurrentPrincipal, PlatformDep, UowDep
from liubu.bootstrap import Platform
from liubu.core import PersonalDataCipher
from liubu.errors import NotFoundError, ValidationError
from liubu.massissue import ImportPlan
from liubu.massissue.contract import inspect_file
from liubu.massissue.importer import run_import
from liubu.products import service as products
from liubu.products.validation import parse_product
from liubu.store.personal import SqlIssueStore, import_status

router = APIRouter(prefix="/api", tags=["mass issuance"])
_CHUNK = 1 << 20
# Imports running in this process, by (tenant, file SHA-256): progress for the status endpoint.
_RUNNING: dict[tuple[str, str], dict[str, Any]] = {}
_LOCK = threading.Lock()


def _folder(platform: Platform, principal: Principal) -> Path:
    folder = platform.settings.data_dir / "imports" / principal.tenant_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _save(upload: UploadFile, folder: Path) -> tuple[Path, str]:
    """Stream the upload to disk while hashing it; the file is named by its SHA-256."""
    digest = hashlib.sha256()
    partial = folder / f".upload-{threading.get_ident()}-{id(upload)}"
    with partial.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    path = folder / f"{sha}.csv"
    partial.replace(path)
    return path, sha


def _run(key: tuple[str, str], store: SqlIssueStore, **kwargs: Any) -> None:
    state = _RUNNING[key]

    def progress(done: int, total: int) -> None:
        state.update(lines_done=done, lines_total=total)

    try:
        summary = run_import(store, progress=progress, **kwargs)
        done = {k: v for k, v in dataclasses.asdict(summary).items() if k != "error_file"}
        state.update(status="finished", summary=done)
    except Exception as error:
        state.update(status="failed", error=str(error))


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
    spec = parse_product(record.document, source=record.product_ref)
    plan = ImportPlan(spec, inception or date.today())
    path, sha = await _save(file, _folder(platform, principal))
    try:
        facts = inspect_file(path)  # wrong encoding or columns: refused before anything issues
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    key = (principal.tenant_id, sha)
    with _LOCK:
        running = _RUNNING.get(key)
        if running is None or running["status"] != "running":
            _RUNNING[key] = {"status": "running", "file_name": file.filename, "lines_done": 0}
            store = SqlIssueStore(
                platform.uow,
                tenant_id=record.tenant_id,
                product_ref=spec.product_id,
                inception=plan.inception.isoformat(),
                file_name=file.filename or path.name,
            )
            threading.Thread(
                target=_run,
                args=(key, store),
                kwargs={
                    "path": path,
                    "facts": facts,
                    "plan": plan,
                    "cipher": PersonalDataCipher(platform.settings.personal_data_key),
                    "error_path": path.with_name(path.name + ".errors.csv"),
                },
                name=f"import-{sha[:8]}",
                daemon=True,
            ).start()
    return {"id": sha, "status_url": f"/api/personal-policies/imports/{sha}"}


@router.get("/personal-policies/imports/{import_id}")
def import_progress(import_id: str, uow: UowDep) -> dict[str, Any]:
    """Progress while it runs here; afterwards (or after a restart) what the database says."""
    running = _RUNNING.get((uow.principal.tenant_id, import_id))
    stored = import_status(uow, import_id)
    if running is None and stored is None:
        raise NotFoundError(f"No import {import_id} of yours.")
    return {"id": import_id, **(running or {"status": "stored"}), **(stored or {})}


@router.get("/personal-policies/imports/{import_id}/errors.csv", response_class=FileResponse)
def import_errors(import_id: str, platform: PlatformDep, uow: UowDep) -> FileResponse:
    """The rejected lines with their line numbers and reasons."""
    folder = platform.settings.data_dir / "imports" / uow.principal.tenant_id
    path = folder / f"{import_id}.csv.errors.csv"
    if len(import_id) != 64 or not import_id.isalnum() or not path.exists():
        raise NotFoundError(f"No error file for import {import_id} of yours.")
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="errors.csv")
