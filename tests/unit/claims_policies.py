"""Real catalogue policies, bound as a quote binds them, for the claims tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from liubu.claims import ClaimTerms, claim_terms
from liubu.core import Money
from liubu.products import ProductSpec, load_reference_catalogue
from liubu.underwriting import BoundTerms, OptionStatus, PricedOption

SME_V2 = ("shifan-pc", "sme-cyber-comprehensive", 2)
HEALTHCARE = ("yangben-pc", "healthcare-cyber", 1)
ANTI_FRAUD = ("yangben-pc", "anti-fraud", 1)
START, END = date(2026, 1, 1), date(2027, 1, 1)


def product(key: tuple[str, str, int]) -> ProductSpec:
    insurer, code, version = key
    return next(
        s
        for s in load_reference_catalogue()
        if (s.insurer, s.code, s.version) == (insurer, code, version)
    )


def bound(spec: ProductSpec, limit: int, retention: int | None = None) -> BoundTerms:
    kept = retention if retention is not None else spec.retention.amount  # type: ignore[union-attr]
    option = PricedOption(
        product=spec.product_id,
        insurer=spec.insurer,
        name=spec.name,
        status=OptionStatus.AUTO,
        referral=None,
        limit=Money(limit),
        retention=Money(kept),
        filed_premium=Money(3000),
    )
    return BoundTerms(option, 0)


def terms_of(
    key: tuple[str, str, int], limit: int, *, start: date = START, end: date = END
) -> tuple[ProductSpec, ClaimTerms]:
    spec = product(key)
    return spec, claim_terms(spec, bound(spec, limit), period_start=start, period_end=end)


def at(day: str, hour: int = 10) -> datetime:
    """A UTC instant on ``day`` (10:00 UTC is 18:00 in Shanghai, the same calendar day)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC).replace(
        hour=hour
    )


def sha(n: int) -> str:
    return f"{n:064x}"


DEC = Decimal
