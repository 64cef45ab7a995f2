"""Reason codes of ``liubu.claims``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on. Add new codes; never rename or reuse one. Their
Chinese and English titles live in ``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class ClaimsCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    UNKNOWN_INCIDENT_TYPE = "claims.unknown_incident_type"
    # Reserving (准备金评估): a loss-development triangle and the methods run on it.
    TRIANGLE_MALFORMED = "claims.triangle_malformed"
    TRIANGLE_TOO_LARGE = "claims.triangle_too_large"
    TRIANGLE_VALUE = "claims.triangle_value"
    TRIANGLE_DUPLICATE_CELL = "claims.triangle_duplicate_cell"
    TRIANGLE_GRID = "claims.triangle_grid"
    TRIANGLE_GAP = "claims.triangle_gap"
    TRIANGLE_DECREASING = "claims.triangle_decreasing"
    RESERVING_METHOD = "claims.reserving_method"
    RESERVING_EXPOSURE = "claims.reserving_exposure"
    RESERVING_UNDEFINED = "claims.reserving_undefined"
    RESERVING_NO_CLAIMS = "claims.reserving_no_claims"


def message(code: ClaimsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.claims", code, lang)
