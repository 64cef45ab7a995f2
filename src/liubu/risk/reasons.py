"""Reason codes of ``liubu.risk``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class RiskCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    NOT_A_NUMBER = "risk.not_a_number"
    NOT_FINITE = "risk.not_finite"
    NOT_POSITIVE = "risk.not_positive"
    NEGATIVE = "risk.negative"
    NOT_A_PROBABILITY = "risk.not_a_probability"
    NOT_ORDERED = "risk.not_ordered"
    UNKNOWN_VALUE = "risk.unknown_value"
    EMPTY = "risk.empty"
    BAD_WEIGHTS = "risk.bad_weights"
    BAD_THRESHOLD = "risk.bad_threshold"
    BAD_MIXTURE = "risk.bad_mixture"
    HOURS_NOT_BI = "risk.hours_not_bi"
    COMPONENT_FORM = "risk.component_form"
    BAD_CORRELATION = "risk.bad_correlation"
    NO_NAME = "risk.no_name"
    NO_COMPONENTS = "risk.no_components"
    DUPLICATE_COVERAGE = "risk.duplicate_coverage"
    FAIR_RATE_FORM = "risk.fair.rate_form"
    FAIR_INCOMPLETE = "risk.fair.incomplete"
    FAIR_NOT_A_PROBABILITY = "risk.fair.not_a_probability"
    FAIR_UNKNOWN_NODE = "risk.fair.unknown_node"
    FAIR_BAD_PARAMETERS = "risk.fair.bad_parameters"
    BAD_LOG2 = "risk.bad_log2"
    BAD_PADDING = "risk.bad_padding"
    BAD_CURRENCY = "risk.bad_currency"
    BAD_SCENARIOS = "risk.bad_scenarios"
    NO_SCENARIOS = "risk.no_scenarios"
    LIBRARY_SETTINGS = "risk.library_settings"
    EMPTY_FILE = "risk.empty_file"
    YAML_SYNTAX = "risk.yaml_syntax"
    DUPLICATE_KEY = "risk.duplicate_key"
    DUPLICATE_SCENARIO = "risk.duplicate_scenario"
    UNKNOWN_SCENARIO = "risk.unknown_scenario"
    WAITING_PERIOD_NEEDS_HOURS = "risk.waiting_period_needs_hours"
    FFT_NOT_EXACT = "risk.fft_not_exact"
    BAD_COUNT = "risk.bad_count"
    MODE_OUTSIDE = "risk.mode_outside"
    NOT_A_MAPPING = "risk.not_a_mapping"
    UNKNOWN_KEY = "risk.unknown_key"
    MISSING_KEY = "risk.missing_key"
    BAD_KIND = "risk.bad_kind"
    UNKNOWN_KIND = "risk.unknown_kind"
    BAD_EMPIRICAL = "risk.bad_empirical"
    BAD_COMPONENTS = "risk.bad_components"
    BAD_COVERAGES = "risk.bad_coverages"
    BAD_INTERVAL = "risk.bad_interval"
    NOT_A_BOOLEAN = "risk.not_a_boolean"
    SUBLIMIT_BELOW_RETENTION = "risk.sublimit_below_retention"
    WAITING_PERIOD_NOT_BI = "risk.waiting_period_not_bi"


def message(code: RiskCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.risk", code, lang)
