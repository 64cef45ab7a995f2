"""Reading the tables shipped in ``liubu/massissue/data`` (lazily, never at import)."""

from __future__ import annotations

from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


def load_table(filename: str) -> dict[str, Any]:
    """Read one YAML file from ``liubu/massissue/data`` and return its top-level mapping."""
    document = packaged_yaml("liubu.massissue", "data", filename)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The data file liubu/massissue/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document
