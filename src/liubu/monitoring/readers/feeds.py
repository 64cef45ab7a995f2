"""Thin adapters from ``liubu.intel``'s feed loaders to observations (CVE and CPE).

* ``kev`` — each catalogue entry: a CVE observation, rule ``kev.listed``, severity high, or
  critical when CISA knows of its use in ransomware campaigns (``knownRansomwareCampaignUse``
  Known); ``seen_at`` its ``dateAdded``.
* ``epss`` — each score: a CVE observation, rule ``epss.score``, evidence ``epss`` and
  ``percentile``; severity by :data:`EPSS_SEVERITY` (liubu's thresholds on the probability of
  exploitation activity in the next 30 days; FIRST's user guide discusses 0.1 as an example
  threshold for remediation effort). ``seen_at`` the file's ``score_date`` (the read time
  when a file has none).
* ``nvd`` and ``cve5`` — each CVE: a CVE observation, severity from its preferred CVSS base score
  by the CVSS v3/v4 qualitative rating scale (0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high,
  9.0–10.0 critical; none → info), plus one CPE observation per *vulnerable* criterion of its
  configurations (its version bounds as evidence), rule ``nvd:<CVE>`` / ``cve5:<CVE>``. CVEs
  NVD or the CVE programme mark rejected are skipped.

These feeds are whole documents, so they are read from a path (a stream is spooled to a bounded
temporary file first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

from liubu.intel import (
    Configuration,
    Cve5Record,
    CvssScore,
    KevEntry,
    NvdCve,
    load_cve5,
    load_epss,
    load_kev_csv,
    load_kev_json,
    load_nvd,
)
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation
from liubu.monitoring.readers._build import observation
from liubu.monitoring.readers._source import ReadCounts, clip

#: EPSS probability → severity: the first threshold the score reaches.
EPSS_SEVERITY = (
    (0.5, AlertSeverity.HIGH),
    (0.1, AlertSeverity.MEDIUM),
    (0.01, AlertSeverity.LOW),
    (0.0, AlertSeverity.INFO),
)


def read_kev(path: Path, counts: ReadCounts) -> Iterator[Observation]:
    return _kev(load_kev_json(path).records, counts)


def read_kev_csv(path: Path, counts: ReadCounts) -> Iterator[Observation]:
    return _kev(load_kev_csv(path).records, counts)


def _kev(entries: Iterable[KevEntry], counts: ReadCounts) -> Iterator[Observation]:
    for entry in entries:
        counts.records += 1
        yield observation(
            IndicatorKind.CVE,
            entry.cve_id,
            source="kev",
            rule="kev.listed",
            severity=AlertSeverity.CRITICAL if entry.ransomware else AlertSeverity.HIGH,
            seen_at=_midnight(entry.date_added),
            record=f"{entry.cve_id}@{entry.date_added}",
            evidence={
                "vendor": entry.vendor_project,
                "product": entry.product,
                "name": entry.vulnerability_name,
                "date_added": entry.date_added.isoformat(),
                "due_date": entry.due_date.isoformat(),
                "ransomware": entry.known_ransomware_campaign_use,
                "required_action": entry.required_action,
            },
            provider=None,
        )


def epss_severity(epss: float) -> AlertSeverity:
    return next(severity for floor, severity in EPSS_SEVERITY if epss >= floor)


def read_epss(path: Path, counts: ReadCounts) -> Iterator[Observation]:
    loaded = load_epss(path)
    seen_at = loaded.report.score_date or datetime.now(UTC)
    day = seen_at.date().isoformat()
    for score in loaded.records:
        counts.records += 1
        yield observation(
            IndicatorKind.CVE,
            score.cve_id,
            source="epss",
            rule="epss.score",
            severity=epss_severity(score.epss),
            seen_at=seen_at,
            record=f"{score.cve_id}@{day}",
            evidence={
                "epss": f"{score.epss:.5f}",
                "percentile": f"{score.percentile:.5f}",
                "model_version": loaded.report.model_version,
            },
            provider=None,
        )


def cvss_severity(score: CvssScore | None) -> AlertSeverity:
    """The CVSS qualitative rating of a base score (CVSS v3.1 specification, section 5)."""
    if score is None or score.base_score == 0:
        return AlertSeverity.INFO
    for floor, severity in (
        (9.0, AlertSeverity.CRITICAL),
        (7.0, AlertSeverity.HIGH),
        (4.0, AlertSeverity.MEDIUM),
    ):
        if score.base_score >= floor:
            return severity
    return AlertSeverity.LOW


def read_nvd(path: Path, counts: ReadCounts) -> Iterator[Observation]:
    for cve in load_nvd(path).records:
        yield from _cve(cve, "nvd", cve.last_modified, counts)


def read_cve5(path: Path, counts: ReadCounts) -> Iterator[Observation]:
    for record in load_cve5(path).records:
        seen = record.date_updated or record.date_published or datetime.now(UTC)
        yield from _cve(record, "cve5", seen, counts)


def _cve(
    cve: NvdCve | Cve5Record, source: str, seen_at: datetime, counts: ReadCounts
) -> Iterator[Observation]:
    counts.records += 1
    if cve.rejected:
        counts.skipped += 1
        return
    best = cve.best_cvss
    severity = cvss_severity(best)
    record = f"{cve.cve_id}@{seen_at.isoformat()}"
    evidence = {
        "cvss": f"{best.base_score} {best.vector}" if best else None,
        "description": clip(cve.description, 300),
        "cwes": ",".join(cve.cwes),
    }
    yield observation(
        IndicatorKind.CVE,
        cve.cve_id,
        source=source,
        rule=f"{source}:{cve.cve_id}",
        severity=severity,
        seen_at=seen_at,
        record=record,
        evidence=evidence,
        provider=None,
    )
    for criterion, bounds in _vulnerable(cve.configurations):
        yield observation(
            IndicatorKind.CPE,
            criterion,
            source=source,
            rule=f"{source}:{cve.cve_id}",
            severity=severity,
            seen_at=seen_at,
            record=f"{record}#{bounds}",
            evidence={"cve": cve.cve_id, "versions": bounds, "cvss": evidence["cvss"]},
            provider=None,
        )


def _vulnerable(configurations: tuple[Configuration, ...]) -> Iterator[tuple[str, str]]:
    for configuration in configurations:
        for node in configuration.nodes:
            for criterion in node.criteria:
                if not criterion.vulnerable:
                    continue
                bounds = " ".join(
                    f"{label}{value}"
                    for label, value in (
                        (">=", criterion.version_start_including),
                        (">", criterion.version_start_excluding),
                        ("<=", criterion.version_end_including),
                        ("<", criterion.version_end_excluding),
                    )
                    if value
                )
                yield criterion.criteria.formatted, bounds or "as named"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


FEEDS: dict[str, Callable[[Path, ReadCounts], Iterator[Observation]]] = {
    "kev": read_kev,
    "epss": read_epss,
    "nvd": read_nvd,
    "cve5": read_cve5,
}
