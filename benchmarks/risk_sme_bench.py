"""A full SME model: every library scenario, all their coverages, policy terms.

Run: ``.venv/bin/python -m benchmarks risk_sme``. Compares, in one run and on one core:

- liubu's Fourier engine: cold in a fresh process (first call, median over fresh processes),
  cold in this process (``clear_caches()`` before each call) and warm (median of 21), with and
  without the Euler allocation;
- the ``aggregate`` package compounding the same per-event insured severities (liubu's lattice
  event distributions handed over as ``dhistogram`` severities, with the mass beyond the lattice
  at its top, as liubu keeps it: aggregate cannot express several coverages under one retention
  or waiting periods in hours) in its lean configuration: the same log2 and bucket, padding 1,
  no allocation (``add_exa=False``). Both sides' mean, sd and quantiles are compared and the
  largest relative difference printed (equal accuracy: ≤ 1e-4);
- Monte Carlo throughput (loss events per second) on a best case (one scenario, one lognormal
  component, a retention) and on this SME model, against numpy's lognormal draws per second;
- pyfair's 100,000-year run of a single FAIR scenario.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

from benchmarks.processes import child_environment
from benchmarks.risk_fair_bench import run_pyfair
from benchmarks.risk_timing import median_seconds
from liubu.risk import Component, Lognormal, Model, Poisson, Scenario, Terms, load_model, quantify
from liubu.risk.fft import _event
from liubu.risk.grid import choose_grid, clear_caches

SME = """\
name: SME software firm, revenue 30 million CNY
library: {industry: I, revenue: 30000000, scenarios: all}
terms:
  retention: 50000
  aggregate_limit: 5000000
  coverages:
    extortion: {sublimit: 1000000, coinsurance: 0.5}
    business_interruption: {sublimit: 2000000, waiting_period_hours: 12}
    funds_transfer: {sublimit: 500000}
"""
# At insured-claim frequencies of a few per cent a year the 90 % quantile is a year without loss
# (both engines give 0), so the comparison starts at 99 %.
LEVELS = (0.99, 0.995, 0.999)
FRESH = 7
_FIRST_CALL = """
import time
from benchmarks.risk_sme_bench import SME
from liubu.risk import load_model, quantify
model = load_model(SME)
start = time.perf_counter()
quantify(model)
print(time.perf_counter() - start)
"""


def fresh_process_first_call() -> list[float]:
    """Seconds of the first ``quantify`` in each of ``FRESH`` new interpreters (imports and
    model parsing excluded: the engine's own cold start)."""
    env = child_environment({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    return [
        float(subprocess.run([sys.executable, "-c", _FIRST_CALL], env=env, check=True,
                             capture_output=True, text=True, timeout=300).stdout)
        for _ in range(FRESH)
    ]  # fmt: skip


def cold_and_warm(run: object, *, repeat: int) -> tuple[float, float]:
    """Median seconds with ``clear_caches()`` before each call, and without."""
    assert callable(run)
    cold = []
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        run()
        cold.append(time.perf_counter() - start)
    warm, _ = median_seconds(run, repeat=repeat)
    return statistics.median(cold), warm


def aggregate_portfolio(model: Model) -> tuple[list[float], dict[str, float]]:
    """Seconds of each of 7 builds (the first is aggregate's cold one) and the measures."""
    grid = choose_grid(model)
    tilt = grid.tilt_vector()
    events = [(_event(model, s, grid, tilt), s.frequency.mean) for s in model.scenarios]
    limit = model.terms.aggregate_limit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from aggregate import Aggregate, Portfolio

        def build() -> Portfolio:
            units = []
            n = 1 << grid.log2
            for i, (event, rate) in enumerate(events):
                pmf = np.clip(event.pmf, 0.0, None)
                pmf[-1] += max(1.0 - float(pmf.sum()), 0.0)  # beyond the lattice: at its top
                if pmf.size > n:  # the padded half lumped on the last bucket (above the limit)
                    pmf = np.concatenate([pmf[: n - 1], [pmf[n - 1 :].sum()]])
                keep = pmf > 1e-15
                units.append(
                    Aggregate(
                        f"s{i}",
                        exp_en=rate,
                        sev_name="dhistogram",
                        sev_xs=np.flatnonzero(keep) * grid.bucket,
                        sev_ps=pmf[keep] / pmf[keep].sum(),
                        freq_name="poisson",
                    )
                )
            portfolio = Portfolio("SME", units)
            portfolio.update(log2=grid.log2, bs=grid.bucket, padding=1, add_exa=False)
            return portfolio

        times = []
        for _ in range(7):
            start = time.perf_counter()
            portfolio = build()
            times.append(time.perf_counter() - start)
    density = portfolio.density_df
    x, p = density.loss.values, np.clip(density.p_total.values, 0.0, None)
    beyond = max(1.0 - float(p.sum()), 0.0)  # above the grid, so above the aggregate limit
    capped = np.minimum(x, limit)
    mean = float(capped @ p + beyond * limit)
    sd = float(np.sqrt(capped**2 @ p + beyond * limit**2 - mean**2))
    cdf = np.cumsum(p)
    measures = {"mean": mean, "sd": sd}
    for q in LEVELS:
        measures[f"VaR{q}"] = (
            float(min(x[np.searchsorted(cdf, q)], limit)) if cdf[-1] >= q else limit
        )
    return times, measures


def events_per_second(model: Model, years: int) -> tuple[float, float]:
    """Loss events per second of the Monte Carlo engine: first call and median of three more."""
    rates = []
    for _ in range(4):
        start = time.perf_counter()
        result = quantify(model, engine="mc", years=years, seed=3)
        rates.append(result.settings["events"] / (time.perf_counter() - start))
    return rates[0], statistics.median(rates[1:])


def best_case() -> Model:
    return Model(
        (Scenario("busy", Poisson(20.0), (Component("pr", Lognormal(10.0, 1.5)),)),),
        Terms(retention=5_000.0),
    )


def numpy_lognormals_per_second() -> float:
    rng = np.random.default_rng(3)
    seconds, _ = median_seconds(lambda: rng.lognormal(10.0, 1.5, 10_000_000), repeat=3)
    return 10_000_000 / seconds


def main() -> None:
    model = load_model(SME)
    fresh = fresh_process_first_call()
    fft_cold, fft_warm = cold_and_warm(lambda: quantify(model), repeat=21)
    full_cold, full_warm = cold_and_warm(lambda: quantify(model).to_dict(), repeat=11)
    exact = quantify(model)
    grid = exact.settings["grid"]
    agg_times, agg = aggregate_portfolio(model)
    ours = {"mean": exact.mean, "sd": exact.sd, **{f"VaR{q}": exact.var(q) for q in LEVELS}}
    worst = max(abs(agg[k] / ours[k] - 1) if ours[k] else abs(agg[k]) for k in ours)
    agg_cold, agg_warm = agg_times[0], statistics.median(agg_times[1:])
    fresh_median = statistics.median(fresh)
    print(
        f"model: {len(model.scenarios)} scenarios, {len(model.coverages)} coverages; grid "
        f"bucket {grid['bucket']:.1f} CNY, log2 {grid['log2']}"
    )
    print(f"{'engine':<44} {'cold s':>8} {'warm s':>8} {'x FFT cold':>10} {'x FFT warm':>10}")
    rows = [
        ("liubu FFT, first call in a fresh process", fresh_median, float("nan")),
        ("liubu FFT, clear_caches() / repeated", fft_cold, fft_warm),
        ("liubu FFT + Euler allocation + to_dict()", full_cold, full_warm),
        ("aggregate Portfolio, same events, lean", agg_cold, agg_warm),
    ]
    for name, cold, warm in rows:
        print(
            f"{name:<44} {cold:>8.4f} {warm:>8.4f} {cold / fresh_median:>10.2f} "
            f"{warm / fft_warm:>10.2f}"
        )
    print(f"fresh-process first calls (s): {', '.join(f'{t:.4f}' for t in fresh)}")
    print(
        "equal accuracy, liubu vs aggregate: "
        + ", ".join(f"{k} {ours[k]:,.0f}/{agg[k]:,.0f}" for k in ours)
        + f"; largest relative difference {worst:.1e} (≤ 1e-4: {worst <= 1e-4})"
    )
    ratio = agg_warm / fresh_median
    print(
        f"targets: FFT cold ≤ 10 ms: {fresh_median * 1000:.1f} ms ({fresh_median <= 0.010}); "
        f"≥ 5x aggregate: aggregate warm / liubu fresh cold = {ratio:.1f}x ({ratio >= 5}), "
        f"warm/warm {agg_warm / fft_warm:.1f}x"
    )
    start = time.perf_counter()
    sim = quantify(model, engine="mc", years=1_000_000, seed=11)
    standard_error = sim.mean_standard_error or float("nan")
    print(
        f"Monte Carlo, 1,000,000 years: {time.perf_counter() - start:.2f} s; mean - FFT mean = "
        f"{(sim.mean - exact.mean) / standard_error:+.2f} standard errors"
    )
    numpy_rate = numpy_lognormals_per_second()
    for label, case, years in (
        ("best case", best_case(), 500_000),
        ("SME model", model, 2_000_000),
    ):
        first, warm = events_per_second(case, years)
        print(
            f"Monte Carlo throughput, {label}: first {first / 1e6:.2f} M, warm "
            f"{warm / 1e6:.2f} M loss events/s; numpy lognormal {numpy_rate / 1e6:.1f} M/s, "
            f"ratio {numpy_rate / warm:.1f}"
        )
    pyfair_seconds, _ = median_seconds(run_pyfair, repeat=3)
    print(f"pyfair, 1 scenario, 100,000 years: {pyfair_seconds:.4f} s, "
          f"{pyfair_seconds / fresh_median:.1f}x liubu FFT cold")  # fmt: skip


if __name__ == "__main__":
    main()
