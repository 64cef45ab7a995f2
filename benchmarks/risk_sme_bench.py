"""A full SME model: every library scenario, all their coverages, policy terms.

Run: ``.venv/bin/python -m benchmarks risk_sme``. Compares, in one run and on one core:

- liubu's Fourier engine (median of 21 runs; with and without the Euler allocation);
- the ``aggregate`` package compounding the same per-event insured severities (liubu's lattice
  event distributions handed over as ``dhistogram`` severities: aggregate cannot express several
  coverages under one retention or waiting periods in hours) into a Portfolio on the same grid;
- liubu's Monte Carlo engine with 1,000,000 years (mean within its standard error of the FFT);
- Monte Carlo throughput (loss events per second) against numpy's own lognormal draws per second;
- pyfair's 100,000-year run of a single FAIR scenario (the target: SME by FFT faster than it).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from benchmarks.risk_fair_bench import run_pyfair
from benchmarks.risk_timing import median_seconds
from liubu.risk import Component, Lognormal, Model, Poisson, Scenario, Terms, load_model, quantify
from liubu.risk.fft import _event
from liubu.risk.grid import choose_grid

SME = """\
name: SME software firm, 10-100m CNY revenue
library: {industry: I, revenue_band: 10m_100m, scenarios: all}
terms:
  retention: 50000
  aggregate_limit: 5000000
  coverages:
    extortion: {sublimit: 1000000, coinsurance: 0.5}
    business_interruption: {sublimit: 2000000, waiting_period_hours: 12}
    funds_transfer: {sublimit: 500000}
"""


def aggregate_portfolio(model: Model) -> tuple[float, float, float]:
    """Seconds for aggregate to compound the same event severities, and its mean and VaR99."""
    grid = choose_grid(model)
    tilt = grid.tilt_vector()
    events = [(_event(model, s, grid, tilt), s.frequency.mean) for s in model.scenarios]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from aggregate import Aggregate, Portfolio

        start = time.perf_counter()
        units = []
        n = 1 << grid.log2
        for i, (event, rate) in enumerate(events):
            # The engine keeps events on its padded 2n grid (with ±1e-12 round-off there): lump
            # the padding back onto the last bucket and clip, as aggregate expects a histogram.
            pmf = np.clip(event.pmf, 0.0, None)
            if pmf.size > n:
                pmf = np.concatenate([pmf[: n - 1], [pmf[n - 1 :].sum()]])
            keep = pmf > 1e-15
            xs = np.flatnonzero(keep) * grid.bucket
            units.append(
                Aggregate(
                    f"s{i}",
                    exp_en=rate,
                    sev_name="dhistogram",
                    sev_xs=xs,
                    sev_ps=pmf[keep] / pmf[keep].sum(),
                    freq_name="poisson",
                )
            )
        portfolio = Portfolio("SME", units)
        portfolio.update(log2=grid.log2 + 1, bs=grid.bucket, remove_fuzz=True)
        seconds = time.perf_counter() - start
        density = portfolio.density_df
        capped = np.minimum(density.loss.values, model.terms.aggregate_limit)
        mean = float(np.dot(capped, density.p_total.values))
        return seconds, mean, float(min(portfolio.q(0.99), model.terms.aggregate_limit))


def throughput() -> tuple[float, float]:
    """Loss events per second (Poisson 20 a year, lognormal, a retention) and numpy lognormals."""
    model = Model(
        (Scenario("busy", Poisson(20.0), (Component("pr", Lognormal(10.0, 1.5)),)),),
        Terms(retention=5_000.0),
    )
    start = time.perf_counter()
    result = quantify(model, engine="mc", years=500_000, seed=3)
    events_per_second = result.settings["events"] / (time.perf_counter() - start)
    rng = np.random.default_rng(3)
    start = time.perf_counter()
    rng.lognormal(10.0, 1.5, 10_000_000)
    return events_per_second, 10_000_000 / (time.perf_counter() - start)


def main() -> None:
    model = load_model(SME)
    fft_seconds, exact = median_seconds(lambda: quantify(model), repeat=21)
    full_seconds, _ = median_seconds(lambda: quantify(model).to_dict(), repeat=11)
    grid = exact.settings["grid"]
    agg_seconds, agg_mean, agg_var = aggregate_portfolio(model)
    start = time.perf_counter()
    sim = quantify(model, engine="mc", years=1_000_000, seed=11)
    mc_seconds = time.perf_counter() - start
    pyfair_seconds, _ = median_seconds(run_pyfair, repeat=3)
    events, numpy_rate = throughput()
    print(
        f"model: {len(model.scenarios)} scenarios, {len(model.coverages)} coverages; grid "
        f"bucket {grid['bucket']:.1f} CNY, log2 {grid['log2']}"
    )
    print(f"{'engine':<34} {'seconds':>9} {'x FFT':>8} {'mean':>12} {'VaR99':>12}")
    rows = [
        ("liubu FFT (distribution, measures)", fft_seconds, exact.mean, exact.var(0.99)),
        ("liubu FFT + Euler allocation, JSON", full_seconds, exact.mean, exact.var(0.99)),
        ("aggregate Portfolio (same events)", agg_seconds, agg_mean, agg_var),
        ("liubu Monte Carlo, 1,000,000 years", mc_seconds, sim.mean, sim.var(0.99)),
        ("pyfair, 1 scenario, 100,000 years", pyfair_seconds, float("nan"), float("nan")),
    ]
    for name, seconds, mean, var in rows:
        print(
            f"{name:<34} {seconds:>9.4f} {seconds / fft_seconds:>8.2f} {mean:>12,.0f} {var:>12,.0f}"
        )
    print(
        f"Monte Carlo mean - FFT mean = {(sim.mean - exact.mean) / sim.mean_standard_error:+.2f}"
        f" standard errors; FFT mean error vs aggregate {exact.mean / agg_mean - 1:+.2e}"
    )
    print(
        f"Monte Carlo throughput {events / 1e6:.1f} M loss events/s; numpy lognormal draws "
        f"{numpy_rate / 1e6:.1f} M/s; ratio {numpy_rate / events:.2f}"
    )


if __name__ == "__main__":
    main()
