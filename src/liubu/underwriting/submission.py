"""What a quote was priced on (投保信息快照): the enterprise's facts and its assessment, frozen.

A quote keeps its :class:`Submission` so that re-pricing it later (a referral decision with
overrides, an endorsement, the breakdown of a technical premium) sees the applicant exactly as it
was quoted, not as the assessment stands today. The store keeps it as JSON through
:meth:`Submission.to_dict` with a ``schema`` version; :meth:`Submission.from_dict` also reads the
rows written before the version field existed (schema 1 without the key, and the pilot book's
synthetic rows, which carry only part of the enterprise's facts). Schema 2 adds ``scanned``: whether
an outside-in scan had finished when the quote was priced (schema 1 rows read as scanned, as they
were scored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from liubu.errors import ValidationError
from liubu.risk import Modifier
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.reasons import UnderwritingCode

SUBMISSION_SCHEMA = 2


def check_schema(data: Mapping[str, Any], *, current: int, what: str) -> None:
    """Refuse a stored record written by a newer liubu (a schema this one does not know)."""
    schema = data.get("schema", 1)
    if not isinstance(schema, int) or not 1 <= schema <= current:
        raise ValidationError(
            f"The stored {what} has schema {schema!r}; this liubu reads schemas 1–{current}.",
            code=UnderwritingCode.RECORD_SCHEMA,
            field="schema",
            value=repr(schema),
        )


@dataclass(frozen=True)
class EnterpriseSnapshot:
    """The insured enterprise's facts as quoted (GB 32100 code, GB/T 4754, GB/T 2260)."""

    id: str | None
    name: str
    uscc: str
    industry_section: str
    region_code: str
    revenue: Decimal | None = None
    industry_division: str | None = None
    employees: int | None = None
    mlps_level: int | None = None
    critical_infrastructure: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "uscc": self.uscc,
            "industry_section": self.industry_section,
            "industry_division": self.industry_division,
            "region_code": self.region_code,
            "revenue": None if self.revenue is None else str(self.revenue),
            "employees": self.employees,
            "mlps_level": self.mlps_level,
            "critical_infrastructure": self.critical_infrastructure,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EnterpriseSnapshot:
        revenue = data.get("revenue")
        return cls(
            id=data.get("id"),
            name=str(data["name"]),
            uscc=str(data["uscc"]),
            industry_section=str(data["industry_section"]),
            region_code=str(data.get("region_code", "")),
            revenue=None if revenue is None else Decimal(str(revenue)),
            industry_division=data.get("industry_division"),
            employees=data.get("employees"),
            mlps_level=data.get("mlps_level"),
            critical_infrastructure=bool(data.get("critical_infrastructure", False)),
        )


@dataclass(frozen=True)
class Submission:
    """The applicant as priced: facts, score and grade, findings, declared claims, modifiers."""

    enterprise: EnterpriseSnapshot
    score: float
    grade: str
    answers_version: int | None = None
    findings: tuple[str, ...] = ()
    known_exploited_exposed: bool = False
    claims_count: int | None = None
    modifiers: Mapping[str, Modifier] = field(default_factory=dict)
    synthetic: bool = False
    scanned: bool = True  # False: no outside-in scan had finished; those factors at the average

    def __post_init__(self) -> None:
        object.__setattr__(self, "modifiers", MappingProxyType(dict(self.modifiers)))

    def applicant(self) -> Applicant:
        """The applicant the pricing sees (refused for a synthetic row without revenue)."""
        facts = self.enterprise
        if facts.revenue is None:
            raise ValidationError(
                f"The submission of {facts.name} records no revenue; it cannot be priced again.",
                code=UnderwritingCode.SUBMISSION_UNPRICEABLE,
                field="submission.enterprise.revenue",
            )
        return Applicant(
            industry_section=facts.industry_section,
            revenue=facts.revenue,
            score=self.score,
            grade=self.grade,
            modifiers=self.modifiers,
            mlps_level=facts.mlps_level,
            claims_count=self.claims_count,
            known_exploited_exposed=self.known_exploited_exposed,
            cii_operator=facts.critical_infrastructure,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SUBMISSION_SCHEMA,
            "enterprise": self.enterprise.to_dict(),
            "score": self.score,
            "grade": self.grade,
            "answers_version": self.answers_version,
            "findings": list(self.findings),
            "known_exploited_exposed": self.known_exploited_exposed,
            "claims_count": self.claims_count,
            "modifiers": {k: [m.frequency, m.severity] for k, m in self.modifiers.items()},
            "synthetic": self.synthetic,
            "scanned": self.scanned,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Submission:
        check_schema(data, current=SUBMISSION_SCHEMA, what="submission")
        return cls(
            enterprise=EnterpriseSnapshot.from_dict(data["enterprise"]),
            score=float(data["score"]),
            grade=str(data.get("grade", "")),
            answers_version=data.get("answers_version"),
            findings=tuple(str(code) for code in data.get("findings", ())),
            known_exploited_exposed=bool(data.get("known_exploited_exposed", False)),
            claims_count=data.get("claims_count"),
            modifiers={
                name: Modifier(float(f), float(s))
                for name, (f, s) in (data.get("modifiers") or {}).items()
            },
            synthetic=bool(data.get("synthetic", False)),
            # schema 1 rows were scored as if scanned: outside-in factors counted in full
            scanned=bool(data.get("scanned", True)),
        )
