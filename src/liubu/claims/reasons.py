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
    # Anti-fraud resident claims (反诈险理赔, ``antifraud*.py``): bad input first, then the
    # reasons a claim is refused, then the notes an accepted claim's worksheet carries.
    RECEIPT_NUMBER = "claims.antifraud.receipt_number"
    RECEIPT_MONTH = "claims.antifraud.receipt_month"
    RESIDENT_ID = "claims.antifraud.resident_id"
    AMOUNT = "claims.antifraud.amount"
    DATE = "claims.antifraud.date"
    DATE_ORDER = "claims.antifraud.date_order"
    UNKNOWN_CAUSE = "claims.antifraud.unknown_cause"
    TEXT = "claims.antifraud.text"
    NO_POLICY = "claims.antifraud.no_policy"
    ALREADY_CLAIMED = "claims.antifraud.already_claimed"
    DUPLICATE_IN_FILE = "claims.antifraud.duplicate_in_file"
    ROW_COLUMNS = "claims.antifraud.row_columns"
    MALFORMED = "claims.antifraud.malformed"
    FILE = "claims.antifraud.file"
    HEADER = "claims.antifraud.header"
    INSURER = "claims.antifraud.insurer"
    PRODUCT_TERMS = "claims.antifraud.product_terms"
    NOT_IN_FORCE = "claims.antifraud.not_in_force"
    WAITING_PERIOD = "claims.antifraud.waiting_period"
    LATE_NOTICE = "claims.antifraud.late_notice"
    EXCLUDED_CAUSE = "claims.antifraud.excluded_cause"
    WITHIN_RETENTION = "claims.antifraud.within_retention"
    CAPPED_AT_LIMIT = "claims.antifraud.capped_at_limit"
    RECOVERY_WAIT = "claims.antifraud.recovery_wait"


def message(code: ClaimsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.claims", code, lang)
