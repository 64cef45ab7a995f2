"""The tables in ``liubu/intel/data/intel.yaml``, read once on first use."""

from __future__ import annotations

from functools import cache
from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


@cache
def intel_table(section: str) -> Any:
    """Return one top-level section of the intel data file (a mapping or a list)."""
    document = packaged_yaml("liubu.intel", "data", "intel.yaml")
    if not isinstance(document, dict) or section not in document:
        raise ConfigurationError(
            f"The data file liubu/intel/data/intel.yaml must be a mapping with a "
            f"section {section!r}."
        )
    return document[section]
