"""The technical premium (技术保费): what the risk costs, from the risk engine under the quote's
exact terms.

    expected insured loss  E  = mean annual insured loss (liubu.risk.quantify, engine "auto")
    stand-alone capital    C₁ = TVaR_α(annual insured loss) − E          (α = capital level)
    capital                C  = C₁ (stand-alone), or
                                in the insurer's simulated book (loads.simulated_book, a stored
                                book-capital ratio r at the same level): min(C₁, r × C₁), or
                                in an assumed book (loads.book_policies N, book_correlation ρ;
                                the fallback when no simulated book is stored):
                                min(C₁, k_α × σ × √((1 + (N − 1) ρ) / N))
    risk load              RL = cost of capital × C
    technical premium      T  = (E + RL) / (1 − expense ratio − profit margin)

σ is the standard deviation of the policy's annual insured loss and k_α = φ(Φ⁻¹(α)) / (1 − α)
the TVaR of a standard normal less its mean (2.8919 at 99.5 %). In a book of N policies like this
one, each pair of annual losses correlated ρ, the book's loss S is taken as normal (central limit
theorem) and its capital TVaR_α(S) − E[S] = k_α σ_S is allocated by the Euler principle, which for
a normal (elliptical) book is the covariance allocation: policy i carries
k_α × Cov(X_i, S) / σ_S = k_α σ √((1 + (N − 1) ρ) / N) (McNeil, Frey and Embrechts, Quantitative
Risk Management, 2nd ed. 2015, §8.5). The credit never raises capital above stand-alone.

The simulated book needs neither normality nor an assumed ρ: the portfolio package simulates the
insurer's book and measures, per policy, its Euler contribution e to the book's TVaR at T = 1/(1 −
α) years against its own simulated stand-alone capital s = TVaR(X_i) − m_i; r = (e − m) / s is the
share of stand-alone capital that does not diversify away (the policy's own r on renewal, else its
industry's or the book's: :mod:`liubu.underwriting.book_capital`). A ratio measured at another
level than the loads' is not used (the fallback applies).

The engine works in float64; E and TVaR enter Decimal arithmetic through their shortest decimal
representation (``Decimal(repr(x))``), the formula runs in Decimal at 50 significant digits, and
T is rounded half-up to the fen once, at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from statistics import NormalDist
from typing import Any

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.risk import Model, Result, Scenario, Terms, quantify
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.loads import Loads
from liubu.underwriting.reasons import UnderwritingCode

PRECISION = 50
ENGINES = ("auto", "fft", "mc")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """How :func:`liubu.risk.quantify` is called (its own defaults: 100,000 Monte Carlo years
    from seed 20240601; ``auto`` takes the exact Fourier engine whenever the model allows)."""

    engine: str = "auto"
    years: int = 100_000
    seed: int = 20_240_601

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValidationError(
                f"The engine {self.engine!r} must be one of {list(ENGINES)}.",
                code=UnderwritingCode.BAD_ENGINE,
                field="engine",
                value=self.engine,
            )

    def run(self, model: Model) -> Result:
        return quantify(model, engine=self.engine, years=self.years, seed=self.seed)

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "years": self.years, "seed": self.seed}


@dataclass(frozen=True)
class TechnicalPrice:
    """Every number of the technical premium, exact and rounded, with the engine's result."""

    expected_loss: Decimal
    tvar: Decimal
    capital: Decimal
    risk_load: Decimal
    loads: Loads
    exact: Decimal
    premium: Money
    result: Result = field(repr=False, compare=False)
    stand_alone_capital: Decimal = Decimal(0)
    sd: Decimal = Decimal(0)
    tail_multiplier: Decimal | None = None
    book_capital: Decimal | None = None
    book_ratio: BookCapitalRatio | None = None

    @property
    def capital_source(self) -> str:
        """``simulated_book`` (a stored ratio r was used), ``assumed_book`` (N, ρ) or
        ``stand_alone``."""
        if self.book_ratio is not None:
            return "simulated_book"
        return "assumed_book" if self.tail_multiplier is not None else "stand_alone"

    def summary(self) -> dict[str, Any]:
        """The engine result in brief (JSON-ready): engine, settings, ground-up and insured
        means, sd, VaR and TVaR at the capital level. The per-scenario and per-coverage split
        is :meth:`breakdown` (the Euler allocation costs about three times the distribution, so
        a quote leaves it for whoever looks)."""
        r = self.result
        level = float(self.loads.capital_level)
        return {
            "engine": r.engine,
            "settings": _plain(dict(r.settings)),
            "ground_up_mean": r.ground_up_mean,
            "insured_mean": r.mean,
            "retained_mean": r.retained_mean,
            "sd": r.sd,
            "var": r.var(level),
            "tvar": r.tvar(level),
            "mean_standard_error": r.mean_standard_error,
        }

    def breakdown(self) -> dict[str, Any]:
        """The expected insured loss by scenario and by coverage (Euler allocation: each sums
        to the expected insured loss)."""
        r = self.result
        return {
            "expected_loss": float(self.expected_loss),
            "by_scenario": {name: r.contribution(f"scenario:{name}") for name in r.scenarios},
            "by_coverage": {code: r.contribution(f"coverage:{code}") for code in r.coverages},
        }


def to_decimal(value: float) -> Decimal:
    """A float from the engine as the Decimal of its shortest representation."""
    return Decimal(repr(float(value)))


def normal_tail_multiplier(level: Decimal) -> Decimal:
    """k_α = φ(Φ⁻¹(α)) / (1 − α): TVaR_α less the mean of a normal, in standard deviations."""
    normal = NormalDist()
    alpha = float(level)
    return to_decimal(normal.pdf(normal.inv_cdf(alpha)) / (1.0 - alpha))


def usable_ratio(loads: Loads, ratio: BookCapitalRatio | None) -> BookCapitalRatio | None:
    """``ratio`` when the loads ask for the simulated book and it was measured at their capital
    level; else None (the assumed book or stand-alone capital applies)."""
    if ratio is None or not loads.simulated_book or ratio.level != loads.capital_level:
        return None
    return ratio


def technical_price(
    result: Result, loads: Loads, *, book_ratio: BookCapitalRatio | None = None
) -> TechnicalPrice:
    """The technical premium from an engine result and the loads (formula in the module doc),
    with capital from the simulated book when ``book_ratio`` is given and the loads ask for it."""
    ratio = usable_ratio(loads, book_ratio)
    expected = to_decimal(result.mean)
    tvar = to_decimal(result.tvar(float(loads.capital_level)))
    sd = to_decimal(result.sd)
    multiplier: Decimal | None = None
    book: Decimal | None = None
    with localcontext() as context:
        context.prec = PRECISION
        stand_alone = max(tvar - expected, Decimal(0))
        capital = stand_alone
        if ratio is not None:
            book = ratio.ratio * stand_alone
            capital = min(stand_alone, book)
        elif loads.capital_basis == "book":
            multiplier = normal_tail_multiplier(loads.capital_level)
            book = multiplier * sd * loads.diversification
            capital = min(stand_alone, book)
        risk_load = loads.cost_of_capital * capital
        exact = (expected + risk_load) / loads.premium_share
    return TechnicalPrice(
        expected,
        tvar,
        capital,
        risk_load,
        loads,
        exact,
        Money(exact).round_fen(),
        result,
        stand_alone_capital=stand_alone,
        sd=sd,
        tail_multiplier=multiplier,
        book_capital=book,
        book_ratio=ratio,
    )


def price_scenarios(
    scenarios: Sequence[Scenario],
    terms: Terms,
    loads: Loads,
    engine: EngineSettings,
    *,
    book_ratio: BookCapitalRatio | None = None,
) -> TechnicalPrice:
    """Quantify ``scenarios`` under ``terms`` and price the result."""
    return technical_price(engine.run(Model(tuple(scenarios), terms)), loads, book_ratio=book_ratio)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN or infinity
        return None
    return value
