"""The product specification (产品条款): one version of a product, as frozen dataclasses.

A product is identified as ``insurer/code@version``. A filed version (``status: filed``) carries
its filing number (备案号) and is immutable: a change is a new version with its own effective
dates. Construction checks each part's own invariants; the rules that span parts and the
vocabulary (unknown codes, sublimit above limit, gaps in the rate table, …) are checked by
:func:`liubu.products.validate_product` and :func:`liubu.products.check_product`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from liubu.errors import ValidationError
from liubu.products.rate_plan import RatePlan
from liubu.products.reasons import ProductsCode
from liubu.products.text import Text

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
STATUSES = ("draft", "filed", "withdrawn")
RETENTION_BASES = ("per_event", "annual_aggregate")
WAITING_SEMANTICS = ("time_deductible", "qualifying_period", "from_inception")
TRIGGER_BASES = ("claims_made", "occurrence")


def _one_of(value: str, allowed: tuple[str, ...], *, what: str, code: ProductsCode) -> None:
    if value not in allowed:
        raise ValidationError(
            f"The {what} {value!r} must be one of {list(allowed)}.",
            code=code,
            field=what.replace(" ", "_"),
            value=repr(value),
        )


def _inverted(
    code: ProductsCode, field: str, what: str, low: object, high: object
) -> ValidationError:
    return ValidationError(
        f"The {what} runs from {low} to {high}; its start must not come after its end.",
        code=code,
        field=field,
        value=f"{low}..{high}",
    )


@dataclass(frozen=True, slots=True)
class Retention:
    """The amount the insured pays first (免赔额): per event, or once per policy year."""

    amount: Decimal
    basis: str  # per_event | annual_aggregate

    def __post_init__(self) -> None:
        _one_of(
            self.basis, RETENTION_BASES, what="retention basis", code=ProductsCode.COVERAGE_BAD_TERM
        )
        if self.amount < 0:
            raise ValidationError(
                f"The retention amount {self.amount} must not be negative.",
                code=ProductsCode.COVERAGE_RETENTION_NEGATIVE,
                field="amount",
                value=str(self.amount),
            )


@dataclass(frozen=True, slots=True)
class WaitingPeriod:
    """A waiting period in hours and what it means (等待期/时间免赔):

    - ``time_deductible``: the first *hours* of each outage are never paid;
    - ``qualifying_period``: an outage must last longer than *hours*, then is paid from the start;
    - ``from_inception``: events in the first *hours* after the policy starts are not covered.
    """

    hours: int
    semantics: str

    def __post_init__(self) -> None:
        _one_of(
            self.semantics,
            WAITING_SEMANTICS,
            what="waiting period semantics",
            code=ProductsCode.COVERAGE_BAD_TERM,
        )
        if self.hours < 0:
            raise ValidationError(
                f"The waiting period {self.hours} hours must not be negative.",
                code=ProductsCode.COVERAGE_BAD_TERM,
                field="hours",
                value=self.hours,
            )


@dataclass(frozen=True, slots=True)
class Coverage:
    """A coverage from the vocabulary with its terms; absent terms are None.

    The coverage pays up to the policy limit chosen, capped by ``sublimit``; the insured pays the
    retention (the policy's default when this coverage states none) and then ``coinsurance``, its
    own share of the rest (0.3 means the insurer pays 70 %).
    """

    code: str
    sublimit: Decimal | None = None
    retention: Retention | None = None
    waiting_period: WaitingPeriod | None = None
    coinsurance: Decimal | None = None
    note: Text | None = None

    def __post_init__(self) -> None:
        if self.sublimit is not None and self.sublimit <= 0:
            raise ValidationError(
                f"The sublimit {self.sublimit} of coverage {self.code!r} must be positive.",
                code=ProductsCode.COVERAGE_BAD_TERM,
                field="sublimit",
                value=str(self.sublimit),
            )
        if self.coinsurance is not None and not Decimal(0) <= self.coinsurance < 1:
            raise ValidationError(
                f"The coinsurance {self.coinsurance} of coverage {self.code!r} must be at least 0 "
                f"and below 1 (it is the insured's own share).",
                code=ProductsCode.COVERAGE_COINSURANCE_RANGE,
                field="coinsurance",
                value=str(self.coinsurance),
            )


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An exclusion from the vocabulary; the war exclusion names the LMA clause it follows."""

    code: str
    lma_clause: str | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """A bundled security service; ``response_time_minutes`` where the service promises one."""

    code: str
    response_time_minutes: int | None = None
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class ClaimStep:
    """One step of the claims process and its deadline (hours or days, not both)."""

    text: Text
    deadline_hours: int | None = None
    deadline_days: int | None = None


@dataclass(frozen=True, slots=True)
class ClaimsProcess:
    """How to claim (理赔流程): notice deadline, steps, documents, settlement time."""

    notice_within_hours: int
    steps: tuple[ClaimStep, ...]
    documents: tuple[Text, ...]
    hotline: str | None = None
    settlement_within_days: int | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """What triggers cover: ``claims_made`` or ``occurrence``, and the retroactive date.

    Claims-made cover reaches back to a fixed ``retroactive_date`` or ``retroactive_period_days``
    before each policy's inception (0: the inception itself); neither means no retroactive limit.
    ``conditions`` are further triggers in plain words (anti-fraud cover: a police case receipt).
    """

    basis: str
    retroactive_date: date | None = None
    retroactive_period_days: int | None = None
    extended_reporting_days: int | None = None
    conditions: tuple[Text, ...] = ()

    def __post_init__(self) -> None:
        _one_of(
            self.basis, TRIGGER_BASES, what="trigger basis", code=ProductsCode.TRIGGER_BAD_BASIS
        )


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Who may buy: insured kind, industries (GB/T 4754 sections), revenue, MLPS level, score."""

    insured: str
    industry_sections: tuple[str, ...] | None = None
    excluded_industry_sections: tuple[str, ...] = ()
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    mlps_level_min: int | None = None
    security_score_min: Decimal | None = None
    age_min: int | None = None
    age_max: int | None = None
    note: Text | None = None

    def __post_init__(self) -> None:
        low, high = self.revenue_min, self.revenue_max
        if low is not None and high is not None and low > high:
            raise _inverted(
                ProductsCode.ELIGIBILITY_RANGE_INVERTED,
                "revenue",
                "eligible revenue range",
                low,
                high,
            )
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise _inverted(
                ProductsCode.ELIGIBILITY_RANGE_INVERTED,
                "age",
                "eligible age range",
                self.age_min,
                self.age_max,
            )

    def admits_section(self, section: str) -> bool:
        if section in self.excluded_industry_sections:
            return False
        return self.industry_sections is None or section in self.industry_sections


@dataclass(frozen=True, slots=True)
class Filing:
    """The regulator filing (备案): number and date."""

    number: str | None = None
    filed_on: date | None = None


@dataclass(frozen=True, slots=True)
class PremiumSharing:
    """How a group premium is shared between the sponsor (chain owner, park operator) and members.

    - ``sponsor_base_member_float``: the sponsor pays ``sponsor_share`` of each member's base
      premium; the member pays the rest, multiplied by its own ``floating_factor`` coefficient;
    - ``fixed_split``: the sponsor pays ``sponsor_share`` of each member's premium;
    - ``sponsor_pays_all`` / ``members_pay``: one side pays everything.
    """

    method: str
    sponsor_share: Decimal | None = None
    floating_factor: str | None = None
    note: Text | None = None

    def split(
        self, premium: Decimal, *, floating_coefficient: Decimal = Decimal(1)
    ) -> tuple[Decimal, Decimal]:
        """``(sponsor pays, member pays)`` for a member with this base premium (not rounded).

        For ``sponsor_base_member_float``: sponsor = s·B, member = (1 − s)·B·c with c the member's
        clamped coefficient; otherwise c is ignored and the shares are s·B and (1 − s)·B.
        """
        if self.method == "sponsor_pays_all":
            share = Decimal(1)
        elif self.method == "members_pay":
            share = Decimal(0)
        else:
            share = self.sponsor_share if self.sponsor_share is not None else Decimal(0)
        member = premium * (1 - share)
        if self.method == "sponsor_base_member_float":
            member *= floating_coefficient
        return premium * share, member


@dataclass(frozen=True, slots=True)
class GroupArrangement:
    """A group product's master policy and member certificates (供应链/园区团体保单)."""

    policyholder: str  # chain_owner | park_operator
    members: str  # suppliers | park_enterprises
    certificates: bool
    members_min: int
    limit_basis: str  # per_member | shared_aggregate
    premium_sharing: PremiumSharing
    members_max: int | None = None
    shared_aggregate_limit: Decimal | None = None

    def __post_init__(self) -> None:
        if self.members_max is not None and self.members_min > self.members_max:
            raise _inverted(
                ProductsCode.GROUP_MEMBERS_RANGE_INVERTED,
                "members_max",
                "number of members",
                self.members_min,
                self.members_max,
            )


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """One version of a product. ``product_id`` is ``insurer/code@version``."""

    insurer: str
    code: str
    version: int
    name: Text
    product_type: str
    status: str
    trigger: Trigger
    territory: str
    eligibility: Eligibility
    limit_options: tuple[Decimal, ...]
    coverages: tuple[Coverage, ...]
    exclusions: tuple[Exclusion, ...]
    claims: ClaimsProcess
    rate_plan: RatePlan
    insurer_name: Text | None = None
    filing: Filing | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    illustrative: Text | None = None
    retention: Retention | None = None
    services: tuple[Service, ...] = ()
    group: GroupArrangement | None = None
    schema_version: int = 1

    def __post_init__(self) -> None:
        for name in ("insurer", "code"):
            value = getattr(self, name)
            if not isinstance(value, str) or _SLUG.fullmatch(value) is None:
                raise ValidationError(
                    f"The product {name} {value!r} must be lower-case letters, digits and '-' "
                    f"(at most 64), starting with a letter or digit.",
                    code=ProductsCode.PRODUCT_BAD_IDENTIFIER,
                    field=name,
                    value=repr(value),
                )
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValidationError(
                f"The product version {self.version!r} must be a whole number of at least 1.",
                code=ProductsCode.PRODUCT_BAD_IDENTIFIER,
                field="version",
                value=repr(self.version),
            )
        if self.status not in STATUSES:
            raise ValidationError(
                f"The product status {self.status!r} must be one of {list(STATUSES)}.",
                code=ProductsCode.PRODUCT_BAD_STATUS,
                field="status",
                value=self.status,
            )
        if (
            self.effective_from is not None
            and self.effective_to is not None
            and self.effective_to < self.effective_from
        ):
            raise _inverted(
                ProductsCode.EFFECTIVE_WINDOW_INVERTED,
                "effective_to",
                "effective period",
                self.effective_from,
                self.effective_to,
            )

    @property
    def product_id(self) -> str:
        """``insurer/code@version``, e.g. ``shifan-pc/sme-cyber@1``."""
        return f"{self.insurer}/{self.code}@{self.version}"

    @property
    def series(self) -> str:
        """``insurer/code``: the product across its versions."""
        return f"{self.insurer}/{self.code}"

    def coverage(self, code: str) -> Coverage | None:
        return next((coverage for coverage in self.coverages if coverage.code == code), None)

    def has_exclusion(self, code: str) -> bool:
        return any(exclusion.code == code for exclusion in self.exclusions)

    def retention_for(self, coverage: Coverage) -> Retention | None:
        """The retention that applies to ``coverage``: its own, else the policy default."""
        return coverage.retention if coverage.retention is not None else self.retention

    def payable_limit(self, coverage: Coverage, limit: Decimal) -> Decimal:
        """What ``coverage`` can pay at most under the policy limit chosen: min(limit, sublimit)."""
        return limit if coverage.sublimit is None else min(limit, coverage.sublimit)
