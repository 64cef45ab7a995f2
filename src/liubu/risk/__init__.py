"""liubu.risk — the numeric risk engine (风险量化评估模型).

Frozen specs (frequency, severity, events with loss components per coverage, policy terms), two
engines over the same specs (exact FFT aggregation and chunked Monte Carlo), risk measures with
Euler allocation, an Open FAIR adapter and a sourced cyber scenario library. Pure: numpy, scipy
and PyYAML only.

>>> from liubu.risk import load_model, quantify
>>> model = load_model('''
... scenarios:
...   - name: ransomware
...     frequency: {poisson: 0.1}
...     components:
...       - coverage: extortion
...         severity: {lognormal: {interval90: [100000, 1000000]}}
... ''')
>>> round(model.ground_up_mean, 3)
40400.128
>>> quantify(model).engine
'fft'
"""

from __future__ import annotations

from liubu.risk.basic import Constant, Empirical, Normal
from liubu.risk.composite import Gpd, Mixture, Scaled, Spliced
from liubu.risk.events import Component, Dependence, Modifier, Scenario
from liubu.risk.fair import fair_scenario
from liubu.risk.frequency import Bernoulli, Frequency, NegativeBinomial, PertPoisson, Poisson
from liubu.risk.grid import Grid
from liubu.risk.layers import annual_insured_loss, insured_event_loss, recoverable_amount
from liubu.risk.library import Basis as CalibrationBasis
from liubu.risk.library import Parameter as CalibrationParameter
from liubu.risk.library import (
    ScenarioTitle,
    band_for_revenue,
    enterprise_model,
    library_scenarios,
    scenario_names,
    scenario_titles,
    sources,
)
from liubu.risk.library import parameters as library_parameters
from liubu.risk.loader import load_model, model_schema
from liubu.risk.located import Located
from liubu.risk.located import parse_yaml as parse_located_yaml
from liubu.risk.measures import LossDistribution
from liubu.risk.model import Model
from liubu.risk.quantification import MAX_REQUEST_YEARS, quantify, quantify_text
from liubu.risk.reasons import RiskCode
from liubu.risk.result import LEVELS, RETURN_PERIODS, Result
from liubu.risk.severity import Lognormal, Pert, Severity
from liubu.risk.specs import severity as read_severity
from liubu.risk.specs import terms as read_terms
from liubu.risk.terms import CoverageTerms, Terms
from liubu.risk.vocabulary import coverage_categories, coverage_codes

__all__ = [
    "LEVELS",
    "MAX_REQUEST_YEARS",
    "RETURN_PERIODS",
    "Bernoulli",
    "CalibrationBasis",
    "CalibrationParameter",
    "Component",
    "Constant",
    "CoverageTerms",
    "Dependence",
    "Empirical",
    "Frequency",
    "Gpd",
    "Grid",
    "Located",
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
    "band_for_revenue",
    "coverage_categories",
    "coverage_codes",
    "enterprise_model",
    "fair_scenario",
    "insured_event_loss",
    "library_parameters",
    "library_scenarios",
    "load_model",
    "model_schema",
    "parse_located_yaml",
    "quantify",
    "quantify_text",
    "read_severity",
    "read_terms",
    "recoverable_amount",
    "scenario_names",
    "scenario_titles",
    "sources",
]
