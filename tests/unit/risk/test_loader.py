"""The model file: the documented example, the JSON Schema, and located errors."""

from __future__ import annotations

import math
from pathlib import Path

import jsonschema
import pytest
import yaml

from liubu.errors import ValidationError
from liubu.risk import Lognormal, load_model, model_schema, quantify

EXAMPLE = """\
scenarios:
  - name: ransomware
    frequency: {poisson: 0.2}            # also negative_binomial: {mean, cv}; bernoulli: p
    components:
      - coverage: extortion
        severity: {lognormal: {interval90: [100000, 5000000]}}   # or {mu, sigma}
      - coverage: business_interruption
        severity: {pert: {low: 2000, mode: 20000, high: 400000}}
terms:                                     # optional
  retention: 50000
  aggregate_limit: 5000000
  coverages: {extortion: {sublimit: 1000000, coinsurance: 0.5}}
"""


def test_the_example_from_the_issue_loads_and_quantifies() -> None:
    model = load_model(EXAMPLE)
    scenario = model.scenarios[0]
    assert scenario.frequency.mean == 0.2
    extortion = scenario.components[0].severity
    assert extortion == Lognormal.from_interval90(100_000, 5_000_000)
    assert model.terms.retention == 50_000
    assert model.terms.for_coverage("extortion").coinsurance == 0.5
    result = quantify(model)
    assert 0 < result.mean < model.ground_up_mean
    jsonschema.validate(yaml.safe_load(EXAMPLE), model_schema())


def test_a_model_file_can_take_library_scenarios_with_modifiers(tmp_path: Path) -> None:
    text = """\
library: {industry: I, revenue_band: 10m_100m}
scenarios:
  - library: ransomware
    modifier: {frequency: 0.5, severity: 2}
  - library: cloud_outage
terms: {retention: 20000}
"""
    path = tmp_path / "sme.yaml"
    path.write_text(text, encoding="utf-8")
    model = load_model(path)
    jsonschema.validate(yaml.safe_load(text), model_schema())
    plain = load_model(
        "library: {industry: I, revenue_band: 10m_100m}\nscenarios: [{library: ransomware}]\n"
    )
    assert model.scenarios[0].frequency.mean == pytest.approx(
        0.5 * plain.scenarios[0].frequency.mean
    )
    ground = [sum(c.ground_up.mean for c in m.scenarios[0].components) for m in (model, plain)]
    assert ground[0] == pytest.approx(2 * ground[1])
    everything = load_model("library: {industry: C, revenue_band: lt_10m, scenarios: all}\n")
    assert len(everything.scenarios) == 9


BAD = [
    ("frequency: {poisson: -0.2}", "poisson.rate", "-0.2", 3),
    ("frequency: {bernoulli: 1.5}", "bernoulli.p", "1.5", 3),
    ("frequency: {poisson: .nan}", "poisson.rate", "nan", 3),
    ("frequency: {poisson: .inf}", "poisson.rate", "inf", 3),
]


@pytest.mark.parametrize(("line", "field", "shown", "lineno"), BAD)
def test_bad_frequencies_are_located_by_file_and_line(line, field, shown, lineno) -> None:
    text = EXAMPLE.replace(
        "frequency: {poisson: 0.2}            # also negative_binomial: {mean, cv}; bernoulli: p",
        line,
    )
    with pytest.raises(ValidationError) as caught:
        load_model(text, source_name="model.yaml")
    assert caught.value.location == f"model.yaml:{lineno}"
    assert field.split(".")[-1] in caught.value.message
    assert shown in caught.value.message
    assert caught.value.field.endswith(field)


@pytest.mark.parametrize(
    ("old", "new", "words", "lineno"),
    [
        ("interval90: [100000, 5000000]", "interval90: [5000000, 100000]", "must be below", 6),
        ("mode: 20000", "mode: 500000", "pert.mode (500000.0) must lie in", 8),
        ("high: 400000", "high: 2000", "must be below", 8),
        ("coinsurance: 0.5", "coinsurance: 1.5", "coinsurance must be a probability", 12),
        ("sublimit: 1000000", "sublimit: 10000", "below the per-event retention", 12),
        ("coverage: extortion", "coverage: ransom", "component.coverage must be one of", 5),
        ("coverages: {extortion:", "coverages: {bricking:", "terms.coverages must be one of", 12),
        ("sigma", "sigma", "", 0),
    ],
)
def test_bad_values_name_parameter_value_and_line(old, new, words, lineno) -> None:
    if not words:
        return
    with pytest.raises(ValidationError) as caught:
        load_model(EXAMPLE.replace(old, new))
    assert words in caught.value.message
    assert caught.value.location == f"model.yaml:{lineno}"
    assert f"model.yaml:{lineno}" in caught.value.message


def test_unknown_keys_and_bad_yaml_are_located() -> None:
    with pytest.raises(ValidationError, match=r"Unknown key 'sigmaa'.*model.yaml:4"):
        load_model(
            "scenarios:\n  - name: a\n    frequency: {poisson: 1}\n"
            "    components: [{coverage: pr, severity: {lognormal: {mu: 1, sigmaa: 2}}}]\n"
        )
    with pytest.raises(ValidationError) as caught:
        load_model("scenarios:\n  - name: [unclosed\n")
    assert caught.value.location is not None
    assert caught.value.location.startswith("model.yaml:")


def test_every_severity_and_frequency_form_parses() -> None:
    text = """\
scenarios:
  - name: everything
    frequency: {negative_binomial: {mean: 1.5, cv: 0.3}}
    dependence: {gaussian: 0.4}
    components:
      - {coverage: forensics, severity: {lognormal: {mu: 9, sigma: 1}}}
      - {coverage: pr, severity: {lognormal: {mean: 20000, cv: 1.5}}}
      - {coverage: notification, severity: {pareto: {alpha: 2.5, minimum: 1000}}}
      - {coverage: regulatory, severity: {gpd: {shape: 0.2, scale: 1000, loc: 10}}}
      - coverage: third_party_liability
        severity: {spliced: {body: {lognormal: {mu: 10, sigma: 1}},
                             tail: {pareto: {alpha: 1.8, minimum: 100000}}, threshold: 100000}}
      - {coverage: hardware, severity: {empirical: {values: [1000, 5000], weights: [3, 1]}}}
      - {coverage: incident_response, severity: {constant: 8000}}
      - {coverage: data_restoration, severity: {normal: {mean: 10000, stdev: 3000}}}
      - coverage: extortion
        severity: {mixture: [{weight: 0.7, severity: {constant: 0}},
                             {weight: 0.3, severity: {scaled: {factor: 2,
                                                      severity: {pert: {low: 1, mode: 2,
                                                                        high: 9}}}}}]}
      - {coverage: business_interruption, outage_hours: {pert: {low: 1, mode: 4, high: 48}},
         loss_per_hour: 3000}
  - {name: rare, frequency: {bernoulli: {p: 0.1}}, dependence: comonotone,
     components: [{coverage: pr, severity: {constant: 1}}]}
  - {name: uncertain, frequency: {pert_poisson: {low: 0.1, mode: 0.5, high: 2}},
     components: [{coverage: pr, severity: {constant: 1}}]}
scenario_correlation: 0.1
"""
    model = load_model(text)
    jsonschema.validate(yaml.safe_load(text), model_schema())
    assert len(model.scenarios[0].components) == 10
    assert model.fft_obstacles()
    assert math.isfinite(model.ground_up_mean)
