"""The simulated years behind a Monte Carlo result, one value per year.

The engine keeps only the years with an insured loss and folds the others into one atom at 0
(probability: their share of the years); tests that reason on order statistics or on per-year
pairs expand the distribution back to one value per simulated year, sorted.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from liubu.risk import Result
from liubu.risk.measures import LossDistribution


def per_year(result: Result, values: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
    """``values`` (by default the annual totals; else a part, aligned with them) repeated as many
    times as simulated years carry them, in the annual distribution's order."""
    return _expanded(result.annual, result.settings["years"], values)


def occurrence_per_year(result: Result) -> npt.NDArray[np.float64]:
    """The largest insured event of each simulated year, sorted."""
    return _expanded(result.occurrence, result.settings["years"], None)


def _expanded(
    dist: LossDistribution, years: int, values: npt.ArrayLike | None
) -> npt.NDArray[np.float64]:
    counts = np.rint(dist.probs * years).astype(np.int64)
    assert counts.sum() == years
    chosen = dist.values if values is None else values
    return np.repeat(np.asarray(chosen, dtype=np.float64), counts)
