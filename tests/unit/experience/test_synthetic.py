"""The synthetic generator: reproducible, and its frequency matches its parameters."""

from __future__ import annotations

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.experience import synthetic_experience

REL = {"grade": {"A": 0.5, "B": 1.5}}


def _make(seed: int, **changes: object) -> object:
    settings: dict[str, object] = {
        "n_policies": 4_000,
        "relativities": REL,
        "base_frequency": 0.2,
        "severity_mean": 10_000.0,
        "severity_shape": 2.0,
        "rng": np.random.default_rng(seed),
    }
    settings.update(changes)
    return synthetic_experience(**settings)  # type: ignore[arg-type]


def test_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    a, b, c = _make(1), _make(1), _make(2)
    assert np.array_equal(a.incurred_loss, b.incurred_loss)  # type: ignore[attr-defined]
    assert not np.array_equal(a.incurred_loss, c.incurred_loss)  # type: ignore[attr-defined]


def test_frequency_and_severity_match_the_parameters() -> None:
    data = _make(3, n_policies=20_000, exposure_range=(1.0, 1.0), periods=(2024,))
    grade = data.factors["grade"]  # type: ignore[attr-defined]
    for level, rel in REL["grade"].items():
        here = grade == level
        claims = data.claim_count[here].sum()  # type: ignore[attr-defined]
        exposure = data.exposure[here].sum()  # type: ignore[attr-defined]
        expected = 0.2 * rel * exposure
        assert abs(claims - expected) < 4 * np.sqrt(expected)  # Poisson: sd = √mean
    severity = data.incurred_loss.sum() / data.claim_count.sum()  # type: ignore[attr-defined]
    assert severity == pytest.approx(10_000, rel=0.05)  # CV 0.71 over ~4 000 claims: sd ≈ 1.1 %


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValidationError):
        _make(1, base_frequency=0)
    with pytest.raises(ValidationError):
        _make(1, relativities={"grade": {"A": -1.0}})
    with pytest.raises(ValidationError):
        _make(1, level_probabilities={"grade": {"A": 1.0}})
