"""Reserving a 40 × 40 paid triangle by Mack: liubu end to end (cells → checked ``Triangle`` →
``reserve(..., "mack")`` → rounded result) against the peer, chainladder called directly on a
prepared pandas frame with the same method and options (volume-weighted development,
``sigma_interpolation="mack"``, no tail), reading the same outputs (per-origin latest, ultimate,
IBNR and standard error; age-to-age and age-to-ultimate factors).

Run: ``.venv/bin/python -m benchmarks reserving``. Prints cold (a fresh interpreter: import and
one reserve, what ``liubu reserve`` pays) and warm (median of repeated calls in one process)
wall times of both and their ratios, and checks both give the same total IBNR and Mack s.e.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.processes import child_environment, describe, process_seconds
from benchmarks.risk_timing import median_seconds

SIZE = 40
SEED = 20_261_207
ROOT = Path(__file__).resolve().parents[1]


def synthetic_cells(size: int = SIZE, seed: int = SEED) -> list[tuple[int, int, float]]:
    """(origin year, development months, cumulative paid) of a seeded run-off: each origin's
    ultimate is lognormal around 1e6, paid in a development pattern 1 − 0.7^k with lognormal
    noise on each increment."""
    rng = np.random.default_rng(seed)
    cells = []
    for i in range(size):
        ultimate = 1e6 * rng.lognormal(0.0, 0.2)
        cumulative = 0.0
        for k in range(size - i):
            share = 0.7**k - 0.7 ** (k + 1)
            cumulative += ultimate * share * rng.lognormal(0.0, 0.1)
            cells.append((1980 + i, 12 * (k + 1), round(cumulative, 2)))
    return cells


def run_liubu(cells: list[tuple[int, int, float]]) -> tuple[Decimal, Decimal | None]:
    from liubu.claims import Triangle, TrianglePoint, reserve

    points = tuple(TrianglePoint(str(o), d, Decimal(repr(v))) for o, d, v in cells)
    result = reserve(Triangle(points), "mack")
    return result.ibnr, result.mack_se


def peer_frame(cells: list[tuple[int, int, float]]) -> Any:
    """The frame chainladder reads: origin start and valuation dates (prepared, not timed)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "origin": [pd.Timestamp(o, 1, 1) for o, _, _ in cells],
            "valuation": [
                pd.Timestamp(o + d // 12 - 1, 12, 31) for o, d, _ in cells
            ],  # annual ages: a cell of d months is valued on 31 December of year o + d/12 − 1
            "value": [v for _, _, v in cells],
        }
    )


def run_peer(frame: Any) -> tuple[float, float]:
    import chainladder as cl

    triangle = cl.Triangle(
        frame, origin="origin", development="valuation", columns=["value"], cumulative=True
    )
    developed = cl.Development(average="volume", sigma_interpolation="mack").fit_transform(triangle)
    model = cl.MackChainladder().fit(developed)
    # The same outputs liubu's result holds: per origin latest, ultimate, IBNR and s.e.; factors.
    outputs = (triangle.latest_diagonal, model.ultimate_, model.mack_std_err_)
    outputs += (developed.ldf_, developed.cdf_)
    assert all(np.asarray(o.values).size for o in outputs)
    return float(model.ibnr_.sum()), float(np.asarray(model.total_mack_std_err_).ravel()[0])


def child(which: str) -> None:
    """One cold run in this fresh process (the benchmark starts it)."""
    cells = synthetic_cells()
    if which == "liubu":
        run_liubu(cells)
    else:
        run_peer(peer_frame(cells))


def main() -> None:
    cells = synthetic_cells()
    frame = peer_frame(cells)
    ours_seconds, (ibnr, mack_se) = median_seconds(lambda: run_liubu(cells), repeat=7)
    peer_seconds, (peer_ibnr, peer_se) = median_seconds(lambda: run_peer(frame), repeat=7)
    assert mack_se is not None
    assert abs(float(ibnr) - peer_ibnr) < 0.01, (ibnr, peer_ibnr)
    assert abs(float(mack_se) - peer_se) < 0.01, (mack_se, peer_se)
    print(f"{SIZE} x {SIZE} triangle, {len(cells)} cells: IBNR {ibnr:,}, Mack s.e. {mack_se:,}")
    print(f"warm  liubu   {ours_seconds * 1000:7.1f} ms (median of 7)")
    print(f"warm  peer    {peer_seconds * 1000:7.1f} ms (chainladder on a prepared frame)")
    print(f"warm  ratio   {ours_seconds / peer_seconds:.2f} (liubu / peer)")
    env = child_environment({"PYTHONPATH": str(ROOT)})
    cold: dict[str, list[float]] = {}
    for which in ("liubu", "peer"):
        argv = [sys.executable, "-c", f"import benchmarks.reserving_bench as b; b.child({which!r})"]
        cold[which] = process_seconds(argv, runs=3, env=env)
        print(f"cold  {which:<7} {describe(cold[which])}")
    ratio = sorted(cold["liubu"])[1] / sorted(cold["peer"])[1]
    print(f"cold  ratio   {ratio:.2f} (liubu / peer, medians; both import chainladder)")


if __name__ == "__main__":
    main()
