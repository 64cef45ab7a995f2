"""What a loader hands back: the frozen records and a report of what it read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

RecordT = TypeVar("RecordT")


class SourceKind(StrEnum):
    """The feed formats liubu reads."""

    NVD_CVE = "nvd_cve"  # NVD CVE API 2.0 response page (or one vulnerabilities[] item)
    CVE5 = "cve5"  # CVE JSON 5 record (CVE Services, cvelistV5, CISA vulnrichment)
    KEV_JSON = "kev_json"  # CISA Known Exploited Vulnerabilities catalogue, JSON
    KEV_CSV = "kev_csv"  # the same catalogue, CSV
    EPSS_FIRST = "epss_first"  # FIRST daily CSV: "#model_version:…,score_date:…" + header
    EPSS_HEADERLESS = "epss_headerless"  # "CVE;epss;percentile" rows, no header
    DEBIAN_TRACKER = "debian_tracker"  # Debian security tracker JSON (package → CVE → release)


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Pagination metadata of an NVD API 2.0 response."""

    results_per_page: int
    start_index: int
    total_results: int
    timestamp: dt.datetime | None

    @property
    def next_start_index(self) -> int | None:
        """The ``startIndex`` of the next page, or ``None`` on the last page."""
        following = self.start_index + self.results_per_page
        return following if following < self.total_results else None


@dataclass(frozen=True, slots=True)
class LoadReport:
    """Counts and metadata of one loaded file.

    ``records`` counts what was returned; ``rejected`` the CVEs among them marked rejected (they
    are returned, flagged, and never matched); ``cvss_disagreements`` the CVSS entries whose
    stated base score differs from the score recomputed from their vector.
    """

    kind: SourceKind
    source: str
    records: int
    rejected: int = 0
    cvss_disagreements: int = 0
    page: PageInfo | None = None
    catalog_version: str | None = None
    model_version: str | None = None
    score_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Loaded(Generic[RecordT]):
    """The records of one file, in file order, with its report."""

    records: tuple[RecordT, ...]
    report: LoadReport
