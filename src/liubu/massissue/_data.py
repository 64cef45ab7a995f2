"""Reading the tables shipped in ``liubu/massissue/data`` (lazily, never at import)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from liubu.errors import ConfigurationError


def load_table(filename: str) -> dict[str, Any]:
    """Read one YAML file from ``liubu/massissue/data`` and return its top-level mapping."""
    text = resources.files("liubu.massissue").joinpath("data", filename).read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The data file liubu/massissue/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document
