"""liubu.intel — vulnerability intelligence (漏洞情报), its own package so that pre-bind
diagnosis (assessment) and in-term monitoring (monitoring) both build on it.

Loaders for the public feeds in their real formats — NVD CVE API 2.0 pages, CVE JSON 5 records
with CISA's ADP container, CISA's KEV catalogue (JSON and CSV), FIRST EPSS scores (both CSV
layouts), Debian's security tracker export (which Debian package version fixed a CVE in which
release, compared with dpkg's ordering) — each returning frozen records and a
:class:`LoadReport`; CPE 2.3 parsing and matching with NVD version ranges; CVSS base scores
recomputed from vectors; and a :class:`VulnerabilityIndex` that turns an asset's CPE names
into prioritised findings.

Pure: no database, no network. The caller persists what it needs.
"""

from __future__ import annotations

from liubu.intel.affected import AffectedProduct, AffectedVersion
from liubu.intel.configuration import ConfigNode, Configuration, CpeCriterion
from liubu.intel.cpe import (
    Cpe,
    cpe_matches,
    escape_value,
    parse_any_cpe,
    parse_cpe,
    parse_cpe_uri,
)
from liubu.intel.cve5 import Cve5Record, SsvcDecision, load_cve5
from liubu.intel.debian import (
    DebianStatus,
    DebianTracker,
    compare_debian_versions,
    load_debian_tracker,
)
from liubu.intel.epss import EpssScore, load_epss
from liubu.intel.index import (
    Hit,
    IndexSummary,
    Match,
    Vulnerability,
    VulnerabilityIndex,
    match_linear,
    merge_vulnerabilities,
)
from liubu.intel.kev import KevEntry, check_kev_agreement, load_kev_csv, load_kev_json
from liubu.intel.nvd import NvdCve, load_nvd
from liubu.intel.paths import IntelBundle, SkippedFile, load_file, load_paths
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, PageInfo, SourceKind
from liubu.intel.scores import CvssScore, cvss_score, preferred_score, score_vector
from liubu.intel.version import compare_versions, in_range, version_key

__all__ = [
    "AffectedProduct",
    "AffectedVersion",
    "ConfigNode",
    "Configuration",
    "Cpe",
    "CpeCriterion",
    "Cve5Record",
    "CvssScore",
    "DebianStatus",
    "DebianTracker",
    "EpssScore",
    "Hit",
    "IndexSummary",
    "IntelBundle",
    "IntelCode",
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
    "compare_debian_versions",
    "compare_versions",
    "cpe_matches",
    "cvss_score",
    "escape_value",
    "in_range",
    "load_cve5",
    "load_debian_tracker",
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
