"""What underwriting knows of an applicant (投保人): exposure, security posture, history.

The security score, grade and per-scenario risk modifiers come from the assessment
(``liubu.assessment``) as plain values; this package does not import it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from liubu.core import industry_sections
from liubu.errors import ValidationError
from liubu.risk import Modifier
from liubu.underwriting.reasons import UnderwritingCode

#: Factors read from their own fields, never from :attr:`Applicant.factors`.
OWN_FIELDS = {
    "security_score": "score",
    "claims_history": "claims_count",
    "retention": "retention (an option of the quote)",
    "mlps_level": "mlps_level",
}
INSURED_KINDS = ("enterprise", "individual")

FactorInput = Decimal | int | str


def _invalid(field_name: str, value: object, rule: str) -> ValidationError:
    return ValidationError(
        f"The applicant's {field_name} {value!r} {rule}.",
        code=UnderwritingCode.BAD_APPLICANT,
        field=field_name,
        value=repr(value),
    )


@dataclass(frozen=True)
class Applicant:
    """An applicant as the pricing sees it.

    - ``industry_section``: GB/T 4754-2017 section letter (A–T);
    - ``revenue``: annual revenue in CNY (Decimal, int or decimal string);
    - ``score`` (0–100) and ``grade`` (e.g. ``"A"``–``"E"``) from the security assessment;
    - ``modifiers``: the assessment's frequency/severity modifier per library scenario;
    - ``mlps_level``: 等保 level 1–5, None if not graded;
    - ``claims_count``: incidents or claims declared for the past three years, None if not
      declared (then the claims-history coefficient is left at 1 and flagged);
    - ``factors``: inputs of the other filed coefficients, by factor code — a level
      (``{"industry": "consulting"}``) or a quantity (``{"group_size": 120}``); a factor not
      given counts as 1 (neutral) and is flagged ``defaulted`` in the worksheet;
    - ``insured_kind``: ``enterprise`` or ``individual``;
    - ``known_exploited_exposed``: a known-exploited vulnerability (CISA KEV) is exposed;
    - ``cii_operator``: a critical information infrastructure operator (关键信息基础设施运营者).
    """

    industry_section: str
    revenue: Decimal
    score: float
    grade: str
    modifiers: Mapping[str, Modifier] = field(default_factory=dict)
    mlps_level: int | None = None
    claims_count: int | None = None
    factors: Mapping[str, FactorInput] = field(default_factory=dict)
    insured_kind: str = "enterprise"
    known_exploited_exposed: bool = False
    cii_operator: bool = False

    def __post_init__(self) -> None:
        if self.industry_section not in {s.code for s in industry_sections()}:
            raise _invalid("industry_section", self.industry_section, "is not a GB/T 4754 section")
        object.__setattr__(self, "revenue", _revenue(self.revenue))
        score = self.score
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not (math.isfinite(score) and 0 <= score <= 100)
        ):
            raise _invalid("score", score, "must be a number from 0 to 100")
        object.__setattr__(self, "score", float(score))
        if not isinstance(self.grade, str) or not self.grade.strip():
            raise _invalid("grade", self.grade, "must be a non-empty string")
        for name, modifier in self.modifiers.items():
            if not isinstance(modifier, Modifier):
                raise _invalid(f"modifiers.{name}", modifier, "must be a liubu.risk.Modifier")
        _whole("mlps_level", self.mlps_level, low=1, high=5)
        _whole("claims_count", self.claims_count, low=0, high=None)
        for factor in self.factors:
            if factor in OWN_FIELDS:
                raise _invalid(
                    f"factors.{factor}", self.factors[factor], f"belongs in {OWN_FIELDS[factor]}"
                )
        if self.insured_kind not in INSURED_KINDS:
            raise _invalid("insured_kind", self.insured_kind, f"must be one of {INSURED_KINDS}")
        for flag in ("known_exploited_exposed", "cii_operator"):
            if not isinstance(getattr(self, flag), bool):
                raise _invalid(flag, getattr(self, flag), "must be true or false")
        object.__setattr__(self, "modifiers", MappingProxyType(dict(self.modifiers)))
        object.__setattr__(self, "factors", MappingProxyType(dict(self.factors)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "industry_section": self.industry_section,
            "revenue": format(self.revenue, "f"),
            "score": self.score,
            "grade": self.grade,
            "modifiers": {
                name: {"frequency": m.frequency, "severity": m.severity}
                for name, m in self.modifiers.items()
            },
            "mlps_level": self.mlps_level,
            "claims_count": self.claims_count,
            "factors": {k: str(v) for k, v in self.factors.items()},
            "insured_kind": self.insured_kind,
            "known_exploited_exposed": self.known_exploited_exposed,
            "cii_operator": self.cii_operator,
        }


def _revenue(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _invalid("revenue", value, "must be a Decimal, int or decimal string (CNY)")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise _invalid("revenue", value, "is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise _invalid("revenue", value, "must be a finite amount of at least 0")
    return amount


def _whole(name: str, value: object, *, low: int, high: int | None) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise _invalid(name, value, f"must be a whole number {bound}, or None")
