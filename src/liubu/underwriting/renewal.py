"""Renewal re-rating (续保重新定价): the claims-history coefficient from the claims count.

The table is data (``data/claims_history.yaml``): each level holds from its ``min_claims`` up to
the next level's.

>>> claims_history_level(0), claims_history_level(1), claims_history_level(4)
('none', 'one', 'two_or_more')
>>> claims_history_coefficient(1)
Decimal('1.2')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import pairwise

from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.underwriting._data import load_data
from liubu.underwriting.reasons import UnderwritingCode

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
