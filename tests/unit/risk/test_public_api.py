"""The curated public API of liubu.risk and its JSON export."""

from __future__ import annotations

import json

import pytest

import liubu.risk as risk
from liubu.risk import load_model, quantify

PUBLIC = [
    "LEVELS",
    "MAX_REQUEST_YEARS",
    "RETURN_PERIODS",
    "Bernoulli",
    "Component",
    "Constant",
    "CoverageTerms",
    "Dependence",
    "Empirical",
    "Frequency",
    "Gpd",
    "Grid",
    "Lognormal",
    "LossDistribution",
    "Mixture",
    "Model",
    "Modifier",
    "NegativeBinomial",
    "Normal",
    "Pert",
    "PertPoisson",
    "Poisson",
    "Result",
    "RiskCode",
    "Scaled",
    "Scenario",
    "ScenarioTitle",
    "Severity",
    "Spliced",
    "Terms",
    "annual_insured_loss",
    "insured_event_loss",
    "recoverable_amount",
    "Located",
    "parse_located_yaml",
    "read_severity",
    "read_terms",
    "CalibrationBasis",
    "CalibrationParameter",
    "band_for_revenue",
    "library_parameters",
    "coverage_categories",
    "coverage_codes",
    "enterprise_model",
    "fair_scenario",
    "library_scenarios",
    "load_model",
    "model_schema",
    "quantify",
    "quantify_text",
    "scenario_names",
    "scenario_titles",
    "sources",
]


def test_the_public_api_is_pinned() -> None:
    assert sorted(risk.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(risk, name)


MODEL = """\
library: {industry: C, revenue_band: 100m_1b, scenarios: all}
terms:
  retention: 20000
  aggregate_limit: 10000000
  coverages:
    extortion: {sublimit: 2000000, coinsurance: 0.2}
    business_interruption: {waiting_period_hours: 8, waiting_period_type: qualifying}
"""


@pytest.mark.parametrize("engine", ["fft", "mc"])
def test_to_dict_is_json_ready_with_every_documented_key(engine: str) -> None:
    result = quantify(load_model(MODEL), engine=engine, years=8192)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    levels = ["0.9", "0.95", "0.99", "0.995"]
    assert data["engine"] == engine
    assert list(data["quantiles"]) == levels
    assert list(data["tvar"]) == levels
    assert list(data["return_periods"]) == ["10", "50", "100", "200", "250"]
    assert set(data["by_scenario"]) >= {"ransomware", "data_breach"}
    assert set(data["by_coverage"]["extortion"]) == {"mean", "tvar"}
    assert {"aggregate", "occurrence"} == set(data["exceedance"])
    assert all(len(point) == 2 for point in data["exceedance"]["aggregate"])
    assert data["retained_mean"] == pytest.approx(data["ground_up_mean"] - data["insured_mean"])
    assert data["tvar"]["0.99"] >= data["quantiles"]["0.99"]
    total = sum(v["tvar"]["0.99"] for v in data["by_scenario"].values())
    assert total == pytest.approx(data["tvar"]["0.99"], rel=1e-6)
    if engine == "fft":
        grid = data["settings"]["grid"]
        assert {"bucket", "log2", "self_check"} <= set(grid)
        assert data["settings"]["seed"] is None
    else:
        assert data["settings"]["seed"] == 20_240_601
        assert data["settings"]["years"] == 8192
