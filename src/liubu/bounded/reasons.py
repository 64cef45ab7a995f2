"""Reason codes of ``liubu.bounded``: why a user's YAML or JSON was refused before it was read.

Stable codes that API and CLI clients switch on. Add new codes; never rename or reuse one. Their
Chinese and English titles live in ``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class BoundedCode(StrEnum):
    """Stable codes of this package's limits. Add new codes; never rename or reuse one."""

    TOO_LONG = "bounded.too_long"
    TOO_DEEP = "bounded.too_deep"
    TOO_MANY_NODES = "bounded.too_many_nodes"
    TOO_MANY_ALIASES = "bounded.too_many_aliases"
    RECURSIVE = "bounded.recursive"


def message(code: BoundedCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.bounded", code, lang)
