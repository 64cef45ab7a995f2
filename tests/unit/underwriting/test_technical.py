"""The technical premium: the risk engine's expected loss under the quote's terms plus loads."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


def by_hand(mean: float, tvar: float) -> float:
    """(E + 0.10 × (TVaR − E)) / (1 − 0.30 − 0.05)."""
    return (mean + 0.10 * (tvar - mean)) / (1 - 0.30 - 0.05)


def test_technical_premium_is_the_engines_expected_loss_plus_the_stated_loads(
    sme: ProductSpec,
) -> None:
    modifiers = {"ransomware": Modifier(0.5, 0.8), "data_breach": Modifier(1.2, 1.0)}
    applicant = make_applicant(modifiers=modifiers)
    option = price_option(sme, applicant, limit=1_000_000, loads=LOADS)
    # Revenue ¥30m lies in the library's 10m_100m band.
    scenarios = library_scenarios("C", "10m_100m", names=SME_SCENARIOS, modifiers=modifiers)
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
    scenarios = library_scenarios("C", "10m_100m", names=SME_SCENARIOS)
    result = quantify(
        Model(scenarios, sme_terms_at_one_million()), engine="mc", years=20_000, seed=7
    )
    assert option.technical_premium is not None
    expected = by_hand(result.mean, result.tvar(0.995))
    assert abs(float(option.technical_premium.amount) - expected) <= 0.005 + 1e-9 * expected
    assert option.worksheet.model["result"]["settings"]["seed"] == 7


def test_each_insurers_loads_are_read_from_the_data_file() -> None:
    table = yaml.safe_load(LOADS_FILE.read_text(encoding="utf-8"))
    for insurer, row in [*table["insurers"].items(), ("no-such-insurer", table["default"])]:
        loads = loads_for(insurer)
        assert loads.expense_ratio == Decimal(str(row["expense_ratio"]))
        assert loads.profit_margin == Decimal(str(row["profit_margin"]))
        assert loads.cost_of_capital == Decimal(str(row["cost_of_capital"]))
        assert loads.capital_level == Decimal(str(row["capital_level"]))


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
            make_applicant(score=score, modifiers=monotone_modifiers(score)),
            limit=1_000_000,
            loads=LOADS,
        )
        for score in (worse, better)
    ]
    assert options[1].filed_premium <= options[0].filed_premium
    assert options[0].technical_premium is not None
    assert options[1].technical_premium is not None
    assert options[1].technical_premium <= options[0].technical_premium
