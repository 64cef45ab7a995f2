"""Reason codes of ``liubu.underwriting``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class UnderwritingCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    BAD_APPLICANT = "underwriting.bad_applicant"
    MLPS_LEVEL_NOT_RATED = "underwriting.mlps_level_not_rated"
    NUMBER_TYPE = "underwriting.number_type"
    OVERRIDE_NOT_FILED = "underwriting.override_not_filed"
    OVERRIDE_NOT_POSITIVE = "underwriting.override_not_positive"
    BEYOND_AUTHORITY = "underwriting.beyond_authority"
    GROUP_QUOTE_OTHER_SCHEME = "group.quote_other_scheme"
    QUOTE_EXPIRED = "quote.expired"
    GROUP_QUOTE_STALE = "group.quote_stale"
    GROUP_SCHEME_BOUND = "group.scheme_bound"
    GROUP_PRODUCT_NOT_FILED = "group.product_not_filed"
    GROUP_NOT_GROUP_PRODUCT = "group.not_group_product"
    GROUP_BAD_ACCESS = "group.bad_access"
    GROUP_SUPPLIES_MISSING = "group.supplies_missing"
    GROUP_MEMBER_NOT_REGISTERED = "group.member_not_registered"
    GROUP_SPONSOR_AS_MEMBER = "group.sponsor_as_member"
    GROUP_MEMBER_DUPLICATE = "group.member_duplicate"
    GROUP_MEMBER_GONE = "group.member_gone"
    GROUP_BAD_KIND = "group.bad_kind"
    GROUP_PRODUCT_KIND_MISMATCH = "group.product_kind_mismatch"
    GROUP_MEMBERS_COUNT = "group.members_count"
    GROUP_SCORES_MISMATCH = "group.scores_mismatch"
    GROUP_MEMBER_INELIGIBLE = "group.member_ineligible"
    GROUP_FLOATING_FACTOR_UNSUPPORTED = "group.floating_factor_unsupported"
    GROUP_BAD_SCORE = "group.bad_score"
    GROUP_NO_ACCEPTED_MEMBERS = "group.no_accepted_members"
    GROUP_MEMBER_UNVERIFIED = "group.member_unverified"
    GROUP_INVITATION_STATE = "group.invitation_state"
    GROUP_LINK_UNKNOWN_MEMBER = "group.link_unknown_member"
    GROUP_LINK_SELF = "group.link_self"
    GROUP_LINK_DUPLICATE = "group.link_duplicate"
    GROUP_LINK_COUNT = "group.link_count"
    NO_TECHNICAL_PREMIUM = "underwriting.no_technical_premium"
    BREAKDOWN_STALE = "underwriting.breakdown_stale"
    POLICY_NOT_IN_FORCE = "policy.not_in_force"
    LOAD_RANGE = "underwriting.load_range"
    LOAD_BOOK = "underwriting.load_book"
    LOAD_TYPE = "underwriting.load_type"
    BAD_CANCELLATION_RULE = "underwriting.bad_cancellation_rule"
    BAD_DATE = "underwriting.bad_date"
    BAD_PERIOD = "underwriting.bad_period"
    DATE_OUTSIDE_PERIOD = "underwriting.date_outside_period"
    SHORT_RATE_TERM = "underwriting.short_rate_term"
    BAD_CLAIMS_COUNT = "underwriting.bad_claims_count"
    RECORD_SCHEMA = "underwriting.record_schema"
    SUBMISSION_UNPRICEABLE = "underwriting.submission_unpriceable"
    BAD_ENGINE = "underwriting.bad_engine"
    LIMIT_NOT_OFFERED = "underwriting.limit_not_offered"
    RETENTION_NOT_OFFERED = "underwriting.retention_not_offered"
    BAD_EXPERIENCE = "underwriting.bad_experience"
    DECLARATIONS_REQUIRED = "bind.declarations_required"
    START_OUT_OF_RANGE = "bind.start_out_of_range"
    PAYMENT_AMOUNT = "payment.amount"
    PAYMENT_DATE = "payment.date"


def message(code: UnderwritingCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.underwriting", code, lang)
