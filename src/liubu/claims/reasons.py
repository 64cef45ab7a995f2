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
    HOTLINE_NO_POLICY = "claims.hotline_no_policy"
    HOTLINE_NOT_IN_FORCE = "claims.hotline_not_in_force"
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
    # Appeals against a statement of loss (申诉, ``service_appeals.py``).
    APPEAL_NO_STATEMENT = "claims.appeal.no_statement"
    APPEAL_CLOSED_UNASSESSED = "claims.appeal.closed_unassessed"
    APPEAL_WINDOW_CLOSED = "claims.appeal.window_closed"
    APPEAL_ALREADY_OPEN = "claims.appeal.already_open"
    APPEAL_BAD_LINES = "claims.appeal.bad_lines"
    APPEAL_BAD_EVIDENCE = "claims.appeal.bad_evidence"
    APPEAL_SAME_ADJUSTER = "claims.appeal.same_adjuster"
    APPEAL_STATE = "claims.appeal.state"
    APPEAL_NOT_REASSESSED = "claims.appeal.not_reassessed"
    APPEAL_DECIDER = "claims.appeal.decider"
    APPEAL_OUTCOME_MISMATCH = "claims.appeal.outcome_mismatch"
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
