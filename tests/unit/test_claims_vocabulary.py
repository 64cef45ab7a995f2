"""The incident types of claims line up with the risk engine and the product vocabulary."""

from __future__ import annotations

import pytest

from liubu.claims import ClaimsCode, incident_type, incident_types
from liubu.errors import ValidationError
from liubu.products import load_vocabulary
from liubu.risk import scenario_names


def test_every_engine_scenario_has_an_incident_type() -> None:
    # A notice's reserve at notice comes from the engine's scenario: none may be unreachable.
    named = {t.scenario for t in incident_types() if t.scenario is not None}
    assert named == set(scenario_names())


def test_codes_are_unique_and_coverages_real() -> None:
    codes = [t.code for t in incident_types()]
    assert len(codes) == len(set(codes))
    vocabulary = load_vocabulary()
    for item in incident_types():
        assert item.coverages, item.code
        assert set(item.coverages) <= set(vocabulary.coverages.codes())
        assert set(item.exclusions_to_check) <= set(vocabulary.exclusions.codes())


def test_the_anti_fraud_type_triggers_the_anti_fraud_coverage() -> None:
    assert incident_type("telecom_fraud").coverages == ("telecom_fraud_loss",)
    assert incident_type("ransomware").scenario == "ransomware"


def test_an_unknown_type_is_refused_with_the_choices() -> None:
    with pytest.raises(ValidationError) as caught:
        incident_type("alien_invasion")
    assert caught.value.code == ClaimsCode.UNKNOWN_INCIDENT_TYPE
    assert "ransomware" in str(caught.value)
