"""Products: list and read (filed versions are public), draft, file, withdraw, compare."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from liubu import products
from liubu.api.deps import UowDep
from liubu.products import ProductRecord, product_schema

router = APIRouter(prefix="/api/products", tags=["products"])


class ProductPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    product_ref: str = Field(description="insurer/code@version")
    insurer: str
    code: str
    product_version: int
    product_type: str
    name_zh: str
    name_en: str
    status: str
    filing_number: str | None
    effective_from: date | None
    effective_to: date | None
    created_at: datetime
    filed_at: datetime | None
    withdrawn_at: datetime | None


class ProductDraft(BaseModel):
    document: str = Field(description="The product version's YAML (status: draft).")


@router.get("", response_model=list[ProductPublic])
def list_products(uow: UowDep) -> Sequence[ProductRecord]:
    return uow.products.list()


@router.post("", response_model=ProductPublic, status_code=201)
def create_draft(body: ProductDraft, uow: UowDep) -> ProductRecord:
    record, _changed = products.submit_product(uow, body.document, source="product.yaml")
    return record


@router.get("/compare")
def compare_products(
    uow: UowDep,
    ids: Annotated[list[str], Query(description="Two or more record ids or insurer/code@version.")],
    lang: Literal["zh", "en"] = "zh",
) -> dict[str, Any]:
    return products.compare_products(uow, ids, lang=lang).to_dict()


@router.get("/schema")
def product_file_schema(uow: UowDep) -> dict[str, Any]:
    """The published JSON Schema (Draft 2020-12) of a product version's YAML."""
    return dict(product_schema())


@router.get("/{product_id}", response_model=ProductPublic)
def get_product(product_id: str, uow: UowDep) -> ProductRecord:
    return uow.products.get(product_id)


@router.get("/{product_id}/document", response_class=PlainTextResponse)
def get_product_document(product_id: str, uow: UowDep) -> str:
    """The version's canonical YAML."""
    return uow.products.get(product_id).document


@router.post("/{product_id}/file", response_model=ProductPublic)
def file_product(product_id: str, uow: UowDep) -> ProductRecord:
    record = products.file_product(uow, product_id)
    return record


@router.post("/{product_id}/withdraw", response_model=ProductPublic)
def withdraw_product(product_id: str, uow: UowDep) -> ProductRecord:
    record = products.withdraw_product(uow, product_id)
    return record
