"""Loads of the technical premium (技术保费附加): expenses, profit and the cost of capital.

Each insurer's loads are data (``data/loads.yaml``, with a ``default`` for insurers not listed);
override any of them with :func:`dataclasses.replace`, which validates again:

>>> from dataclasses import replace
>>> loads = loads_for("shifan-pc")
>>> loads.expense_ratio, loads.capital_level, loads.capital_basis
(Decimal('0.35'), Decimal('0.995'), 'book')
>>> replace(loads, profit_margin=Decimal("0.08")).premium_share
Decimal('0.57')

The capital a policy ties up is measured either **stand-alone** (the TVaR of the policy alone
less its mean) or as its share of a **book** of ``book_policies`` policies like it whose annual
losses are pairwise correlated with ``book_correlation`` (see :func:`diversification_factor`
and ``liubu.underwriting.technical``). With ``simulated_book`` the insurer's own simulated
book replaces that assumed one whenever a simulation of it is stored (the assumed book stays the
fallback):

>>> loads.simulated_book
True
>>> diversification_factor(400, Decimal("0.1")).quantize(Decimal("0.0001"))
Decimal('0.3198')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from liubu.errors import ValidationError
from liubu.underwriting._data import load_data
from liubu.underwriting.reasons import UnderwritingCode

_FIELDS = ("expense_ratio", "profit_margin", "cost_of_capital", "capital_level")
_ONE = Decimal(1)
# The book's annual loss is taken as normal (central limit theorem); that needs a book of some
# size, so smaller books are refused: price them stand-alone.
MIN_BOOK_POLICIES = 30


@dataclass(frozen=True, slots=True)
class Loads:
    """Expense ratio, profit margin (shares of premium), cost of capital (a yearly rate), the
    TVaR level that measures capital and, for capital allocated in a book, the book's size and
    pairwise correlation (both ``None``: stand-alone capital). ``simulated_book``: take the
    capital from the insurer's simulated book when one is stored (a quote then passes its
    :class:`~liubu.underwriting.book_capital.BookCapitalRatio`), the assumed book (or stand-alone
    capital) being the fallback for an insurer with none. ``source`` says where they came
    from."""

    expense_ratio: Decimal
    profit_margin: Decimal
    cost_of_capital: Decimal
    capital_level: Decimal
    source: str = "given"
    book_policies: int | None = None
    book_correlation: Decimal | None = None
    simulated_book: bool = False

    def __post_init__(self) -> None:
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
                raise ValidationError(
                    f"The load {name} {value!r} must be a finite Decimal.",
                    code=UnderwritingCode.LOAD_TYPE,
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
        self._check_book()
        self._check_flag()

    def _check_book(self) -> None:
        size, rho = self.book_policies, self.book_correlation
        if size is None and rho is None:
            return
        if size is None or rho is None:
            raise ValidationError(
                "Capital allocated in a book needs both book_policies and book_correlation "
                "(leave both out for stand-alone capital).",
                code=UnderwritingCode.LOAD_BOOK,
                field="book_policies" if size is None else "book_correlation",
            )
        if isinstance(size, bool) or not isinstance(size, int) or size < MIN_BOOK_POLICIES:
            raise ValidationError(
                f"The load book_policies {size!r} must be a whole number of at least "
                f"{MIN_BOOK_POLICIES}: the book's loss is taken as normal, which needs a book of "
                "some size (price a smaller book stand-alone).",
                code=UnderwritingCode.LOAD_RANGE,
                field="book_policies",
                value=repr(size),
            )
        if isinstance(rho, bool) or not isinstance(rho, Decimal) or not rho.is_finite():
            raise ValidationError(
                f"The load book_correlation {rho!r} must be a finite Decimal.",
                code=UnderwritingCode.LOAD_TYPE,
                field="book_correlation",
                value=repr(rho),
            )
        if not 0 <= rho <= 1:
            raise _bad("book_correlation", rho, "must lie in [0, 1]")

    def _check_flag(self) -> None:
        if not isinstance(self.simulated_book, bool):
            raise ValidationError(
                f"The load simulated_book {self.simulated_book!r} must be true or false.",
                code=UnderwritingCode.LOAD_TYPE,
                field="simulated_book",
                value=repr(self.simulated_book),
            )

    @property
    def capital_basis(self) -> str:
        """``book`` when capital is allocated in a book, else ``stand_alone``."""
        return "stand_alone" if self.book_policies is None else "book"

    @property
    def diversification(self) -> Decimal:
        """The book's diversification factor (1 for stand-alone capital)."""
        if self.book_policies is None or self.book_correlation is None:
            return _ONE
        return diversification_factor(self.book_policies, self.book_correlation)

    @property
    def premium_share(self) -> Decimal:
        """1 − expense ratio − profit margin: the share of premium left for loss and risk load."""
        return _ONE - self.expense_ratio - self.profit_margin

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: str(getattr(self, name)) for name in _FIELDS}
        out["capital_basis"] = self.capital_basis
        if self.book_policies is not None:
            out["book_policies"] = self.book_policies
            out["book_correlation"] = str(self.book_correlation)
        out["simulated_book"] = self.simulated_book
        out["source"] = self.source
        return out


def diversification_factor(policies: int, correlation: Decimal) -> Decimal:
    """√((1 + (N − 1) ρ) / N): a policy's covariance with a book of N like policies with pairwise
    correlation ρ, over the book's standard deviation, per unit of the policy's own standard
    deviation. 1 when ρ = 1 (no diversification); √ρ as the book grows."""
    with localcontext() as context:
        context.prec = 50
        n = Decimal(policies)
        return ((_ONE + (n - 1) * correlation) / n).sqrt()


def _bad(name: str, value: Decimal, rule: str) -> ValidationError:
    return ValidationError(
        f"The load {name} {value} {rule}.",
        code=UnderwritingCode.LOAD_RANGE,
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
    entry = data.mapping(path)
    size: int | None = None
    rho: Decimal | None = None
    if "book_policies" in entry:
        size_number = data.decimal((*path, "book_policies"))
        if size_number != size_number.to_integral_value():
            raise data.fail(f"The entry book_policies = {size_number} must be whole.", path)
        size = int(size_number)
    if "book_correlation" in entry:
        rho = data.decimal((*path, "book_correlation"))
    simulated = entry.get("simulated_book", False)
    try:
        return Loads(
            expense,
            profit,
            capital_cost,
            level,
            source=f"loads.yaml:{'.'.join(path)}",
            book_policies=size,
            book_correlation=rho,
            simulated_book=simulated,
        )
    except ValidationError as error:
        raise data.fail(error.message, path) from error
