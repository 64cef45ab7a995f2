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
    # Coverage position and loss adjustment (terms, coverage, adjustment, documents).
    TERMS_PRODUCT_MISMATCH = "claims.terms_product_mismatch"
    TERMS_INCOMPLETE = "claims.terms_incomplete"
    RECORD_SCHEMA = "claims.record_schema"
    BAD_PERIOD = "claims.bad_period"
    BAD_TIMES = "claims.bad_times"
    OCCURRED_OUTSIDE_PERIOD = "claims.occurred_outside_period"
    NOTIFIED_OUTSIDE_REPORTING = "claims.notified_outside_reporting"
    BEFORE_RETROACTIVE_DATE = "claims.before_retroactive_date"
    WITHIN_INCEPTION_WAITING = "claims.within_inception_waiting"
    NO_COVERAGE_TRIGGERED = "claims.no_coverage_triggered"
    EXCLUSION_APPLIES = "claims.exclusion_applies"
    EXCLUSION_UNDECIDED = "claims.exclusion_undecided"
    BAD_RULING = "claims.bad_ruling"
    UNKNOWN_COVERAGE = "claims.unknown_coverage"
    BAD_LOSS_ITEM = "claims.bad_loss_item"
    BAD_BUSINESS_INTERRUPTION = "claims.bad_business_interruption"
    BAD_EARLIER_IN_PERIOD = "claims.bad_earlier_in_period"
    SANCTIONS_HIT = "claims.sanctions_hit"
    SANCTIONS_NOT_SCREENED = "claims.sanctions_not_screened"
    COVERAGE_NOT_TRIGGERED = "claims.coverage_not_triggered"
    NOT_COVERED = "claims.not_covered"
    AGGREGATE_EXHAUSTED = "claims.aggregate_exhausted"
    BAD_DOCUMENT = "claims.bad_document"
    # Notices, reserves, payments, incident response (the claims core).
    POLICY_NOT_IN_FORCE = "claims.policy_not_in_force"
    BAD_DATES = "claims.bad_dates"
    CLAIM_CLOSED = "claims.claim_closed"
    CLAIM_OPEN = "claims.claim_open"
    REASON_REQUIRED = "claims.reason_required"
    BAD_AMOUNT = "claims.bad_amount"
    NO_RESERVE_LINE = "claims.no_reserve_line"
    ABOVE_RESERVE = "claims.above_reserve"
    KEY_REUSED = "claims.key_reused"
    APPROVAL_DECIDED = "claims.approval_decided"
    BEYOND_AUTHORITY = "claims.beyond_authority"
    SELF_APPROVAL = "claims.self_approval"
    NOT_ON_PANEL = "claims.not_on_panel"
    DISPATCH_DECIDED = "claims.dispatch_decided"
    NOT_DISPATCHED = "claims.not_dispatched"
    EVIDENCE_CHANGED = "claims.evidence_changed"
    EVIDENCE_CORRUPT = "claims.evidence_corrupt"
    ABOVE_IR_SUBLIMIT = "claims.above_ir_sublimit"
    NO_IR_COVER = "claims.no_ir_cover"
    BAD_RECOVERY = "claims.bad_recovery"


def message(code: ClaimsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.claims", code, lang)
