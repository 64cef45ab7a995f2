"""What a scan reports for one target: frozen, JSON-ready through ``to_dict()``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from liubu.assessment.scan.findings import Confidence, Evidence, Finding, FindingStatus
from liubu.assessment.scan.settings import ScanSettings


class ScanStatus(StrEnum):
    """``complete``: every probe answered or was refused. ``inconclusive``: some timed out."""

    COMPLETE = "complete"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Software:
    """Software identified from a banner, as a CPE 2.3 name (the lead joins it to CVEs).

    ``distribution`` is the packaging the banner states beside the upstream version (``Debian
    2+deb12u10``, ``Ubuntu``): such a package may carry the distribution's security fixes
    without a new upstream version, so a CVE matched on the version alone is tentative.
    """

    cpe: str
    evidence: Evidence
    distribution: str | None = None

    @property
    def confidence(self) -> Confidence:
        return Confidence.CONFIRMED if self.distribution is None else Confidence.TENTATIVE

    @property
    def versioned(self) -> bool:
        """Whether the CPE states a version: only then may it be joined to CVEs or to the
        end-of-life table (a product named by its certificate carries ``*``, which would match
        every CVE of the product)."""
        parts = re.split(r"(?<!\\):", self.cpe)
        return len(parts) > 5 and parts[5] not in {"", "*", "-"}

    def to_dict(self) -> dict[str, object]:
        return {
            "cpe": self.cpe,
            "evidence": self.evidence.to_dict(),
            "distribution": self.distribution,
            "confidence": str(self.confidence),
        }


@dataclass(frozen=True)
class Observation:
    """A neutral fact seen by a probe (a DNS record, an open port, the TLS versions offered)."""

    probe: str
    port: int | None
    name: str
    value: str

    def to_dict(self) -> dict[str, object]:
        return {"probe": self.probe, "port": self.port, "name": self.name, "value": self.value}


@dataclass(frozen=True)
class ProbeTimeout:
    """A probe that got no answer in time: ``stage`` says which exchange, ``limit`` its bound."""

    probe: str
    port: int | None
    stage: str
    limit: float
    at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "probe": self.probe,
            "port": self.port,
            "stage": self.stage,
            "limit": self.limit,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class ScanResult:
    """Everything one scan learnt about one declared, verified target, with its settings."""

    target: str
    addresses: tuple[str, ...]
    started: datetime
    finished: datetime
    findings: tuple[Finding, ...]
    software: tuple[Software, ...]
    observations: tuple[Observation, ...]
    timeouts: tuple[ProbeTimeout, ...]
    settings: ScanSettings

    @property
    def status(self) -> ScanStatus:
        """Inconclusive when any probe timed out: silence is never read as "secure"."""
        inconclusive = self.timeouts or any(
            finding.status is FindingStatus.INCONCLUSIVE for finding in self.findings
        )
        return ScanStatus.INCONCLUSIVE if inconclusive else ScanStatus.COMPLETE

    def codes(self) -> frozenset[str]:
        """The distinct finding codes, for quick checks."""
        return frozenset(finding.code for finding in self.findings)

    def to_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "addresses": list(self.addresses),
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat(),
            "status": str(self.status),
            "findings": [finding.to_dict() for finding in self.findings],
            "software": [item.to_dict() for item in self.software],
            "observations": [item.to_dict() for item in self.observations],
            "timeouts": [item.to_dict() for item in self.timeouts],
            "settings": self.settings.to_dict(),
        }
