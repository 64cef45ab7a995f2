"""Loads of the technical premium (技术保费附加): expenses, profit and the cost of capital.

Each insurer's loads are data (``data/loads.yaml``, with a ``default`` for insurers not listed);
override any of them with :func:`dataclasses.replace`, which validates again:

>>> from dataclasses import replace
>>> loads = loads_for("shifan-pc")
>>> loads.expense_ratio, loads.capital_level
(Decimal('0.35'), Decimal('0.995'))
>>> replace(loads, profit_margin=Decimal("0.08")).premium_share
Decimal('0.57')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liubu.errors import ValidationError
from liubu.underwriting._data import load_data

_FIELDS = ("expense_ratio", "profit_margin", "cost_of_capital", "capital_level")
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Loads:
    """Expense ratio, profit margin (shares of premium), cost of capital (a yearly rate) and the
    TVaR level that measures capital. ``source`` says where they came from."""

    expense_ratio: Decimal
    profit_margin: Decimal
    cost_of_capital: Decimal
    capital_level: Decimal
    source: str = "given"

    def __post_init__(self) -> None:
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
                raise ValidationError(
                    f"The load {name} {value!r} must be a finite Decimal.",
                    code="underwriting.load_type",
                    field=name,
                    value=repr(value),
                )
        for name in ("expense_ratio", "profit_margin", "cost_of_capital"):
            if not 0 <= getattr(self, name) < 1:
                raise _bad(name, getattr(self, name), "must lie in [0, 1)")
        if not 0 < self.capital_level < 1:
            raise _bad("capital_level", self.capital_level, "must lie strictly between 0 and 1")
        if self.premium_share <= 0:
            raise _bad(
                "profit_margin",
                self.profit_margin,
                f"plus the expense ratio {self.expense_ratio} must stay below 1 (nothing of the "
                "premium would be left for losses)",
            )

    @property
    def premium_share(self) -> Decimal:
        """1 − expense ratio − profit margin: the share of premium left for loss and risk load."""
        return _ONE - self.expense_ratio - self.profit_margin

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: str(getattr(self, name)) for name in _FIELDS}
        out["source"] = self.source
        return out


def _bad(name: str, value: Decimal, rule: str) -> ValidationError:
    return ValidationError(
        f"The load {name} {value} {rule}.",
        code="underwriting.load_range",
        field=name,
        value=str(value),
    )


def loads_for(insurer: str) -> Loads:
    """The insurer's loads from ``data/loads.yaml`` (its ``default`` when the insurer is not
    listed); ``source`` records which entry was used."""
    data = load_data("loads.yaml")
    insurers = data.mapping(("insurers",))
    path: tuple[str, ...] = ("insurers", insurer) if insurer in insurers else ("default",)
    expense, profit, capital_cost, level = (data.decimal((*path, name)) for name in _FIELDS)
    try:
        return Loads(expense, profit, capital_cost, level, source=f"loads.yaml:{'.'.join(path)}")
    except ValidationError as error:
        raise data.fail(error.message, path) from error
