"""Reason codes of ``liubu.core``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class CoreCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    MOBILE_FORMAT = "mobile.format"
    MOBILE_TYPE = "mobile.type"
    USCC_TYPE = "uscc.type"
    USCC_PREFIX = "uscc.prefix"
    USCC_LENGTH = "uscc.length"
    USCC_ALPHABET = "uscc.alphabet"
    USCC_REGISTRATION_AUTHORITY = "uscc.registration_authority"
    USCC_DIVISION = "uscc.division"
    USCC_CHECK_CHARACTER = "uscc.check_character"
    RESIDENT_ID_TYPE = "resident_id.type"
    RESIDENT_ID_PREFIX = "resident_id.prefix"
    RESIDENT_ID_LENGTH = "resident_id.length"
    RESIDENT_ID_CHARACTERS = "resident_id.characters"
    RESIDENT_ID_BIRTH_DATE = "resident_id.birth_date"
    RESIDENT_ID_CHECK_CHARACTER = "resident_id.check_character"
    INDUSTRY_SYNTAX = "industry.syntax"
    INDUSTRY_SECTION = "industry.section"
    INDUSTRY_DIVISION = "industry.division"
    INDUSTRY_MISMATCH = "industry.mismatch"
    MONEY_TYPE = "money.type"
    MONEY_NOT_FINITE = "money.not_finite"
    MONEY_PRO_RATA_DAYS = "money.pro_rata_days"
    MONEY_ALLOCATE_FEN = "money.allocate_fen"
    MONEY_ALLOCATE_WEIGHTS = "money.allocate_weights"
    MONEY_SYNTAX = "money.syntax"
    PERIOD_TYPE = "period.type"
    PERIOD_NAIVE_DATETIME = "period.naive_datetime"
    PERIOD_MIXED_BOUNDS = "period.mixed_bounds"
    PERIOD_END_NOT_AFTER_START = "period.end_not_after_start"
    PERSONAL_DECRYPT_FAILED = "personal.decrypt_failed"
    PERSONAL_FIELD = "personal.field"
    PERSONAL_KEY_LENGTH = "personal.key_length"
    REGION_FORMAT = "region.format"
    REGION_PROVINCE = "region.province"


def message(code: CoreCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.core", code, lang)
