"""CVE JSON 5 records (CVE Services, cvelistV5, CISA vulnrichment), with their ADP containers.

A record is ``{"dataType": "CVE_RECORD", "dataVersion": "5.x", "cveMetadata": {…},
"containers": {"cna": {…}, "adp": [{…}, …]}}``. liubu reads from it: the state (PUBLISHED or
REJECTED), the English description, CWE ids, every CVSS vector in the CNA and ADP containers
(recomputed, see :mod:`~liubu.intel.scores`), the affected products, and from CISA's
"Vulnrichment" ADP container the SSVC decision points (Exploitation, Automatable, Technical Impact)
and the KEV date. Affected entries that name CPEs become matching criteria
(:mod:`~liubu.intel.affected`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from liubu.intel._json import JsonAt, located, read_json
from liubu.intel.affected import (
    AffectedProduct,
    AffectedVersion,
    affected_configurations,
    affected_criteria,
)
from liubu.intel.configuration import Configuration
from liubu.intel.cpe import parse_any_cpe
from liubu.intel.nvd import check_cve_id
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, SourceKind
from liubu.intel.scores import CvssScore, cvss_score, preferred_score

_CVSS_KEYS = ("cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0")
_SSVC_POINTS = {
    "Exploitation": "exploitation",
    "Automatable": "automatable",
    "Technical Impact": "technical_impact",
}


@dataclass(frozen=True, slots=True)
class SsvcDecision:
    """CISA's SSVC decision points for a CVE (Exploitation: none/poc/active; Automatable: yes/no;
    Technical Impact: partial/total)."""

    exploitation: str | None
    automatable: str | None
    technical_impact: str | None
    version: str | None = None
    role: str | None = None
    timestamp: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Cve5Record:
    """The parts of a CVE JSON 5 record liubu uses."""

    cve_id: str
    state: str
    assigner: str | None
    date_published: dt.datetime | None
    date_updated: dt.datetime | None
    title: str | None
    description: str
    cwes: tuple[str, ...]
    cvss: tuple[CvssScore, ...]
    affected: tuple[AffectedProduct, ...]
    configurations: tuple[Configuration, ...]
    ssvc: SsvcDecision | None = None
    kev_date_added: dt.date | None = None
    kev_reference: str | None = None

    def __post_init__(self) -> None:
        check_cve_id(self.cve_id)

    @property
    def rejected(self) -> bool:
        return self.state == "REJECTED"

    @property
    def best_cvss(self) -> CvssScore | None:
        return preferred_score(self.cvss)


def load_cve5(path: str | Path) -> Loaded[Cve5Record]:
    """Load one CVE JSON 5 record file."""
    return cve5_from_document(read_json(Path(path)))


def cve5_from_document(root: JsonAt) -> Loaded[Cve5Record]:
    """Parse an already-read CVE JSON 5 document."""
    record = _record(root)
    report = LoadReport(
        kind=SourceKind.CVE5,
        source=root.source,
        records=1,
        rejected=int(record.rejected),
        cvss_disagreements=sum(not score.agrees for score in record.cvss),
    )
    return Loaded((record,), report)


def _record(root: JsonAt) -> Cve5Record:
    data_type = root.field("dataType")
    if data_type.text() != "CVE_RECORD":
        raise data_type.error(
            f"The dataType {data_type.value!r} is not CVE_RECORD.", code=IntelCode.WRONG_FORMAT
        )
    meta = root.field("cveMetadata")
    id_at = meta.field("cveId")
    with located(id_at.location):
        cve_id = check_cve_id(id_at.text())
    containers = root.field("containers")
    cna = containers.field("cna")
    adps = list(containers.optional_items("adp"))
    assigner = meta.optional_text("assignerShortName")
    providers = [(cna, f"cna:{assigner or _short_name(cna) or 'unknown'}", True)] + [
        (adp, f"adp:{_short_name(adp) or 'unknown'}", False) for adp in adps
    ]
    affected = tuple(
        _affected(entry, provider)
        for container, provider, _ in providers
        for entry in container.optional_items("affected")
    )
    ssvc, kev_added, kev_reference = _vulnrichment(adps)
    return Cve5Record(
        cve_id=cve_id,
        state=meta.field("state").text(),
        assigner=assigner,
        date_published=_optional_time(meta, "datePublished"),
        date_updated=_optional_time(meta, "dateUpdated"),
        title=cna.optional_text("title"),
        description=_english(cna),
        cwes=tuple(dict.fromkeys(cwe for c, _, _ in providers for cwe in _cwes(c))),
        cvss=tuple(s for c, name, primary in providers for s in _scores(c, name, primary)),
        affected=affected,
        configurations=affected_configurations(affected),
        ssvc=ssvc,
        kev_date_added=kev_added,
        kev_reference=kev_reference,
    )


def _short_name(container: JsonAt) -> str | None:
    meta = container.optional("providerMetadata")
    return None if meta is None else meta.optional_text("shortName")


def _optional_time(meta: JsonAt, key: str) -> dt.datetime | None:
    value = meta.optional(key)
    return None if value is None else value.timestamp()


def _english(cna: JsonAt) -> str:
    key = "descriptions" if cna.has("descriptions") else "rejectedReasons"
    texts = {d.field("lang").text(): d.field("value").text() for d in cna.optional_items(key)}
    english = [text for lang, text in texts.items() if lang.lower().startswith("en")]
    return english[0] if english else next(iter(texts.values()), "")


def _cwes(container: JsonAt) -> list[str]:
    return [
        cwe
        for problem in container.optional_items("problemTypes")
        for description in problem.optional_items("descriptions")
        if (cwe := description.optional_text("cweId")) is not None
    ]


def _scores(container: JsonAt, provider: str, primary: bool) -> list[CvssScore]:
    scores: list[CvssScore] = []
    for metric in container.optional_items("metrics"):
        for key in _CVSS_KEYS:
            block = metric.optional(key)
            if block is None:
                continue
            vector = block.field("vectorString")
            with located(vector.location):
                stated = block.optional("baseScore")
                scores.append(
                    cvss_score(
                        vector.text(),
                        stated_score=None if stated is None else stated.number(),
                        stated_version=block.optional_text("version"),
                        provider=provider,
                        primary=primary,
                    )
                )
    return scores


def _affected(entry: JsonAt, provider: str) -> AffectedProduct:
    cpes = []
    for cpe in entry.optional_items("cpes"):
        with located(cpe.location):
            cpes.append(parse_any_cpe(cpe.text()))
    versions = tuple(
        AffectedVersion(
            status=version.field("status").text(),
            version=version.field("version").text(),
            less_than=version.optional_text("lessThan"),
            less_than_or_equal=version.optional_text("lessThanOrEqual"),
            version_type=version.optional_text("versionType"),
        )
        for version in entry.optional_items("versions")
    )
    with located(entry.location):
        product = AffectedProduct(
            provider=provider,
            vendor=entry.optional_text("vendor"),
            product=entry.optional_text("product"),
            cpes=tuple(cpes),
            versions=versions,
            default_status=entry.optional_text("defaultStatus"),
        )
        affected_criteria(product)  # an unorderable version bound is reported here, located
    return product


def _vulnrichment(
    adps: list[JsonAt],
) -> tuple[SsvcDecision | None, dt.date | None, str | None]:
    """SSVC decision points and the KEV date from the ADP containers' ``metrics[].other``."""
    ssvc: SsvcDecision | None = None
    kev_added: dt.date | None = None
    kev_reference: str | None = None
    for adp in adps:
        for metric in adp.optional_items("metrics"):
            other = metric.optional("other")
            if other is None:
                continue
            kind, content = other.field("type").text(), other.field("content")
            if kind == "ssvc" and ssvc is None:
                ssvc = _ssvc(content)
            elif kind == "kev" and kev_added is None:
                kev_added = content.field("dateAdded").day()
                kev_reference = content.optional_text("reference")
    return ssvc, kev_added, kev_reference


def _ssvc(content: JsonAt) -> SsvcDecision:
    points: dict[str, str] = {}
    for option in content.optional_items("options"):
        for name in option.keys():  # noqa: SIM118 - JsonAt.keys(), not a dict
            if name in _SSVC_POINTS:
                points[_SSVC_POINTS[name]] = option.field(name).text().lower()
    stamp = content.optional("timestamp")
    return SsvcDecision(
        exploitation=points.get("exploitation"),
        automatable=points.get("automatable"),
        technical_impact=points.get("technical_impact"),
        version=content.optional_text("version"),
        role=content.optional_text("role"),
        timestamp=None if stamp is None else stamp.timestamp(),
    )
