"""The technical premium: the risk engine's expected loss under the quote's terms plus loads."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.integrate import quad

from liubu.assessment import load_score_model, score_modifiers
from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.risk import (
    CoverageTerms,
    Model,
    Modifier,
    Terms,
    library_scenarios,
    quantify,
    scenario_names,
)
from liubu.underwriting import EngineSettings, Loads, loads_for, price_option

from .conftest import make_applicant

LOADS_FILE = Path(__file__).parents[3] / "src/liubu/underwriting/data/loads.yaml"
# The SME product carries neither IT-product nor security-service liability, so those two
# trade-specific scenarios stay out of its model.
SME_SCENARIOS = (
    "ransomware",
    "data_breach",
    "bec_funds_transfer",
    "ddos_outage",
    "insider_misuse",
    "supply_chain_compromise",
    "cloud_outage",
)
LOADS = Loads(Decimal("0.30"), Decimal("0.05"), Decimal("0.10"), Decimal("0.995"))


def sme_terms_at_one_million() -> Terms:
    """shifan-pc/sme-cyber-comprehensive@1 at limit 1,000,000, written out from its wording."""
    return Terms(
        retention=5_000.0,
        aggregate_limit=1_000_000.0,
        coverages={
            "incident_response": CoverageTerms(sublimit=1_000_000.0),
            "forensics": CoverageTerms(sublimit=1_000_000.0),
            "data_restoration": CoverageTerms(sublimit=1_000_000.0),
            "notification": CoverageTerms(sublimit=100_000.0),
            "business_interruption": CoverageTerms(sublimit=300_000.0, waiting_period_hours=12.0),
            "extortion": CoverageTerms(sublimit=200_000.0, coinsurance=0.2),
            "funds_transfer": CoverageTerms(sublimit=100_000.0, coinsurance=0.2),
            "pr": CoverageTerms(sublimit=50_000.0),
            "third_party_liability": CoverageTerms(sublimit=1_000_000.0),
            "regulatory": CoverageTerms(sublimit=200_000.0),
            "hardware": CoverageTerms(covered=False),
        },
    )


def _for_score(value: float) -> dict[str, Modifier]:
    return {k: m for k, m in score_modifiers(value).items() if k in SME_SCENARIOS}


def by_hand(mean: float, tvar: float) -> float:
    """(E + 0.10 × (TVaR − E)) / (1 − 0.30 − 0.05)."""
    return (mean + 0.10 * (tvar - mean)) / (1 - 0.30 - 0.05)


def test_technical_premium_is_the_engines_expected_loss_plus_the_stated_loads(
    sme: ProductSpec,
) -> None:
    modifiers = {"ransomware": Modifier(0.5, 0.8), "data_breach": Modifier(1.2, 1.0)}
    applicant = make_applicant(modifiers=modifiers)
    option = price_option(sme, applicant, limit=1_000_000, loads=LOADS)
    # The library prices the revenue itself (¥30m), continuously.
    scenarios = library_scenarios("C", 30_000_000, names=SME_SCENARIOS, modifiers=modifiers)
    result = quantify(Model(scenarios, sme_terms_at_one_million()), engine="auto")
    expected = by_hand(result.mean, result.tvar(0.995))
    assert option.technical_premium is not None
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    worksheet = option.worksheet
    assert float(worksheet.step("expected_insured_loss").exact or 0) == pytest.approx(
        result.mean, rel=1e-15
    )
    assert float(worksheet.step("tvar").exact or 0) == pytest.approx(result.tvar(0.995), rel=1e-15)
    risk_load = 0.10 * (result.tvar(0.995) - result.mean)
    assert float(worksheet.step("risk_load").exact or 0) == pytest.approx(risk_load, rel=1e-12)


def test_monte_carlo_settings_reach_the_engine_unchanged(sme: ProductSpec) -> None:
    engine = EngineSettings(engine="mc", years=20_000, seed=7)
    option = price_option(sme, make_applicant(), limit=1_000_000, loads=LOADS, engine=engine)
    # known only by its score (72.5): the modifiers expected for that score
    scenarios = library_scenarios("C", 30_000_000, names=SME_SCENARIOS, modifiers=_for_score(72.5))
    result = quantify(
        Model(scenarios, sme_terms_at_one_million()), engine="mc", years=20_000, seed=7
    )
    assert option.technical_premium is not None
    expected = by_hand(result.mean, result.tvar(0.995))
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    assert option.worksheet.model["result"]["settings"]["seed"] == 7


def normal_tvar_multiplier(level: float) -> float:
    """(TVaR_α − mean) / sd of a normal, by numerical integration of x φ(x) over the tail."""
    tail, _ = quad(lambda x: x * stats.norm.pdf(x), stats.norm.ppf(level), math.inf)
    return float(tail / (1 - level))


def test_capital_in_a_book_is_the_covariance_allocation_of_the_books_tvar(
    sme: ProductSpec,
) -> None:
    loads = replace(LOADS, book_policies=400, book_correlation=Decimal("0.1"))
    option = price_option(sme, make_applicant(), limit=1_000_000, loads=loads)
    # known only by its score (72.5): the modifiers expected for that score
    scenarios = library_scenarios("C", 30_000_000, names=SME_SCENARIOS, modifiers=_for_score(72.5))
    result = quantify(Model(scenarios, sme_terms_at_one_million()), engine="auto")
    k = normal_tvar_multiplier(0.995)
    assert k == pytest.approx(2.891949, abs=1e-6)  # the normal's ES₉₉.₅ in sd units
    book = k * result.sd * math.sqrt((1 + 399 * 0.1) / 400)
    stand_alone = result.tvar(0.995) - result.mean
    assert book < stand_alone  # a policy's 1-in-200 year is its whole limit; the book's is not
    expected = (result.mean + 0.10 * book) / (1 - 0.30 - 0.05)
    assert option.technical_premium is not None
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    sheet = option.worksheet
    assert float(sheet.step("sd").exact or 0) == pytest.approx(result.sd, rel=1e-15)
    assert float(sheet.step("stand_alone_capital").exact or 0) == pytest.approx(
        stand_alone, rel=1e-12
    )
    assert float(sheet.step("book_capital").exact or 0) == pytest.approx(book, rel=1e-9)
    assert sheet.step("capital").exact == sheet.step("book_capital").exact
    assert sheet.step("diversification_factor").rounded == Decimal("0.3198")


def test_the_allocation_is_the_policys_share_of_a_simulated_normal_books_tail() -> None:
    """Simulate a book of N like policies with normal annual losses, pairwise correlation ρ (one
    common factor), and measure policy 0's Euler contribution E[X₀ | S ≥ VaR_α(S)] − E[X₀]: it is
    what the loads charge, k_α × sd × diversification factor."""
    size, rho, level, mean, sd = 60, 0.15, 0.995, 10_000.0, 40_000.0
    years = 2_000_000
    rng = np.random.default_rng(20_240_601)
    common, own, rest = rng.standard_normal((3, years))
    idiosyncratic = math.sqrt(1 - rho)
    first = mean + sd * (math.sqrt(rho) * common + idiosyncratic * own)
    book = size * mean + sd * (
        size * math.sqrt(rho) * common + idiosyncratic * (own + math.sqrt(size - 1) * rest)
    )
    tail = book >= np.quantile(book, level)
    contribution = float(first[tail].mean()) - mean
    standard_error = float(first[tail].std()) / math.sqrt(int(tail.sum()))
    loads = replace(LOADS, book_policies=size, book_correlation=Decimal(str(rho)))
    charged = normal_tvar_multiplier(level) * sd * float(loads.diversification)
    assert abs(contribution - charged) < 4 * standard_error
    assert standard_error < 0.02 * charged


def test_diversification_never_raises_the_premium_above_stand_alone(sme: ProductSpec) -> None:
    applicant = make_applicant()

    def premium(loads: Loads) -> Decimal:
        technical = price_option(sme, applicant, limit=500_000, loads=loads).technical_premium
        assert technical is not None
        return technical.amount

    premiums = [
        premium(replace(LOADS, book_policies=300, book_correlation=Decimal(rho)))
        for rho in ("0", "0.05", "0.2", "0.6", "1")
    ]
    assert premiums == sorted(premiums)  # more correlation, more capital
    assert premiums[0] < premiums[-1]
    assert max(premiums) <= premium(LOADS)  # stand-alone


@pytest.mark.parametrize(
    ("policies", "correlation", "field"),
    [
        (29, Decimal("0.1"), "book_policies"),
        (300, Decimal("1.01"), "book_correlation"),
        (300, Decimal("-0.1"), "book_correlation"),
        (None, Decimal("0.1"), "book_policies"),
        (300, None, "book_correlation"),
    ],
)
def test_a_book_too_small_or_without_a_valid_correlation_is_refused(
    policies: int | None, correlation: Decimal | None, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        replace(LOADS, book_policies=policies, book_correlation=correlation)
    assert caught.value.field == field


def test_each_insurers_loads_are_read_from_the_data_file() -> None:
    table = yaml.safe_load(LOADS_FILE.read_text(encoding="utf-8"))
    for insurer, row in [*table["insurers"].items(), ("no-such-insurer", table["default"])]:
        loads = loads_for(insurer)
        assert loads.expense_ratio == Decimal(str(row["expense_ratio"]))
        assert loads.profit_margin == Decimal(str(row["profit_margin"]))
        assert loads.cost_of_capital == Decimal(str(row["cost_of_capital"]))
        assert loads.capital_level == Decimal(str(row["capital_level"]))
        assert loads.book_policies == row.get("book_policies")
        rho = row.get("book_correlation")
        assert loads.book_correlation == (None if rho is None else Decimal(str(rho)))


def test_loads_that_leave_nothing_for_losses_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        replace(LOADS, expense_ratio=Decimal("0.6"), profit_margin=Decimal("0.4"))
    assert caught.value.field == "profit_margin"
    with pytest.raises(ValidationError):
        replace(LOADS, capital_level=Decimal(1))


def test_a_higher_capital_level_never_lowers_the_technical_premium(sme: ProductSpec) -> None:
    applicant = make_applicant()
    low = price_option(
        sme, applicant, limit=500_000, loads=replace(LOADS, capital_level=Decimal("0.9"))
    )
    high = price_option(sme, applicant, limit=500_000, loads=LOADS)
    assert low.technical_premium is not None
    assert high.technical_premium is not None
    assert low.technical_premium <= high.technical_premium


def monotone_modifiers(score: float) -> dict[str, Modifier]:
    """Test mapping: frequency 1.5 → 0.5 and severity 1.2 → 0.8 as the score goes 0 → 100."""
    frequency = 1.5 - score / 100
    severity = 1.2 - 0.4 * score / 100
    return {name: Modifier(frequency, severity) for name in scenario_names()}


@settings(max_examples=25, deadline=None)
@given(
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_a_higher_score_never_gives_a_higher_premium(
    sme: ProductSpec, first: float, second: float
) -> None:
    worse, better = sorted((first, second))
    options = [
        price_option(
            sme,
            make_applicant(
                score=score,
                grade=load_score_model().grade_for(Decimal(repr(score))),
                modifiers=monotone_modifiers(score),
            ),
            limit=1_000_000,
            loads=LOADS,
        )
        for score in (worse, better)
    ]
    assert options[1].filed_premium <= options[0].filed_premium
    assert options[0].technical_premium is not None
    assert options[1].technical_premium is not None
    assert options[1].technical_premium <= options[0].technical_premium
