"""Policy terms: order of application and the closed forms of a component under its terms."""

from __future__ import annotations

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.risk import Component, CoverageTerms, Lognormal, Model, Pert, Poisson, Scenario, Terms
from liubu.risk.layers import ComponentLayer

HOURS = Pert(2.0, 10.0, 80.0)


@pytest.mark.parametrize("semantics", ["time_deductible", "qualifying"])
def test_a_bi_layer_matches_its_definition_on_simulated_hours(semantics) -> None:
    terms = CoverageTerms(
        sublimit=40_000.0,
        coinsurance=0.25,
        waiting_period_hours=12.0,
        waiting_period_type=semantics,
    )
    layer = ComponentLayer(
        Component("business_interruption", outage_hours=HOURS, loss_per_hour=1_000.0), terms
    )
    hours = HOURS.sample(np.random.default_rng(4), 400_000)
    covered = 1_000.0 * (
        np.maximum(hours - 12.0, 0.0)
        if semantics == "time_deductible"
        else np.where(hours > 12.0, hours, 0.0)
    )
    by_definition = np.minimum(0.75 * covered, 40_000.0)
    assert np.allclose(layer.recoverable(hours), by_definition, rtol=1e-12, atol=0)
    se = by_definition.std() / np.sqrt(len(hours))
    assert layer.mean == pytest.approx(by_definition.mean(), abs=4 * se)
    # E[min(Z, u)] below, at and above the sublimit (above it, E[Z]: nothing lies beyond L)
    for u in (15_000.0, 40_000.0, 90_000.0):
        assert float(layer.lev_array(np.array([u]))[0]) == pytest.approx(
            np.minimum(by_definition, u).mean(), abs=4 * se
        )
    for z in (0.0, 5_000.0, 20_000.0, 39_999.0):
        assert float(layer.cdf(z)) == pytest.approx(np.mean(by_definition <= z), abs=3e-3)


def test_the_waiting_period_needs_outage_hours() -> None:
    scenario = Scenario(
        "s", Poisson(1.0), (Component("business_interruption", Lognormal(10.0, 1.0)),)
    )
    terms = Terms(coverages={"business_interruption": CoverageTerms(waiting_period_hours=8)})
    with pytest.raises(ValidationError, match="needs outage hours"):
        Model((scenario,), terms)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Terms(retention=-1.0), "terms.retention must not be negative"),
        (
            lambda: Terms(retention=1e5, coverages={"pr": CoverageTerms(sublimit=5e4)}),
            "below the per-event retention",
        ),
        (lambda: Terms(coverages={"bricking": CoverageTerms()}), "terms.coverages must be one of"),
        (
            lambda: Terms(coverages={"pr": CoverageTerms(waiting_period_hours=4)}),
            "applies only to business_interruption",
        ),
        (lambda: CoverageTerms(coinsurance=1.0), "coverage.coinsurance must be a probability"),
        (lambda: Terms(aggregate_limit=float("nan")), "terms.aggregate_limit must be finite"),
        (
            lambda: Component("forensics", outage_hours=HOURS, loss_per_hour=1.0),
            "Only business_interruption",
        ),
        (
            lambda: Scenario("s", Poisson(1.0), (Component("pr", HOURS), Component("pr", HOURS))),
            "twice",
        ),
    ],
)
def test_bad_terms_are_refused_with_a_clear_message(make, words) -> None:
    with pytest.raises(ValidationError, match=words):
        make()
