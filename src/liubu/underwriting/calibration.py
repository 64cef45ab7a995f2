"""The calibration report (校准报告): what the scenario library prices for a grid of SMEs, set
beside the market figures it should meet (``data/calibration.yaml``).

For every firm of the grid (revenue × GB/T 4754 section × posture known by its score) and one
product option (its limit and retention), the report gives

- the insured claim frequency: the model is compound Poisson, so P(no insured loss in a year) =
  exp(−Σ λ_s p_s) and the yearly rate of claims with an insured loss is −ln P(S = 0), read from
  the engine's distribution of the annual insured loss;
- the mean insured claim (expected loss ÷ claim frequency), the expected insured loss and its
  share of the limit;
- the technical and the filed premium and the rate adequacy (filed ÷ technical), through the one
  pricing path (:func:`liubu.underwriting.quote.price_option`);
- the referral decision the insurer's rules take on the option (auto-quote, refer, decline, with
  the rules that fired), through the same :func:`liubu.underwriting.referral.evaluate_referral`
  a quote uses;
- whether each figure lies in its market range, and whether the decision is the one the
  calibration asks for: a firm of average or good posture auto-quotes, a poor one refers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.errors import LiubuError, ValidationError
from liubu.products import ProductSpec
from liubu.underwriting._data import load_data
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.quote import price_option, technical_price_of
from liubu.underwriting.referral import evaluate_referral


@dataclass(frozen=True, slots=True)
class MarketRange:
    """A market range a figure should meet, with where it comes from."""

    low: float
    high: float
    source: str

    def holds(self, value: float | None) -> bool | None:
        return None if value is None else self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Posture:
    """A posture of the grid: a name and the score it is known by."""

    name: str
    score: float
    grade: str


@dataclass(frozen=True, slots=True)
class Benchmarks:
    """The grid and the market ranges of ``data/calibration.yaml``."""

    product: str
    limit: Decimal
    revenues: tuple[Decimal, ...]
    industries: tuple[str, ...]
    postures: tuple[Posture, ...]
    claim_frequency: MarketRange
    loss_share_of_limit: MarketRange
    rate_adequacy: MarketRange
    pilot_rate_on_line: float
    pilot_sum_insured: float
    pilot_premium: float
    sme_revenue_ceiling: Decimal


@cache
def benchmarks() -> Benchmarks:
    data = load_data("calibration.yaml")

    def market(key: str) -> MarketRange:
        node = data.mapping(("market", key))
        return MarketRange(
            float(data.decimal(("market", key, "low"))),
            float(data.decimal(("market", key, "high"))),
            str(node["source"]),
        )

    grid = data.mapping(("grid",))
    pilots = data.mapping(("pilots",))
    return Benchmarks(
        product=str(grid["product"]),
        limit=data.decimal(("grid", "limit")),
        revenues=tuple(Decimal(str(r)) for r in grid["revenues"]),
        industries=tuple(str(s) for s in grid["industries"]),
        postures=tuple(
            Posture(str(p["name"]), float(p["score"]), str(p["grade"])) for p in grid["postures"]
        ),
        claim_frequency=market("claim_frequency"),
        loss_share_of_limit=market("loss_share_of_limit"),
        rate_adequacy=market("rate_adequacy"),
        pilot_rate_on_line=float(pilots["premium"]) / float(pilots["sum_insured"]),
        pilot_sum_insured=float(pilots["sum_insured"]) / float(pilots["policies"]),
        pilot_premium=float(pilots["premium"]) / float(pilots["policies"]),
        sme_revenue_ceiling=data.decimal(("grid", "sme_revenue_ceiling")),
    )


@dataclass(frozen=True, slots=True)
class CalibrationRow:
    """One firm of the grid under one option."""

    revenue: Decimal
    industry: str
    posture: str
    score: float
    claim_frequency: float
    mean_insured_claim: float | None
    expected_loss: float
    loss_share_of_limit: float
    technical_premium: Decimal | None
    filed_premium: Decimal | None
    rate_adequacy: Decimal | None
    sme: bool
    checks: dict[str, bool | None]
    decision: str | None = None
    decision_codes: tuple[str, ...] = ()

    @property
    def quote(self) -> str:
        """The referral decision as the report prints it: ``auto``, ``refer: <rules>`` or —."""
        if self.decision is None:
            return "—"
        if not self.decision_codes:
            return self.decision
        return f"{self.decision}: " + ", ".join(self.decision_codes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "revenue": str(self.revenue),
            "industry": self.industry,
            "posture": self.posture,
            "score": self.score,
            "claim_frequency": self.claim_frequency,
            "mean_insured_claim": self.mean_insured_claim,
            "expected_loss": self.expected_loss,
            "loss_share_of_limit": self.loss_share_of_limit,
            "technical_premium": _text(self.technical_premium),
            "filed_premium": _text(self.filed_premium),
            "rate_adequacy": _text(self.rate_adequacy),
            "sme": self.sme,
            "decision": self.decision,
            "decision_codes": list(self.decision_codes),
            "checks": self.checks,
        }


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """The grid's rows and the ranges they were checked against."""

    product: str
    limit: Decimal
    rows: tuple[CalibrationRow, ...]
    benchmarks: Benchmarks

    @property
    def sme_rows(self) -> tuple[CalibrationRow, ...]:
        return tuple(r for r in self.rows if r.sme)

    def all_within(self) -> bool:
        """Every SME row meets every range it was checked against."""
        return all(v is not False for r in self.sme_rows for v in r.checks.values())

    def to_dict(self) -> dict[str, Any]:
        b = self.benchmarks
        return {
            "product": self.product,
            "limit": str(self.limit),
            "market": {
                name: {"low": m.low, "high": m.high, "source": m.source}
                for name, m in (
                    ("claim_frequency", b.claim_frequency),
                    ("loss_share_of_limit", b.loss_share_of_limit),
                    ("rate_adequacy", b.rate_adequacy),
                )
            },
            "pilots": {
                "rate_on_line": b.pilot_rate_on_line,
                "sum_insured_per_policy": b.pilot_sum_insured,
                "premium_per_policy": b.pilot_premium,
            },
            "all_sme_within": self.all_within(),
            "rows": [r.to_dict() for r in self.rows],
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def calibration_report(
    spec: ProductSpec,
    *,
    limit: Decimal | None = None,
    revenues: Sequence[Decimal] | None = None,
    industries: Sequence[str] | None = None,
    postures: Sequence[Posture] | None = None,
) -> CalibrationReport:
    """Price the grid (the benchmarks' by default) with ``spec`` and check it."""
    b = benchmarks()
    limit = b.limit if limit is None else limit
    rows = [
        _row(spec, b, limit, revenue, industry, posture)
        for revenue in (revenues or b.revenues)
        for industry in (industries or b.industries)
        for posture in (postures or b.postures)
    ]
    return CalibrationReport(spec.product_id, limit, tuple(rows), b)


def _row(
    spec: ProductSpec,
    b: Benchmarks,
    limit: Decimal,
    revenue: Decimal,
    industry: str,
    posture: Posture,
) -> CalibrationRow:
    applicant = Applicant(industry, revenue, posture.score, posture.grade, claims_count=0)
    technical = technical_price_of(spec, applicant, limit=limit)
    if technical is None:
        raise ValidationError(
            f"{spec.product_id} has no technical premium: nothing of it is in the risk model.",
            field="product",
            value=spec.product_id,
        )
    filed: Decimal | None = None
    adequacy: Decimal | None = None
    decision: str | None = None
    codes: tuple[str, ...] = ()
    if _filed_covers(spec, revenue):
        option = price_option(spec, applicant, limit=limit)
        filed, adequacy = option.filed_premium.amount, option.rate_adequacy
        referral = evaluate_referral(applicant, option)
        decision, codes = referral.decision, tuple(r.code for r in referral.reasons)
    result = technical.result
    no_claim = 1.0 - result.exceedance_probability(0.0)
    frequency = -math.log(no_claim) if no_claim > 0 else math.inf
    expected = float(technical.expected_loss)
    share = expected / float(limit)
    sme = revenue <= b.sme_revenue_ceiling
    checks = {
        "claim_frequency": b.claim_frequency.holds(frequency),
        "loss_share_of_limit": b.loss_share_of_limit.holds(share),
    }
    if posture.name == "average":
        checks["rate_adequacy"] = b.rate_adequacy.holds(
            None if adequacy is None else float(adequacy)
        )
    if decision is not None:
        checks["referral"] = decision == ("refer" if posture.name == "poor" else "auto")
    return CalibrationRow(
        revenue,
        industry,
        posture.name,
        posture.score,
        frequency,
        expected / frequency if frequency > 0 else None,
        expected,
        share,
        technical.premium.amount,
        filed,
        adequacy,
        sme,
        checks,
        decision,
        codes,
    )


def _filed_covers(spec: ProductSpec, revenue: Decimal) -> bool:
    """Whether the product's rate plan has a band for ``revenue`` (its filed premium applies)."""
    try:
        spec.rate_plan.revenue_band(revenue)
    except LiubuError:
        return False
    return True
