"""Fixtures: reference products by id and a typical SME applicant."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from liubu.products import ProductSpec, load_reference_catalogue
from liubu.underwriting import Applicant


@pytest.fixture(scope="session")
def product() -> Callable[[str], ProductSpec]:
    """The reference product with this ``insurer/code@version``."""
    by_id = {spec.product_id: spec for spec in load_reference_catalogue()}
    return by_id.__getitem__


@pytest.fixture(scope="session")
def sme(product: Callable[[str], ProductSpec]) -> ProductSpec:
    return product("shifan-pc/sme-cyber-comprehensive@1")


def make_applicant(**changes: Any) -> Applicant:
    """A manufacturer with ¥30m revenue, score 72.5, MLPS level 2, no claims."""
    values: dict[str, Any] = {
        "industry_section": "C",
        "revenue": Decimal(30_000_000),
        "score": 72.5,
        "grade": "B",
        "mlps_level": 2,
        "claims_count": 0,
    }
    values.update(changes)
    return Applicant(**values)


@pytest.fixture
def applicant() -> Applicant:
    return make_applicant()
