"""Remembered discretisation work: a warm engine gives the cold engine's numbers bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from liubu.risk import CoverageTerms, Model, Terms, library_scenarios, quantify
from liubu.risk.grid import clear_caches, stop_loss_ladder


def _model(limit: float) -> Model:
    terms = Terms(
        retention=5_000.0,
        aggregate_limit=limit,
        coverages={
            "business_interruption": CoverageTerms(sublimit=300_000.0, waiting_period_hours=12.0),
            "extortion": CoverageTerms(sublimit=200_000.0, coinsurance=0.2),
        },
    )
    return Model(library_scenarios("C", "10m_100m"), terms)


def test_a_ladder_is_extended_to_exactly_what_a_fresh_computation_gives() -> None:
    clear_caches()
    model = _model(1_000_000.0)
    for scenario in model.scenarios:
        for layer in model.layers(scenario):
            short = stop_loss_ladder(layer, 1_000.0, 1_024)
            long = stop_loss_ladder(layer, 1_000.0, 2_048)
            fresh = layer.stop_loss(np.arange(2_048) * 1_000.0)
            assert np.array_equal(long, fresh)
            assert np.array_equal(short, fresh[:1_024])
            assert np.array_equal(stop_loss_ladder(layer, 1_000.0, 512), fresh[:512])
            with pytest.raises(ValueError, match="read-only"):
                long[0] = 0.0


def test_a_layers_moments_are_remembered_not_changed() -> None:
    clear_caches()
    model = _model(2_000_000.0)
    for scenario in model.scenarios:
        for layer in model.layers(scenario):
            for order in (1, 2):
                for limit in (50_000.0, 1_000_000.0, float("inf")):
                    once = layer.limited_moment(order, limit)
                    assert layer.limited_moment(order, limit) == once
                    assert layer._limited_moment(order, limit) == once


def test_options_priced_warm_equal_the_same_options_priced_cold() -> None:
    limits = (500_000.0, 1_000_000.0, 2_000_000.0)
    clear_caches()
    cold = []
    for limit in limits:
        clear_caches()
        cold.append(quantify(_model(limit)))
    clear_caches()
    warm = [quantify(_model(limit)) for limit in limits]  # shares ladders across the options
    warm_again = [quantify(_model(limit)) for limit in limits]
    for first, second, third in zip(cold, warm, warm_again, strict=True):
        assert second.to_dict() == first.to_dict()
        assert third.to_dict() == first.to_dict()
        assert second.tvar(0.995) == first.tvar(0.995)
