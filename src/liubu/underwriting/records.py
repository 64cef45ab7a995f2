"""What underwriting stores: quotes (per insurer, with priced options and their referral
decisions), policies, and the ledger of each policy's money events.

A quote and a policy belong to the insurer (``tenant_id``) and are visible to the insured
(``client_tenant_id``) — both parties see them, nobody else does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from liubu.accounts import UnitOfWork
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.experience_credit import SegmentExperience
from liubu.underwriting.options import BoundTerms, PricedOption, QuoteDecision
from liubu.underwriting.renewal import RenewalTerm
from liubu.underwriting.submission import Submission


class QuoteState(StrEnum):
    OFFERED = "offered"  # every option may be bound
    REFERRED = "referred"  # waiting for an underwriter
    DECLINED = "declined"
    BOUND = "bound"
    EXPIRED = "expired"


class PolicyState(StrEnum):
    IN_FORCE = "in_force"
    CANCELLED = "cancelled"
    RENEWED = "renewed"


@dataclass(eq=False)
class Quote:
    id: str
    tenant_id: str
    client_tenant_id: str
    enterprise_id: str
    insurer: str
    submission: Submission  # enterprise facts and assessment as priced (a snapshot)
    options: tuple[PricedOption, ...]  # priced options, each with its referral decision
    status: str
    valid_until: datetime
    created_at: datetime
    created_by: str
    decision: QuoteDecision | None = None
    version: int = 1
    # A renewal quote's: the expiring term's score history and what it did to the premium.
    renewal: RenewalTerm | None = None

    @property
    def referral_codes(self) -> tuple[str, ...]:
        """The referral rules that fired on any option, each once, in order."""
        codes = (r.code for o in self.options if o.referral for r in o.referral.reasons)
        return tuple(dict.fromkeys(codes))


@dataclass(eq=False)
class Policy:
    id: str
    tenant_id: str
    client_tenant_id: str
    number: str
    quote_id: str
    enterprise_id: str
    product_ref: str
    limit: Decimal
    retention: Decimal
    annual_premium: Decimal
    period_start: date
    period_end: date
    status: str
    submission: Submission
    terms: BoundTerms  # the option bound, as priced
    created_at: datetime
    answers_version: int | None = None
    version: int = 1


@dataclass(eq=False)
class PolicyEvent:
    """Issue, endorsement, cancellation or renewal, with the money it moved."""

    id: str
    tenant_id: str
    client_tenant_id: str
    policy_id: str
    kind: str
    effective: date
    premium_change: Decimal
    detail: dict[str, Any]
    created_at: datetime
    version: int = 1


class UnderwritingRepository(Protocol):
    def add(self, item: object) -> None: ...
    def quote(self, quote_id: str) -> Quote: ...
    def quotes(self) -> Sequence[Quote]: ...
    def policy(self, policy_id: str) -> Policy: ...
    def policies(self) -> Sequence[Policy]: ...
    def policy_by_number(self, number: str) -> Policy | None: ...
    def events(self, policy_id: str) -> Sequence[PolicyEvent]: ...
    def segment_experience(
        self, product_ref: str, industry_section: str
    ) -> SegmentExperience | None:
        """The claims experience, in aggregate, of the insurer that owns ``product_ref`` (not the
        caller's: an enterprise asks for a quote) for GB/T 4754 section ``industry_section``: its
        rows tagged with the product or untagged; None when it has none. Never a row."""
        ...

    def book_capital_ratio(
        self, product_ref: str, *, industry_section: str, policy_number: str | None = None
    ) -> BookCapitalRatio | None:
        """The book-capital ratio of the insurer that owns ``product_ref`` (whoever asks) from
        its latest stored book capital: the policy's own when ``policy_number`` is in the book
        and has one, else ``industry_section``'s, else the whole book's; None when the insurer
        has none stored."""
        ...


class UnderwritingUnitOfWork(UnitOfWork, Protocol):
    @property
    def underwriting(self) -> UnderwritingRepository: ...
