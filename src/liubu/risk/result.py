"""The frozen result of a quantification, with its JSON export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from liubu.risk.measures import LossDistribution

#: Levels reported by :meth:`Result.to_dict` for VaR (quantiles) and TVaR.
LEVELS = (0.9, 0.95, 0.99, 0.995)
#: Return periods (years) of the 1-in-N table.
RETURN_PERIODS = (10, 50, 100, 200, 250)


@dataclass(frozen=True)
class Result:
    """Annual insured loss (after every term, including the aggregate limit) and its parts.

    ``occurrence`` is the largest insured event loss of a year (after per-event terms, before the
    annual aggregate limit). ``settings`` records what produced the numbers (engine, seed, grid
    and its self-check, or years and chunk size).
    """

    engine: str
    annual: LossDistribution
    occurrence: LossDistribution
    scenarios: tuple[str, ...]
    coverages: tuple[str, ...]
    ground_up_mean: float
    settings: Mapping[str, Any] = field(default_factory=dict)
    mean_standard_error: float | None = None

    @property
    def mean(self) -> float:
        return self.annual.mean

    @property
    def sd(self) -> float:
        return self.annual.sd

    @property
    def insured_mean(self) -> float:
        return self.annual.mean

    @property
    def retained_mean(self) -> float:
        """Expected annual loss the insured keeps: ground-up minus insured."""
        return self.ground_up_mean - self.annual.mean

    def var(self, level: float) -> float:
        return self.annual.var(level)

    def tvar(self, level: float) -> float:
        return self.annual.tvar(level)

    def exceedance_probability(self, x: float) -> float:
        """P(annual insured loss > x)."""
        return float(self.annual.sf(x))

    def occurrence_exceedance_probability(self, x: float) -> float:
        """P(largest insured event of the year > x)."""
        return float(self.occurrence.sf(x))

    def contribution(self, part: str, level: float | None = None) -> float:
        """Mean (``level`` None) or Euler TVaR contribution of ``scenario:<name>`` or
        ``coverage:<code>``."""
        if level is None:
            return self.annual.part_mean(part)
        return self.annual.co_tvar(level, part)

    def return_periods(self) -> dict[str, dict[str, float]]:
        """1-in-N annual aggregate and largest-event losses."""
        return {
            str(n): {
                "aggregate": self.annual.var(1.0 - 1.0 / n),
                "occurrence": self.occurrence.var(1.0 - 1.0 / n),
            }
            for n in RETURN_PERIODS
        }

    def _parts(self, prefix: str, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "mean": self.contribution(f"{prefix}:{name}"),
                "tvar": {str(q): self.contribution(f"{prefix}:{name}", q) for q in LEVELS},
            }
            for name in names
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (plain floats, lists and dicts)."""
        out: dict[str, Any] = _plain(
            {
                "engine": self.engine,
                "mean": self.mean,
                "sd": self.sd,
                "quantiles": {str(q): self.var(q) for q in LEVELS},
                "tvar": {str(q): self.tvar(q) for q in LEVELS},
                "ground_up_mean": self.ground_up_mean,
                "insured_mean": self.insured_mean,
                "retained_mean": self.retained_mean,
                "mean_standard_error": self.mean_standard_error,
                "by_scenario": self._parts("scenario", self.scenarios),
                "by_coverage": self._parts("coverage", self.coverages),
                "return_periods": self.return_periods(),
                "exceedance": {
                    "aggregate": self.annual.exceedance_curve(),
                    "occurrence": self.occurrence.exceedance_curve(),
                },
                "settings": dict(self.settings),
            }
        )
        return out


def _plain(value: Any) -> Any:
    """numpy scalars to Python numbers, recursively; NaN and infinities to None (valid JSON)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
