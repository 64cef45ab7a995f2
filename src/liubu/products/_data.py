"""Reading the data files shipped in ``liubu/products/data`` (lazily, never at import)."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


def data_file(*parts: str) -> Traversable:
    """The packaged data file ``liubu/products/data/<parts…>``."""
    return resources.files("liubu.products").joinpath("data", *parts)


def load_yaml_table(filename: str) -> dict[str, Any]:
    """Read one vocabulary or phrase table and return its top-level mapping."""
    document = packaged_yaml("liubu.products", "data", filename)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The data file liubu/products/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document


def load_json(filename: str) -> dict[str, Any]:
    """Read one JSON data file (the published product schema)."""
    document = json.loads(data_file(filename).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ConfigurationError(f"The data file liubu/products/data/{filename} must be an object.")
    return document
