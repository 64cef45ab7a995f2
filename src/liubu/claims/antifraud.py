"""A resident's anti-fraud claim (反诈险理赔) and its assessment, pure.

A claim names the police case receipt (报案回执编号, :func:`parse_receipt_number`), the amount lost
and recovered, and three dates: the loss, the report to the police and the notice to the insurer.
:func:`assess` checks it against the policy that covers the resident and the product's terms
(:class:`AntifraudTerms`, read from the filed product) and either refuses it with reason codes or
accepts it with a payable amount explained step by step (:class:`Assessment`).

The payable amount (docs/antifraud-claims.md), all in Decimal CNY::

    net loss          = loss − recovered
    retention left    = max(0, annual retention − retention used by earlier claims of the year)
    retention applied = min(net loss, retention left)
    excess            = net loss − retention applied
    share             = excess × indemnity share (1 − coinsurance), half-up to the fen (Money)
    limit left        = max(0, per-person limit − paid on earlier claims of the year)
    payable           = min(share, limit left)

"Earlier claims" are the accepted claims under the same policy assessed before this one: the
policy is annual, so its policy year is its period. The checks, all reported together:

- in force: inception ≤ loss date < the first anniversary of inception;
- waiting period (``from_inception``): a loss on a day before inception + hours / 24 is refused
  (inception counts from 00:00 of its day; 168 h end at the start of the 8th day);
- reporting window: the insurer told within ``notice_within_hours`` of the police report, counted
  in whole days (72 h → 3 days after the report date), since the claim file carries dates;
- excluded cause, when a cause is given: refused if the product excludes it.

An accepted claim's money is payable from the police report date plus the product's recovery
wait (the first day-counted step of its claims process: 30 days for the reference product).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from liubu.claims.antifraud_data import antifraud_table
from liubu.claims.reasons import ClaimsCode
from liubu.core import FEN, Money, provinces
from liubu.errors import ValidationError
from liubu.products import ProductSpec, load_vocabulary

WORKSHEET_SCHEMA = 1
MAX_AMOUNT = Decimal("100000000")  # ¥100 million: far above any per-person limit
EARLIEST_DATE = dt.date(2000, 1, 1)


class Decision(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class ReceiptNumber:
    """A police case receipt number in the assumed form (``data/antifraud.yaml``):
    ``A|J`` + 12-digit organ code + ``YYYYMM`` + 4–6-digit serial."""

    text: str
    kind: str
    organ_code: str
    year: int
    month: int
    serial: str

    @property
    def province(self) -> str:
        return self.organ_code[:2]


@cache
def _receipt_pattern() -> re.Pattern[str]:
    return re.compile(str(antifraud_table()["receipt_number"]["pattern"]))


@cache
def _province_codes() -> frozenset[str]:
    return frozenset(p.code for p in provinces())


def receipt_problem(text: str) -> str | None:
    """Why ``text`` (upper-cased, stripped) is not a receipt number, or None."""
    found = _receipt_pattern().match(text)
    if found is None:
        return f"{len(text)} characters; expected 23 to 25"
    if found.group(2)[:2] not in _province_codes():
        return f"the organ code starts with {found.group(2)[:2]}, not a province"
    year, month = int(found.group(3)), int(found.group(4))
    if not 2000 <= year <= 2099 or not 1 <= month <= 12:
        return f"{found.group(3)}{found.group(4)} is not a year and month"
    return None


def parse_receipt_number(text: str, *, field: str = "receipt_number") -> ReceiptNumber:
    """The checked receipt number; raises :class:`ValidationError` (``claims.antifraud.
    receipt_number``) naming what is wrong."""
    number = text.strip().upper()
    problem = receipt_problem(number)
    if problem is not None:
        raise ValidationError(
            f"The police case receipt number {number[:40]!r} is not in the form A or J, a "
            f"12-digit police organ code, YYYYMM and a 4- to 6-digit serial: {problem}.",
            code=ClaimsCode.RECEIPT_NUMBER,
            field=field,
            value=number[:40],
        )
    found = _receipt_pattern().match(number)
    assert found is not None
    kind, organ, year, month, serial = found.groups()
    return ReceiptNumber(number, kind, organ, int(year), int(month), serial)


def receipt_matches_report(receipt: ReceiptNumber, report_date: dt.date) -> bool:
    """The receipt's month is the police report's month or the next one (a report made late on
    a month's last day may be registered on the next)."""
    months = receipt.year * 12 + receipt.month - (report_date.year * 12 + report_date.month)
    return months in (0, 1)


@dataclass(frozen=True)
class AntifraudClaim:
    """A claim as filed, checked on construction (the resident is identified apart)."""

    receipt: ReceiptNumber
    loss_amount: Decimal
    loss_date: dt.date
    police_report_date: dt.date
    notified_on: dt.date
    recovered_amount: Decimal = Decimal(0)
    cause: str | None = None

    def __post_init__(self) -> None:
        for name in ("loss_amount", "recovered_amount"):
            value = getattr(self, name)
            if not _amount_ok(value):
                raise ValidationError(
                    f"The {name} {value} must be from 0 to {MAX_AMOUNT} yuan, to the fen.",
                    code=ClaimsCode.AMOUNT,
                    field=name,
                    value=str(value),
                )
        if self.recovered_amount > self.loss_amount:
            raise ValidationError(
                f"The amount recovered {self.recovered_amount} exceeds the amount lost "
                f"{self.loss_amount}.",
                code=ClaimsCode.AMOUNT,
                field="recovered_amount",
                value=str(self.recovered_amount),
            )
        if not self.loss_date <= self.police_report_date <= self.notified_on:
            raise ValidationError(
                f"The dates are out of order: loss {self.loss_date}, police report "
                f"{self.police_report_date}, notice {self.notified_on} (each on or after the "
                f"one before).",
                code=ClaimsCode.DATE_ORDER,
                field="police_report_date",
                value=self.police_report_date.isoformat(),
            )
        if not receipt_matches_report(self.receipt, self.police_report_date):
            raise ValidationError(
                f"The receipt number's month {self.receipt.year}-{self.receipt.month:02d} is "
                f"neither the month of the police report {self.police_report_date} nor the next.",
                code=ClaimsCode.RECEIPT_MONTH,
                field="receipt_number",
                value=self.receipt.text,
            )
        if self.cause is not None and self.cause not in load_vocabulary().exclusions:
            raise ValidationError(
                f"The cause {self.cause!r} is not an exclusion code of the vocabulary.",
                code=ClaimsCode.UNKNOWN_CAUSE,
                field="cause",
                value=self.cause[:40],
            )


def _amount_ok(value: Decimal) -> bool:
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and Decimal(0) <= value <= MAX_AMOUNT
        and value == value.quantize(FEN)
    )


def anniversary(inception: dt.date) -> dt.date:
    """The first day after an annual policy's period: inception one year on (29 Feb → 1 Mar)."""
    try:
        return inception.replace(year=inception.year + 1)
    except ValueError:
        return dt.date(inception.year + 1, 3, 1)


@dataclass(frozen=True)
class AntifraudTerms:
    """What the assessment needs of a per-person product, for the limit the resident holds."""

    limit: Decimal
    annual_retention: Decimal
    indemnity_share: Decimal
    waiting_days: int
    notice_days: int
    recovery_wait_days: int
    exclusions: frozenset[str]

    @classmethod
    def of(cls, product: ProductSpec, *, limit: Decimal) -> AntifraudTerms:
        """The terms of ``product`` (its single coverage, its annual aggregate retention)."""

        def refuse(why: str) -> ValidationError:
            return ValidationError(
                f"The product {product.product_id} cannot assess an anti-fraud claim: {why}.",
                code=ClaimsCode.PRODUCT_TERMS,
                field="product",
                value=product.product_id,
            )

        if len(product.coverages) != 1:
            raise refuse("it has more than one coverage")
        coverage = product.coverages[0]
        retention = coverage.retention or product.retention
        if retention is not None and retention.basis != "annual_aggregate":
            raise refuse(f"its retention applies {retention.basis!r}, not per policy year")
        waiting = coverage.waiting_period
        if waiting is not None and waiting.semantics != "from_inception":
            raise refuse(f"its waiting period runs {waiting.semantics!r}, not from inception")
        recovery = [s.deadline_days for s in product.claims.steps if s.deadline_days is not None]
        return cls(
            limit=limit if coverage.sublimit is None else min(limit, coverage.sublimit),
            annual_retention=Decimal(0) if retention is None else retention.amount,
            indemnity_share=Decimal(1) - (coverage.coinsurance or Decimal(0)),
            waiting_days=0 if waiting is None else -(-waiting.hours // 24),
            notice_days=-(-product.claims.notice_within_hours // 24),
            recovery_wait_days=recovery[0] if recovery else 0,
            exclusions=frozenset(e.code for e in product.exclusions),
        )


@dataclass(frozen=True)
class YearToDate:
    """What earlier accepted claims of the policy year used: retention and payments."""

    retention_used: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    claims: int = 0

    def after(self, assessment: Assessment) -> YearToDate:
        if assessment.decision is not Decision.ACCEPTED:
            return self
        return YearToDate(
            self.retention_used + assessment.retention_applied,
            self.paid + assessment.payable,
            self.claims + 1,
        )


@dataclass(frozen=True)
class Assessment:
    """The decision, its reasons (refused) or notes (accepted), and the worksheet: ``steps``
    are ``(step code, value)`` pairs whose titles are ``data/antifraud.yaml``'s ``steps``."""

    decision: Decision
    reasons: tuple[ClaimsCode, ...]
    notes: tuple[ClaimsCode, ...]
    payable: Decimal
    retention_applied: Decimal
    payable_from: dt.date | None
    steps: tuple[tuple[str, Decimal], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": WORKSHEET_SCHEMA,
            "decision": str(self.decision),
            "reasons": [str(code) for code in self.reasons],
            "notes": [str(code) for code in self.notes],
            "payable": str(self.payable),
            "retention_applied": str(self.retention_applied),
            "payable_from": None if self.payable_from is None else self.payable_from.isoformat(),
            "steps": [[code, str(value)] for code, value in self.steps],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        if data.get("schema") != WORKSHEET_SCHEMA:
            raise ValidationError(f"Unknown worksheet schema {data.get('schema')!r}.")
        when = data["payable_from"]
        return cls(
            decision=Decision(data["decision"]),
            reasons=tuple(ClaimsCode(code) for code in data["reasons"]),
            notes=tuple(ClaimsCode(code) for code in data["notes"]),
            payable=Decimal(data["payable"]),
            retention_applied=Decimal(data["retention_applied"]),
            payable_from=None if when is None else dt.date.fromisoformat(when),
            steps=tuple((str(code), Decimal(value)) for code, value in data["steps"]),
        )


def refusals(
    claim: AntifraudClaim, *, terms: AntifraudTerms, inception: dt.date
) -> tuple[ClaimsCode, ...]:
    """Every reason the claim is refused, in a fixed order (none: covered)."""
    if not inception <= claim.loss_date < anniversary(inception):
        return (ClaimsCode.NOT_IN_FORCE,)
    found: list[ClaimsCode] = []
    if claim.loss_date < inception + dt.timedelta(days=terms.waiting_days):
        found.append(ClaimsCode.WAITING_PERIOD)
    if (claim.notified_on - claim.police_report_date).days > terms.notice_days:
        found.append(ClaimsCode.LATE_NOTICE)
    if claim.cause is not None and claim.cause in terms.exclusions:
        found.append(ClaimsCode.EXCLUDED_CAUSE)
    return tuple(found)


def assess(
    claim: AntifraudClaim,
    *,
    terms: AntifraudTerms,
    inception: dt.date,
    year_to_date: YearToDate,
) -> Assessment:
    """Refuse the claim with its reasons, or accept it with the payable amount (module doc)."""
    reasons = refusals(claim, terms=terms, inception=inception)
    if reasons:
        zero = Decimal("0.00")
        return Assessment(Decision.REFUSED, reasons, (), zero, zero, None, ())
    net = claim.loss_amount - claim.recovered_amount
    retention_left = max(Decimal(0), terms.annual_retention - year_to_date.retention_used)
    retention_applied = min(net, retention_left)
    excess = net - retention_applied
    share = (Money(excess) * terms.indemnity_share).round_fen().amount
    limit_left = max(Decimal(0), terms.limit - year_to_date.paid)
    payable = min(share, limit_left)
    notes: list[ClaimsCode] = []
    if excess == 0:
        notes.append(ClaimsCode.WITHIN_RETENTION)
    if share > limit_left:
        notes.append(ClaimsCode.CAPPED_AT_LIMIT)
    payable_from = claim.police_report_date + dt.timedelta(days=terms.recovery_wait_days)
    if terms.recovery_wait_days:
        notes.append(ClaimsCode.RECOVERY_WAIT)
    steps = (
        ("loss", claim.loss_amount),
        ("recovered", claim.recovered_amount),
        ("net_loss", net),
        ("retention_left", retention_left),
        ("retention_applied", retention_applied),
        ("excess", excess),
        ("indemnity_share", terms.indemnity_share),
        ("share", share),
        ("limit_left", limit_left),
        ("payable", payable),
    )
    return Assessment(
        Decision.ACCEPTED,
        (),
        tuple(notes),
        _fen(payable),
        _fen(retention_applied),
        payable_from,
        steps,
    )


def _fen(value: Decimal) -> Decimal:
    """An amount already exact to the fen, written with two decimals (no rounding happens)."""
    return Money(value).round_fen().amount


def step_title(code: str, lang: str) -> str:
    """The worksheet step's title in ``lang`` (``zh`` or ``en``)."""
    return str(antifraud_table()["steps"][code][lang])
