"""The two documents an insured receives (bilingual models; rendered by the web layer):

- the **coverage letter** (承保意见书): what the incident triggers, each exclusion and where it
  stands (the war exclusion with its LMA clause), the trigger check, the position and its reasons;
- the **statement of loss** (赔款计算书): every line of the adjustment worksheet in plain words
  with its figure, what was not paid and why (the parts add up to the amount claimed less the
  amount payable), the totals, and how to appeal.

Plain words live in ``data/statement.yaml``. The appeal's *state* (lodged, re-assessed, decided)
belongs to the claims service; these documents carry only the text of how to appeal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.claims.coverage import war_clause_note
from liubu.claims.position import CoveragePosition, Position, RulingStatus
from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.terms import ClaimTerms
from liubu.claims.vocabulary import incident_type
from liubu.claims.worksheet import AdjustmentWorksheet, WorksheetLine
from liubu.core import Money
from liubu.datafiles import packaged_yaml
from liubu.errors import ValidationError
from liubu.products import Text, load_vocabulary

DEFAULT_APPEAL_DAYS = 30  # liubu's reference practice (an assumption), shown on both documents
_BOUNDS = {"claim_reference": 64, "policy_number": 64, "insured_name": 200}


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = packaged_yaml("liubu.claims", "data", "statement.yaml")
    return data


def _text(section: str, key: str, *, coverage: Text | None = None, **values: object) -> Text:
    """The ``section.key`` text with ``values`` filled in; ``{coverage}`` and any Text value are
    filled in each side's own language."""
    entry = _table()[section][key]
    sides = []
    for lang in ("zh", "en"):
        filled = {k: v.in_(lang) if isinstance(v, Text) else v for k, v in values.items()}
        if coverage is not None:
            filled["coverage"] = coverage.in_(lang)
        sides.append(str(entry[lang]).format(**filled))
    return Text(sides[0], sides[1])


def _title(code: ClaimsCode) -> Text:
    return Text(message(code, "zh"), message(code, "en"))


def _yuan(value: Decimal | str) -> str:
    return f"{Decimal(value):,.2f}"


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """Who and what a document is about, and when it was issued."""

    claim_reference: str
    policy_number: str
    insured_name: str
    product_name: Text
    issued_on: date
    insurer_name: Text | None = None

    def __post_init__(self) -> None:
        for name, most in _BOUNDS.items():
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or len(value) > most:
                raise ValidationError(
                    f"The {name} must be 1 to {most} characters.",
                    code=ClaimsCode.BAD_DOCUMENT,
                    field=name,
                )


@dataclass(frozen=True, slots=True)
class LetterCoverage:
    name: Text
    sublimit: Money
    responds: bool
    reason: Text | None


@dataclass(frozen=True, slots=True)
class LetterExclusion:
    name: Text
    definition: Text
    engaged: bool
    status: Text
    applies: bool
    reason: str | None
    basis: Text | None
    lma_clause: str | None
    lma_definition: Text | None


@dataclass(frozen=True)
class CoverageLetter:
    """The coverage letter (承保意见书)."""

    header: DocumentHeader
    incident: Text
    occurred_at: datetime
    discovered_at: datetime
    notified_at: datetime
    position: Position
    position_text: Text
    reasons: tuple[Text, ...]
    trigger_basis: str
    retroactive_date: date | None
    reporting_end: date
    trigger_passed: bool
    trigger_reasons: tuple[Text, ...]
    coverages: tuple[LetterCoverage, ...]
    not_carried: tuple[Text, ...]
    exclusions: tuple[LetterExclusion, ...]
    war_clause: Text | None
    appeal: Text

    @property
    def last_notice_day(self) -> date:
        """The last calendar day on which the claim could be notified."""
        return self.reporting_end - timedelta(days=1)


def coverage_letter(
    position: CoveragePosition,
    *,
    header: DocumentHeader,
    appeal_within_days: int = DEFAULT_APPEAL_DAYS,
) -> CoverageLetter:
    """The letter of ``position`` for the insured named in ``header``."""
    vocabulary = load_vocabulary()
    trigger = position.trigger
    return CoverageLetter(
        header=header,
        incident=incident_type(position.incident_type).name,
        occurred_at=position.occurred_at,
        discovered_at=position.discovered_at,
        notified_at=position.notified_at,
        position=position.position,
        position_text=_text("positions", str(position.position)),
        reasons=position.reason_titles(),
        trigger_basis=trigger.basis,
        retroactive_date=trigger.retroactive_date,
        reporting_end=trigger.reporting_end,
        trigger_passed=trigger.passed,
        trigger_reasons=tuple(_title(c) for c in trigger.reasons),
        coverages=tuple(
            LetterCoverage(
                c.name,
                Money(c.sublimit),
                c.responds and position.position is not Position.DECLINED,
                _coverage_reason(position, c.reason),
            )
            for c in position.coverages
        ),
        not_carried=tuple(vocabulary.coverage(c).name for c in position.not_carried),
        exclusions=tuple(
            LetterExclusion(
                e.name,
                e.definition,
                e.engaged,
                _text("statuses", str(e.status)),
                e.status is RulingStatus.APPLIES,
                e.reason,
                e.basis,
                e.lma_clause,
                e.lma_definition,
            )
            for e in position.exclusions
        ),
        war_clause=war_clause_note(position),
        appeal=_appeal("letter_appeal", appeal_within_days),
    )


def _coverage_reason(position: CoveragePosition, reason: ClaimsCode | None) -> Text | None:
    """Why a coverage does not respond: its own reason, else the declined position's."""
    if reason is None and position.position is Position.DECLINED:
        reason = ClaimsCode.NOT_COVERED
    return None if reason is None else _title(reason)


def _appeal(key: str, days: int) -> Text:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError(
            "The appeal period must be 1 to 365 days.",
            code=ClaimsCode.BAD_DOCUMENT,
            field="appeal_within_days",
            value=repr(days)[:64],
        )
    entry = _table()[key]
    return Text(str(entry["zh"]).format(days=days), str(entry["en"]).format(days=days))


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One worksheet line in plain words, with its figure (rounded to the fen for display)."""

    code: str
    text: Text
    amount: Money | None
    coverage: Text | None
    formula: str | None
    reason: Text | None
    total: bool


@dataclass(frozen=True, slots=True)
class NotPaid:
    """A part of the amount claimed that is not paid, and why."""

    text: Text
    amount: Money
    reason: Text | None


@dataclass(frozen=True)
class StatementOfLoss:
    """The statement of loss (赔款计算书)."""

    header: DocumentHeader
    lines: tuple[StatementLine, ...]
    not_paid: tuple[NotPaid, ...]
    payable_by_coverage: tuple[tuple[Text, Money], ...]
    claimed: Money
    payable: Money
    retained: Money
    aggregate_remaining: Money
    notes: tuple[Text, ...]
    appeal: Text


_TOTALS = frozenset({"recoverable_total", "insured_event_loss", "payable_total", "retained"})


def statement_of_loss(
    worksheet: AdjustmentWorksheet,
    terms: ClaimTerms,
    *,
    header: DocumentHeader,
    appeal_within_days: int = DEFAULT_APPEAL_DAYS,
) -> StatementOfLoss:
    """The statement of ``worksheet`` (adjusted under ``terms``) for the insured in ``header``."""
    lines = tuple(_line(line, terms) for line in worksheet.lines)
    return StatementOfLoss(
        header=header,
        lines=lines,
        not_paid=_not_paid(worksheet, terms),
        payable_by_coverage=tuple(
            (c.name, c.payable) for c in worksheet.coverages if c.loss or c.not_payable
        ),
        claimed=worksheet.claimed,
        payable=worksheet.payable,
        retained=worksheet.retained,
        aggregate_remaining=worksheet.aggregate_remaining,
        notes=worksheet.notes,
        appeal=_appeal("appeal", appeal_within_days),
    )


def _coverage_name(terms: ClaimTerms, code: str | None) -> Text | None:
    cover = None if code is None else terms.coverage(code)
    return None if cover is None else cover.name


_MONEY_INPUTS = frozenset({"G", "r", "Y", "L", "R", "A", "paid_before"})


def _number(key: str, value: str) -> str:
    """Hours with thousands separators (8,760); other inputs as given."""
    return f"{Decimal(value):,f}" if key in ("H", "T", "w") else value


def _percent(share: Decimal) -> str:
    return f"{share * 100:f}".rstrip("0").rstrip(".")


def _line(line: WorksheetLine, terms: ClaimTerms) -> StatementLine:
    name = _coverage_name(terms, line.coverage)
    values: dict[str, object] = {
        key: _yuan(value) if key in _MONEY_INPUTS else _number(key, value)
        for key, value in line.inputs.items()
    }
    if "c" in line.inputs:
        values["c_pct"] = _percent(Decimal(line.inputs["c"]))
        values["share_pct"] = _percent(1 - Decimal(line.inputs["c"]))
    values.setdefault("description", line.label)
    values["note"] = line.note or line.label
    return StatementLine(
        code=line.code,
        text=_text("lines", line.code, coverage=name, **values),
        amount=None if line.exact is None else Money(line.exact).round_fen(),
        coverage=name,
        formula=line.formula,
        reason=None if line.reason is None else _title(line.reason),
        total=line.code in _TOTALS,
    )


def _not_paid(worksheet: AdjustmentWorksheet, terms: ClaimTerms) -> tuple[NotPaid, ...]:
    """The parts of (claimed − payable), each with its reason; they add up to it exactly (a
    last line carries the rounding to the fen, when there is any)."""
    found: list[NotPaid] = []
    ground_up = Decimal(0)
    for line in worksheet.lines:
        if line.exact is None:
            continue
        name = _coverage_name(terms, line.coverage)
        reason = None if line.reason is None else _title(line.reason)
        part: tuple[Text, Decimal] | None = None
        if line.code == "item_not_payable":
            text = line.inputs.get("description")
            part = (line.label if text is None else Text(text, text), line.exact)
        elif line.code == "bi_ground_up":
            ground_up = line.exact
        elif line.code == "bi_waiting_period":
            part = (
                _text("not_paid", "waiting", note=line.note or line.label),
                ground_up - line.exact,
            )
        elif line.code == "coinsurance":
            pct = _percent(Decimal(line.inputs["c"]))
            kept = Decimal(line.inputs["Y"]) - line.exact
            part = (_text("not_paid", "coinsurance", coverage=name, c_pct=pct), kept)
        elif line.code == "sublimit":
            above = Decimal(line.inputs["(1 − c) × Y"]) - line.exact
            part = (_text("not_paid", "sublimit", coverage=name, L=_yuan(line.inputs["L"])), above)
        elif line.code == "retention":
            part = (_text("not_paid", "retention"), line.exact)
        elif line.code == "payable_total":
            part = (_text("not_paid", "aggregate"), Decimal(line.inputs["I"]) - line.exact)
        if part is not None and part[1] > 0:
            found.append(NotPaid(part[0], Money(part[1]), reason))
    shown = [NotPaid(p.text, p.amount.round_fen(), p.reason) for p in found]
    rounded_gap = worksheet.retained.amount - sum((p.amount.amount for p in shown), Decimal(0))
    if rounded_gap:
        shown.append(NotPaid(_text("not_paid", "rounding"), Money(rounded_gap), None))
    return tuple(shown)


@dataclass(frozen=True, slots=True)
class DisputedLine:
    """A line the insured disputed, as the statement under appeal showed it."""

    step: str
    text: Text
    amount: Money | None


@dataclass(frozen=True)
class AppealDecisionDocument:
    """The appeal decision (申诉复核决定书): the outcome and its reasons (the adjuster's own
    text), what was disputed, what changed (the payable before and after, by coverage), the
    revised statement when the payable changed, and where to go next."""

    header: DocumentHeader
    lodged_on: date
    statement_issued_on: date
    disputed: tuple[DisputedLine, ...]
    appellant_reasons: str
    outcome: str
    outcome_text: Text
    reasons: str
    decided_on: date
    old_payable: Money
    new_payable: Money
    by_coverage: tuple[tuple[Text, Money, Money], ...]
    change: Text
    revised: StatementOfLoss | None
    next_steps: Text


def appeal_decision(
    *,
    header: DocumentHeader,
    original: AdjustmentWorksheet,
    reassessed: AdjustmentWorksheet,
    terms: ClaimTerms,
    disputed: tuple[str, ...],
    appellant_reasons: str,
    outcome: str,
    reasons: str,
    lodged_on: date,
    statement_issued_on: date,
    decided_on: date,
) -> AppealDecisionDocument:
    """The decision document of an appeal against the statement of ``original``."""
    old, new = original.payable, reassessed.payable
    if new == old:
        final = original
        change = Text(
            str(_table()["appeal_unchanged"]["zh"]).format(old=_yuan(old.amount)),
            str(_table()["appeal_unchanged"]["en"]).format(old=_yuan(old.amount)),
        )
    else:
        final = reassessed
        diff = new.amount - old.amount
        values = {
            "old": _yuan(old.amount),
            "new": _yuan(new.amount),
            "sign": "+" if diff > 0 else "−",
            "diff": _yuan(abs(diff)),
        }
        entry = _table()["appeal_changed"]
        change = Text(str(entry["zh"]).format(**values), str(entry["en"]).format(**values))
    shown: dict[str, StatementLine] = {}
    for line in original.lines:
        step = line.code if line.coverage is None else f"{line.code}:{line.coverage}"
        shown.setdefault(step, _line(line, terms))
    codes = dict.fromkeys(c.coverage for c in (*original.coverages, *reassessed.coverages))
    by_coverage = tuple(
        (
            _coverage_name(terms, code) or Text(code, code),
            original.payable_for(code),
            final.payable_for(code),
        )
        for code in codes
    )
    return AppealDecisionDocument(
        header=header,
        lodged_on=lodged_on,
        statement_issued_on=statement_issued_on,
        disputed=tuple(
            DisputedLine(step, shown[step].text, shown[step].amount)
            if step in shown
            else DisputedLine(step, Text(step, step), None)
            for step in disputed
        ),
        appellant_reasons=appellant_reasons,
        outcome=outcome,
        outcome_text=_text("appeal_outcomes", outcome),
        reasons=reasons,
        decided_on=decided_on,
        old_payable=old,
        new_payable=final.payable,
        by_coverage=by_coverage,
        change=change,
        revised=None if final is original else statement_of_loss(final, terms, header=header),
        next_steps=Text(
            str(_table()["appeal_next_steps"]["zh"]), str(_table()["appeal_next_steps"]["en"])
        ),
    )
