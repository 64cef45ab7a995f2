"""Reason codes of ``liubu.intel``: the ``code`` of every error this package raises.

Stable codes that API and CLI clients switch on; each value is the exact string clients have always
seen. Add new codes; never rename or reuse one. Their Chinese and English titles live in
``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class IntelCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    JSON_SYNTAX = "intel.json_syntax"
    ENCODING = "intel.encoding"
    WRONG_TYPE = "intel.wrong_type"
    MISSING_FIELD = "intel.missing_field"
    BAD_DATE = "intel.bad_date"
    BAD_RANGE = "intel.bad_range"
    BAD_OPERATOR = "intel.bad_operator"
    CPE_SYNTAX = "intel.cpe_syntax"
    WRONG_FORMAT = "intel.wrong_format"
    EPSS_ROW = "intel.epss_row"
    EPSS_FILE = "intel.epss_file"
    ASSET_WILDCARD = "intel.asset_wildcard"
    KEV_CSV = "intel.kev_csv"
    KEV_COUNT = "intel.kev_count"
    KEV_DISAGREE = "intel.kev_disagree"
    KEV_RANSOMWARE = "intel.kev_ransomware"
    CVE_ID = "intel.cve_id"
    PAGE_COUNT = "intel.page_count"
    NO_SUCH_PATH = "intel.no_such_path"
    CVSS_VECTOR = "intel.cvss_vector"
    CVSS_VERSION = "intel.cvss_version"
    CVSS_SCORE = "intel.cvss_score"
    BAD_VERSION = "intel.bad_version"
    TOO_LARGE = "intel.too_large"
    DEBIAN_STATUS = "intel.debian_status"
    DEBIAN_VERSION = "intel.debian_version"


def message(code: IntelCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.intel", code, lang)
