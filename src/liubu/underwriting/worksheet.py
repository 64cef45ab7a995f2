"""The rating worksheet (费率计算表): every step of a quote option's two premiums.

Steps carry a bilingual label, the exact value and the value as rounded where a rounding point
is (money to the fen, half-up; the rate adequacy to 4 decimal places), and JSON-ready details
(formula, range, flag). :meth:`Worksheet.to_dict` is JSON-ready (numbers as decimal strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Any

from liubu.core import Money, half_up
from liubu.products import RatingFactorTerm, Text, load_vocabulary
from liubu.underwriting.experience_credit import ExperienceCredit
from liubu.underwriting.filed import CoefficientLine, FiledPrice
from liubu.underwriting.labels import label, note
from liubu.underwriting.technical import TechnicalPrice

ADEQUACY_QUANTUM = Decimal("0.0001")
FREQUENCY_QUANTUM = Decimal("0.000001")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the worksheet."""

    code: str
    label: Text
    exact: Decimal | None = None
    rounded: Decimal | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label.to_dict(),
            "exact": None if self.exact is None else str(self.exact),
            "rounded": None if self.rounded is None else str(self.rounded),
            **dict(self.detail),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        """The step again from :meth:`to_dict` (every other key is detail)."""
        detail = {k: v for k, v in data.items() if k not in _STEP_KEYS}
        return cls(
            code=str(data["code"]),
            label=_text(data["label"]),
            exact=_decimal(data.get("exact")),
            rounded=_decimal(data.get("rounded")),
            detail=MappingProxyType(detail),
        )


@dataclass(frozen=True)
class Worksheet:
    """Inputs, model summary, and the steps of the claims experience's credibility, the
    technical premium, the filed premium and the rate adequacy, with notes on what the model
    leaves out. (Worksheets stored before the experience steps read back with none.)"""

    product: str
    limit: Decimal
    retention: Decimal
    inputs: Mapping[str, Any]
    model: Mapping[str, Any]
    technical: tuple[Step, ...]
    filed: tuple[Step, ...]
    adequacy: tuple[Step, ...]
    notes: tuple[Text, ...]
    experience: tuple[Step, ...] = ()

    def step(self, code: str) -> Step:
        """The first step with ``code`` (coefficient steps are ``coefficient:<factor>``)."""
        for step in (*self.experience, *self.technical, *self.filed, *self.adequacy):
            if step.code == code:
                return step
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "limit": str(self.limit),
            "retention": str(self.retention),
            "inputs": dict(self.inputs),
            "model": dict(self.model),
            "experience": [s.to_dict() for s in self.experience],
            "technical": [s.to_dict() for s in self.technical],
            "filed": [s.to_dict() for s in self.filed],
            "adequacy": [s.to_dict() for s in self.adequacy],
            "notes": [n.to_dict() for n in self.notes],
            "rounding": note("rounding").to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Worksheet:
        """The worksheet again from :meth:`to_dict` (as a quote stores it)."""
        return cls(
            product=str(data["product"]),
            limit=Decimal(str(data["limit"])),
            retention=Decimal(str(data["retention"])),
            inputs=MappingProxyType(dict(data.get("inputs", {}))),
            model=MappingProxyType(dict(data.get("model", {}))),
            technical=tuple(Step.from_dict(s) for s in data.get("technical", ())),
            filed=tuple(Step.from_dict(s) for s in data.get("filed", ())),
            adequacy=tuple(Step.from_dict(s) for s in data.get("adequacy", ())),
            notes=tuple(_text(n) for n in data.get("notes", ())),
            experience=tuple(Step.from_dict(s) for s in data.get("experience", ())),
        )


_STEP_KEYS = frozenset({"code", "label", "exact", "rounded"})


def _text(data: Mapping[str, str]) -> Text:
    return Text(str(data["zh"]), str(data["en"]))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _fen(value: Decimal) -> Decimal:
    return Money(value).round_fen().amount


def _money_step(code: str, value: Decimal, **detail: Any) -> Step:
    return Step(code, label(code), value, _fen(value), MappingProxyType(detail))


def experience_steps(credit: ExperienceCredit | None) -> tuple[Step, ...]:
    """The credibility blend of the library's claim frequency and the insurer's experience of
    the segment (:mod:`liubu.underwriting.experience_credit`); one step saying none was found
    (the library's frequency used) without experience."""
    if credit is None:
        return (
            Step(
                "experience_none",
                label("experience_none"),
                detail=MappingProxyType({"available": False, "multiplier": "1"}),
            ),
        )
    found = credit.experience
    settings = credit.settings
    observed = credit.experience_frequency
    return (
        _frequency_step(
            "experience_prior_frequency", credit.prior_frequency, formula="−ln P(S = 0)"
        ),
        Step(
            "experience_exposure",
            label("experience_exposure"),
            found.exposure_years,
            half_up(found.exposure_years, Decimal("0.01")),
            MappingProxyType(
                {
                    "rows": found.rows,
                    "industry_section": found.industry_section,
                    "product_ref": found.product_ref,
                    "source": found.source,
                    "min_exposure_years": str(settings.min_exposure_years),
                }
            ),
        ),
        Step("experience_claims", label("experience_claims"), Decimal(found.claims)),
        Step(
            "experience_frequency",
            label("experience_frequency"),
            observed,
            None if observed is None else half_up(observed, FREQUENCY_QUANTUM),
            MappingProxyType({"formula": "N / E"}),
        ),
        Step(
            "credibility",
            label("credibility"),
            credit.credibility,
            half_up(credit.credibility, ADEQUACY_QUANTUM),
            MappingProxyType(
                {
                    "formula": "E / (E + k), k = 1 / (λ₀ · cv²)",
                    "k": None if credit.k is None else str(credit.k),
                    "cv": str(settings.cv),
                    "cv_assumption": settings.assumption,
                    "reason": credit.reason,
                }
            ),
        ),
        _frequency_step(
            "credible_frequency",
            credit.credible_frequency,
            formula="Z · N / E + (1 − Z) · λ₀",
        ),
        Step(
            "experience_multiplier",
            label("experience_multiplier"),
            credit.multiplier,
            half_up(credit.multiplier, ADEQUACY_QUANTUM),
            MappingProxyType({"formula": "λ / λ₀", "applied": credit.applied}),
        ),
    )


def _frequency_step(code: str, value: Decimal | None, **detail: Any) -> Step:
    rounded = None if value is None else half_up(value, FREQUENCY_QUANTUM)
    return Step(code, label(code), value, rounded, MappingProxyType(detail))


def technical_steps(price: TechnicalPrice | None) -> tuple[Step, ...]:
    """The technical premium, step by step (one 'not available' step when nothing is modelled)."""
    if price is None:
        return (
            Step(
                "technical_premium",
                label("technical_premium"),
                None,
                None,
                MappingProxyType({"available": False}),
            ),
        )
    loads = price.loads
    return (
        _money_step("expected_insured_loss", price.expected_loss, engine=price.result.engine),
        _money_step("tvar", price.tvar, level=str(loads.capital_level)),
        *_capital_steps(price),
        Step("expense_ratio", label("expense_ratio"), loads.expense_ratio),
        Step("profit_margin", label("profit_margin"), loads.profit_margin),
        Step("cost_of_capital", label("cost_of_capital"), loads.cost_of_capital),
        Step(
            "premium_share",
            label("premium_share"),
            loads.premium_share,
            detail=MappingProxyType({"formula": "1 − expense_ratio − profit_margin"}),
        ),
        _money_step("risk_load", price.risk_load, formula="cost_of_capital × capital"),
        Step(
            "technical_premium",
            label("technical_premium"),
            price.exact,
            price.premium.amount,
            MappingProxyType(
                {
                    "formula": "(E + risk_load) / premium_share",
                    "available": True,
                    "loads_source": loads.source,
                }
            ),
        ),
    )


def _capital_steps(price: TechnicalPrice) -> tuple[Step, ...]:
    """Stand-alone: TVaR − E. In a book: that, and the book's allocation, the smaller used."""
    loads = price.loads
    ratio = price.book_ratio
    if ratio is not None and price.book_capital is not None:
        return (
            _money_step("stand_alone_capital", price.stand_alone_capital, formula="TVaR − E"),
            Step(
                "book_capital_ratio",
                label("book_capital_ratio"),
                ratio.ratio,
                half_up(ratio.ratio, Decimal("0.0001")),
                MappingProxyType(
                    {
                        "formula": "Σ(e − m) / Σ s",
                        "basis": ratio.basis,
                        "key": ratio.key,
                        "run_id": ratio.run_id,
                        "computed_at": ratio.computed_at.isoformat(),
                        "book_policies": ratio.book_policies,
                        "return_period": ratio.return_period,
                    }
                ),
            ),
            _money_step(
                "simulated_book_capital", price.book_capital, formula="r × stand_alone_capital"
            ),
            _money_step(
                "capital",
                price.capital,
                formula="min(stand_alone_capital, r × stand_alone_capital)",
                basis="simulated_book",
            ),
        )
    if price.book_capital is None or price.tail_multiplier is None:
        return (_money_step("capital", price.capital, formula="TVaR − E", basis="stand_alone"),)
    return (
        _money_step("stand_alone_capital", price.stand_alone_capital, formula="TVaR − E"),
        _money_step("sd", price.sd),
        Step(
            "tail_multiplier",
            label("tail_multiplier"),
            price.tail_multiplier,
            half_up(price.tail_multiplier, Decimal("0.0001")),
            MappingProxyType({"formula": "φ(Φ⁻¹(α)) / (1 − α)", "level": str(loads.capital_level)}),
        ),
        Step(
            "diversification_factor",
            label("diversification_factor"),
            loads.diversification,
            half_up(loads.diversification, Decimal("0.0001")),
            MappingProxyType(
                {
                    "formula": "√((1 + (N − 1) ρ) / N)",
                    "book_policies": loads.book_policies,
                    "book_correlation": str(loads.book_correlation),
                }
            ),
        ),
        _money_step("book_capital", price.book_capital, formula="k × sd × diversification"),
        _money_step(
            "capital",
            price.capital,
            formula="min(stand_alone_capital, book_capital)",
            basis="book",
        ),
    )


def capital_note(price: TechnicalPrice) -> Text:
    """Which capital the technical premium carries: the simulated book's (which ratio, run and
    date), the assumed book's (and whether that is the fallback for a missing simulation) or
    stand-alone."""
    loads = price.loads
    ratio = price.book_ratio
    if ratio is not None:
        basis = {
            "policy": Text(f"保单 {ratio.key} 自身", f"the policy {ratio.key}'s own"),
            "industry": Text(f"行业门类 {ratio.key}", f"industry section {ratio.key}'s"),
            "book": Text("整个业务组合", "the whole book's"),
        }[ratio.basis]
        return note(
            "capital_simulated_book",
            basis=basis,
            ratio=str(half_up(ratio.ratio, Decimal("0.0001"))),
            run_id=ratio.run_id,
            date=ratio.computed_at.date().isoformat(),
            policies=f"{ratio.book_policies:,}",
            period=ratio.return_period,
        )
    fallback = "_fallback" if loads.simulated_book else ""
    if price.tail_multiplier is not None:
        return note(
            f"capital_assumed_book{fallback}",
            policies=f"{loads.book_policies:,}",
            correlation=str(loads.book_correlation),
        )
    return note(f"capital_stand_alone{fallback}")


def filed_steps(spec_basis: str, price: FiledPrice) -> tuple[Step, ...]:
    """Base premium, each coefficient requested → clamped, the product → bound, filed premium."""
    vocabulary = load_vocabulary()
    inputs = price.inputs
    steps = [
        _money_step(
            "base_premium",
            inputs.base_premium,
            basis=spec_basis,
            limit=str(inputs.limit),
            revenue=None if inputs.revenue is None else str(inputs.revenue),
            industry_section=inputs.industry_section,
        )
    ]
    steps.extend(
        _coefficient_step(line, vocabulary.rating_factors.get(line.factor)) for line in price.lines
    )
    flag = price.product_flag
    steps.append(Step("coefficient_product", label("coefficient_product"), price.product_requested))
    steps.append(
        Step(
            "product_bound",
            label("product_bound"),
            price.product_requested,
            price.product,
            MappingProxyType({"range": _bound(price), "flag": None if flag is None else flag.kind}),
        )
    )
    steps.append(
        Step(
            "filed_premium",
            label("filed_premium"),
            price.exact,
            price.premium.amount,
            MappingProxyType({"formula": "base_premium × product"}),
        )
    )
    return tuple(steps)


def _coefficient_step(line: CoefficientLine, term: RatingFactorTerm | None) -> Step:
    text = term.name if term is not None else Text(line.factor, line.factor)
    return Step(
        f"coefficient:{line.factor}",
        text,
        line.requested,
        line.applied,
        MappingProxyType(line.to_dict()),
    )


def _bound(price: FiledPrice) -> list[str]:
    bound = price.bound
    return [str(bound.lo), str(bound.hi)]


def rate_adequacy(filed: Money, technical: Money | None) -> tuple[Decimal | None, Decimal | None]:
    """(exact, rounded) filed / technical of the two rounded premiums; None when there is no
    technical premium (or it is zero)."""
    if technical is None or technical.amount == 0:
        return None, None
    with localcontext() as context:
        context.prec = 50
        exact = filed.amount / technical.amount
    return exact, half_up(exact, ADEQUACY_QUANTUM)


def adequacy_steps(exact: Decimal | None, rounded: Decimal | None) -> tuple[Step, ...]:
    return (
        Step(
            "rate_adequacy",
            label("rate_adequacy"),
            exact,
            rounded,
            MappingProxyType(
                {"formula": "filed_premium / technical_premium", "available": exact is not None}
            ),
        ),
    )
