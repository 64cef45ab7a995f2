"""Matching an asset's CPE names against known vulnerabilities, enriched with KEV and EPSS.

:class:`VulnerabilityIndex` files every applicability statement under the ``(vendor, product)``
of each criterion that can make a name vulnerable, so matching an asset evaluates only the
statements that mention one of its products (plus the few whose criteria wildcard the vendor or
product). :func:`match_linear` evaluates every statement of every CVE; it is the plain baseline
the index must agree with, and the peer in ``benchmarks/intel_bench.py``.

NVD's configurations are used when a CVE has them; otherwise those derived from its CVE JSON 5
``affected`` blocks. Rejected CVEs are kept, flagged, and never matched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from liubu.errors import ValidationError
from liubu.intel.configuration import Configuration, CpeCriterion
from liubu.intel.cpe import Cpe, is_pattern
from liubu.intel.cve5 import Cve5Record
from liubu.intel.debian import DebianStatus, DebianTracker
from liubu.intel.epss import EpssScore
from liubu.intel.kev import KevEntry
from liubu.intel.nvd import NvdCve
from liubu.intel.paths import IntelBundle
from liubu.intel.reasons import IntelCode
from liubu.intel.scores import CvssScore


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """A CVE as the matcher sees it: where it applies and how bad it is."""

    cve_id: str
    configurations: tuple[Configuration, ...]
    cvss: CvssScore | None
    rejected: bool
    source: str  # where the configurations came from: "nvd" or "cve5"


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """A CVE that applies to one of an asset's names (``cpe`` in formatted-string form)."""

    cve_id: str
    cpe: str


@dataclass(frozen=True, slots=True)
class Match:
    """A finding: the CVE, the asset name it applies to, and what is known about exploitation."""

    cve_id: str
    cpe: str
    cvss: CvssScore | None
    in_kev: bool
    ransomware: bool
    kev_date_added: dt.date | None
    kev_due_date: dt.date | None
    epss: float | None
    epss_percentile: float | None

    @property
    def severity(self) -> str | None:
        return None if self.cvss is None else self.cvss.severity

    @property
    def base_score(self) -> float | None:
        return None if self.cvss is None else self.cvss.base_score


@dataclass(frozen=True, slots=True)
class IndexSummary:
    vulnerabilities: int
    rejected: int
    configurations: int
    products: int
    wildcard_configurations: int
    kev_entries: int
    epss_scores: int
    debian_statuses: int = 0


def merge_vulnerabilities(
    nvd: Iterable[NvdCve], cve5: Iterable[Cve5Record]
) -> tuple[Vulnerability, ...]:
    """One :class:`Vulnerability` per CVE id, in id order.

    The latest copy of a CVE wins (``lastModified`` / ``dateUpdated``); NVD's configurations and
    CVSS are preferred to the CVE record's; a CVE rejected by either source is rejected.
    """
    latest_nvd: dict[str, NvdCve] = {}
    for record in nvd:
        kept = latest_nvd.get(record.cve_id)
        if kept is None or record.last_modified > kept.last_modified:
            latest_nvd[record.cve_id] = record
    latest_cve5: dict[str, Cve5Record] = {}
    for cve in cve5:
        kept5 = latest_cve5.get(cve.cve_id)
        if kept5 is None or (cve.date_updated or dt.datetime.min.replace(tzinfo=dt.UTC)) > (
            kept5.date_updated or dt.datetime.min.replace(tzinfo=dt.UTC)
        ):
            latest_cve5[cve.cve_id] = cve
    return tuple(
        _merged(cve_id, latest_nvd.get(cve_id), latest_cve5.get(cve_id))
        for cve_id in sorted(latest_nvd.keys() | latest_cve5.keys())
    )


def _merged(cve_id: str, nvd: NvdCve | None, cve5: Cve5Record | None) -> Vulnerability:
    configurations: tuple[Configuration, ...] = ()
    source = "nvd"
    if nvd is not None and (nvd.configurations or cve5 is None):
        configurations = nvd.configurations
    elif cve5 is not None:
        configurations, source = cve5.configurations, "cve5"
    cvss = (nvd.best_cvss if nvd else None) or (cve5.best_cvss if cve5 else None)
    return Vulnerability(
        cve_id=cve_id,
        configurations=configurations,
        cvss=cvss,
        rejected=bool(nvd and nvd.rejected) or bool(cve5 and cve5.rejected),
        source=source,
    )


def _check_concrete(cpes: Sequence[Cpe]) -> None:
    for cpe in cpes:
        if cpe.has_wildcards:
            raise ValidationError(
                f"The asset name {cpe} holds a wildcard; an asset must be named by a concrete "
                "CPE (whole attributes may be * for unknown).",
                code=IntelCode.ASSET_WILDCARD,
                field="cpe",
                value=str(cpe),
            )


def _hits_of(
    configuration: Configuration, cve_id: str, cpes: Sequence[Cpe], assume_platforms: bool
) -> list[Hit]:
    found = configuration.vulnerable_matches(cpes, assume_platforms=assume_platforms)
    return [Hit(cve_id, cpe.formatted) for cpe in found]


def match_linear(
    cpes: Sequence[Cpe],
    vulnerabilities: Iterable[Vulnerability],
    *,
    assume_platforms: bool = False,
) -> tuple[Hit, ...]:
    """The baseline: evaluate every configuration of every non-rejected CVE against ``cpes``."""
    _check_concrete(cpes)
    hits: set[Hit] = set()
    for vulnerability in vulnerabilities:
        if vulnerability.rejected:
            continue
        for configuration in vulnerability.configurations:
            hits.update(_hits_of(configuration, vulnerability.cve_id, cpes, assume_platforms))
    return tuple(sorted(hits))


class VulnerabilityIndex:
    """CVEs filed by ``(vendor, product)``, with KEV and EPSS at hand for every match, and
    Debian's security tracker for matches on a Debian package (:attr:`debian`)."""

    def __init__(
        self,
        vulnerabilities: Iterable[Vulnerability],
        *,
        kev: Iterable[KevEntry] = (),
        epss: Iterable[EpssScore] = (),
        debian: Iterable[DebianStatus] = (),
    ) -> None:
        self._debian = DebianTracker(debian)
        unique = {v.cve_id: v for v in vulnerabilities}
        self._vulnerabilities = tuple(unique[cve_id] for cve_id in sorted(unique))
        self._kev: dict[str, KevEntry] = {entry.cve_id: entry for entry in kev}
        self._epss: dict[str, EpssScore] = {score.cve_id: score for score in epss}
        self._by_id = {v.cve_id: v for v in self._vulnerabilities}
        # Every configuration of a matchable CVE is one entry; buckets hold entry numbers.
        self._entries: list[tuple[str, Configuration]] = []
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._wildcard: list[int] = []
        for vulnerability in self._vulnerabilities:
            if not vulnerability.rejected:
                for configuration in vulnerability.configurations:
                    self._file(vulnerability.cve_id, configuration)

    def _file(self, cve_id: str, configuration: Configuration) -> None:
        number = len(self._entries)
        self._entries.append((cve_id, configuration))
        keys = configuration.vulnerable_keys()
        if any(is_pattern(vendor) or is_pattern(product) for vendor, product in keys):
            self._wildcard.append(number)
            return
        for key in keys:
            self._buckets.setdefault(key, []).append(number)

    @classmethod
    def from_records(
        cls,
        *,
        nvd: Iterable[NvdCve] = (),
        cve5: Iterable[Cve5Record] = (),
        kev: Iterable[KevEntry] = (),
        epss: Iterable[EpssScore] = (),
        debian: Iterable[DebianStatus] = (),
    ) -> VulnerabilityIndex:
        return cls(merge_vulnerabilities(nvd, cve5), kev=kev, epss=epss, debian=debian)

    @classmethod
    def from_bundle(cls, bundle: IntelBundle) -> VulnerabilityIndex:
        return cls.from_records(
            nvd=bundle.nvd, cve5=bundle.cve5, kev=bundle.kev, epss=bundle.epss, debian=bundle.debian
        )

    @property
    def debian(self) -> DebianTracker:
        """Debian's security tracker as loaded (empty when no tracker file was loaded)."""
        return self._debian

    @property
    def vulnerabilities(self) -> tuple[Vulnerability, ...]:
        return self._vulnerabilities

    @property
    def kev(self) -> Mapping[str, KevEntry]:
        return MappingProxyType(self._kev)

    @property
    def epss(self) -> Mapping[str, EpssScore]:
        return MappingProxyType(self._epss)

    def products(self) -> frozenset[tuple[str, str]]:
        """Every ``(vendor, product)`` some matchable CVE is filed under."""
        return frozenset(self._buckets)

    def vulnerable_criteria(self, key: tuple[str, str]) -> tuple[CpeCriterion, ...]:
        """The vulnerable criteria filed under one ``(vendor, product)``."""
        return tuple(
            dict.fromkeys(
                criterion
                for number in self._buckets.get(key, ())
                for criterion in self._entries[number][1].criteria
                if criterion.vulnerable and criterion.criteria.key == key
            )
        )

    def summary(self) -> IndexSummary:
        return IndexSummary(
            vulnerabilities=len(self._vulnerabilities),
            rejected=sum(v.rejected for v in self._vulnerabilities),
            configurations=len(self._entries),
            products=len(self._buckets),
            wildcard_configurations=len(self._wildcard),
            kev_entries=len(self._kev),
            epss_scores=len(self._epss),
            debian_statuses=len(self._debian),
        )

    def hits(self, cpes: Sequence[Cpe], *, assume_platforms: bool = False) -> tuple[Hit, ...]:
        """The CVEs applying to an asset named by ``cpes``, sorted (same result as the baseline)."""
        _check_concrete(cpes)
        candidates: set[int] = set(self._wildcard)
        for cpe in cpes:
            candidates.update(self._buckets.get(cpe.key, ()))
        hits: set[Hit] = set()
        for number in candidates:
            cve_id, configuration = self._entries[number]
            hits.update(_hits_of(configuration, cve_id, cpes, assume_platforms))
        return tuple(sorted(hits))

    def match(self, cpe: Cpe, *, assume_platforms: bool = False) -> list[Match]:
        """Findings for one name (a banner's CPE): see :meth:`match_asset`."""
        return self.match_asset([cpe], assume_platforms=assume_platforms)

    def match_asset(self, cpes: Sequence[Cpe], *, assume_platforms: bool = False) -> list[Match]:
        """Findings for an asset, most urgent first: known exploited, then EPSS, then CVSS."""
        hits = self.hits(cpes, assume_platforms=assume_platforms)
        return sorted((self._enrich(hit, self._by_id[hit.cve_id]) for hit in hits), key=_urgency)

    def _enrich(self, hit: Hit, vulnerability: Vulnerability) -> Match:
        kev = self._kev.get(hit.cve_id)
        epss = self._epss.get(hit.cve_id)
        return Match(
            cve_id=hit.cve_id,
            cpe=hit.cpe,
            cvss=vulnerability.cvss,
            in_kev=kev is not None,
            ransomware=kev is not None and kev.ransomware,
            kev_date_added=None if kev is None else kev.date_added,
            kev_due_date=None if kev is None else kev.due_date,
            epss=None if epss is None else epss.epss,
            epss_percentile=None if epss is None else epss.percentile,
        )

    def fingerprint(self) -> str:
        """A SHA-256 over the index's content: equal for indexes built from the same records."""
        digest = hashlib.sha256()
        for vulnerability in self._vulnerabilities:
            digest.update(repr(vulnerability).encode())
        for key in sorted(self._kev):
            digest.update(repr(self._kev[key]).encode())
        for key in sorted(self._epss):
            digest.update(repr(self._epss[key]).encode())
        statuses = self._debian.as_mapping()
        for status_key in sorted(statuses):
            digest.update(repr(statuses[status_key]).encode())
        return digest.hexdigest()


def _urgency(match: Match) -> tuple[bool, float, float, str, str]:
    return (
        not match.in_kev,
        -(match.epss if match.epss is not None else -1.0),
        -(match.base_score if match.base_score is not None else -1.0),
        match.cve_id,
        match.cpe,
    )
