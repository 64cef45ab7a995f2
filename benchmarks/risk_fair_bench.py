"""The same Open FAIR model in liubu, pyfair and pycrq at 100,000 simulated years.

Run: ``.venv/bin/python -m benchmarks risk_fair``. Prints wall times (median of 3, one core) and
their ratios, and the mean annual loss each library reports next to the exact value
E[loss events] × E[loss per event].
"""

from __future__ import annotations

import warnings

from benchmarks.risk_timing import median_seconds
from liubu.risk import Model, Pert, fair_scenario, quantify

YEARS = 100_000
TEF = {"low": 2, "mode": 5, "high": 12}
VULN = {"low": 0.2, "mode": 0.4, "high": 0.7}
PL = {"low": 20_000, "mode": 50_000, "high": 400_000}
SLEF = {"low": 0.1, "mode": 0.2, "high": 0.5}
SLEM = {"low": 10_000, "mode": 30_000, "high": 200_000}


def run_liubu(engine: str) -> float:
    scenario = fair_scenario(
        "web app", {"TEF": TEF, "V": VULN, "PL": PL, "SLEF": SLEF, "SLEM": SLEM}
    )
    return quantify(Model((scenario,)), engine=engine, years=YEARS, seed=1).mean


def run_pyfair() -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyfair import FairModel

        model = FairModel(name="web app", n_simulations=YEARS, random_seed=1)
        model.input_data("Threat Event Frequency", **TEF)
        model.input_data("Vulnerability", **VULN)
        model.input_data("Primary Loss", **PL)
        model.input_data("Secondary Loss Event Frequency", **SLEF)
        model.input_data("Secondary Loss Event Magnitude", **SLEM)
        model.calculate_all()
        return float(model.export_results()["Risk"].mean())


def run_pycrq() -> float:
    from pycrq import FAIRSimulator, ScenarioBuilder, pert

    scenario = (
        ScenarioBuilder("web app")
        .asset("customer database", "Information")
        .threat("external attacker", "External Adversarial")
        .tef(pert(**TEF))
        .vulnerability(pert(**VULN))
        .primary_loss(pert(**PL))
        .secondary_loss(pert(**SLEF), pert(**SLEM))
        .build()
    )
    return FAIRSimulator(n_simulations=YEARS, seed=1).simulate(scenario).mean_ale


def main() -> None:
    exact = (
        Pert(**TEF).mean
        * Pert(**VULN).mean
        * (Pert(**PL).mean + Pert(**SLEF).mean * Pert(**SLEM).mean)
    )
    rows = [
        ("liubu Monte Carlo", median_seconds(lambda: run_liubu("mc"), repeat=3)),
        ("liubu FFT (exact)", median_seconds(lambda: run_liubu("fft"), repeat=3)),
        ("pyfair", median_seconds(run_pyfair, repeat=3)),
        ("pycrq", median_seconds(run_pycrq, repeat=3)),
    ]
    base = rows[0][1][0]
    print(f"exact mean annual loss (standard PERT): {exact:,.0f} CNY; {YEARS:,} years")
    print(f"{'library':<20} {'seconds':>9} {'x liubu MC':>11} {'mean loss':>12}")
    for name, (seconds, mean) in rows:
        print(f"{name:<20} {seconds:>9.4f} {seconds / base:>11.2f} {mean:>12,.0f}")


if __name__ == "__main__":
    main()
