"""Loading the reference tables shipped in ``liubu/core/data`` (read lazily, never at import)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


def load_table(filename: str) -> dict[str, Any]:
    """Read one YAML file from ``liubu/core/data`` and return its top-level mapping."""
    document = packaged_yaml("liubu.core", "data", filename)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The reference table liubu/core/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document


def require_keys(row: object, keys: frozenset[str], *, filename: str) -> Mapping[str, Any]:
    """Check that one row of a table is a mapping with exactly ``keys`` (catches YAML slips)."""
    if not isinstance(row, Mapping) or set(row) != keys:
        raise ConfigurationError(
            f"The row {row!r} in liubu/core/data/{filename} must have exactly the keys "
            f"{sorted(keys)}."
        )
    return row
