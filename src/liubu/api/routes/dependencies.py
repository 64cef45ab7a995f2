"""Dependencies of an insured (依赖申报) and an insurer's existing book (存量业务导入) over HTTP:
thin calls of :mod:`liubu.assessment` and :mod:`liubu.portfolio`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from liubu import assessment, portfolio
from liubu.api.deps import UowDep

router = APIRouter(prefix="/api", tags=["dependencies"])


class DependencyIn(BaseModel):
    kind: str = Field(min_length=1, max_length=16)
    provider: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=64)
    cpe: str | None = Field(default=None, max_length=255)
    tolerance_hours: float = Field(default=0.0, ge=0, le=8760)
    revenue_share: float = Field(default=1.0, ge=0, le=1)


class DependenciesIn(BaseModel):
    dependencies: list[DependencyIn] = Field(max_length=assessment.MAX_DEPENDENCIES)


@router.get("/enterprises/{enterprise_id}/dependencies")
def dependencies(enterprise_id: str, uow: UowDep) -> dict[str, Any]:
    """What the enterprise relies on: declared, from its latest scan, from the platform's
    records (its security provider), each row with its ``source``. The insured, an insurer that
    quoted or insures it and a provider serving it may read; others get 404."""
    rows = assessment.enterprise_dependencies(uow, enterprise_id)
    return {"dependencies": [d.to_dict() for d in rows]}


@router.put("/enterprises/{enterprise_id}/dependencies")
def declare(enterprise_id: str, body: DependenciesIn, uow: UowDep) -> dict[str, Any]:
    """Replace the enterprise's declared dependencies (at most 50; located errors as
    ``dependencies[i].field``). Only the insured declares (403 for others who may read it)."""
    parsed = assessment.parse_declarations([d.model_dump() for d in body.dependencies])
    rows = assessment.declare_dependencies(uow, enterprise_id, parsed)
    return {"dependencies": [d.to_dict() for d in rows]}


@router.post("/portfolio/book", status_code=201)
async def import_book(
    uow: UowDep,
    file: Annotated[UploadFile, File(description="The existing book, CSV (docs/portfolio.md)")],
) -> dict[str, Any]:
    """Store your insurer's existing book, replacing the previous import, all or nothing: a bad
    row refuses the file (422 naming its line and column); checked against the demo catalogue.
    Actuaries, underwriters and administrators of an insurer."""
    content = await file.read(portfolio.MAX_IMPORT_BYTES + 1)
    record = portfolio.import_book(
        uow,
        uow.principal.tenant_id,
        content,
        filename=file.filename or "book.csv",
        catalogue=portfolio.demo_catalogue(),
    )
    return record.summary()


@router.get("/portfolio/book")
def book(uow: UowDep) -> dict[str, Any]:
    """Your insurer's book under the demo catalogue: policies from the store and imported, the
    dependencies no catalogue entry matches and the policies skipped, with why."""
    built = portfolio.insurer_book(uow, uow.principal.tenant_id, portfolio.demo_catalogue())
    stored = portfolio.book_import(uow, uow.principal.tenant_id)
    document = built.to_dict()
    document["import"] = None if stored is None else stored.summary()
    return document
