"""NVD CVE API 2.0 responses (https://nvd.nist.gov/developers/vulnerabilities).

A response page is ``{"resultsPerPage", "startIndex", "totalResults", "format": "NVD_CVE",
"version": "2.0", "timestamp", "vulnerabilities": [{"cve": {…}}, …]}``; a file holding a single
``{"cve": {…}}`` item is read too. The whole page is parsed before anything is returned, so a
malformed field anywhere raises one located error and no partial result escapes. A version
bound written ``"-"`` or ``"*"`` (seen in real pages) is read as no bound.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from liubu.errors import ValidationError
from liubu.intel._json import JsonAt, located, read_json
from liubu.intel.configuration import (
    ConfigNode,
    Configuration,
    CpeCriterion,
    parse_operator,
)
from liubu.intel.cpe import parse_cpe
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, PageInfo, SourceKind
from liubu.intel.scores import CvssScore, cvss_score, preferred_score

CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}")
_METRIC_KEYS = ("cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2")
_RANGE_KEYS = (
    "versionStartIncluding",
    "versionStartExcluding",
    "versionEndIncluding",
    "versionEndExcluding",
)


def check_cve_id(cve_id: str) -> str:
    """Return ``cve_id`` if it has the form ``CVE-YYYY-NNNN…``; raise otherwise."""
    if not CVE_ID.fullmatch(cve_id):
        raise ValidationError(
            f"The CVE identifier {cve_id!r} must have the form CVE-YYYY-NNNN (four or more "
            "digits after the year).",
            code=IntelCode.CVE_ID,
            field="cve_id",
            value=cve_id,
        )
    return cve_id


@dataclass(frozen=True, slots=True)
class NvdCve:
    """One CVE as NVD publishes it, with its applicability statements and CVSS scores."""

    cve_id: str
    status: str
    published: dt.datetime
    last_modified: dt.datetime
    description: str
    cwes: tuple[str, ...]
    cvss: tuple[CvssScore, ...]
    configurations: tuple[Configuration, ...]
    source_identifier: str | None = None

    def __post_init__(self) -> None:
        check_cve_id(self.cve_id)

    @property
    def rejected(self) -> bool:
        """NVD marks a withdrawn or duplicate CVE ``vulnStatus: Rejected``."""
        return self.status == "Rejected"

    @property
    def best_cvss(self) -> CvssScore | None:
        return preferred_score(self.cvss)


def load_nvd(path: str | Path) -> Loaded[NvdCve]:
    """Load one NVD CVE API 2.0 response page (or one ``{"cve": …}`` item) from ``path``."""
    return nvd_from_document(read_json(Path(path)))


def nvd_from_document(root: JsonAt) -> Loaded[NvdCve]:
    """Parse an already-read NVD document (``load_paths`` reads each file once)."""
    if root.has("cve"):
        items = [root]
        page = None
    else:
        _check_format(root)
        items = list(root.field("vulnerabilities").items())
        page = _page_info(root, len(items))
    records = tuple(_cve(item.field("cve")) for item in items)
    report = LoadReport(
        kind=SourceKind.NVD_CVE,
        source=root.source,
        records=len(records),
        rejected=sum(record.rejected for record in records),
        cvss_disagreements=sum(not s.agrees for record in records for s in record.cvss),
        page=page,
    )
    return Loaded(records, report)


def _check_format(root: JsonAt) -> None:
    fmt = root.field("format")
    if fmt.text() != "NVD_CVE":
        raise fmt.error(
            f"The response format {fmt.value!r} is not NVD_CVE, so this is not a CVE API page.",
            code=IntelCode.WRONG_FORMAT,
        )
    version = root.field("version")
    if version.text() != "2.0":
        raise version.error(
            f"The NVD API version {version.value!r} is not 2.0, the version liubu reads.",
            code=IntelCode.WRONG_FORMAT,
        )


def _page_info(root: JsonAt, count: int) -> PageInfo:
    per_page = root.field("resultsPerPage")
    info = PageInfo(
        results_per_page=per_page.integer(),
        start_index=root.field("startIndex").integer(),
        total_results=root.field("totalResults").integer(),
        timestamp=root.field("timestamp").timestamp() if root.has("timestamp") else None,
    )
    if info.results_per_page != count:
        raise per_page.error(
            f"The page says resultsPerPage {info.results_per_page} but holds {count} "
            "vulnerabilities; the file is truncated or altered.",
            code=IntelCode.PAGE_COUNT,
        )
    if info.start_index < 0 or info.start_index + count > info.total_results:
        raise per_page.error(
            f"The page covers results {info.start_index}–{info.start_index + count} of "
            f"{info.total_results}, which is impossible.",
            code=IntelCode.PAGE_COUNT,
        )
    return info


def _cve(cve: JsonAt) -> NvdCve:
    id_at = cve.field("id")
    with located(id_at.location):
        cve_id = check_cve_id(id_at.text())
    return NvdCve(
        cve_id=cve_id,
        status=cve.field("vulnStatus").text(),
        published=cve.field("published").timestamp(),
        last_modified=cve.field("lastModified").timestamp(),
        description=_english(cve),
        cwes=_cwes(cve),
        cvss=_metrics(cve),
        configurations=tuple(_configuration(c) for c in cve.optional_items("configurations")),
        source_identifier=cve.optional_text("sourceIdentifier"),
    )


def _english(cve: JsonAt) -> str:
    texts = {
        d.field("lang").text(): d.field("value").text() for d in cve.field("descriptions").items()
    }
    return texts.get("en", next(iter(texts.values()), ""))


def _cwes(cve: JsonAt) -> tuple[str, ...]:
    found = (
        description.field("value").text()
        for weakness in cve.optional_items("weaknesses")
        for description in weakness.field("description").items()
    )
    return tuple(dict.fromkeys(cwe for cwe in found if cwe.startswith("CWE-")))


def _metrics(cve: JsonAt) -> tuple[CvssScore, ...]:
    metrics = cve.optional("metrics")
    if metrics is None:
        return ()
    scores: list[CvssScore] = []
    for key in _METRIC_KEYS:
        for metric in metrics.optional_items(key):
            data = metric.field("cvssData")
            vector = data.field("vectorString")
            with located(vector.location):
                scores.append(
                    cvss_score(
                        vector.text(),
                        stated_score=data.field("baseScore").number(),
                        stated_version=data.field("version").text(),
                        provider=metric.field("source").text(),
                        primary=metric.field("type").text() == "Primary",
                    )
                )
    return tuple(scores)


def _configuration(config: JsonAt) -> Configuration:
    with located(config.location):
        operator = config.optional("operator")
        return Configuration(
            nodes=tuple(_node(node) for node in config.field("nodes").items()),
            operator=parse_operator(operator.text() if operator else "OR", where="configuration"),
            negate=config.field("negate").flag() if config.has("negate") else False,
        )


def _node(node: JsonAt) -> ConfigNode:
    with located(node.location):
        return ConfigNode(
            operator=parse_operator(node.field("operator").text()),
            criteria=tuple(_criterion(match) for match in node.field("cpeMatch").items()),
            negate=node.field("negate").flag() if node.has("negate") else False,
        )


def _bound(text: str | None) -> str | None:
    # Real pages carry "versionStartIncluding": "-" (CVE-2022-4064): NA, i.e. no lower bound.
    return None if text in (None, "-", "*", "") else text


def _criterion(match: JsonAt) -> CpeCriterion:
    criteria = match.field("criteria")
    with located(criteria.location):
        cpe = parse_cpe(criteria.text())
    with located(match.location):
        bounds = {key: _bound(match.optional_text(key)) for key in _RANGE_KEYS}
        return CpeCriterion(
            criteria=cpe,
            vulnerable=match.field("vulnerable").flag(),
            version_start_including=bounds["versionStartIncluding"],
            version_start_excluding=bounds["versionStartExcluding"],
            version_end_including=bounds["versionEndIncluding"],
            version_end_excluding=bounds["versionEndExcluding"],
            match_criteria_id=match.optional_text("matchCriteriaId"),
        )
