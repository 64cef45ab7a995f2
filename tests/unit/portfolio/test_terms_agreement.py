"""Pricing and the book apply a policy's terms identically: for one outage of fixed duration the
simulation's insured event loss equals the risk engine's (``liubu.risk.quantify``) for a model whose
one scenario happens once a year (Bernoulli p = 1) with the same business-interruption component."""

from __future__ import annotations

import math

import pytest

from liubu.portfolio import Book, Reliance, run_book
from liubu.risk import (
    Bernoulli,
    Component,
    Constant,
    CoverageTerms,
    Model,
    Scenario,
    Terms,
    quantify,
)
from tests.unit.portfolio.books import HOURS_PER_YEAR, one_provider, policy

CASES = {
    "time deductible, sublimit, coinsurance, retention": (
        Terms(
            retention=5_000.0,
            coverages={
                "business_interruption": CoverageTerms(
                    sublimit=120_000.0, coinsurance=0.2, waiting_period_hours=8.0
                )
            },
        ),
        30.0,
        2.0,
        0.6,
    ),
    "qualifying period passed": (
        Terms(
            retention=1_000.0,
            coverages={
                "business_interruption": CoverageTerms(
                    waiting_period_hours=12.0, waiting_period_type="qualifying"
                )
            },
        ),
        20.0,
        4.0,
        0.5,
    ),
    "qualifying period not reached": (
        Terms(
            coverages={
                "business_interruption": CoverageTerms(
                    waiting_period_hours=12.0, waiting_period_type="qualifying"
                )
            },
        ),
        14.0,
        4.0,
        1.0,
    ),
    "aggregate limit below the event": (
        Terms(retention=500.0, aggregate_limit=7_000.0),
        10.0,
        0.0,
        1.0,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_insured_event_loss_equals_pricing(case: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    terms, duration, tolerance, share = CASES[case]
    revenue = HOURS_PER_YEAR * 1_234.5
    book = Book(
        (
            policy(
                "P1",
                revenue=revenue,
                terms=terms,
                relies_on=(Reliance("cloud-a", tolerance, share),),
            ),
        )
    )
    # rate high enough that most years have an event; a year with exactly one event has the
    # insured loss of one event, capped by the aggregate limit
    result = run_book(
        book, one_provider(1.0, duration), years=2_000, seed=3, workers=0, ylt_dir=str(tmp_path)
    )
    hourly = revenue / HOURS_PER_YEAR * share
    component = Component(
        "business_interruption", outage_hours=Constant(duration - tolerance), loss_per_hour=hourly
    )
    model = Model((Scenario("one_outage", Bernoulli(1.0), (component,)),), terms=terms)
    priced = quantify(model, engine="mc", years=4, seed=1).mean
    positive = result.annual[result.annual > 0]
    if priced == 0.0:
        assert not len(positive)
        return
    single = float(positive.min())
    assert single == priced
    if math.isfinite(terms.aggregate_limit):
        assert result.annual.max() == terms.aggregate_limit
