"""Bilingual labels and notes of the coverage position and the adjustment worksheet, and the scope
of each exclusion, from ``data/adjustment.yaml`` (read once).

>>> label("sublimit").en
"Capped at the coverage's sublimit"
>>> note("waiting_time_deductible", hours=8).zh[:6]
'时间免赔8小'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError
from liubu.products import Text

WHOLE_CLAIM = "whole_claim"


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = packaged_yaml("liubu.claims", "data", "adjustment.yaml")
    return data


def label(code: str) -> Text:
    """The zh/en label of a worksheet step."""
    try:
        entry = _table()["steps"][code]
    except KeyError:
        raise ConfigurationError(
            f"The worksheet step {code!r} has no label in liubu/claims/data/adjustment.yaml."
        ) from None
    return Text(str(entry["zh"]), str(entry["en"]))


def note(code: str, **values: object) -> Text:
    """A zh/en note with ``values`` filled into its ``{placeholders}``."""
    try:
        entry = _table()["notes"][code]
        return Text(str(entry["zh"]).format(**values), str(entry["en"]).format(**values))
    except KeyError as error:
        raise ConfigurationError(
            f"The note {code!r} (or its placeholder {error}) is missing from "
            "liubu/claims/data/adjustment.yaml."
        ) from None


def exclusion_scope(code: str) -> tuple[str, ...] | None:
    """The coverages an exclusion takes away, or None when it declines the whole claim."""
    scope = _table()["exclusion_scope"].get(code, WHOLE_CLAIM)
    return None if scope == WHOLE_CLAIM else tuple(str(c) for c in scope)
