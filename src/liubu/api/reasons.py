"""Reason codes of ``liubu.api``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class ApiCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    REQUEST_INVALID = "request.invalid"
    VALUE_NOT_STORABLE = "request.value_not_storable"


def message(code: ApiCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.api", code, lang)
