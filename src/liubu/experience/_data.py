"""Reading the data files shipped in ``liubu/experience/data`` (lazily, never at import)."""

from __future__ import annotations

from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


def load_yaml_table(filename: str) -> dict[str, Any]:
    """Read one YAML data file and return its top-level mapping (parsed once; a fresh copy)."""
    document = packaged_yaml("liubu.experience", "data", filename)
    if not isinstance(document, dict):
        raise ConfigurationError(
            f"The data file liubu/experience/data/{filename} must be a YAML mapping, "
            f"but it holds a {type(document).__name__}."
        )
    return document


def bilingual(entry: object, *, where: str) -> tuple[str, str]:
    """``(zh, en)`` of a ``{zh: …, en: …}`` mapping in a data file."""
    if not isinstance(entry, dict) or not {"zh", "en"} <= set(entry):
        raise ConfigurationError(
            f"The entry {where} in liubu/experience/data must be a mapping with zh and en text."
        )
    return str(entry["zh"]), str(entry["en"])
