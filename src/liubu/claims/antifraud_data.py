"""Reading ``liubu/claims/data/antifraud.yaml`` (lazily, never at import)."""

from __future__ import annotations

from functools import cache
from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError


@cache
def antifraud_table() -> dict[str, Any]:
    """The anti-fraud claims table: receipt form, file columns, row reasons, worksheet steps.
    Read once per process; callers must not change it."""
    document = packaged_yaml("liubu.claims", "data", "antifraud.yaml")
    if not isinstance(document, dict):
        raise ConfigurationError("liubu/claims/data/antifraud.yaml must be a YAML mapping.")
    return document
