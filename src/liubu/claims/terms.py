"""The bound terms of a policy as a claims adjuster applies them (理赔适用的承保条件).

:func:`claim_terms` reads a policy's :class:`~liubu.underwriting.BoundTerms` (the option bound, as
priced) against its product version and returns Decimal terms **per product coverage**. It starts
from the very translation pricing uses, :func:`liubu.underwriting.option_terms` — which checks the
limit and retention are the product's options and says, per coverage, how the risk engine prices
it — and keeps the contract's own terms where the engine had to fold or leave one out:

- **annual aggregate limit** = the limit bound (or the endorsed limit, ``limit=``);
- **sublimit** of a coverage = min(limit, the coverage's sublimit) (``ProductSpec.payable_limit``,
  the same call pricing makes);
- **coinsurance** = the insured's own share (0 when the product states none);
- **waiting period** in hours with its semantics (``time_deductible``, ``qualifying_period``,
  ``from_inception``; see ``liubu.products.WaitingPeriod``);
- **retention**: the coverage's own when the product gives it one, else the retention bound, with
  its basis (``per_event`` or ``annual_aggregate``);
- **trigger**: occurrence or claims-made; for claims-made the retroactive date is the product's
  fixed ``retroactive_date`` or ``period_start − retroactive_period_days`` (none when neither is
  given), and the extended reporting days.

Where pricing and the contract part (pricing folds a coverage into a sibling's engine category,
ignores a coverage's own retention, cannot model an inception waiting period), the engine's
approximation stays in pricing: each coverage carries ``engine_status`` (``applied``, ``folded``,
``not_modelled``) and the terms carry pricing's notes, so the worksheet can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from liubu.claims.reasons import ClaimsCode
from liubu.errors import ValidationError
from liubu.products import ProductSpec, Text, load_vocabulary
from liubu.underwriting import BoundTerms, option_terms

TERMS_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class CoverageClaimTerms:
    """The terms of one product coverage for a claim (all money in CNY, Decimal)."""

    coverage: str
    name: Text
    sublimit: Decimal
    coinsurance: Decimal
    retention: Decimal
    retention_basis: str  # per_event | annual_aggregate
    own_retention: bool
    waiting_hours: int
    waiting_semantics: str | None  # time_deductible | qualifying_period | from_inception
    engine_category: str | None
    engine_status: str  # applied | folded | not_modelled

    @property
    def share(self) -> Decimal:
        """The insurer's share of covered loss: 1 − coinsurance."""
        return 1 - self.coinsurance

    @property
    def hourly_waiting(self) -> bool:
        """True when the waiting period acts on outage hours (time deductible or qualifying)."""
        return self.waiting_hours > 0 and self.waiting_semantics in (
            "time_deductible",
            "qualifying_period",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "name": self.name.to_dict(),
            "sublimit": str(self.sublimit),
            "coinsurance": str(self.coinsurance),
            "retention": str(self.retention),
            "retention_basis": self.retention_basis,
            "own_retention": self.own_retention,
            "waiting_hours": self.waiting_hours,
            "waiting_semantics": self.waiting_semantics,
            "engine_category": self.engine_category,
            "engine_status": self.engine_status,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoverageClaimTerms:
        name = data["name"]
        return cls(
            coverage=str(data["coverage"]),
            name=Text(str(name["zh"]), str(name["en"])),
            sublimit=Decimal(str(data["sublimit"])),
            coinsurance=Decimal(str(data["coinsurance"])),
            retention=Decimal(str(data["retention"])),
            retention_basis=str(data["retention_basis"]),
            own_retention=bool(data["own_retention"]),
            waiting_hours=int(data["waiting_hours"]),
            waiting_semantics=data.get("waiting_semantics"),
            engine_category=data.get("engine_category"),
            engine_status=str(data["engine_status"]),
        )


@dataclass(frozen=True)
class ClaimTerms:
    """A policy's terms for claims: limit, retention, trigger, period and every coverage's terms.

    ``period_start``/``period_end`` are the policy's dates, a half-open period ``[start, end)`` on
    the Asia/Shanghai calendar (as ``liubu.core.Period``).
    """

    product: str
    limit: Decimal
    retention: Decimal
    retention_basis: str
    trigger_basis: str  # claims_made | occurrence
    retroactive_date: date | None
    extended_reporting_days: int
    period_start: date
    period_end: date
    coverages: tuple[CoverageClaimTerms, ...]
    notes: tuple[Text, ...] = ()

    def coverage(self, code: str) -> CoverageClaimTerms | None:
        return next((c for c in self.coverages if c.coverage == code), None)

    @property
    def reporting_end(self) -> date:
        """The first day a claim can no longer be made: period end + extended reporting days."""
        return self.period_end + timedelta(days=self.extended_reporting_days)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": TERMS_SCHEMA,
            "product": self.product,
            "limit": str(self.limit),
            "retention": str(self.retention),
            "retention_basis": self.retention_basis,
            "trigger_basis": self.trigger_basis,
            "retroactive_date": None
            if self.retroactive_date is None
            else self.retroactive_date.isoformat(),
            "extended_reporting_days": self.extended_reporting_days,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "coverages": [c.to_dict() for c in self.coverages],
            "notes": [n.to_dict() for n in self.notes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClaimTerms:
        check_schema(data, current=TERMS_SCHEMA, what="claim terms")
        retro = data.get("retroactive_date")
        return cls(
            product=str(data["product"]),
            limit=Decimal(str(data["limit"])),
            retention=Decimal(str(data["retention"])),
            retention_basis=str(data["retention_basis"]),
            trigger_basis=str(data["trigger_basis"]),
            retroactive_date=None if retro is None else date.fromisoformat(str(retro)),
            extended_reporting_days=int(data["extended_reporting_days"]),
            period_start=date.fromisoformat(str(data["period_start"])),
            period_end=date.fromisoformat(str(data["period_end"])),
            coverages=tuple(CoverageClaimTerms.from_dict(c) for c in data["coverages"]),
            notes=tuple(Text(str(n["zh"]), str(n["en"])) for n in data.get("notes", ())),
        )


def check_schema(data: Mapping[str, Any], *, current: int, what: str) -> None:
    """Refuse a record written by a later release (or with no version at all)."""
    version = data.get("schema")
    if version != current:
        raise ValidationError(
            f"The {what} record has schema {version!r}; this release reads schema {current}.",
            code=ClaimsCode.RECORD_SCHEMA,
            field="schema",
            value=repr(version),
        )


def claim_terms(
    spec: ProductSpec,
    bound: BoundTerms,
    *,
    period_start: date,
    period_end: date,
    limit: object | None = None,
) -> ClaimTerms:
    """The terms of ``bound`` (a policy of ``spec``) per product coverage, for claims.

    ``limit`` is the policy's current limit when a mid-term endorsement changed it (it must be
    one of the product's limit options); by default the limit bound.
    """
    if bound.product != spec.product_id:
        raise ValidationError(
            f"The bound terms are of {bound.product}, not of {spec.product_id}.",
            code=ClaimsCode.TERMS_PRODUCT_MISMATCH,
            field="product",
            value=bound.product[:128],
        )
    option = bound.option
    if option.limit is None or option.retention is None:
        raise ValidationError(
            f"The bound option of {bound.product} has no limit or retention.",
            code=ClaimsCode.TERMS_INCOMPLETE,
            field="terms",
        )
    if not period_start < period_end:
        raise ValidationError(
            f"The policy period {period_start}..{period_end} must end after it starts.",
            code=ClaimsCode.BAD_PERIOD,
            field="period_end",
            value=period_end.isoformat(),
        )
    chosen = option.limit.amount if limit is None else limit
    # Pricing's own translation: checks the limit and retention are the product's options.
    priced = option_terms(spec, limit=chosen, retention=option.retention.amount)
    mappings = {m.coverage: m for m in priced.coverages}
    basis = spec.retention.basis if spec.retention is not None else "per_event"
    vocabulary = load_vocabulary()
    coverages = []
    for coverage in spec.coverages:
        mapping = mappings[coverage.code]
        own = coverage.retention
        waiting = coverage.waiting_period
        coverages.append(
            CoverageClaimTerms(
                coverage=coverage.code,
                name=vocabulary.coverage(coverage.code).name,
                sublimit=spec.payable_limit(coverage, priced.limit),
                coinsurance=coverage.coinsurance or Decimal(0),
                retention=priced.retention if own is None else own.amount,
                retention_basis=basis if own is None else own.basis,
                own_retention=own is not None,
                waiting_hours=0 if waiting is None else waiting.hours,
                waiting_semantics=None if waiting is None else waiting.semantics,
                engine_category=mapping.category,
                engine_status=mapping.status,
            )
        )
    trigger = spec.trigger
    return ClaimTerms(
        product=spec.product_id,
        limit=priced.limit,
        retention=priced.retention,
        retention_basis=basis,
        trigger_basis=trigger.basis,
        retroactive_date=_retroactive_date(spec, period_start),
        extended_reporting_days=trigger.extended_reporting_days or 0,
        period_start=period_start,
        period_end=period_end,
        coverages=tuple(coverages),
        notes=priced.notes,
    )


def _retroactive_date(spec: ProductSpec, period_start: date) -> date | None:
    """Claims-made only: the fixed date, else ``period_start − retroactive_period_days``."""
    trigger = spec.trigger
    if trigger.basis != "claims_made":
        return None
    if trigger.retroactive_date is not None:
        return trigger.retroactive_date
    if trigger.retroactive_period_days is not None:
        return period_start - timedelta(days=trigger.retroactive_period_days)
    return None
