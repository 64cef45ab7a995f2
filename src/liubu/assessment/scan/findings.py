"""The findings vocabulary (发现项词表) and the frozen :class:`Finding` a scan reports.

The vocabulary lives in ``data/findings.yaml`` and is documented in ``docs/findings.md``: each code
has a severity, a risk factor of the security score and bilingual (zh-CN, en) remediation advice.
Codes are stable; the score and stored assessments refer to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan._data import load_table, require
from liubu.errors import ConfigurationError, ValidationError

_FILE = "findings.yaml"


class Severity(StrEnum):
    """How bad a finding is, from ``critical`` down to ``info``."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


SEVERITY_ORDER = {
    Severity.CRITICAL: 0,
    Severity.HIGH: 1,
    Severity.MEDIUM: 2,
    Severity.LOW: 3,
    Severity.INFO: 4,
}


class Factor(StrEnum):
    """The security score's risk factor a finding counts against."""

    NETWORK_EXPOSURE = "network_exposure"
    TLS = "tls"
    EMAIL = "email"
    VULNERABILITIES = "vulnerabilities"
    WEB = "web"


class FindingStatus(StrEnum):
    """``detected``: the weakness was observed. ``inconclusive``: a probe could not tell."""

    DETECTED = "detected"
    INCONCLUSIVE = "inconclusive"


class Confidence(StrEnum):
    """How sure a finding is. ``confirmed``: observed directly (a handshake, a header, a reply).
    ``tentative``: inferred from a version a distribution package reports, whose security
    updates may have fixed the flaw without changing the upstream version (a backport)."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"


@dataclass(frozen=True)
class Text:
    """One phrase in both languages of liubu."""

    en: str
    zh: str

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class FindingDefinition:
    """One entry of the vocabulary."""

    code: str
    severity: Severity
    factor: Factor
    title: Text
    description: Text
    remediation: Text
    references: tuple[str, ...]
    emitted_by: str


def _text(row: Mapping[str, Any], key: str, *, where: str) -> Text:
    phrase = require(row, key, dict, filename=_FILE, where=where)
    en = require(phrase, "en", str, filename=_FILE, where=f"{where}.{key}")
    zh = require(phrase, "zh", str, filename=_FILE, where=f"{where}.{key}")
    return Text(en=en.strip(), zh=zh.strip())


def _definition(code: str, row: Any) -> FindingDefinition:
    try:
        severity = Severity(require(row, "severity", str, filename=_FILE, where=code))
        factor = Factor(require(row, "factor", str, filename=_FILE, where=code))
    except ValueError as error:
        raise ConfigurationError(
            f"The finding {code} in liubu/assessment/scan/data/{_FILE} has an unknown severity "
            f"or factor: {error}."
        ) from error
    return FindingDefinition(
        code=code,
        severity=severity,
        factor=factor,
        title=_text(row, "title", where=code),
        description=_text(row, "description", where=code),
        remediation=_text(row, "remediation", where=code),
        references=tuple(str(ref) for ref in row.get("references") or ()),
        emitted_by=require(row, "emitted_by", str, filename=_FILE, where=code),
    )


@cache
def vocabulary() -> Mapping[str, FindingDefinition]:
    """Every finding code, read once from ``data/findings.yaml``."""
    rows = require(load_table(_FILE), "findings", dict, filename=_FILE, where="(top level)")
    return {code: _definition(code, row) for code, row in rows.items()}


def definition(code: str) -> FindingDefinition:
    """The vocabulary entry for ``code``; a code outside the vocabulary is refused."""
    try:
        return vocabulary()[code]
    except KeyError:
        raise ValidationError(
            f"The finding code {code!r} is not in the findings vocabulary "
            "(liubu/assessment/scan/data/findings.yaml).",
            code=AssessmentCode.SCAN_UNKNOWN_FINDING,
            field="code",
            value=code,
        ) from None


@dataclass(frozen=True)
class Evidence:
    """What was observed, when (UTC) and from where (the scanner's source address)."""

    observed: str
    observed_at: datetime
    source: str
    target: str
    port: int | None = None
    probe: str = ""

    def __post_init__(self) -> None:
        if self.observed_at.utcoffset() != timedelta(0):
            raise ValidationError(
                f"Evidence time must be timezone-aware UTC, but it is {self.observed_at!r}.",
                code=AssessmentCode.SCAN_EVIDENCE_TIME,
                field="observed_at",
                value=str(self.observed_at),
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "observed": self.observed,
            "observed_at": self.observed_at.isoformat(),
            "source": self.source,
            "target": self.target,
            "port": self.port,
            "probe": self.probe,
        }


@dataclass(frozen=True)
class Finding:
    """One weakness (or one inconclusive check) found on one target, with its evidence."""

    code: str
    severity: Severity
    factor: Factor
    status: FindingStatus
    title: Text
    remediation: Text
    evidence: Evidence
    confidence: Confidence = Confidence.CONFIRMED
    caveat: Text | None = None  # why the confidence is lower, and what would settle it

    def __post_init__(self) -> None:
        expected = definition(self.code)
        if (self.severity, self.factor) != (expected.severity, expected.factor):
            raise ValidationError(
                f"The finding {self.code} must have severity {expected.severity} and factor "
                f"{expected.factor} as its vocabulary says, not {self.severity}/{self.factor}.",
                code=AssessmentCode.SCAN_FINDING_MISMATCH,
                field="severity",
                value=str(self.severity),
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "factor": str(self.factor),
            "status": str(self.status),
            "title": self.title.to_dict(),
            "remediation": self.remediation.to_dict(),
            "evidence": self.evidence.to_dict(),
            "confidence": str(self.confidence),
            "caveat": None if self.caveat is None else self.caveat.to_dict(),
        }


def make_finding(
    code: str,
    evidence: Evidence,
    *,
    confidence: Confidence = Confidence.CONFIRMED,
    caveat: Text | None = None,
) -> Finding:
    """A finding of ``code`` with its vocabulary's severity, factor and texts."""
    entry = definition(code)
    status = FindingStatus.INCONCLUSIVE if code == "scan.timeout" else FindingStatus.DETECTED
    return Finding(
        code=code,
        severity=entry.severity,
        factor=entry.factor,
        status=status,
        title=entry.title,
        remediation=entry.remediation,
        evidence=evidence,
        confidence=confidence,
        caveat=caveat,
    )


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (every evidence timestamp comes from here)."""
    return datetime.now(UTC)
