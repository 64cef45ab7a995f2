"""Reason codes of ``liubu.jobs``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class JobsCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    # A worker wrote a job it no longer holds (a busy database is a ConcurrencyError too, but one
    # worth trying again; the worker tells them apart by this code).
    LEASE_LOST = "jobs.lease_lost"


def message(code: JobsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.jobs", code, lang)
