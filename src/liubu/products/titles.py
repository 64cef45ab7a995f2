"""How a product is named on screen (产品名称): its name, its insurer's name and its version —
never its reference code (``insurer/code@version``), which stays in the API, exports and logs.

>>> from liubu.products import load_reference_catalogue
>>> spec = [s for s in load_reference_catalogue() if s.insurer == "shifan-pc"][0]
>>> title = title_of(spec, version=spec.version)
>>> title.insurer.zh.startswith("示范")
True
"""

from __future__ import annotations

from dataclasses import dataclass

from liubu.products.registry import ProductRecord
from liubu.products.spec import ProductSpec
from liubu.products.text import Text
from liubu.products.validation import parse_product


@dataclass(frozen=True)
class ProductTitle:
    """A product as people read it: ``name``, the ``insurer`` that files it and its ``version``
    (the insurer's code when the product file names no insurer)."""

    product_ref: str
    name: Text
    insurer: Text
    version: int


def title_of(spec: ProductSpec, *, version: int) -> ProductTitle:
    insurer = spec.insurer_name or Text(spec.insurer, spec.insurer)
    return ProductTitle(spec.product_id, spec.name, insurer, version)


def product_title(record: ProductRecord) -> ProductTitle:
    """The title of a stored product version (parsing its document, cached by its text)."""
    spec = parse_product(record.document, source=record.product_ref)
    return title_of(spec, version=record.product_version)
