"""Claims experience over HTTP (理赔经验): an insurer's actuaries upload experience files and read
a rate indication of a filed product from what is stored — advice, never applied to the product.

Every call reads and writes the caller's own insurer's experience only (the store scopes it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from liubu import experience, products
from liubu.api.deps import UowDep

router = APIRouter(prefix="/api/experience", tags=["claims experience"])


@router.post("/imports", status_code=201)
async def import_file(
    uow: UowDep,
    response: Response,
    file: Annotated[UploadFile, File(description="Claims-experience CSV (docs/experience.md)")],
    product: Annotated[
        str | None, Form(description="Tag the rows with this product, insurer/code@version")
    ] = None,
) -> dict[str, Any]:
    """Store the file's rows, all or nothing: a bad row refuses the file (422, naming line,
    column and value, with every problem found); rows already stored are not stored again
    (200 when nothing was new)."""
    content = await file.read(experience.MAX_FILE_BYTES + 1)
    summary = experience.import_upload(
        uow, content, name=file.filename or "upload.csv", product_ref=product
    )
    if not summary.stored:
        response.status_code = 200
    return summary.to_dict()


@router.get("")
def stored(
    uow: UowDep,
    product: Annotated[str | None, Query(description="Only rows tagged with this product")] = None,
) -> dict[str, object]:
    """What your insurer has stored: rows, import batches, claims, exposure and incurred loss."""
    counts = experience.experience_counts(uow, product)
    return dict(counts.to_dict())


@router.get("/indication")
def indication(
    uow: UowDep,
    product: Annotated[str, Query(description="The filed product, insurer/code@version")],
    factor: Annotated[
        list[str] | None, Query(description="Experience factors to use (default: all mapped)")
    ] = None,
    tagged: Annotated[
        bool, Query(description="Only rows imported with this product's tag")
    ] = False,
) -> dict[str, Any]:
    """The rate indication of ``product`` from your stored experience: GLM relativities,
    Bühlmann–Straub credibility, suggested coefficients flagged outside their filed range.
    ``applied`` is always false: a change needs a new filed version of the rate plan."""
    spec = products.find_spec(uow, product)
    report = experience.indicate(
        uow, spec, product_ref=product if tagged else None, factors=factor or ()
    )
    return experience.indication_document(report)
