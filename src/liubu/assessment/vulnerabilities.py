"""Vulnerability intelligence kept by the platform: feed files stored verbatim, the index built
from them, and the software a scan identified turned into ``vuln.*`` findings.

A CVE matched on the upstream version of a distribution's package is uncertain: distributions
backport fixes without changing the upstream version. When the banner names a Debian package
with its release (``OpenSSH_9.2p1 Debian-2+deb12u10`` → ``openssh`` ``1:9.2p1-2+deb12u10`` in
bookworm) and Debian's security tracker is loaded, the tracker decides, comparing package
versions with dpkg's ordering:

* **resolved** in that release with a fixed version at or below the installed one → the CVE is
  **not raised**. The installed package carries Debian's fix, so there is nothing for the
  insured to do and nothing for the insurer to price; an informational finding would sit in the
  insured's list asking to be read and disputed for no action. The match itself stays in the
  scan's record (``vulnerabilities`` of each target), so an insurer can still see that the CVE
  was considered;
* **resolved** with a later fixed version, or **open** → raised with normal (confirmed)
  confidence: Debian itself says the installed package is affected. The caveat names the fixed
  package version to upgrade to (or says no fix exists yet);
* no tracker loaded, the package, CVE or release absent from it, ``undetermined``, or a banner
  that does not name the release → ``tentative`` with the generic caveat, as before (half the
  score cost, no grade cap).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from liubu.assessment.records import AssessmentUnitOfWork, IntelStore
from liubu.assessment.scan import (
    Confidence,
    DebianPackage,
    Evidence,
    Finding,
    Software,
    Text,
    debian_caveat,
    debian_package,
    distribution_caveat,
    make_finding,
)
from liubu.errors import ValidationError
from liubu.intel import (
    Cpe,
    Match,
    VulnerabilityIndex,
    load_paths,
    parse_any_cpe,
)

HIGH_EPSS = 0.1  # FIRST EPSS ≥ 10 % chance of exploitation in 30 days: treat as likely
CRITICAL_CVSS = 9.0


@dataclass(frozen=True)
class IntelLoad:
    """What ``liubu intel load`` did: records per kind, files stored and already present."""

    records: dict[str, int]
    stored: int
    unchanged: int
    skipped: tuple[str, ...]


def load_intel(store: IntelStore, paths: Sequence[str | Path]) -> IntelLoad:
    """Parse every file first (a malformed one raises a located error and nothing is stored),
    then keep each loaded file verbatim; a file stored before is not stored again."""
    bundle = load_paths(paths)
    stored = unchanged = 0
    records: dict[str, int] = {}
    for report in bundle.reports:
        kind = str(report.kind)
        records[kind] = records.get(kind, 0) + report.records
        content = Path(report.source).read_bytes()
        name = Path(report.source).name
        if store.store(name=name, kind=kind, records=report.records, content=content):
            stored += 1
        else:
            unchanged += 1
    return IntelLoad(records, stored, unchanged, tuple(s.path for s in bundle.skipped))


def load_intel_files(uow: AssessmentUnitOfWork, paths: Sequence[str | Path]) -> IntelLoad:
    """The use case behind ``liubu intel load``: :func:`load_intel` in one transaction."""
    with uow:
        report = load_intel(uow.intel, paths)
        uow.commit()
        return report


class IndexCache:
    """The index over every stored feed file, rebuilt only when the set of files changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, ...] | None = None
        self._index: VulnerabilityIndex | None = None

    def get(self, store: IntelStore) -> VulnerabilityIndex:
        manifest = store.manifest()
        key = tuple(sha for sha, _kind, _name, _records in manifest)
        with self._lock:
            if self._index is None or key != self._key:
                self._index = _build(store, manifest)
                self._key = key
            return self._index


def _build(store: IntelStore, manifest: Iterable[tuple[str, str, str, int]]) -> VulnerabilityIndex:
    with tempfile.TemporaryDirectory(prefix="liubu-intel-") as folder:
        paths = []
        for number, (sha, _kind, name, _records) in enumerate(manifest):
            # Keep the original name (its suffix tells the loaders the format) but make it unique.
            path = Path(folder) / f"{number:05d}-{sha[:8]}-{name}"
            path.write_bytes(store.content(sha))
            paths.append(path)
        return VulnerabilityIndex.from_bundle(load_paths(paths))


def vulnerability_findings(
    index: VulnerabilityIndex, software: Sequence[Software]
) -> tuple[list[Finding], list[Match]]:
    """Findings for the vulnerabilities of identified software: known exploited (CISA KEV),
    likely exploited (EPSS), critical (CVSS ≥ 9). One finding per CVE and software.

    Software read from a distribution's package gives ``tentative`` findings with a caveat,
    unless Debian's security tracker settles the match (see the module's documentation)."""
    findings: list[Finding] = []
    matches: list[Match] = []
    for item in software:
        if not item.versioned:  # a product named without a version matches every CVE of it
            continue
        cpe = parse_any_cpe(item.cpe)
        package = None if item.distribution is None else _debian_package(cpe, item.distribution)
        for match in index.match_asset([cpe], assume_platforms=True):
            matches.append(match)
            code = _code(match)
            if code is None:
                continue
            verdict = _confidence(index, item, package, match.cve_id)
            if verdict is None:
                continue  # Debian's update already fixed it in the installed package
            confidence, caveat = verdict
            evidence = Evidence(
                observed=_describe(match) + ("" if caveat is None else f"; {caveat.en}"),
                observed_at=item.evidence.observed_at,
                source=item.evidence.source,
                target=item.evidence.target,
                port=item.evidence.port,
                probe="intel",
            )
            findings.append(make_finding(code, evidence, confidence=confidence, caveat=caveat))
    return findings, matches


def _debian_package(cpe: Cpe, distribution: str) -> DebianPackage | None:
    def logical(value: str) -> str:
        return value.replace("\\", "")

    return debian_package(
        logical(cpe.vendor),
        logical(cpe.product),
        logical(cpe.version),
        logical(cpe.update),
        distribution,
    )


def _confidence(
    index: VulnerabilityIndex, item: Software, package: DebianPackage | None, cve_id: str
) -> tuple[Confidence, Text | None] | None:
    """How sure a match is and why; ``None`` when Debian's tracker shows it fixed."""
    if item.distribution is None:
        return item.confidence, None
    tentative = Confidence.TENTATIVE, distribution_caveat(item.distribution)
    if package is None:
        return tentative
    status = index.debian.status(package.source_package, cve_id, package.release)
    if status is None or status.status not in {"resolved", "open"}:
        return tentative
    try:
        fixed = status.fixed_in(package.version)
    except ValidationError:  # a banner revision dpkg would refuse: the tracker cannot settle it
        return tentative
    if fixed:
        return None
    values = {
        "cve": cve_id,
        "package": package.source_package,
        "release": package.release,
        "installed": package.version,
        "fixed": status.fixed_version or "",
    }
    kind = "unfixed" if status.status == "resolved" else "open"
    return Confidence.CONFIRMED, debian_caveat(kind, **values)


def _code(match: Match) -> str | None:
    if match.in_kev:
        return "vuln.known_exploited"
    if match.epss is not None and match.epss >= HIGH_EPSS:
        return "vuln.high_epss"
    if match.cvss is not None and match.cvss.base_score >= CRITICAL_CVSS:
        return "vuln.critical_cvss"
    return None


def _describe(match: Match) -> str:
    parts = [f"{match.cve_id} affects {match.cpe}"]
    if match.cvss is not None:
        parts.append(f"CVSS {match.cvss.version} {match.cvss.base_score}")
    if match.in_kev:
        parts.append("in CISA KEV" + (" (ransomware use known)" if match.ransomware else ""))
    if match.epss is not None:
        parts.append(f"EPSS {match.epss:.3f}")
    return "; ".join(parts)
