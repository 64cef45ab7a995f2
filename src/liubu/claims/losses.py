"""What an insured claims (索赔明细): itemised losses, business-interruption figures, and what the
policy period has already paid — the inputs of :func:`liubu.claims.adjust`, validated and bounded.

Business interruption (营业中断) is computed from figures the insured supplies: the outage hours
H, and either the gross profit per hour r directly, or a gross profit G earned over a stated
period of T hours (e.g. the last twelve months, 8,760 hours), from which r = G / T, rounded
half-up to the fen so that the statement shows a figure the insured can multiply by hand. The
loss is then r × H before the waiting period (see :mod:`liubu.claims.adjustment`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from liubu.claims.reasons import ClaimsCode
from liubu.core import FEN, Money, half_up
from liubu.errors import ValidationError

MAX_ITEMS = 500
MAX_DOCUMENTS = 50
MAX_DESCRIPTION = 500
MAX_AMOUNT = Decimal(10) ** 12  # one trillion yuan: far above any policy limit
MAX_COUNT = 10**9
MAX_OUTAGE_HOURS = Decimal(8784)  # a leap year
MAX_PERIOD_HOURS = Decimal(8784 * 3)
_SHA256 = re.compile(r"[0-9a-f]{64}")


class LossKind(StrEnum):
    """What a loss item is evidence of."""

    INVOICE = "invoice"  # 发票：服务商、取证、恢复等费用
    PAYROLL = "payroll"  # 工资：加班、临时人员
    RANSOM = "ransom"  # 赎金（须经制裁名单筛查）
    NOTIFICATION = "notification"  # 通知费用（附通知人数）
    SETTLEMENT = "settlement"  # 和解或判决赔偿
    FINE = "fine"  # 可保的罚款
    OTHER = "other"


def _invalid(code: ClaimsCode, message: str, field_name: str, value: object = None) -> Exception:
    return ValidationError(
        message, code=code, field=field_name, value=None if value is None else str(value)[:64]
    )


def _amount(value: object, *, code: ClaimsCode, field_name: str) -> Money:
    money = value if isinstance(value, Money) else Money(value)  # type: ignore[arg-type]
    if not Decimal(0) <= money.amount <= MAX_AMOUNT:
        raise _invalid(
            code,
            f"The {field_name} {money.amount} must be between 0 and {MAX_AMOUNT:,}.",
            field_name,
            money.amount,
        )
    return money


def _hours(value: object, *, code: ClaimsCode, field_name: str, most: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise _invalid(
            code, f"The {field_name} must be a decimal number of hours.", field_name, value
        )
    try:
        hours = Decimal(value)
    except ArithmeticError:
        raise _invalid(code, f"The {field_name} is not a number.", field_name, value) from None
    if not hours.is_finite() or not Decimal(0) < hours <= most:
        raise _invalid(
            code, f"The {field_name} {value} must be above 0 and at most {most}.", field_name, value
        )
    return hours


def _documents(documents: tuple[str, ...], *, code: ClaimsCode, field_name: str) -> None:
    if len(documents) > MAX_DOCUMENTS:
        raise _invalid(
            code, f"At most {MAX_DOCUMENTS} documents per entry.", field_name, len(documents)
        )
    for index, digest in enumerate(documents):
        if not isinstance(digest, str) or _SHA256.fullmatch(digest) is None:
            raise _invalid(
                code,
                "A document is named by its SHA-256: 64 lower-case hexadecimal digits.",
                f"{field_name}[{index}]",
                digest,
            )


@dataclass(frozen=True, slots=True)
class LossItem:
    """One itemised loss under one coverage, with its documents (SHA-256 of each file).

    A ransom payment carries the sanctions screening: unscreened or a hit, it is not payable.
    ``count`` is the number of people notified (notification costs) or of units, when it helps.
    """

    coverage: str
    kind: LossKind
    description: str
    amount: Money
    documents: tuple[str, ...] = ()
    count: int | None = None
    sanctions_screened: bool = False
    sanctions_hit: bool = False

    def __post_init__(self) -> None:
        bad = ClaimsCode.BAD_LOSS_ITEM
        try:
            object.__setattr__(self, "kind", LossKind(self.kind))
        except ValueError:
            raise _invalid(
                bad, f"The loss kind must be one of {[k.value for k in LossKind]}.", "kind"
            ) from None
        text = self.description
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_DESCRIPTION:
            raise _invalid(
                bad, f"The description must be 1 to {MAX_DESCRIPTION} characters.", "description"
            )
        if not isinstance(self.coverage, str) or not 0 < len(self.coverage) <= 64:
            raise _invalid(bad, "The coverage must be a coverage code.", "coverage")
        object.__setattr__(self, "amount", _amount(self.amount, code=bad, field_name="amount"))
        object.__setattr__(self, "documents", tuple(self.documents))
        _documents(self.documents, code=bad, field_name="documents")
        count = self.count
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT
        ):
            raise _invalid(bad, f"The count must be a whole number up to {MAX_COUNT}.", "count")
        for flag in ("sanctions_screened", "sanctions_hit"):
            if not isinstance(getattr(self, flag), bool):
                raise _invalid(bad, f"The {flag} flag must be true or false.", flag)
        if self.sanctions_hit and not self.sanctions_screened:
            raise _invalid(
                bad, "A sanctions hit needs the payment to have been screened.", "sanctions_hit"
            )

    @property
    def refusal(self) -> ClaimsCode | None:
        """Why the item itself is not payable (a ransom's screening), else None."""
        if self.kind is not LossKind.RANSOM:
            return None
        if self.sanctions_hit:
            return ClaimsCode.SANCTIONS_HIT
        return None if self.sanctions_screened else ClaimsCode.SANCTIONS_NOT_SCREENED

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "kind": str(self.kind),
            "description": self.description,
            "amount": str(self.amount.amount),
            "documents": list(self.documents),
            "count": self.count,
            "sanctions_screened": self.sanctions_screened,
            "sanctions_hit": self.sanctions_hit,
        }


@dataclass(frozen=True, slots=True)
class BusinessInterruption:
    """The insured's business-interruption figures: outage hours, and either the gross profit per
    hour or a gross profit over a stated number of hours (module docstring for the method)."""

    outage_hours: Decimal
    hourly_gross_profit: Money | None = None
    gross_profit: Money | None = None
    gross_profit_hours: Decimal | None = None
    coverage: str = "business_interruption"
    documents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = ClaimsCode.BAD_BUSINESS_INTERRUPTION
        hours = _hours(
            self.outage_hours, code=bad, field_name="outage_hours", most=MAX_OUTAGE_HOURS
        )
        object.__setattr__(self, "outage_hours", hours)
        direct = self.hourly_gross_profit is not None
        derived = self.gross_profit is not None or self.gross_profit_hours is not None
        if direct == derived or (
            derived and (self.gross_profit is None or self.gross_profit_hours is None)
        ):
            raise _invalid(
                bad,
                "Give either the gross profit per hour, or a gross profit together with the "
                "hours of the period it was earned in; not both and not neither.",
                "hourly_gross_profit",
            )
        if self.hourly_gross_profit is not None:
            rate = _amount(self.hourly_gross_profit, code=bad, field_name="hourly_gross_profit")
            object.__setattr__(self, "hourly_gross_profit", rate)
        if self.gross_profit is not None and self.gross_profit_hours is not None:
            profit = _amount(self.gross_profit, code=bad, field_name="gross_profit")
            object.__setattr__(self, "gross_profit", profit)
            period = _hours(
                self.gross_profit_hours,
                code=bad,
                field_name="gross_profit_hours",
                most=MAX_PERIOD_HOURS,
            )
            object.__setattr__(self, "gross_profit_hours", period)
        object.__setattr__(self, "documents", tuple(self.documents))
        _documents(self.documents, code=bad, field_name="documents")

    @property
    def derived(self) -> bool:
        """True when the hourly figure is derived from a period's gross profit (and rounded)."""
        return self.hourly_gross_profit is None

    @property
    def hourly_rate(self) -> Decimal:
        """r: given, or G / T rounded half-up to the fen."""
        if self.hourly_gross_profit is not None:
            return self.hourly_gross_profit.amount
        assert self.gross_profit is not None
        assert self.gross_profit_hours is not None
        return half_up(self.gross_profit.amount / self.gross_profit_hours, FEN)

    def to_dict(self) -> dict[str, Any]:
        def text(value: Money | Decimal | None) -> str | None:
            if value is None:
                return None
            return str(value.amount if isinstance(value, Money) else value)

        return {
            "coverage": self.coverage,
            "outage_hours": str(self.outage_hours),
            "hourly_gross_profit": text(self.hourly_gross_profit),
            "gross_profit": text(self.gross_profit),
            "gross_profit_hours": text(self.gross_profit_hours),
            "documents": list(self.documents),
        }


@dataclass(frozen=True, slots=True)
class EarlierInPeriod:
    """What earlier claims in the same policy period have taken: the amount paid or assessed
    (erodes the annual aggregate limit) and the retention the insured bore (erodes an annual
    aggregate retention)."""

    paid: Money = field(default_factory=Money.zero)
    retention_used: Money = field(default_factory=Money.zero)

    def __post_init__(self) -> None:
        bad = ClaimsCode.BAD_EARLIER_IN_PERIOD
        for name in ("paid", "retention_used"):
            object.__setattr__(self, name, _amount(getattr(self, name), code=bad, field_name=name))


def check_items(items: tuple[LossItem, ...] | list[LossItem]) -> tuple[LossItem, ...]:
    """The items as a tuple, bounded in number."""
    found = tuple(items)
    if len(found) > MAX_ITEMS:
        raise _invalid(
            ClaimsCode.BAD_LOSS_ITEM, f"At most {MAX_ITEMS} loss items per claim.", "items"
        )
    for index, item in enumerate(found):
        if not isinstance(item, LossItem):
            raise _invalid(
                ClaimsCode.BAD_LOSS_ITEM, "Each item must be a LossItem.", f"items[{index}]"
            )
    return found
