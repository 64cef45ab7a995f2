"""A product option in the risk engine's terms (产品方案 → 风险模型条款).

A product version names coverages from the standard vocabulary; each maps (through the
vocabulary's ``risk_category``) to one of the engine's loss components, or to none. For an option
(a policy limit from the product's ``limit_options`` and the retention chosen):

- **annual aggregate limit** = the limit; **one retention per event** = the retention chosen
  (the product's by default), applied once across coverages;
- **per engine category**: sublimit = min(limit, the coverage's sublimit) and coinsurance of
  the product coverage that carries the category — the coverage whose code is the category's
  own code, else the one that can pay most (first in the product on a tie). Other product
  coverages of the same category are *folded* into it, and the worksheet says so;
- **waiting period** (business interruption only, in hours): ``time_deductible`` → the engine's
  time deductible, ``qualifying_period`` → its qualifying period; ``from_inception`` (events in
  the first hours of the policy are not covered) has no engine equivalent and is left out, which
  overstates the insured loss slightly;
- engine categories the product does not cover are set ``covered=False``;
- product coverages with no engine category are **not modelled**: listed, never dropped silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from liubu.errors import ValidationError
from liubu.products import Coverage, ProductSpec, Text, load_vocabulary
from liubu.risk import CoverageTerms, Terms, coverage_codes
from liubu.underwriting.labels import category_name, coverage_name, note
from liubu.underwriting.reasons import UnderwritingCode

_WAITING = {"time_deductible": "time_deductible", "qualifying_period": "qualifying"}
_BI = "business_interruption"

Status = Literal["applied", "folded", "not_modelled"]


@dataclass(frozen=True, slots=True)
class CoverageMapping:
    """How one product coverage enters the engine: its category, and whether its own terms are
    the category's (``applied``), it is priced under a sibling's terms (``folded``) or it is
    outside the model (``not_modelled``)."""

    coverage: str
    category: str | None
    status: Status
    terms_from: str | None
    payable_limit: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "category": self.category,
            "status": self.status,
            "terms_from": self.terms_from,
            "payable_limit": str(self.payable_limit),
        }


@dataclass(frozen=True)
class OptionTerms:
    """The engine terms of one option and how each product coverage was translated."""

    product_id: str
    limit: Decimal
    retention: Decimal
    terms: Terms
    coverages: tuple[CoverageMapping, ...]
    uncovered_categories: tuple[str, ...]
    notes: tuple[Text, ...]

    @property
    def modelled(self) -> bool:
        """True when at least one product coverage is in the model."""
        return any(c.status != "not_modelled" for c in self.coverages)

    @property
    def not_modelled(self) -> tuple[str, ...]:
        return tuple(c.coverage for c in self.coverages if c.status == "not_modelled")

    def to_dict(self) -> dict[str, Any]:
        terms = self.terms
        return {
            "limit": str(self.limit),
            "retention": str(self.retention),
            "engine_terms": {
                "retention": terms.retention,
                "aggregate_limit": _finite(terms.aggregate_limit),
                "coverages": {
                    code: {
                        "sublimit": _finite(c.sublimit),
                        "coinsurance": c.coinsurance,
                        "waiting_period_hours": c.waiting_period_hours,
                        "waiting_period_type": c.waiting_period_type,
                        "covered": c.covered,
                    }
                    for code, c in terms.coverages.items()
                },
            },
            "coverages": [c.to_dict() for c in self.coverages],
            "not_modelled": list(self.not_modelled),
            "uncovered_categories": list(self.uncovered_categories),
            "notes": [n.to_dict() for n in self.notes],
        }


def _finite(value: float) -> float | None:
    """JSON has no infinity: an unlimited amount is null."""
    return value if math.isfinite(value) else None


def _yuan(amount: Decimal) -> str:
    return f"{amount:,f}"


def _decimal(value: object, *, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValidationError(
            f"The {field} {value!r} must be a Decimal, int or decimal string.",
            code=UnderwritingCode.NUMBER_TYPE,
            field=field,
            value=repr(value),
        )
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValidationError(
            f"The {field} {value!r} is not a number.",
            code=UnderwritingCode.NUMBER_TYPE,
            field=field,
            value=repr(value),
        ) from None
    if not number.is_finite():
        raise ValidationError(
            f"The {field} {value!r} is not finite.", code=UnderwritingCode.NUMBER_TYPE, field=field
        )
    return number


def product_retention(spec: ProductSpec) -> Decimal:
    """The product's policy retention (0 when it states none)."""
    return spec.retention.amount if spec.retention is not None else Decimal(0)


def retention_options(spec: ProductSpec) -> tuple[Decimal, ...]:
    """Retentions one may choose: the product's, and every input point of the filed retention
    coefficient's guide at or above it (a retention below the product's is never offered)."""
    base = product_retention(spec)
    options = {base}
    for coefficient in spec.rate_plan.coefficients:
        if coefficient.factor == "retention":
            options.update(point.at for point in coefficient.guide if point.at >= base)
    return tuple(sorted(options))


def check_limit(spec: ProductSpec, limit: object) -> Decimal:
    """``limit`` as a Decimal if it is one of the product's limit options, else raise."""
    amount = _decimal(limit, field="limit")
    if amount not in spec.limit_options:
        allowed = [format(option, "f") for option in spec.limit_options]
        raise ValidationError(
            f"The limit {format(amount, 'f')} is not an option of {spec.product_id}; choose one "
            f"of {allowed}.",
            code=UnderwritingCode.LIMIT_NOT_OFFERED,
            field="limit",
            value=format(amount, "f"),
        )
    return amount


def check_retention(spec: ProductSpec, retention: object | None) -> Decimal:
    """The retention chosen (the product's when None) if it is one of :func:`retention_options`."""
    if retention is None:
        return product_retention(spec)
    amount = _decimal(retention, field="retention")
    allowed = retention_options(spec)
    if amount not in allowed:
        raise ValidationError(
            f"The retention {format(amount, 'f')} is not an option of {spec.product_id}; choose "
            f"one of {[format(a, 'f') for a in allowed]}.",
            code=UnderwritingCode.RETENTION_NOT_OFFERED,
            field="retention",
            value=format(amount, "f"),
        )
    return amount


def option_terms(
    spec: ProductSpec, *, limit: object, retention: object | None = None
) -> OptionTerms:
    """The engine terms of ``spec`` at ``limit`` (and ``retention``), with the mapping of every
    product coverage and the notes on what the engine cannot express."""
    amount = check_limit(spec, limit)
    kept = check_retention(spec, retention)
    notes: list[Text] = []
    groups, mappings = _group(spec, amount, kept, notes)
    per_category: dict[str, CoverageTerms] = {}
    for category, members in groups.items():
        carrier = _carrier(spec, category, members, amount)
        per_category[category] = _coverage_terms(spec, category, carrier, amount, notes)
        for member in members:
            status: Status = "applied" if member is carrier else "folded"
            mappings[member.code] = CoverageMapping(
                member.code, category, status, carrier.code, spec.payable_limit(member, amount)
            )
            if status == "folded":
                notes.append(
                    note(
                        "folded",
                        coverage=coverage_name(member.code),
                        category=category_name(category),
                        carrier=coverage_name(carrier.code),
                    )
                )
    uncovered = tuple(c for c in coverage_codes(insurable_only=True) if c not in per_category)
    for category in uncovered:
        per_category[category] = CoverageTerms(covered=False)
    if spec.retention is not None and spec.retention.basis != "per_event":
        notes.append(note("aggregate_retention", retention=_yuan(kept)))
    terms = _terms(spec, per_category, retention=kept, limit=amount)
    ordered = tuple(mappings[c.code] for c in spec.coverages)
    return OptionTerms(spec.product_id, amount, kept, terms, ordered, uncovered, tuple(notes))


def _group(
    spec: ProductSpec, limit: Decimal, retention: Decimal, notes: list[Text]
) -> tuple[dict[str, list[Coverage]], dict[str, CoverageMapping]]:
    """Product coverages by engine category, and the not-modelled ones already mapped."""
    vocabulary = load_vocabulary()
    groups: dict[str, list[Coverage]] = {}
    mappings: dict[str, CoverageMapping] = {}
    for coverage in spec.coverages:
        category = vocabulary.coverage(coverage.code).risk_category
        if category is None:
            payable = spec.payable_limit(coverage, limit)
            mappings[coverage.code] = CoverageMapping(
                coverage.code, None, "not_modelled", None, payable
            )
            notes.append(note("not_modelled", coverage=coverage_name(coverage.code)))
            continue
        groups.setdefault(category, []).append(coverage)
        own = coverage.retention
        if own is not None and (own.amount != retention or own.basis != "per_event"):
            notes.append(
                note(
                    "own_retention",
                    coverage=coverage_name(coverage.code),
                    amount=_yuan(own.amount),
                    retention=_yuan(retention),
                )
            )
    return groups, mappings


def terms_for_option(spec: ProductSpec, *, limit: object, retention: object | None = None) -> Terms:
    """The engine's :class:`~liubu.risk.Terms` for ``spec`` at ``limit`` (one of the product's
    ``limit_options``) and ``retention`` (see :func:`option_terms` for the mapping)."""
    return option_terms(spec, limit=limit, retention=retention).terms


def _carrier(spec: ProductSpec, category: str, members: list[Coverage], limit: Decimal) -> Coverage:
    for member in members:
        if member.code == category:
            return member
    best = max(spec.payable_limit(m, limit) for m in members)
    return next(m for m in members if spec.payable_limit(m, limit) == best)


def _coverage_terms(
    spec: ProductSpec, category: str, carrier: Coverage, limit: Decimal, notes: list[Text]
) -> CoverageTerms:
    coinsurance = float(carrier.coinsurance) if carrier.coinsurance is not None else 0.0
    sublimit = float(spec.payable_limit(carrier, limit))
    waiting = carrier.waiting_period
    if waiting is None or waiting.hours == 0:
        return CoverageTerms(sublimit=sublimit, coinsurance=coinsurance)
    kind = _WAITING.get(waiting.semantics)
    if kind is None or category != _BI:
        notes.append(
            note(
                "waiting_not_modelled",
                coverage=coverage_name(carrier.code),
                hours=waiting.hours,
                semantics=waiting.semantics,
            )
        )
        return CoverageTerms(sublimit=sublimit, coinsurance=coinsurance)
    return CoverageTerms(
        sublimit=sublimit,
        coinsurance=coinsurance,
        waiting_period_hours=float(waiting.hours),
        waiting_period_type=kind,
    )


def _terms(
    spec: ProductSpec, coverages: dict[str, CoverageTerms], *, retention: Decimal, limit: Decimal
) -> Terms:
    try:
        return Terms(retention=float(retention), aggregate_limit=float(limit), coverages=coverages)
    except ValidationError as error:
        raise ValidationError(
            f"The option limit {format(limit, 'f')} with retention {format(retention, 'f')} of "
            f"{spec.product_id} cannot be expressed in the risk engine's terms: {error.message}",
            code=error.code,
            field="retention",
            value=format(retention, "f"),
        ) from error
