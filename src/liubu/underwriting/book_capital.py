"""The share of stand-alone capital a policy ties up in the insurer's simulated book (组合资本比例).

The portfolio package simulates the insurer's book and stores, per policy and per segment, the
ratio r = (Euler TVaR contribution − mean) / (stand-alone TVaR − mean), clipped to [0, 1]. A quote
reads it through its unit of work (``UnderwritingRepository.book_capital_ratio``) and the technical
premium charges capital min(C₁, r × C₁) (:mod:`liubu.underwriting.technical`). Which ratio:

- ``policy``: the policy's own, when the quote renews a policy of the book (key: its number);
- ``industry``: its GB/T 4754 section's, Σ(e − m) / Σ s over the book's policies of the section;
- ``book``: the whole book's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from liubu.errors import ValidationError
from liubu.underwriting.reasons import UnderwritingCode

BASES = ("policy", "industry", "book")


@dataclass(frozen=True, slots=True)
class BookCapitalRatio:
    """A stored book-capital ratio: r, which basis it is (and whose key: the policy number or the
    industry section; empty for the book), the run it came from, when it was computed, the book's
    size and the return period of its TVaR (200: 99.5 %)."""

    ratio: Decimal
    basis: str
    key: str
    run_id: str
    computed_at: datetime
    book_policies: int
    return_period: int

    def __post_init__(self) -> None:
        if not isinstance(self.ratio, Decimal) or not 0 <= self.ratio <= 1:
            raise self._bad("ratio", self.ratio, "must be a Decimal in [0, 1]")
        if self.basis not in BASES:
            raise self._bad("basis", self.basis, f"must be one of {', '.join(BASES)}")
        if self.basis != "book" and not self.key:
            raise self._bad("key", self.key, "names the policy or the industry section")
        if self.return_period < 2 or self.book_policies < 1:
            raise self._bad("return_period", self.return_period, "must be at least 2")

    @staticmethod
    def _bad(name: str, value: object, rule: str) -> ValidationError:
        return ValidationError(
            f"The book capital {name} {value!r} {rule}.",
            code=UnderwritingCode.LOAD_RANGE,
            field=name,
            value=repr(value),
        )

    @property
    def label(self) -> str:
        """``policy <number>``, ``industry <section>`` or ``book``."""
        return self.basis if self.basis == "book" else f"{self.basis} {self.key}"

    @property
    def level(self) -> Decimal:
        """The capital level 1 − 1/T its TVaR was measured at."""
        return 1 - Decimal(1) / Decimal(self.return_period)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ratio": str(self.ratio),
            "basis": self.basis,
            "key": self.key,
            "run_id": self.run_id,
            "computed_at": self.computed_at.isoformat(),
            "book_policies": self.book_policies,
            "return_period": self.return_period,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BookCapitalRatio:
        return cls(
            ratio=Decimal(str(data["ratio"])),
            basis=str(data["basis"]),
            key=str(data.get("key", "")),
            run_id=str(data["run_id"]),
            computed_at=datetime.fromisoformat(str(data["computed_at"])),
            book_policies=int(data["book_policies"]),
            return_period=int(data["return_period"]),
        )
