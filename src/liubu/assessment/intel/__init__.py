"""Vulnerability intelligence for pre-bind assessment (保前诊断 · 漏洞情报).

Loaders for the public feeds in their real formats — NVD CVE API 2.0 pages, CVE JSON 5 records
with CISA's ADP container, CISA's KEV catalogue (JSON and CSV), FIRST EPSS scores (both CSV
layouts) — each returning frozen records and a :class:`LoadReport`; CPE 2.3 parsing and matching
with NVD version ranges; CVSS base scores recomputed from vectors; and a
:class:`VulnerabilityIndex` that turns an asset's CPE names into prioritised findings.

Pure: no database, no network. The caller persists what it needs.
"""

from __future__ import annotations

from liubu.assessment.intel.affected import AffectedProduct, AffectedVersion
from liubu.assessment.intel.configuration import ConfigNode, Configuration, CpeCriterion
from liubu.assessment.intel.cpe import (
    Cpe,
    cpe_matches,
    escape_value,
    parse_any_cpe,
    parse_cpe,
    parse_cpe_uri,
)
from liubu.assessment.intel.cve5 import Cve5Record, SsvcDecision, load_cve5
from liubu.assessment.intel.epss import EpssScore, load_epss
from liubu.assessment.intel.index import (
    Hit,
    IndexSummary,
    Match,
    Vulnerability,
    VulnerabilityIndex,
    match_linear,
    merge_vulnerabilities,
)
from liubu.assessment.intel.kev import KevEntry, check_kev_agreement, load_kev_csv, load_kev_json
from liubu.assessment.intel.nvd import NvdCve, load_nvd
from liubu.assessment.intel.paths import IntelBundle, SkippedFile, load_file, load_paths
from liubu.assessment.intel.report import Loaded, LoadReport, PageInfo, SourceKind
from liubu.assessment.intel.scores import CvssScore, cvss_score, preferred_score, score_vector
from liubu.assessment.intel.version import compare_versions, in_range, version_key

__all__ = [
    "AffectedProduct",
    "AffectedVersion",
    "ConfigNode",
    "Configuration",
    "Cpe",
    "CpeCriterion",
    "Cve5Record",
    "CvssScore",
    "EpssScore",
    "Hit",
    "IndexSummary",
    "IntelBundle",
    "KevEntry",
    "LoadReport",
    "Loaded",
    "Match",
    "NvdCve",
    "PageInfo",
    "SkippedFile",
    "SourceKind",
    "SsvcDecision",
    "Vulnerability",
    "VulnerabilityIndex",
    "check_kev_agreement",
    "compare_versions",
    "cpe_matches",
    "cvss_score",
    "escape_value",
    "in_range",
    "load_cve5",
    "load_epss",
    "load_file",
    "load_kev_csv",
    "load_kev_json",
    "load_nvd",
    "load_paths",
    "match_linear",
    "merge_vulnerabilities",
    "parse_any_cpe",
    "parse_cpe",
    "parse_cpe_uri",
    "preferred_score",
    "score_vector",
    "version_key",
]
