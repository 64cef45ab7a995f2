"""The tables in ``liubu/intel/data/intel.yaml``, read once on first use."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from liubu.errors import ConfigurationError


@cache
def intel_table(section: str) -> Any:
    """Return one top-level section of the intel data file (a mapping or a list)."""
    text = resources.files("liubu.intel").joinpath("data", "intel.yaml")
    document = yaml.safe_load(text.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or section not in document:
        raise ConfigurationError(
            f"The data file liubu/intel/data/intel.yaml must be a mapping with a "
            f"section {section!r}."
        )
    return document[section]
