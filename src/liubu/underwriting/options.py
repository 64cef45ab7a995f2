"""What a quote offers and a policy binds, typed: priced options, the underwriter's decision, and
the bound terms (承保条件) that claims will read.

Each record has ``to_dict`` (the JSON the API shows and the store keeps, with a ``schema``
version) and ``from_dict`` (which also reads rows stored before the version field, and the pilot
book's synthetic options that carry no worksheet or referral). Option schema 2 adds the claims
experience of the segment the technical premium was priced with (schema 1 options had none);
schema 3 the book-capital ratio its risk load was priced with (earlier options had none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from liubu.core import Money
from liubu.products import Text
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.experience_credit import SegmentExperience
from liubu.underwriting.quote import QuoteOption
from liubu.underwriting.referral import Referral
from liubu.underwriting.submission import check_schema
from liubu.underwriting.worksheet import Worksheet

OPTION_SCHEMA = 3


class OptionStatus(StrEnum):
    """Where an option stands: as the referral rules left it, then after a decision."""

    AUTO = "auto"  # offered without an underwriter
    REFER = "refer"  # waiting for an underwriter
    DECLINE = "decline"  # the rules (or eligibility) decline it
    APPROVED = "approved"  # an underwriter approved it
    DECLINED = "declined"  # an underwriter declined it

    @property
    def offered(self) -> bool:
        return self in (OptionStatus.AUTO, OptionStatus.APPROVED)


def _money(value: object) -> Money | None:
    return None if value is None else Money(str(value))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class PricedOption:
    """One option of a quote: product, limit and retention, both premiums, their ratio, the
    worksheet, the referral decision and the status. A declined product has no price (the
    money fields and the worksheet are None). ``overrides`` maps each overridden factor to
    (guided value, value applied). ``experience`` is the insurer's claims experience of the
    segment, in aggregate, that the technical premium was priced with: re-pricing the option
    (a decision with overrides, the breakdown, an endorsement) passes it again, so it gives the
    figure quoted whatever the experience store holds since. ``book_capital`` likewise is the
    stored book-capital ratio its risk load was priced with (None: none was stored)."""

    product: str
    insurer: str
    name: Text | None
    status: OptionStatus
    referral: Referral | None
    limit: Money | None = None
    retention: Money | None = None
    technical_premium: Money | None = None
    filed_premium: Money | None = None
    rate_adequacy: Decimal | None = None
    worksheet: Worksheet | None = None
    overrides: Mapping[str, tuple[Decimal | None, Decimal]] = field(default_factory=dict)
    experience: SegmentExperience | None = None
    book_capital: BookCapitalRatio | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))

    @classmethod
    def priced(
        cls, option: QuoteOption, *, name: Text, referral: Referral, status: OptionStatus
    ) -> PricedOption:
        return cls(
            product=option.product,
            insurer=option.insurer,
            name=name,
            status=status,
            referral=referral,
            limit=option.limit,
            retention=option.retention,
            technical_premium=option.technical_premium,
            filed_premium=option.filed_premium,
            rate_adequacy=option.rate_adequacy,
            worksheet=option.worksheet,
            overrides=option.overrides,
            experience=option.experience,
            book_capital=option.book_capital,
        )

    def to_dict(self) -> dict[str, Any]:
        def amount(money: Money | None) -> str | None:
            return None if money is None else str(money.amount)

        return {
            "schema": OPTION_SCHEMA,
            "product": self.product,
            "insurer": self.insurer,
            "name": None if self.name is None else self.name.to_dict(),
            "limit": amount(self.limit),
            "retention": amount(self.retention),
            "technical_premium": amount(self.technical_premium),
            "filed_premium": amount(self.filed_premium),
            "rate_adequacy": None if self.rate_adequacy is None else str(self.rate_adequacy),
            "overrides": {
                k: [None if g is None else str(g), str(v)] for k, (g, v) in self.overrides.items()
            },
            "worksheet": None if self.worksheet is None else self.worksheet.to_dict(),
            "status": str(self.status),
            "referral": None if self.referral is None else self.referral.to_dict(),
            "experience": None if self.experience is None else self.experience.to_dict(),
            "book_capital": None if self.book_capital is None else self.book_capital.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PricedOption:
        check_schema(data, current=OPTION_SCHEMA, what="quote option")
        name, referral, worksheet = data.get("name"), data.get("referral"), data.get("worksheet")
        experience = data.get("experience")
        book_capital = data.get("book_capital")
        return cls(
            product=str(data["product"]),
            insurer=str(data.get("insurer", "")),
            name=None if name is None else Text(str(name["zh"]), str(name["en"])),
            status=OptionStatus(data["status"]),
            referral=None if referral is None else Referral.from_dict(referral),
            limit=_money(data.get("limit")),
            retention=_money(data.get("retention")),
            technical_premium=_money(data.get("technical_premium")),
            filed_premium=_money(data.get("filed_premium")),
            rate_adequacy=_decimal(data.get("rate_adequacy")),
            worksheet=None if worksheet is None else Worksheet.from_dict(worksheet),
            overrides={
                k: (_decimal(g), Decimal(str(v)))
                for k, (g, v) in (data.get("overrides") or {}).items()
            },
            experience=None if experience is None else SegmentExperience.from_dict(experience),
            book_capital=None if book_capital is None else BookCapitalRatio.from_dict(book_capital),
        )


@dataclass(frozen=True)
class QuoteDecision:
    """An underwriter's decision on a referred quote, with the reasons and any overrides."""

    approved: bool
    reasons: str
    by: str
    role: str
    at: str
    overrides: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "approved": self.approved,
            "reasons": self.reasons,
            "by": self.by,
            "role": self.role,
            "at": self.at,
            "overrides": {k: str(v) for k, v in self.overrides.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuoteDecision:
        return cls(
            approved=bool(data["approved"]),
            reasons=str(data["reasons"]),
            by=str(data.get("by", "")),
            role=str(data.get("role", "")),
            at=str(data.get("at", "")),
            overrides={k: Decimal(str(v)) for k, v in (data.get("overrides") or {}).items()},
        )


@dataclass(frozen=True)
class BoundTerms:
    """The terms a policy was bound on: the option chosen, as priced, and its index in the quote
    (None for a policy not bound from a quote's options, e.g. the synthetic pilot book)."""

    option: PricedOption
    option_index: int | None = None

    @property
    def product(self) -> str:
        return self.option.product

    def to_dict(self) -> dict[str, Any]:
        return {**self.option.to_dict(), "option_index": self.option_index}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BoundTerms:
        index = data.get("option_index")
        return cls(PricedOption.from_dict(data), None if index is None else int(index))
