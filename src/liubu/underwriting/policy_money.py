"""Policy money (保单收付): mid-term endorsement premium and cancellation refunds.

Day count: actual days, the period half-open ``[start, end)`` (the end date is not a day of
cover), so a policy from 2025-01-01 to 2026-01-01 has 365 days and a change effective on day
100 (2025-04-11) leaves 265. Amounts are computed exactly (rationals) and rounded half-up to the
fen once.

>>> import datetime as dt
>>> str(pro_rata_premium(Money(3000), start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1),
...                      effective=dt.date(2025, 4, 11)))
'¥2,178.08'
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any, Literal

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import ProductSpec, Text
from liubu.underwriting._data import load_data
from liubu.underwriting.labels import note
from liubu.underwriting.reasons import UnderwritingCode

Method = Literal["pro_rata", "short_rate"]
MoneyLike = Money | Decimal | int | str


@dataclass(frozen=True, slots=True)
class CancellationRule:
    """How unearned premium is refunded; ``assumed`` when the product's wording does not say."""

    method: Method
    note: Text
    assumed: bool


@dataclass(frozen=True)
class CancellationRefund:
    """A cancellation: refund and earned premium (they add up to the premium), how computed."""

    refund: Money
    earned: Money
    method: Method
    term_days: int
    days_in_force: int
    months_in_force: int | None
    earned_share: Decimal | None
    notes: tuple[Text, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "refund": str(self.refund.amount),
            "earned": str(self.earned.amount),
            "method": self.method,
            "term_days": self.term_days,
            "days_in_force": self.days_in_force,
            "months_in_force": self.months_in_force,
            "earned_share": None if self.earned_share is None else str(self.earned_share),
            "notes": [n.to_dict() for n in self.notes],
        }


def _money(value: MoneyLike, field: str) -> Money:
    if isinstance(value, Money):
        return value
    try:
        return Money(value)
    except ValidationError as error:
        raise ValidationError(
            error.message.replace("amount", field, 1), code=error.code, field=field, value=value
        ) from error


def _date(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(
            f"The {field} {value!r} must be a calendar date (datetime.date).",
            code=UnderwritingCode.BAD_DATE,
            field=field,
            value=repr(value),
        )
    return value


def _term(start: object, end: object, at: object, at_field: str) -> tuple[int, int]:
    """(term days, days from start to ``at``), checking start < end and start ≤ at ≤ end."""
    begin, finish, moment = _date(start, "start"), _date(end, "end"), _date(at, at_field)
    if not begin < finish:
        raise ValidationError(
            f"The policy period {begin}..{finish} must end after it starts.",
            code=UnderwritingCode.BAD_PERIOD,
            field="end",
            value=str(finish),
        )
    if not begin <= moment <= finish:
        raise ValidationError(
            f"The {at_field} {moment} must lie within the policy period {begin}..{finish}.",
            code=UnderwritingCode.DATE_OUTSIDE_PERIOD,
            field=at_field,
            value=str(moment),
        )
    return (finish - begin).days, (moment - begin).days


def pro_rata_premium(
    annual_premium: MoneyLike, *, start: dt.date, end: dt.date, effective: dt.date
) -> Money:
    """Additional (positive) or return (negative) premium of a change effective on ``effective``:
    ``annual_premium × days(effective, end) / days(start, end)``, exact, rounded half-up to the fen.

    ``annual_premium`` is the change in the premium of the whole term ``[start, end)`` (for a
    one-year policy, the change in the annual premium).
    """
    amount = _money(annual_premium, "annual_premium")
    term, elapsed = _term(start, end, effective, "effective")
    return amount.pro_rata(term - elapsed, term)


def cancellation_rule_for(spec: ProductSpec) -> CancellationRule:
    """The product's cancellation rule. Product specifications state none yet, so this is pro
    rata, marked ``assumed`` with a note saying so."""
    del spec  # the one place to read the product's rule once the products package carries one
    return CancellationRule("pro_rata", note("no_cancellation_rule"), assumed=True)


SHORT_RATE = "short_rate"


@cache
def short_rate_table() -> tuple[tuple[int, Decimal], ...]:
    """``(months in force, share of the annual premium earned)`` from ``data/short_rate.yaml``."""
    data = load_data("short_rate.yaml")
    months = data.mapping(("months",))
    rows = tuple(
        (int(m), data.decimal(("months", str(m)), low=Decimal(0), high=Decimal(1)))
        for m in sorted(months, key=int)
    )
    if [m for m, _ in rows] != list(range(1, 13)) or any(
        b < a for (_, a), (_, b) in pairwise(rows)
    ):
        raise data.fail("The table must give months 1 to 12, never decreasing.", ("months",))
    return rows


def months_in_force(start: dt.date, cancelled_on: dt.date) -> int:
    """Whole calendar months from ``start`` to ``cancelled_on``, a part month counting as one."""
    months = 0
    while _add_months(start, months) < cancelled_on:
        months += 1
    return months


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    target_year, target_month = day.year + year, month + 1
    last = calendar.monthrange(target_year, target_month)[1]
    return dt.date(target_year, target_month, min(day.day, last))


def _rule(rule: CancellationRule | ProductSpec | str) -> CancellationRule:
    if isinstance(rule, CancellationRule):
        return rule
    if isinstance(rule, ProductSpec):
        return cancellation_rule_for(rule)
    if rule == "pro_rata":
        return CancellationRule("pro_rata", note("no_cancellation_rule"), assumed=False)
    if rule == SHORT_RATE:
        return CancellationRule("short_rate", note("short_rate_assumption"), assumed=True)
    raise ValidationError(
        f"The cancellation rule {rule!r} must be 'pro_rata', 'short_rate', a CancellationRule "
        "or a ProductSpec.",
        code=UnderwritingCode.BAD_CANCELLATION_RULE,
        field="rule",
        value=repr(rule),
    )


def cancellation_refund(
    premium: MoneyLike,
    *,
    start: dt.date,
    end: dt.date,
    cancelled_on: dt.date,
    rule: CancellationRule | ProductSpec | str,
) -> CancellationRefund:
    """The refund when cover ends on ``cancelled_on`` (no cover from that day on).

    - ``pro_rata``: refund = premium × days(cancelled_on, end) / days(start, end), rounded
      half-up to the fen; earned = premium − refund;
    - ``short_rate`` (one-year terms at most): earned = premium × the table's share for the
      months in force (a part month counts as one; none on the first day), rounded half-up to
      the fen; refund = premium − earned.

    ``rule`` is a :class:`CancellationRule`, a product (its rule: pro rata, since products state
    none) or the method's name.
    """
    amount = _money(premium, "premium")
    chosen = _rule(rule)
    term, elapsed = _term(start, end, cancelled_on, "cancelled_on")
    notes = (chosen.note,) if chosen.assumed else ()
    if chosen.method == "pro_rata":
        refund = amount.pro_rata(term - elapsed, term)
        return CancellationRefund(
            refund, amount - refund, "pro_rata", term, elapsed, None, None, notes
        )
    if term > 366:
        raise ValidationError(
            f"The short-rate table applies to terms of one year at most; this term has {term} "
            "days.",
            code=UnderwritingCode.SHORT_RATE_TERM,
            field="end",
            value=str(end),
        )
    months = months_in_force(start, cancelled_on)
    share = Decimal(0) if months == 0 else dict(short_rate_table())[min(months, 12)]
    earned = (amount * share).round_fen()
    return CancellationRefund(
        amount - earned, earned, "short_rate", term, elapsed, months, share, notes
    )
