"""The reference catalogue (参考产品目录): one or more products of every product type.

The products live in ``data/catalogue/*.yaml``; each states in its ``illustrative`` field which of
its figures are illustrative rather than an insurer's filed terms.
"""

from __future__ import annotations

from functools import cache

from liubu.products._data import data_file
from liubu.products.spec import ProductSpec
from liubu.products.validation import parse_product

CATALOGUE_DIR = "catalogue"


def catalogue_sources() -> list[tuple[str, str]]:
    """``(file name, text)`` of each reference product file, sorted by file name."""
    folder = data_file(CATALOGUE_DIR)
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    return [(entry.name, entry.read_text(encoding="utf-8")) for entry in files]


@cache
def _catalogue() -> tuple[ProductSpec, ...]:
    return tuple(
        parse_product(text, source=f"liubu/products/data/catalogue/{name}")
        for name, text in catalogue_sources()
    )


def load_reference_catalogue() -> list[ProductSpec]:
    """Every reference product, parsed and validated (sorted by file name)."""
    return list(_catalogue())
