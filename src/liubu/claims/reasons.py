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


def message(code: ClaimsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.claims", code, lang)
