"""Reason codes of ``liubu.monitoring``: the ``code`` of every error this package raises, and of
every line its readers refuse (:class:`~liubu.monitoring.Rejected`).

Stable codes that API and CLI clients switch on. Add new codes; never rename or reuse one. Their
Chinese and English titles live in ``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class MonitoringCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    UNKNOWN_FORMAT = "monitoring.unknown_format"
    LINE_TOO_LONG = "monitoring.line_too_long"
    ENCODING = "monitoring.encoding"
    JSON_SYNTAX = "monitoring.json_syntax"
    NOT_AN_OBJECT = "monitoring.not_an_object"
    MISSING_FIELD = "monitoring.missing_field"
    BAD_VALUE = "monitoring.bad_value"
    BAD_TIME = "monitoring.bad_time"
    ZEEK_HEADER = "monitoring.zeek_header"
    FEED_INVALID = "monitoring.feed_invalid"
    STIX_INVALID = "monitoring.stix_invalid"
    STIX_VERSION = "monitoring.stix_version"
    TOO_LARGE = "monitoring.too_large"
    TAXII_FAILED = "monitoring.taxii_failed"
    BATCH_TOO_LARGE = "monitoring.batch_too_large"
    UNKNOWN_ALERT_STATUS = "monitoring.unknown_alert_status"
    ENTERPRISE_ID = "monitoring.enterprise_id"
    LINE_NOT_JSON = "monitoring.line_not_json"
    BAD_OBSERVATION = "monitoring.bad_observation"
    ILLEGAL_TRANSITION = "monitoring.illegal_transition"
    UNKNOWN_ACTION = "monitoring.unknown_action"
    FALSE_POSITIVE_REASON = "monitoring.false_positive_reason"
    NOTE_TOO_LONG = "monitoring.note_too_long"
    EVIDENCE_REQUIRED = "monitoring.evidence_required"
    NOT_RESCANNABLE = "monitoring.not_rescannable"
    NOT_ASSIGNED = "monitoring.not_assigned"
    ALERT_ID = "monitoring.alert_id"
    SCORE_EFFECTS = "monitoring.score_effects"
    SERVICE_TRANSITION = "monitoring.service_transition"
    UNKNOWN_SERVICE = "monitoring.unknown_service"
    NOT_A_PROVIDER = "monitoring.not_a_provider"
    EVIDENCE_TOO_LONG = "monitoring.evidence_too_long"
    EVIDENCE_SCAN = "monitoring.evidence_scan"
    REJECT_REASON = "monitoring.reject_reason"
    UNKNOWN_TASK_STATUS = "monitoring.unknown_task_status"
    NOT_YOUR_TASK = "monitoring.not_your_task"


def message(code: MonitoringCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.monitoring", code, lang)
