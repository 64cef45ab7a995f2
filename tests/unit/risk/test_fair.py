"""Open FAIR: pyfair's inputs, per-event vulnerability, and where pyfair differs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import integrate, stats

from liubu.errors import ValidationError
from liubu.risk import Model, Pert, fair_scenario, quantify
from liubu.risk.fair import vulnerability

INPUTS = {
    "Threat Event Frequency": {"low": 2, "mode": 5, "high": 12},
    "Threat Capability": {"low": 0.3, "mode": 0.6, "high": 0.95},
    "Control Strength": {"low": 0.4, "mode": 0.7, "high": 0.9},
    "Primary Loss": {"low": 20_000, "mode": 50_000, "high": 400_000},
    "Secondary Loss Event Frequency": {"low": 0.1, "mode": 0.2, "high": 0.5},
    "Secondary Loss Event Magnitude": {"low": 10_000, "mode": 30_000, "high": 200_000},
}


def test_vulnerability_is_the_probability_that_capability_exceeds_resistance() -> None:
    tc, cs = Pert(0.3, 0.6, 0.95), Pert(0.4, 0.7, 0.9)
    ftc = stats.beta(tc.alpha, tc.beta, loc=0.3, scale=0.65)
    fcs = stats.beta(cs.alpha, cs.beta, loc=0.4, scale=0.5)
    expected, _ = integrate.dblquad(
        lambda c, t: ftc.pdf(t) * fcs.pdf(c),
        0.3,
        0.95,
        lambda t: 0.4,
        lambda t: min(max(t, 0.4), 0.9),
    )
    assert vulnerability(tc, cs) == pytest.approx(expected, rel=1e-7)


def test_fair_annual_loss_is_the_sum_of_one_loss_per_event() -> None:
    scenario = fair_scenario("web app breach", INPUTS)
    v = vulnerability(Pert(0.3, 0.6, 0.95), Pert(0.4, 0.7, 0.9))
    lef = Pert(2, 5, 12).mean * v
    per_event = (
        Pert(20_000, 50_000, 400_000).mean
        + Pert(0.1, 0.2, 0.5).mean * Pert(10_000, 30_000, 200_000).mean
    )
    result = quantify(Model((scenario,)))
    assert result.mean == pytest.approx(lef * per_event, rel=1e-5)
    sim = quantify(Model((scenario,)), engine="mc", years=100_000, seed=2)
    assert abs(sim.mean - result.mean) < 3 * sim.mean_standard_error


def test_pyfair_abbreviations_and_full_names_give_the_same_scenario() -> None:
    short = {
        "tef": INPUTS["Threat Event Frequency"],
        "TC": INPUTS["Threat Capability"],
        "cs": INPUTS["Control Strength"],
        "PL": INPUTS["Primary Loss"],
        "SLEF": INPUTS["Secondary Loss Event Frequency"],
        "slem": INPUTS["Secondary Loss Event Magnitude"],
    }
    assert fair_scenario("a", short) == fair_scenario("a", INPUTS)


def test_contact_frequency_times_probability_of_action_thins_the_events() -> None:
    with_contact = fair_scenario(
        "c",
        {
            "C": {"constant": 10},
            "A": {"low": 0.1, "mode": 0.3, "high": 0.5},
            "V": {"constant": 0.5},
            "LM": {"constant": 1000},
        },
    )
    assert with_contact.frequency.mean == pytest.approx(10 * 0.3 * 0.5)
    assert quantify(Model((with_contact,))).mean == pytest.approx(1500.0, rel=1e-6)


def test_pyfairs_pert_does_not_honour_the_mode_it_is_given() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyfair.utility.beta_pert import FairBetaPert
    theirs = FairBetaPert(5.0, 20.0, 50.0)
    a, b = theirs._alpha, theirs._beta
    their_mode = 5.0 + 45.0 * (a - 1) / (a + b - 2)
    ours = Pert(5.0, 20.0, 50.0)
    our_mode = 5.0 + 45.0 * (ours.alpha - 1) / (ours.alpha + ours.beta - 2)
    assert our_mode == pytest.approx(20.0)
    assert their_mode == pytest.approx(20.7, abs=1e-9)  # not the 20 it was given
    skewed = FairBetaPert(1.0, 2.0, 100.0)
    assert skewed._alpha < 1.0  # density unbounded at the low end: no mode at 2 at all
    grid = np.linspace(5, 50, 100_001)
    assert grid[np.argmax(theirs._beta_curve.pdf(grid))] == pytest.approx(their_mode, abs=1e-3)


def test_bad_fair_inputs_are_refused() -> None:
    with pytest.raises(ValidationError, match="Unknown FAIR node"):
        fair_scenario("x", {"Threat Frequency": {"constant": 1}})
    with pytest.raises(ValidationError, match="probability"):
        fair_scenario(
            "x",
            {
                "LEF": {"constant": 1},
                "V": {"constant": 1},
                "TC": {"low": 0.2, "mode": 0.5, "high": 1.5},
                "LM": {"constant": 1},
            },
        )
    with pytest.raises(ValidationError, match="event rate"):
        fair_scenario("x", {"LEF": {"mean": 1, "stdev": 2}, "LM": {"constant": 1}})
