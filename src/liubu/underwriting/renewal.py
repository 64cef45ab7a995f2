"""Renewal re-rating (续保重新定价): the claims-history coefficient from the claims count, and
what the term's score history did to the price (:class:`RenewalTerm`, kept on the renewal
quote).

The table is data (``data/claims_history.yaml``): each level holds from its ``min_claims`` up to
the next level's.

>>> claims_history_level(0), claims_history_level(1), claims_history_level(4)
('none', 'one', 'two_or_more')
>>> claims_history_coefficient(1)
Decimal('1.2')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any

from liubu.errors import ValidationError
from liubu.products import ProductSpec, Text
from liubu.underwriting._data import load_data
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.submission import check_schema

FACTOR = "claims_history"


@dataclass(frozen=True, slots=True)
class ClaimsLevel:
    """A claims-history level: from ``min_claims`` claims, with its default coefficient."""

    min_claims: int
    level: str
    coefficient: Decimal


@cache
def claims_history_levels() -> tuple[ClaimsLevel, ...]:
    """The levels of ``data/claims_history.yaml``, by increasing ``min_claims`` (the first at 0)."""
    data = load_data("claims_history.yaml")
    rows = data.get(("levels",))
    levels = []
    for i, row in enumerate(rows):
        at = row.get("min_claims")
        if isinstance(at, bool) or not isinstance(at, int) or at < 0:
            raise data.fail(
                f"levels[{i}].min_claims {at!r} must be a whole number ≥ 0.", ("levels", i)
            )
        coefficient = data.decimal(("levels", i, "coefficient"), low=Decimal("0.01"))
        levels.append(ClaimsLevel(at, str(row["level"]), coefficient))
    if (
        not levels
        or levels[0].min_claims != 0
        or any(b.min_claims <= a.min_claims for a, b in pairwise(levels))
    ):
        raise data.fail("The levels must start at 0 claims and increase.", ("levels",))
    return tuple(levels)


def look_back_years() -> int:
    """The look-back period of the claims count (years)."""
    return int(load_data("claims_history.yaml").get(("period_years",)))


def _level(claims_count: int) -> ClaimsLevel:
    if isinstance(claims_count, bool) or not isinstance(claims_count, int) or claims_count < 0:
        raise ValidationError(
            f"The claims count {claims_count!r} must be a whole number of at least 0.",
            code=UnderwritingCode.BAD_CLAIMS_COUNT,
            field="claims_count",
            value=repr(claims_count),
        )
    return [row for row in claims_history_levels() if row.min_claims <= claims_count][-1]


def claims_history_level(claims_count: int) -> str:
    """The level code for ``claims_count`` claims in the look-back period."""
    return _level(claims_count).level


def claims_history_coefficient(claims_count: int, *, spec: ProductSpec | None = None) -> Decimal:
    """The claims-history coefficient for ``claims_count`` claims in the look-back period.

    With ``spec``: the product's filed coefficient for the level, clamped to its filed range
    (1 when the product files no claims-history factor; the level table's default when its
    factor has no level guide). Without: the default coefficient of the level table.
    """
    row = _level(claims_count)
    if spec is None:
        return row.coefficient
    filed = next((c for c in spec.rate_plan.coefficients if c.factor == FACTOR), None)
    if filed is None:
        return Decimal(1)
    value = filed.value_for(row.level) if filed.levels else row.coefficient
    return filed.range.clamp(value)


RENEWAL_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class TermChange:
    """One change of the insured's score during the term, as the renewal quote keeps it."""

    at: datetime
    score_before: Decimal | None
    grade_before: str | None
    score_after: Decimal
    grade_after: str
    reason: str
    ref: str | None
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "score_before": None if self.score_before is None else str(self.score_before),
            "grade_before": self.grade_before,
            "score_after": str(self.score_after),
            "grade_after": self.grade_after,
            "reason": self.reason,
            "ref": self.ref,
            "text": self.text.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TermChange:
        before = data.get("score_before")
        return cls(
            at=datetime.fromisoformat(str(data["at"])),
            score_before=None if before is None else Decimal(str(before)),
            grade_before=data.get("grade_before"),
            score_after=Decimal(str(data["score_after"])),
            grade_after=str(data["grade_after"]),
            reason=str(data["reason"]),
            ref=data.get("ref"),
            text=Text(zh=str(data["text"]["zh"]), en=str(data["text"]["en"])),
        )


@dataclass(frozen=True, slots=True)
class RenewalTerm:
    """What the expiring term did to the renewal's price (续保评分轨迹).

    The score the policy was bound at, the in-term score at renewal (the diagnosis moved by the
    monitoring adjustment), the changes in between, and the filed premium of the renewal option
    priced through the one pricing path twice, everything else equal: at the bind score
    (``premium_at_bind_score``) and at the renewal score (``premium_at_renewal_score``, the
    quote's own). Either premium is None when the product declines the applicant at that
    score."""

    policy_id: str
    policy_number: str
    period_start: date
    period_end: date
    bind_score: Decimal
    bind_grade: str
    renewal_score: Decimal
    renewal_grade: str
    diagnosis_score: Decimal
    adjustment: Decimal
    changes: tuple[TermChange, ...]
    premium_at_bind_score: Decimal | None
    premium_at_renewal_score: Decimal | None

    @property
    def premium_change(self) -> Decimal | None:
        """What the term's score changes did to the premium (renewal − bind score)."""
        if self.premium_at_bind_score is None or self.premium_at_renewal_score is None:
            return None
        return self.premium_at_renewal_score - self.premium_at_bind_score

    def to_dict(self) -> dict[str, Any]:
        change = self.premium_change
        return {
            "schema": RENEWAL_SCHEMA,
            "policy_id": self.policy_id,
            "policy_number": self.policy_number,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "bind_score": str(self.bind_score),
            "bind_grade": self.bind_grade,
            "renewal_score": str(self.renewal_score),
            "renewal_grade": self.renewal_grade,
            "diagnosis_score": str(self.diagnosis_score),
            "adjustment": str(self.adjustment),
            "changes": [c.to_dict() for c in self.changes],
            "premium_at_bind_score": _text(self.premium_at_bind_score),
            "premium_at_renewal_score": _text(self.premium_at_renewal_score),
            "premium_change": _text(change),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RenewalTerm:
        check_schema(data, current=RENEWAL_SCHEMA, what="renewal term")
        return cls(
            policy_id=str(data["policy_id"]),
            policy_number=str(data["policy_number"]),
            period_start=date.fromisoformat(str(data["period_start"])),
            period_end=date.fromisoformat(str(data["period_end"])),
            bind_score=Decimal(str(data["bind_score"])),
            bind_grade=str(data["bind_grade"]),
            renewal_score=Decimal(str(data["renewal_score"])),
            renewal_grade=str(data["renewal_grade"]),
            diagnosis_score=Decimal(str(data["diagnosis_score"])),
            adjustment=Decimal(str(data["adjustment"])),
            changes=tuple(TermChange.from_dict(c) for c in data.get("changes", ())),
            premium_at_bind_score=_decimal(data.get("premium_at_bind_score")),
            premium_at_renewal_score=_decimal(data.get("premium_at_renewal_score")),
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
