"""The filed premium (备案保费): base premium × Π coefficients of the product's filed rate plan.

Each filed coefficient is *requested* from the applicant's inputs through the plan's guide, or
given by an underwriter's override; the products package's :meth:`RatePlan.clamp` then holds
each inside its filed range and their product inside the filed bound, flagging every move. A
coefficient with no input counts as 1 and is flagged ``defaulted``.

Inputs of the coefficients:

- ``security_score``: the score (0–100) read off the plan's score guide (保费按安全评分浮动);
  the products package validates that the guide never rises with the score;
- ``claims_history``: the claims count → level (``data/claims_history.yaml``) → the plan's level;
  not declared (None) → 1, flagged;
- ``retention``: the retention chosen, read off the plan's retention guide;
- ``mlps_level``: the highest level the guide lists at or below the applicant's (so 等保四级
  takes level 3's value when a plan lists only 2 and 3); below every listed level, or not graded,
  the guide's ``none`` level (refused if the guide has none);
- any other factor: ``Applicant.factors[factor]`` (a level code or a quantity); not given → 1.

The filed premium is ``base × product`` exactly, rounded half-up to the fen once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any, Literal

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import (
    ClampFlag,
    Coefficient,
    FiledPremiumInputs,
    FiledRange,
    ProductSpec,
    filed_premium_inputs,
)
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.renewal import claims_history_level
from liubu.underwriting.terms import check_limit, check_retention

Source = Literal["guide", "override", "not_supplied"]


@dataclass(frozen=True, slots=True)
class CoefficientLine:
    """One coefficient of the worksheet: input, guided value, requested, applied, flag."""

    factor: str
    source: Source
    reading: str | None
    guided: Decimal | None
    requested: Decimal | None
    applied: Decimal
    filed_range: FiledRange
    flag: str | None

    @property
    def clamped(self) -> bool:
        return self.flag in ("raised_to_lo", "lowered_to_hi")

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "source": self.source,
            "reading": self.reading,
            "guided": _str(self.guided),
            "requested": _str(self.requested),
            "applied": str(self.applied),
            "range": [str(self.filed_range.lo), str(self.filed_range.hi)],
            "flag": self.flag,
        }


@dataclass(frozen=True)
class FiledPrice:
    """The filed premium with its base premium, coefficient lines and the bound on the product."""

    inputs: FiledPremiumInputs
    lines: tuple[CoefficientLine, ...]
    product_requested: Decimal
    product_flag: ClampFlag | None
    bound: FiledRange
    exact: Decimal
    premium: Money

    @property
    def base_premium(self) -> Decimal:
        return self.inputs.base_premium

    @property
    def product(self) -> Decimal:
        """The product of the clamped coefficients, itself clamped to the filed bound."""
        return self.inputs.clamp.product


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _score_reading(score: float) -> Decimal:
    return Decimal(repr(float(score)))


def _mlps_reading(coefficient: Coefficient, level: int | None) -> str:
    listed = {lv.level for lv in coefficient.levels}
    numeric = sorted(int(code) for code in listed if code.isdigit())
    usable = [n for n in numeric if level is not None and n <= level]
    if usable:
        return str(usable[-1])
    if "none" in listed:
        return "none"
    raise ValidationError(
        f"The MLPS level {level!r} is below every level the rate plan lists ({sorted(listed)}) "
        "and the plan has no 'none' level.",
        code=UnderwritingCode.MLPS_LEVEL_NOT_RATED,
        field="mlps_level",
        value=repr(level),
    )


def _reading(
    coefficient: Coefficient, applicant: Applicant, retention: Decimal
) -> str | Decimal | None:
    """What is read off this coefficient's guide, or None when there is no input."""
    factor = coefficient.factor
    if factor == "security_score":
        return _score_reading(applicant.score)
    if factor == "claims_history":
        count = applicant.claims_count
        return None if count is None else claims_history_level(count)
    if factor == "retention":
        return retention
    if factor == "mlps_level" and coefficient.levels:
        return _mlps_reading(coefficient, applicant.mlps_level)
    given = applicant.factors.get(factor)
    if given is None:
        return None
    return str(given) if coefficient.levels else _quantity(factor, given)


def _quantity(factor: str, given: object) -> Decimal:
    try:
        number = Decimal(str(given))
    except ArithmeticError:
        number = Decimal("NaN")
    if isinstance(given, bool) or not number.is_finite():
        raise ValidationError(
            f"The input of the coefficient {factor} {given!r} must be a number (its guide is a "
            "curve over a quantity).",
            code=UnderwritingCode.NUMBER_TYPE,
            field=f"factors.{factor}",
            value=repr(given),
        )
    return number


def _request(
    coefficient: Coefficient,
    applicant: Applicant,
    retention: Decimal,
    overrides: Mapping[str, Decimal],
) -> tuple[Source, str | None, Decimal | None, Decimal | None]:
    reading = _reading(coefficient, applicant, retention)
    has_guide = bool(coefficient.levels or coefficient.guide)
    guided = coefficient.value_for(reading) if reading is not None and has_guide else None
    shown = None if reading is None else str(reading)
    if coefficient.factor in overrides:
        return "override", shown, guided, overrides[coefficient.factor]
    if guided is None:
        return "not_supplied", shown, None, None
    return "guide", shown, guided, guided


def check_overrides(spec: ProductSpec, overrides: Mapping[str, object]) -> dict[str, Decimal]:
    """Overrides as positive Decimals, each naming a factor the plan files."""
    filed = [c.factor for c in spec.rate_plan.coefficients]
    out: dict[str, Decimal] = {}
    for factor, value in overrides.items():
        if factor not in filed:
            raise ValidationError(
                f"The override names the factor {factor!r}, which {spec.product_id} does not "
                f"file; it files {filed}.",
                code=UnderwritingCode.OVERRIDE_NOT_FILED,
                field=f"overrides.{factor}",
                value=factor,
            )
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise ValidationError(
                f"The override of {factor} {value!r} must be a Decimal, int or decimal string.",
                code=UnderwritingCode.NUMBER_TYPE,
                field=f"overrides.{factor}",
                value=repr(value),
            )
        try:
            number = Decimal(value)
        except ArithmeticError:
            number = Decimal("NaN")
        if not number.is_finite() or number <= 0:
            raise ValidationError(
                f"The override of {factor} {value!r} must be a positive number.",
                code=UnderwritingCode.OVERRIDE_NOT_POSITIVE,
                field=f"overrides.{factor}",
                value=repr(value),
            )
        out[factor] = number
    return out


def _line(
    coefficient: Coefficient,
    request: tuple[Source, str | None, Decimal | None, Decimal | None],
    applied: Decimal,
    flag: ClampFlag | None,
) -> CoefficientLine:
    source, reading, guided, requested = request
    return CoefficientLine(
        factor=coefficient.factor,
        source=source,
        reading=reading,
        guided=guided,
        requested=requested,
        applied=applied,
        filed_range=coefficient.range,
        flag=None if flag is None else flag.kind,
    )


def filed_price(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limit: object,
    retention: object | None,
    overrides: Mapping[str, object] | None = None,
) -> FiledPrice:
    """The filed premium of ``spec`` at ``limit`` and ``retention`` (options of the product) for
    ``applicant``: ``exact`` = base × clamped product (50 significant digits), ``premium`` that
    rounded half-up to the fen."""
    limit = check_limit(spec, limit)
    retention = check_retention(spec, retention)
    checked = check_overrides(spec, overrides or {})
    requests = {
        c.factor: _request(c, applicant, retention, checked) for c in spec.rate_plan.coefficients
    }
    supplied = {f: r[3] for f, r in requests.items() if r[3] is not None}
    inputs = filed_premium_inputs(
        spec,
        limit=limit,
        revenue=applicant.revenue,
        industry_section=applicant.industry_section,
        coefficients=supplied,
    )
    flags = {flag.factor: flag for flag in inputs.clamp.flags}
    lines = tuple(
        _line(c, requests[c.factor], inputs.clamp.coefficients[c.factor], flags.get(c.factor))
        for c in spec.rate_plan.coefficients
    )
    with localcontext() as context:
        context.prec = 50
        raw = Decimal(1)
        for line in lines:
            raw *= line.applied
        exact = inputs.base_premium * inputs.clamp.product
    return FiledPrice(
        inputs,
        lines,
        raw,
        flags.get("product"),
        spec.rate_plan.product_bound,
        exact,
        Money(exact).round_fen(),
    )
