"""Loss adjustment (定损理算): the bound terms applied to one claim, step by step.

:func:`adjust` applies a policy's :class:`~liubu.claims.ClaimTerms` to the itemised losses of one
event in **the risk engine's order** (``liubu.risk`` terms: the same order pricing simulates), and
writes every step as a worksheet line — bilingual label, formula, inputs, exact result and, where
money is rounded, the rounded result — as the rating worksheet does:

1. ground-up loss per coverage, Y_c = Σ payable items (a ransom unscreened or on a sanctions list,
   and a coverage the coverage position does not let respond, are listed and left out);
   business interruption r·H (r the gross profit per hour, H the outage hours);
2. the BI waiting period w in hours: *time deductible* pays r·(H − w)⁺, *qualifying period* pays
   r·H once H > w, else nothing (other items on the coverage are added after it);
3. per coverage Z_c = min((1 − c_c)·Y_c, L_c): coinsurance c_c (the insured's share), sublimit L_c;
4. one retention per event across coverages: I = (Σ Z_c − R)⁺. R is the policy retention; when a
   coverage with a loss carries its own, the highest applicable retention applies once (the usual
   wording; pricing used the policy's). An annual aggregate retention is reduced by the retention
   already borne earlier in the period;
5. the annual aggregate limit A less what earlier claims in the period paid or assessed:
   payable = min(I, (A − paid_before)⁺), shared among coverages in proportion to Z_c.

Rounding (``liubu.core.money``, half-up to the fen) happens at three points only: a gross profit
per hour derived from a period's figure (``liubu.claims.losses``), the event loss after the
retention I, and the total payable; the total is shared among coverages by the largest-remainder
method so the shares add up to it. Every other line keeps its exact value (its rounded value is
for display). For the same ground-up components, the per-event insured amount is the engine's
(a test holds the two to the fen) wherever the engine applies the contract's own terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from liubu.claims.labels import label, note
from liubu.claims.losses import BusinessInterruption, EarlierInPeriod, LossItem, check_items
from liubu.claims.position import CoveragePosition
from liubu.claims.reasons import ClaimsCode
from liubu.claims.terms import ClaimTerms, CoverageClaimTerms
from liubu.claims.worksheet import AdjustmentWorksheet, CoverageResult, WorksheetLine
from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import Text


def _fen(value: Decimal) -> Decimal:
    return Money(value).round_fen().amount


def _s(value: Decimal) -> str:
    return format(value, "f")


@dataclass
class _Sheet:
    """The lines and per-coverage sums as the adjustment builds them."""

    terms: ClaimTerms
    lines: list[WorksheetLine] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    loss: dict[str, Decimal] = field(default_factory=dict)
    refused: dict[str, Decimal] = field(default_factory=dict)
    claimed: Decimal = Decimal(0)

    def money(self, code: str, value: Decimal, **kwargs: Any) -> None:
        inputs = kwargs.pop("inputs", {})
        self.lines.append(
            WorksheetLine(
                code,
                label(code),
                exact=value,
                rounded=_fen(value),
                inputs=MappingProxyType({k: str(v) for k, v in inputs.items()}),
                **kwargs,
            )
        )

    def coverage(self, code: str, *, field_name: str) -> CoverageClaimTerms:
        found = self.terms.coverage(code)
        if found is None:
            raise ValidationError(
                f"The policy ({self.terms.product}) has no coverage {code!r}.",
                code=ClaimsCode.UNKNOWN_COVERAGE,
                field=field_name,
                value=code[:64],
            )
        return found

    def add(self, coverage: str, amount: Decimal, refusal: ClaimsCode | None) -> None:
        self.claimed += amount
        self.loss.setdefault(coverage, Decimal(0))
        self.refused.setdefault(coverage, Decimal(0))
        if refusal is None:
            self.loss[coverage] += amount
        else:
            self.refused[coverage] += amount


def adjust(
    terms: ClaimTerms,
    items: tuple[LossItem, ...] | list[LossItem],
    *,
    business_interruption: BusinessInterruption | Sequence[BusinessInterruption] | None = None,
    earlier_in_period: EarlierInPeriod | None = None,
    position: CoveragePosition | None = None,
) -> AdjustmentWorksheet:
    """The adjustment worksheet of one claim (module docstring for the method and rounding).

    ``business_interruption``: the insured's BI figures, or one set per coverage (e.g. a cyber
    outage and a system failure in one event). ``position``: the coverage position; items of a
    coverage it does not let respond are not payable (with its reason). ``earlier_in_period``:
    what earlier claims took this period.
    """
    if position is not None and position.product != terms.product:
        raise ValidationError(
            f"The coverage position is of {position.product}, not of {terms.product}.",
            code=ClaimsCode.TERMS_PRODUCT_MISMATCH,
            field="position",
            value=position.product[:128],
        )
    earlier = earlier_in_period or EarlierInPeriod()
    sheet = _Sheet(terms)
    for index, item in enumerate(check_items(items)):
        sheet.coverage(item.coverage, field_name=f"items[{index}].coverage")
        refusal = item.refusal or _refusal(position, item.coverage)
        sheet.money(
            "item" if refusal is None else "item_not_payable",
            item.amount.amount,
            coverage=item.coverage,
            reason=refusal,
            inputs={"kind": item.kind, "description": item.description, **_count(item)},
        )
        sheet.add(item.coverage, item.amount.amount, refusal)
    for index, bi in enumerate(_interruptions(business_interruption)):
        _interruption(sheet, bi, position, field_name=f"business_interruption[{index}].coverage")
    recoverable = _per_coverage(sheet)
    return _settle(sheet, recoverable, earlier)


def _count(item: LossItem) -> dict[str, str]:
    extra = {"documents": str(len(item.documents))}
    if item.count is not None:
        extra["count"] = str(item.count)
    return extra


def _refusal(position: CoveragePosition | None, coverage: str) -> ClaimsCode | None:
    return None if position is None else position.refusal(coverage)


def _interruptions(
    given: BusinessInterruption | Sequence[BusinessInterruption] | None,
) -> tuple[BusinessInterruption, ...]:
    """The BI figures as a tuple: at most one set per coverage."""
    found = (
        ()
        if given is None
        else (given,)
        if isinstance(given, BusinessInterruption)
        else tuple(given)
    )
    coverages = [bi.coverage for bi in found]
    if len(set(coverages)) != len(coverages) or not all(
        isinstance(bi, BusinessInterruption) for bi in found
    ):
        raise ValidationError(
            "Give at most one set of business-interruption figures per coverage.",
            code=ClaimsCode.BAD_BUSINESS_INTERRUPTION,
            field="business_interruption",
        )
    return found


def _interruption(
    sheet: _Sheet, bi: BusinessInterruption, position: CoveragePosition | None, *, field_name: str
) -> None:
    """Lines r (when derived), r·H and the waiting period; adds the result to the coverage."""
    cover = sheet.coverage(bi.coverage, field_name=field_name)
    rate, hours = _hourly_rate(sheet, bi, cover.coverage), bi.outage_hours
    ground_up = rate * hours
    sheet.money(
        "bi_ground_up",
        ground_up,
        coverage=cover.coverage,
        formula="r × H",
        inputs={"r": rate, "H": hours},
    )
    after = _waiting(sheet, cover, rate, hours) if cover.hourly_waiting else ground_up
    refusal = _refusal(position, cover.coverage)
    sheet.add(cover.coverage, after, refusal)
    # What the waiting period kept is borne by the insured, claimed but not payable.
    sheet.claimed += ground_up - after
    if refusal is not None:
        sheet.lines.append(
            WorksheetLine(
                "item_not_payable",
                label("item_not_payable"),
                coverage=cover.coverage,
                exact=after,
                rounded=_fen(after),
                reason=refusal,
            )
        )


def _hourly_rate(sheet: _Sheet, bi: BusinessInterruption, coverage: str) -> Decimal:
    """r, with its line when derived from a period's gross profit, and the method's note."""
    rate, hours = bi.hourly_rate, bi.outage_hours
    if bi.gross_profit is None or bi.gross_profit_hours is None:
        sheet.notes.append(note("bi_method_hourly", hours=_s(hours), rate=f"{rate:,f}"))
        return rate
    sheet.money(
        "bi_hourly_gross_profit",
        rate,
        coverage=coverage,
        formula="round_fen(G / T)",
        inputs={"G": bi.gross_profit.amount, "T": bi.gross_profit_hours},
    )
    sheet.notes.append(
        note(
            "bi_method_period",
            hours=_s(hours),
            gross_profit=f"{bi.gross_profit.amount:,f}",
            period_hours=f"{bi.gross_profit_hours:,f}",
        )
    )
    return rate


def _waiting(sheet: _Sheet, cover: CoverageClaimTerms, rate: Decimal, hours: Decimal) -> Decimal:
    """Time deductible r·(H − w)⁺, or qualifying period r·H once H > w (else 0)."""
    wait = Decimal(cover.waiting_hours)
    if cover.waiting_semantics == "qualifying_period":
        after = rate * hours if hours > wait else Decimal(0)
        formula, kind = "r × H if H > w else 0", "waiting_qualifying"
    else:
        after = rate * max(hours - wait, Decimal(0))
        formula, kind = "r × max(H − w, 0)", "waiting_time_deductible"
    sheet.money(
        "bi_waiting_period",
        after,
        coverage=cover.coverage,
        formula=formula,
        inputs={"r": rate, "H": hours, "w": wait},
        note=note(kind, hours=cover.waiting_hours),
    )
    return after


def _per_coverage(sheet: _Sheet) -> dict[str, Decimal]:
    """Z_c = min((1 − c)·Y_c, L_c) for each coverage with a loss, in the policy's order."""
    recoverable: dict[str, Decimal] = {}
    for cover in sheet.terms.coverages:
        if cover.coverage not in sheet.loss:
            continue
        code, loss = cover.coverage, sheet.loss[cover.coverage]
        sheet.money("coverage_loss", loss, coverage=code, formula="Y = Σ xᵢ")
        shared = cover.share * loss
        if cover.coinsurance:
            sheet.money(
                "coinsurance",
                shared,
                coverage=code,
                formula="(1 − c) × Y",
                inputs={"c": cover.coinsurance, "Y": loss},
            )
        value = min(shared, cover.sublimit)
        sheet.money(
            "sublimit",
            value,
            coverage=code,
            formula="Z = min((1 − c) × Y, L)",
            inputs={"(1 − c) × Y": shared, "L": cover.sublimit},
        )
        recoverable[code] = value
    return recoverable


def _retention(sheet: _Sheet, earlier: EarlierInPeriod) -> Decimal:
    """R for this event: the highest retention of the coverages with a loss (an annual aggregate
    one less what the insured already bore this period)."""
    applicable: dict[str, Decimal] = {}
    for code, loss in sheet.loss.items():
        if loss <= 0:
            continue
        cover = sheet.terms.coverage(code)
        assert cover is not None
        amount = cover.retention
        if cover.retention_basis == "annual_aggregate":
            remaining = max(amount - earlier.retention_used.amount, Decimal(0))
            sheet.notes.append(
                note(
                    "aggregate_retention",
                    used=f"{earlier.retention_used.amount:,f}",
                    remaining=f"{remaining:,f}",
                )
            )
            amount = remaining
        applicable[code] = amount
    distinct = sorted(set(applicable.values()))
    if len(distinct) > 1:
        sheet.notes.append(
            note(
                "highest_retention",
                amounts=", ".join(f"{a:,f}" for a in distinct),
                retention=f"{distinct[-1]:,f}",
            )
        )
    return distinct[-1] if distinct else Decimal(0)


def _settle(
    sheet: _Sheet, recoverable: dict[str, Decimal], earlier: EarlierInPeriod
) -> AdjustmentWorksheet:
    """Steps 4 and 5: the retention once per event, then the aggregate left; the totals."""
    terms = sheet.terms
    total = sum(recoverable.values(), Decimal(0))
    sheet.money("recoverable_total", total, formula="S = Σ Z", inputs=recoverable)
    retention = _retention(sheet, earlier)
    applied = min(total, retention)
    sheet.money("retention", applied, formula="min(S, R)", inputs={"S": total, "R": retention})
    event_loss = _fen(total - applied)
    sheet.money("insured_event_loss", event_loss, formula="I = round_fen(S − min(S, R))")
    before = max(terms.limit - earlier.paid.amount, Decimal(0))
    if earlier.paid.amount:
        sheet.notes.append(note("earlier_paid", paid=f"{earlier.paid.amount:,f}"))
    sheet.money(
        "aggregate_remaining",
        before,
        formula="max(A − paid_before, 0)",
        inputs={"A": terms.limit, "paid_before": earlier.paid.amount},
    )
    payable = min(event_loss, before)
    sheet.money(
        "payable_total",
        payable,
        formula="min(I, A_remaining)",
        inputs={"I": event_loss, "A_remaining": before},
        reason=ClaimsCode.AGGREGATE_EXHAUSTED if payable < event_loss else None,
    )
    results = _results(sheet, recoverable, Money(payable))
    claimed = Money(sheet.claimed).round_fen()
    retained = claimed - Money(payable)
    sheet.money("retained", retained.amount, formula="claimed − payable")
    sheet.money("aggregate_after", before - payable, formula="A_remaining − payable")
    return AdjustmentWorksheet(
        product=terms.product,
        lines=tuple(sheet.lines),
        coverages=results,
        claimed=claimed,
        payable=Money(payable),
        retained=retained,
        retention_applied=Money(applied).round_fen(),
        aggregate_before=Money(before),
        aggregate_remaining=Money(before - payable),
        notes=(*dict.fromkeys(sheet.notes), *_pricing_notes(terms, recoverable)),
    )


def _results(
    sheet: _Sheet, recoverable: dict[str, Decimal], payable: Money
) -> tuple[CoverageResult, ...]:
    """Each coverage's share of the payable (pro rata to Z), and the coverages only refused."""
    total = sum(recoverable.values(), Decimal(0))
    shares = _shares(payable, recoverable)
    results = []
    for cover in sheet.terms.coverages:
        code = cover.coverage
        if code in recoverable:
            sheet.money(
                "payable_coverage",
                shares[code].amount,
                coverage=code,
                formula="payable × Z / S",
                inputs={"Z": recoverable[code], "S": total},
            )
        if code in sheet.loss:
            results.append(
                CoverageResult(
                    code,
                    cover.name,
                    sheet.loss[code],
                    sheet.refused[code],
                    recoverable.get(code, Decimal(0)),
                    shares.get(code, Money.zero()),
                )
            )
    return tuple(results)


def _shares(payable: Money, recoverable: dict[str, Decimal]) -> dict[str, Money]:
    """The total shared pro rata to Z_c, in fen that add up (largest remainder)."""
    codes = list(recoverable)
    if not codes:
        return {}
    if not payable.amount or not any(recoverable.values()):
        return {code: Money.zero() for code in codes}
    return dict(zip(codes, payable.allocate([recoverable[c] for c in codes]), strict=True))


def _pricing_notes(terms: ClaimTerms, recoverable: dict[str, Decimal]) -> tuple[Text, ...]:
    """Where pricing approximated a coverage this claim touches, say so."""
    found = []
    for code in recoverable:
        cover = terms.coverage(code)
        assert cover is not None
        if cover.engine_status == "folded":
            found.append(note("folded", coverage=code, carrier=cover.engine_category))
        elif cover.engine_status == "not_modelled":
            found.append(note("not_modelled", coverage=code))
        if cover.own_retention:
            found.append(note("own_retention", coverage=code, amount=f"{cover.retention:,f}"))
    return (*found, note("rounding"))
