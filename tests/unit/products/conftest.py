from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def base_text() -> str:
    """A small valid product document (tests/unit/products/data/base_product.yaml)."""
    return (DATA / "base_product.yaml").read_text(encoding="utf-8")
