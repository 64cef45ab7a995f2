"""Fixtures and independent helpers: the anti-fraud product, a plan, a cipher, CSV writing, and
GB 11643 check characters computed here from the standard's formula (not by liubu.core)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
import yaml

from liubu.core import PersonalDataCipher
from liubu.massissue import ImportPlan
from liubu.products import ProductSpec, load_reference_catalogue

INCEPTION = dt.date(2025, 1, 1)
HEADER = "name,resident_id,mobile,limit\n"
KEY = bytes(range(100, 132))


def iso7064(first17: str) -> str:
    """GB 11643-1999 §5: (12 − Σ a_i·2^(17−i) mod 11) mod 11, 10 written X."""
    total = sum(int(c) * 2 ** (17 - i) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def rid(division: str, birth: str, order: str = "123") -> str:
    """A resident ID with a correct check character: 6-digit division, YYYYMMDD, 3-digit order."""
    first17 = division + birth + order
    return first17 + iso7064(first17)


def filed_base_premiums() -> dict[Decimal, Decimal]:
    """The base premiums as the catalogue YAML states them, read without liubu.products."""
    path = resources.files("liubu.products").joinpath(
        "data", "catalogue", "yangben-pc_anti-fraud.yaml"
    )
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        Decimal(str(row["limit"])): Decimal(str(row["premium"]))
        for row in document["rate_plan"]["base_premiums"]
    }


@pytest.fixture(scope="session")
def anti_fraud() -> ProductSpec:
    return next(
        spec for spec in load_reference_catalogue() if spec.product_id == "yangben-pc/anti-fraud@1"
    )


@pytest.fixture(scope="session")
def plan(anti_fraud: ProductSpec) -> ImportPlan:
    return ImportPlan(anti_fraud, INCEPTION)


@pytest.fixture(scope="session")
def cipher() -> PersonalDataCipher:
    return PersonalDataCipher(KEY)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` (str, in ``encoding``) or raw bytes as ``people.csv``."""

    def write(content: str | bytes, *, encoding: str = "utf-8", name: str = "people.csv") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return write
