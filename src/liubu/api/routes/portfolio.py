"""Book simulations over HTTP (组合模拟): queue a run of the insurer's book as a durable job, list
and read the runs, download a finished run's Open Results Data files as a zip.

The insurer's actuaries, underwriters and administrators only (403 for anyone else); every run
is the insurer's own, so another tenant's id is simply not found (404). Thin: the checks, the
files kept and the queueing are :meth:`liubu.bootstrap.Platform.queue_portfolio_run`'s.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import FileResponse

from liubu import portfolio
from liubu.api.deps import CurrentPrincipal, PlatformDep, UowDep
from liubu.bootstrap import MAX_PORTFOLIO_UPLOAD
from liubu.errors import ValidationError
from liubu.portfolio import MAX_RUN_YEARS, PortfolioCode

router = APIRouter(prefix="/api/portfolio", tags=["portfolio"])


async def read_upload(upload: UploadFile | None, field: str) -> tuple[str, bytes] | None:
    """An uploaded file's name and content, refused beyond the size a run accepts."""
    if upload is None or not upload.filename:
        return None
    content = await upload.read(MAX_PORTFOLIO_UPLOAD + 1)
    if len(content) > MAX_PORTFOLIO_UPLOAD:
        raise ValidationError(
            f"The {field} file is larger than {MAX_PORTFOLIO_UPLOAD >> 20} MiB.",
            code=PortfolioCode.FILE_TOO_LARGE,
            field=field,
        )
    return upload.filename[:200], content


@router.post("/runs", status_code=202)
async def queue(
    platform: PlatformDep,
    principal: CurrentPrincipal,
    source: Annotated[str | None, Form(max_length=16, description="files or store")] = None,
    years: Annotated[int, Form(ge=1, le=MAX_RUN_YEARS)] = portfolio.DEFAULT_RUN_YEARS,
    seed: Annotated[int, Form(ge=0, le=2**63 - 1)] = portfolio.DEFAULT_RUN_SEED,
    block_years: Annotated[int | None, Form(ge=1_000, le=MAX_RUN_YEARS)] = None,
    book: Annotated[UploadFile | None, File(description="Book: CSV or YAML")] = None,
    catalogue: Annotated[UploadFile | None, File(description="Event catalogue YAML")] = None,
) -> dict[str, Any]:
    """Queue a simulation: a book and a catalogue uploaded (``source=files``, the default when
    a book is given), or the insurer's own book (``source=store``)."""
    book_file = await read_upload(book, "book")
    catalogue_file = await read_upload(catalogue, "catalogue")
    chosen = source or ("files" if book_file is not None else "store")
    run = platform.queue_portfolio_run(
        principal,
        source=chosen,
        years=years,
        seed=seed,
        block_years=block_years,
        book=book_file,
        catalogue=catalogue_file,
    )
    return run.to_dict() | {"status_url": f"/api/portfolio/runs/{run.id}"}


@router.get("/runs")
def runs(uow: UowDep, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict[str, Any]]:
    """The insurer's runs, newest first (a run's summary once it succeeded)."""
    return [run.to_dict() for run in portfolio.list_runs(uow, limit=limit)]


@router.get("/runs/{run_id}")
def show(run_id: str, uow: UowDep) -> dict[str, Any]:
    return portfolio.get_run(uow, run_id[:64]).to_dict()


@router.get("/runs/{run_id}/ord.zip", response_class=FileResponse)
def ord_zip(run_id: str, uow: UowDep, platform: PlatformDep) -> FileResponse:
    """The run's ORD files (ELT, PLT, EPT, ALT) in one zip, once the run succeeded."""
    run = portfolio.get_run(uow, run_id[:64])
    path = platform.portfolio_ord_archive(run)
    return FileResponse(path, media_type="application/zip", filename=f"liubu-ord-{run.id[:8]}.zip")
