"""Reading the data files shipped in ``liubu/assessment/scan/data`` (lazily, never at import)."""

from __future__ import annotations

from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


def load_table(filename: str) -> dict[str, Any]:
    """Read one YAML table of the scanner and return its top-level mapping."""
    document = packaged_yaml("liubu.assessment.scan", "data", filename)
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
