"""The adjustment worksheet (理算表): the record :func:`liubu.claims.adjust` returns and the store
keeps — every line with its bilingual label, formula, inputs, exact and rounded result; each
coverage's figures; the totals. JSON through ``to_dict``/``from_dict`` with a ``schema`` version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from liubu.claims.reasons import ClaimsCode
from liubu.claims.terms import check_schema
from liubu.core import Money
from liubu.products import Text

WORKSHEET_SCHEMA = 1
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class WorksheetLine:
    """One step of the adjustment: what it computes, how, from what, and the result."""

    code: str
    label: Text
    coverage: str | None = None
    formula: str | None = None
    inputs: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    exact: Decimal | None = None
    rounded: Decimal | None = None
    reason: ClaimsCode | None = None
    note: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label.to_dict(),
            "coverage": self.coverage,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "exact": None if self.exact is None else str(self.exact),
            "rounded": None if self.rounded is None else str(self.rounded),
            "reason": None if self.reason is None else str(self.reason),
            "note": None if self.note is None else self.note.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorksheetLine:
        return cls(
            code=str(data["code"]),
            label=_text(data["label"]),
            coverage=data.get("coverage"),
            formula=data.get("formula"),
            inputs=MappingProxyType({str(k): str(v) for k, v in data["inputs"].items()}),
            exact=_decimal(data.get("exact")),
            rounded=_decimal(data.get("rounded")),
            reason=None if data.get("reason") is None else ClaimsCode(data["reason"]),
            note=None if data.get("note") is None else _text(data["note"]),
        )


@dataclass(frozen=True, slots=True)
class CoverageResult:
    """One coverage's figures: its loss Y (payable items, BI after the waiting period), what was
    refused outright, the recoverable Z = min((1 − c)·Y, L), and its share of the payable."""

    coverage: str
    name: Text
    loss: Decimal
    not_payable: Decimal
    recoverable: Decimal
    payable: Money

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "name": self.name.to_dict(),
            "loss": str(self.loss),
            "not_payable": str(self.not_payable),
            "recoverable": str(self.recoverable),
            "payable": str(self.payable.amount),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoverageResult:
        return cls(
            coverage=str(data["coverage"]),
            name=_text(data["name"]),
            loss=Decimal(str(data["loss"])),
            not_payable=Decimal(str(data["not_payable"])),
            recoverable=Decimal(str(data["recoverable"])),
            payable=Money(str(data["payable"])),
        )


@dataclass(frozen=True)
class AdjustmentWorksheet:
    """The adjustment of one claim: every line, each coverage's result and the totals (fen)."""

    product: str
    lines: tuple[WorksheetLine, ...]
    coverages: tuple[CoverageResult, ...]
    claimed: Money
    payable: Money
    retained: Money
    retention_applied: Money
    aggregate_before: Money
    aggregate_remaining: Money
    notes: tuple[Text, ...]

    def line(self, code: str, coverage: str | None = None) -> WorksheetLine:
        """The first line with ``code`` (and ``coverage`` when given)."""
        for line in self.lines:
            if line.code == code and (coverage is None or line.coverage == coverage):
                return line
        raise KeyError((code, coverage))

    def payable_for(self, coverage: str) -> Money:
        return next((c.payable for c in self.coverages if c.coverage == coverage), Money.zero())

    @property
    def refusals(self) -> tuple[WorksheetLine, ...]:
        """The lines of what was not paid, each with its reason."""
        return tuple(line for line in self.lines if line.reason is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": WORKSHEET_SCHEMA,
            "product": self.product,
            "lines": [line.to_dict() for line in self.lines],
            "coverages": [c.to_dict() for c in self.coverages],
            "claimed": str(self.claimed.amount),
            "payable": str(self.payable.amount),
            "retained": str(self.retained.amount),
            "retention_applied": str(self.retention_applied.amount),
            "aggregate_before": str(self.aggregate_before.amount),
            "aggregate_remaining": str(self.aggregate_remaining.amount),
            "notes": [n.to_dict() for n in self.notes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdjustmentWorksheet:
        check_schema(data, current=WORKSHEET_SCHEMA, what="adjustment worksheet")
        return cls(
            product=str(data["product"]),
            lines=tuple(WorksheetLine.from_dict(x) for x in data["lines"]),
            coverages=tuple(CoverageResult.from_dict(c) for c in data["coverages"]),
            claimed=Money(str(data["claimed"])),
            payable=Money(str(data["payable"])),
            retained=Money(str(data["retained"])),
            retention_applied=Money(str(data["retention_applied"])),
            aggregate_before=Money(str(data["aggregate_before"])),
            aggregate_remaining=Money(str(data["aggregate_remaining"])),
            notes=tuple(_text(n) for n in data["notes"]),
        )


def _text(data: Mapping[str, Any]) -> Text:
    return Text(str(data["zh"]), str(data["en"]))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
