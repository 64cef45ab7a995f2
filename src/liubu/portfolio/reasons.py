"""Reason codes of ``liubu.portfolio``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on. Add new codes; never rename or reuse one. Their
Chinese and English titles live in ``data/reasons.yaml``.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class PortfolioCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    UNKNOWN_DEPENDENCY = "portfolio.unknown_dependency"
    DEPENDENCY_KIND = "portfolio.dependency_kind"
    DUPLICATE_ID = "portfolio.duplicate_id"
    NEGATIVE_RATE = "portfolio.negative_rate"
    NO_TERMS = "portfolio.no_terms"
    BAD_FIELD = "portfolio.bad_field"
    MISSING_FIELD = "portfolio.missing_field"
    UNKNOWN_FIELD = "portfolio.unknown_field"
    FAMILY_KIND = "portfolio.family_kind"
    TARGET_KIND = "portfolio.target_kind"
    EMPTY_BOOK = "portfolio.empty_book"
    BAD_RUN = "portfolio.bad_run"
    SCHEDULER_UNREACHABLE = "portfolio.scheduler_unreachable"
    BLOCK_FAILED = "portfolio.block_failed"
    BAD_FILE = "portfolio.bad_file"
    UNKNOWN_MEMBER = "portfolio.unknown_member"
    BAD_PROBABILITY = "portfolio.bad_probability"
    CHAIN_OWNER = "portfolio.chain_owner"
    NOT_A_CHAIN = "portfolio.not_a_chain"
    SCENARIO_KIND = "portfolio.scenario_kind"
    UNKNOWN_SCENARIO = "portfolio.unknown_scenario"
    CAPITAL_LEVEL = "portfolio.capital_level"
    BOOK_MISMATCH = "portfolio.book_mismatch"
    FILE_TOO_LARGE = "portfolio.file_too_large"
    IMPORT_TOO_LARGE = "portfolio.import_too_large"
    NOT_AN_INSURER = "portfolio.not_an_insurer"


def message(code: PortfolioCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.portfolio", code, lang)
