"""The use-case helpers behind ``liubu experience indicate``: the default factor map and the
filed-structure prior (no database: the store is tested in tests/integration)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.experience import ExperienceData, synthetic_experience
from liubu.experience.service import default_factor_map, filed_prior, grade_readings
from liubu.products import ProductSpec


def _data() -> ExperienceData:
    return synthetic_experience(
        n_policies=2_000,
        relativities={
            "security_grade": {"A": 0.6, "C": 1.0, "E": 1.8},
            "mlps_level": {"none": 1.1, "2": 1.0, "3": 0.9},
            "revenue_band": {"R1": 1.0, "R2": 1.2},
        },
        base_frequency=0.1,
        severity_mean=50_000,
        severity_shape=2.0,
        rng=np.random.default_rng(3),
    )


def test_grades_read_the_middle_of_their_score_band() -> None:
    assert grade_readings() == {
        "A": Decimal("92.5"),
        "B": Decimal("77.5"),
        "C": Decimal("62.5"),
        "D": Decimal("47.5"),
        "E": Decimal("20"),
    }


def test_factors_map_onto_the_filed_coefficients(sme: ProductSpec) -> None:
    data = _data()
    links = default_factor_map(sme, data)
    assert set(links) == {"security_grade", "mlps_level"}  # revenue_band is not filed
    assert links["security_grade"].coefficient == "security_score"
    assert links["mlps_level"].coefficient == "mlps_level"
    with pytest.raises(ValidationError) as caught:
        default_factor_map(sme, data, ["revenue_band"])
    assert caught.value.code == "experience.factor_not_filed"


def test_the_filed_prior_keeps_the_filed_relativities_and_the_total_loss(
    sme: ProductSpec,
) -> None:
    data = _data()
    links = default_factor_map(sme, data, ["security_grade", "mlps_level"])
    prior = filed_prior(sme, data, links)
    keys, index = data.segments(tuple(links))
    weights = np.bincount(index, weights=data.exposure, minlength=len(keys))
    total = sum(w * prior[k] for k, w in zip(keys, weights, strict=True))
    assert total == pytest.approx(float(data.incurred_loss.sum()), rel=1e-12)
    # Segment ratios are the filed coefficients' ratios: security_score at 20 vs 62.5 on the
    # SME points guide, rounded to 4 decimals (1.225 / 0.9813), mlps none vs 2 (1.05 / 1.0).
    assert prior[("E", "2")] / prior[("C", "2")] == pytest.approx(1.225 / 0.9813)
    assert prior[("C", "none")] / prior[("C", "2")] == pytest.approx(1.05)
