"""The product registry (产品备案登记): stored product versions, their status and visibility.

A product version moves draft → filed → withdrawn. A filed version is immutable: a change is a
new version. Drafts are visible only to the insurer that owns them; filed and withdrawn versions
are public (every tenant may read and compare them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from liubu.accounts import UnitOfWork

DRAFT, FILED, WITHDRAWN = "draft", "filed", "withdrawn"


@dataclass(eq=False)
class ProductRecord:
    """One stored product version; ``document`` is its canonical YAML."""

    id: str
    tenant_id: str
    product_ref: str  # insurer/code@version
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
    document: str
    fingerprint: str
    created_at: datetime
    updated_at: datetime
    filed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    version: int = 1  # optimistic lock, not the product's version


class ProductRepository(Protocol):
    def add(self, record: ProductRecord) -> None: ...
    def get(self, record_id: str) -> ProductRecord:
        """A record visible to the caller (its own drafts, anyone's filed versions)."""
        ...

    def list(self) -> Sequence[ProductRecord]: ...
    def find_by_ref(self, product_ref: str) -> ProductRecord | None:
        """Unscoped: refs are unique platform-wide, so a collision must be found."""
        ...

    def series(self, insurer: str, code: str) -> Sequence[ProductRecord]:
        """Every version of ``insurer/code`` (unscoped: for the version-overlap rule)."""
        ...


class ProductsUnitOfWork(UnitOfWork, Protocol):
    @property
    def products(self) -> ProductRepository: ...


def current_versions(records: Sequence[ProductRecord]) -> list[ProductRecord]:
    """The current filed version of each product among ``records`` (the one new business is
    offered; earlier versions stay in force on their policies and renew on them), by insurer
    and code."""
    current: dict[tuple[str, str], ProductRecord] = {}
    for record in records:
        if record.status != FILED:
            continue
        key = (record.insurer, record.code)
        if key not in current or record.product_version > current[key].product_version:
            current[key] = record
    return [current[key] for key in sorted(current)]
