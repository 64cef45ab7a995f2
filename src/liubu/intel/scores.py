"""CVSS base scores recomputed from their vectors (CVSS v2.0, v3.0, v3.1, v4.0).

Feeds state a base score next to each vector; liubu recomputes it with the ``cvss`` library
(RedHatProductSecurity/cvss, which implements the FIRST specifications) and keeps both, so a
record whose stated score disagrees with its own vector — a CNA that typed its temporal score into
``baseScore`` happens — is visible rather than trusted. Severities follow each specification's
qualitative scale; CVSS v2 has none, so NVD's v2 bands (``data/intel.yaml``) are used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from liubu.errors import ValidationError
from liubu.intel._data import intel_table
from liubu.intel.reasons import IntelCode

VERSIONS = ("2.0", "3.0", "3.1", "4.0")
SEVERITIES = ("NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL")


def vector_version(vector: str) -> str:
    """The CVSS version a vector is written in (v2 vectors carry no ``CVSS:`` prefix)."""
    for version in ("3.0", "3.1", "4.0"):
        if vector.startswith(f"CVSS:{version}/"):
            return version
    if vector.startswith("CVSS:"):
        raise _vector_error(vector, "its CVSS: prefix names no version liubu knows (3.0, 3.1, 4.0)")
    return "2.0"


def _vector_error(vector: str, reason: str) -> ValidationError:
    return ValidationError(
        f"The CVSS vector {vector!r} cannot be scored: {reason.rstrip('.')}.",
        code=IntelCode.CVSS_VECTOR,
        field="vectorString",
        value=vector,
    )


@cache
def _v2_bands() -> tuple[tuple[Decimal, str], ...]:
    bands: dict[str, float] = intel_table("cvss")["v2_severity_upper_bounds"]
    return tuple(sorted((Decimal(str(upper)), severity) for severity, upper in bands.items()))


@lru_cache(maxsize=16_384)
def score_vector(vector: str) -> tuple[float, str]:
    """``(base score, severity)`` of a CVSS vector, computed from the vector alone.

    >>> score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    (9.8, 'CRITICAL')
    >>> score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P")
    (7.5, 'HIGH')
    """
    version = vector_version(vector)
    try:
        if version == "2.0":
            v2 = CVSS2(vector.strip("()"))
            base = Decimal(str(v2.base_score))
            severity = next(name for upper, name in _v2_bands() if base <= upper)
        elif version == "4.0":
            v4 = CVSS4(vector)
            base, severity = Decimal(str(v4.base_score)), str(v4.severity)
        else:
            v3 = CVSS3(vector)
            base, severity = Decimal(str(v3.base_score)), str(v3.severities()[0])
    except (CVSSError, StopIteration, KeyError, ValueError) as error:
        raise _vector_error(vector, str(error) or type(error).__name__) from None
    return float(base), severity.upper()


@dataclass(frozen=True, slots=True)
class CvssScore:
    """One CVSS assessment of a CVE: the vector, the recomputed base score and what the feed said.

    ``provider`` says who scored it (``nvd@nist.gov``, ``cna:vmware``, ``adp:CISA-ADP``) and
    ``primary`` whether that scorer is the record's primary one (NVD's ``Primary``, a CVE
    record's CNA).
    """

    version: str
    vector: str
    base_score: float
    severity: str
    stated_score: float | None
    provider: str
    primary: bool = True

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ValidationError(
                f"The CVSS version {self.version!r} must be one of {', '.join(VERSIONS)}.",
                code=IntelCode.CVSS_VERSION,
                field="version",
                value=self.version,
            )
        if not 0.0 <= self.base_score <= 10.0 or self.severity not in SEVERITIES:
            raise ValidationError(
                f"The CVSS base score {self.base_score} ({self.severity}) must lie in 0–10 with a "
                f"severity among {', '.join(SEVERITIES)}.",
                code=IntelCode.CVSS_SCORE,
                field="base_score",
                value=self.base_score,
            )

    @property
    def agrees(self) -> bool:
        """Whether the feed's stated base score equals the one recomputed from the vector."""
        return self.stated_score is None or abs(self.stated_score - self.base_score) < 0.05


def cvss_score(
    vector: str,
    *,
    stated_score: float | None = None,
    stated_version: str | None = None,
    provider: str,
    primary: bool = True,
) -> CvssScore:
    """Score ``vector`` and record the feed's stated score beside the recomputed one."""
    version = vector_version(vector)
    if stated_version is not None and stated_version != version:
        raise _vector_error(
            vector, f"the record says version {stated_version}, the vector {version}"
        )
    base, severity = score_vector(vector)
    return CvssScore(
        version=version,
        vector=vector,
        base_score=base,
        severity=severity,
        stated_score=stated_score,
        provider=provider,
        primary=primary,
    )


def preferred_score(scores: Iterable[CvssScore]) -> CvssScore | None:
    """The score a finding shows: by version preference (``data/intel.yaml``), then primary
    scorer first, then the higher score (the cautious choice), then provider name."""
    order: list[str] = intel_table("cvss")["version_preference"]
    ranked = sorted(
        scores,
        key=lambda s: (order.index(s.version), not s.primary, -s.base_score, s.provider),
    )
    return ranked[0] if ranked else None
