"""Reading the data files shipped in ``liubu/assessment/scan/data`` (lazily, never at import)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from liubu.errors import ConfigurationError


def load_table(filename: str) -> dict[str, Any]:
    """Read one YAML table of the scanner and return its top-level mapping."""
    text = (
        resources.files("liubu.assessment.scan")
        .joinpath("data", filename)
        .read_text(encoding="utf-8")
    )
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The data file liubu/assessment/scan/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document


def require(row: Any, key: str, kind: type, *, filename: str, where: str) -> Any:
    """Return ``row[key]`` after checking its type, naming the file and entry when it is wrong."""
    if not isinstance(row, dict) or not isinstance(row.get(key), kind):
        raise ConfigurationError(
            f"The entry {where} in liubu/assessment/scan/data/{filename} must have a "
            f"{kind.__name__} under {key!r}, but it holds {row!r}."
        )
    return row[key]
