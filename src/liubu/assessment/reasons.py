"""Reason codes of ``liubu.assessment``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class AssessmentCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    DATA_FILE = "assessment.data_file"
    ANSWERS_BAD_VALUE = "answers.bad_value"
    ANSWERS_BAD_EVIDENCE = "answers.bad_evidence"
    ANSWERS_BAD_VERSION = "answers.bad_version"
    ANSWERS_BAD_TIME = "answers.bad_time"
    ANSWERS_QUESTIONNAIRE_VERSION = "answers.questionnaire_version"
    ANSWERS_UNKNOWN_QUESTION = "answers.unknown_question"
    ANSWERS_WRONG_TYPE = "answers.wrong_type"
    ANSWERS_NOT_AN_OPTION = "answers.not_an_option"
    ANSWERS_OUT_OF_RANGE = "answers.out_of_range"
    ANSWERS_HIDDEN_ANSWERED = "answers.hidden_answered"
    FIX_COSTS = "assessment.fix_costs"
    RISK_EFFECTS = "assessment.risk_effects"
    SCAN_UNKNOWN_FINDING = "scan.unknown_finding"
    SCAN_EVIDENCE_TIME = "scan.evidence_time"
    SCAN_FINDING_MISMATCH = "scan.finding_mismatch"
    SCAN_INVALID_SETTINGS = "scan.invalid_settings"
    SCAN_INVALID_TARGET = "scan.invalid_target"
    SCAN_UNVERIFIED_TARGET = "scan.unverified_target"
    SCAN_PRIVATE_ADDRESS = "scan.private_address"
    SCAN_INVALID_TOKEN = "scan.invalid_token"  # noqa: S105 - a reason code
    SCORE_MODEL = "assessment.score_model"
    SCAN_NO_VERIFIED_ASSETS = "scan.no_verified_assets"
    ASSET_UNVERIFIED = "asset.unverified"
    SCAN_UNDECLARED = "scan.undeclared"
    TREATMENT_BAD_AMOUNT = "treatment.bad_amount"
    TREATMENT_BAD_TOP = "treatment.bad_top"
    TREATMENT_NO_FIXES = "treatment.no_fixes"
    TREATMENT_UNKNOWN_FIX = "treatment.unknown_fix"
    WAIVER_REASON = "waiver.reason"
    WAIVER_CLOSED = "waiver.closed"
    ASSET_CA_INVALID = "asset.ca_invalid"
    ASSET_CA_TOO_LARGE = "asset.ca_too_large"
    DEPENDENCY_BAD_FIELD = "dependencies.bad_field"
    DEPENDENCY_TOO_MANY = "dependencies.too_many"
    DEPENDENCY_DUPLICATE = "dependencies.duplicate"


def message(code: AssessmentCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.assessment", code, lang)
