"""What a book simulation returns: AAL with its standard error, AEP and OEP curves, PML, TVaR and
contributions, as frozen records that record the settings used.

Definitions over N simulated years (annual insured loss S_y, largest insured event M_y):

- AAL = (1/N) Σ S_y, standard error s/√N with s the sample standard deviation (ddof 1);
- the loss at return period T (AEP from S, OEP from M) is the empirical quantile at q = 1 − 1/T,
  inf{x : F_N(x) ≥ q}: the (N − ⌊N/T⌋)-th smallest value, so an exact Poisson quantile for a
  lattice of losses;
- TVaR at T: the mean of the ⌊N/T⌋ worst years (ties by year order); OEP TVaR the same of M;
- Euler allocation of TVaR: a part's contribution is its mean loss in those tail years, so the
  contributions add up to the TVaR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from liubu.portfolio.plan import FloatArray

#: Return periods of the curves (those ≤ N are reported).
RETURN_PERIODS = (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)
#: PML return periods (1-in-100, 1-in-200, 1-in-250).
PML_RETURN_PERIODS = (100, 200, 250)
#: TVaR at 99 % and 99.5 %, as return periods; contributions are given at each.
TAIL_RETURN_PERIODS = (100, 200)
#: The parts a contribution may be by.
CONTRIBUTION_KINDS = ("family", "dependency", "industry", "region", "policy")


@dataclass(frozen=True, slots=True)
class ReturnPeriodLoss:
    """The loss at one return period: aggregate (AEP) and occurrence (OEP)."""

    return_period: int
    aep: float
    oep: float


@dataclass(frozen=True, slots=True)
class TailMeasure:
    """VaR and TVaR of the annual loss at 1 − 1/T, and the OEP TVaR."""

    return_period: int
    level: float
    var: float
    tvar: float
    oep_tvar: float
    tail_years: int


@dataclass(frozen=True, slots=True)
class Contribution:
    """One part's share: of the AAL and (Euler) of the TVaR at each tail return period."""

    by: str
    key: str
    aal: float
    tvar: tuple[float, ...]  # aligned with TAIL_RETURN_PERIODS


@dataclass(frozen=True)
class BookResult:
    """A simulated book: settings, headline measures, curves, contributions, where the YLT is."""

    years: int
    seed: int
    block_years: int
    seed_years: int
    policies: int
    events: int
    aal: float
    aal_standard_error: float
    sd: float
    ground_up_aal: float
    curve: tuple[ReturnPeriodLoss, ...]
    tails: tuple[TailMeasure, ...]
    contributions: tuple[Contribution, ...]
    annual: FloatArray
    largest: FloatArray
    ground_up: FloatArray
    chunk_events: tuple[int, ...]
    ylt_files: tuple[str, ...]

    def loss_at(self, return_period: int) -> ReturnPeriodLoss:
        """AEP and OEP at any return period T ≤ N."""
        return ReturnPeriodLoss(
            return_period,
            loss_at_return_period(self.annual, return_period),
            loss_at_return_period(self.largest, return_period),
        )

    @property
    def pml(self) -> tuple[ReturnPeriodLoss, ...]:
        return tuple(self.loss_at(t) for t in PML_RETURN_PERIODS if t <= self.years)

    def tail(self, return_period: int) -> TailMeasure:
        return next(t for t in self.tails if t.return_period == return_period)

    def contributions_by(self, by: str) -> tuple[Contribution, ...]:
        """One kind's contributions, largest TVaR share (at the last tail period) first."""
        rows = [c for c in self.contributions if c.by == by]
        return tuple(sorted(rows, key=lambda c: (-c.tvar[-1], -c.aal, c.key)))


def loss_at_return_period(values: FloatArray, return_period: int) -> float:
    """inf{x : F_N(x) ≥ 1 − 1/T}: the (N − ⌊N/T⌋)-th smallest of ``values`` (integer ranks, so
    no rounding of q·N)."""
    n = len(values)
    rank = n - n // return_period  # 1-based
    return float(np.partition(values, rank - 1)[rank - 1])


def tail_years(values: FloatArray, return_period: int) -> np.ndarray:
    """Indices of the ⌊N/T⌋ largest values, ties broken by index (stable)."""
    k = len(values) // return_period
    order = np.argsort(-values, kind="stable")
    return np.sort(order[:k])
