"""Capital from the simulated book (组合资本分配): each policy's Euler contribution to the book's
TVaR against its own stand-alone capital, for the technical premium's risk load.

Over N simulated years, T the return period of the capital level α (T = 1/(1 − α): 99.5 % → 200)
and k = ⌊N/T⌋ the tail years (the k worst book years, as :mod:`liubu.portfolio.results` defines
them):

- m_i = (1/N) Σ_y X_{i,y}, policy i's mean annual insured loss;
- e_i = (1/k) Σ_{y in the book's tail} X_{i,y}, its Euler contribution to TVaR_T(S) (so
  Σ_i e_i = TVaR_T(S), and Σ_i (e_i − m_i) = TVaR_T(S) − E[S], the book's capital);
- s_i = TVaR_T(X_i) − m_i, its simulated stand-alone capital: the mean of its own k worst years
  less its mean;
- r_i = (e_i − m_i) / s_i clipped to [0, 1] (undefined when s_i = 0): the share of its stand-alone
  capital the policy ties up in the book. A policy with no loss in any of the book's tail years
  has e_i = 0 and r_i = 0 (it adds nothing to the book's 1-in-T loss);
- a segment's ratio R = Σ(e_i − m_i) / Σ s_i over its policies (by GB/T 4754 section, and the
  whole book), clipped to [0, 1]. The book's Σ(e_i − m_i) ≤ Σ s_i always: the mean of the k worst
  years of a sum is at most the sum of each part's mean of its own k worst years.

The technical premium charges C = min(C₁, r × C₁) with C₁ the quote's stand-alone capital from the
single-risk engine: the book says how much of a policy's stand-alone capital diversifies away.

e_i and m_i are the book run's own contributions (``BookResult.contributions_by("policy")``); s_i
needs each policy's k worst years, read from the Parquet year-loss table one row group at a time
and kept as a running top k per policy: memory k × policies floats, whatever N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from liubu.errors import ValidationError
from liubu.portfolio.plan import FloatArray, IntArray
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Book
from liubu.portfolio.results import BookResult

#: Segment kinds: the whole book and GB/T 4754 sections.
BOOK_SEGMENT = "book"
INDUSTRY_SEGMENT = "industry"


@dataclass(frozen=True, slots=True)
class PolicyCapital:
    """One policy's mean m, Euler TVaR contribution e and simulated stand-alone capital s."""

    policy: str
    industry: str
    mean: float
    euler: float
    stand_alone: float

    @property
    def capital(self) -> float:
        """e − m: the policy's share of the book's capital."""
        return self.euler - self.mean

    @property
    def ratio(self) -> float | None:
        """(e − m) / s clipped to [0, 1]; None when s = 0 (the policy never loses)."""
        return _ratio(self.capital, self.stand_alone)


@dataclass(frozen=True, slots=True)
class SegmentCapital:
    """A segment's (``book``, or ``industry`` with its section as ``key``) summed capital."""

    segment: str
    key: str
    policies: int
    capital: float
    stand_alone: float

    @property
    def ratio(self) -> float | None:
        """Σ(e − m) / Σ s clipped to [0, 1]; None when Σ s = 0."""
        return _ratio(self.capital, self.stand_alone)


@dataclass(frozen=True)
class BookCapital:
    """Capital of a simulated book at one return period, with the run's settings."""

    return_period: int
    level: Decimal
    years: int
    seed: int
    tail_years: int
    book_mean: float
    book_tvar: float
    policies: tuple[PolicyCapital, ...]
    segments: tuple[SegmentCapital, ...]

    @property
    def book(self) -> SegmentCapital:
        return next(s for s in self.segments if s.segment == BOOK_SEGMENT)

    def industry(self, section: str) -> SegmentCapital | None:
        return next(
            (s for s in self.segments if s.segment == INDUSTRY_SEGMENT and s.key == section), None
        )

    def policy(self, key: str) -> PolicyCapital | None:
        return next((p for p in self.policies if p.policy == key), None)


def return_period_of(level: Decimal | float, available: Sequence[int]) -> int:
    """The return period 1/(1 − α) of capital level α, refused unless it is whole and one of
    ``available`` (the run's tail return periods).

    >>> return_period_of(Decimal("0.995"), (100, 200))
    200
    """
    alpha = level if isinstance(level, Decimal) else Decimal(repr(float(level)))
    periods = ", ".join(str(t) for t in available) or "none"
    if not alpha.is_finite() or not 0 < alpha < 1:
        raise _level_error(f"The capital level {alpha} must lie strictly between 0 and 1.", alpha)
    period = 1 / (1 - alpha)
    if period != period.to_integral_value() or int(period) not in available:
        raise _level_error(
            f"The capital level {alpha} is a 1-in-{period.normalize():f} loss; the simulation "
            f"gives tail measures at 1-in-T years for T in {periods} only (simulate at least T "
            "years, or price at one of those levels).",
            alpha,
        )
    return int(period)


def book_capital(result: BookResult, book: Book, *, return_period: int = 200) -> BookCapital:
    """Each policy's m, e and s and the segments' ratios at ``return_period`` (module doc)."""
    periods = [t.return_period for t in result.tails]
    if return_period not in periods:
        level = 1 - Decimal(1) / Decimal(return_period) if return_period > 1 else Decimal(0)
        return_period_of(level, periods)  # raises, naming what is available
    at = periods.index(return_period)
    tail = result.tail(return_period)
    ids = [p.id for p in book.policies]
    rows = {c.key: c for c in result.contributions_by("policy")}
    if result.policies != len(ids) or set(rows) != set(ids):
        raise ValidationError(
            f"The simulation covers {result.policies} policies that are not the book's "
            f"{len(ids)}: compute the capital from the run of this book.",
            code=PortfolioCode.BOOK_MISMATCH,
            field="book",
            value=result.policies,
        )
    worst = worst_years_mean(result.ylt_files, len(ids), result.years, tail.tail_years)
    policies = tuple(
        PolicyCapital(
            policy=p.id,
            industry=p.industry.section,
            mean=rows[p.id].aal,
            euler=rows[p.id].tvar[at],
            stand_alone=max(float(worst[i]) - rows[p.id].aal, 0.0),
        )
        for i, p in enumerate(book.policies)
    )
    return BookCapital(
        return_period=return_period,
        level=1 - Decimal(1) / Decimal(return_period),
        years=result.years,
        seed=result.seed,
        tail_years=tail.tail_years,
        book_mean=result.aal,
        book_tvar=tail.tvar,
        policies=policies,
        segments=_segments(policies),
    )


def worst_years_mean(paths: Sequence[str], policies: int, years: int, k: int) -> FloatArray:
    """Each policy's mean annual insured loss over its own k worst of ``years`` years (years with
    no loss count as 0), from the year-loss table streamed one row group at a time.

    A year's hits all lie in one chunk, and a chunk's rows in consecutive row groups of one file:
    a chunk's policy-years are summed whole, then only those above their policy's k-th largest
    so far are kept as candidates; the candidates are merged into the running top k whenever
    they reach k × policies (memory: twice that, plus one chunk)."""
    import pyarrow.parquet as pq

    if k < 1:
        return np.zeros(policies)
    top = np.zeros((policies, k))
    candidates = _Candidates(top)
    pending: list[tuple[IntArray, IntArray, FloatArray]] = []
    current = -1
    for path in paths:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=["chunk", "year", "policy", "insured"])
            if not table.num_rows:
                continue
            chunk = int(table.column("chunk")[0].as_py())
            if chunk != current and pending:
                candidates.add(*_policy_years(pending))
                pending = []
            current = chunk
            pending.append(
                (
                    table.column("policy").to_numpy(),
                    table.column("year").to_numpy(),
                    table.column("insured").to_numpy(),
                )
            )
    if pending:
        candidates.add(*_policy_years(pending))
    candidates.merge()
    means: FloatArray = top.sum(axis=1) / k
    return means


def _policy_years(
    parts: list[tuple[IntArray, IntArray, FloatArray]],
) -> tuple[IntArray, FloatArray]:
    """One chunk's insured losses summed by policy-year: (policy, annual loss) per policy-year."""
    policy = np.concatenate([p for p, _, _ in parts])
    year = np.concatenate([y for _, y, _ in parts])
    insured = np.concatenate([x for _, _, x in parts])
    first = int(year.min())
    span = int(year.max()) - first + 1
    keys, inverse = np.unique(policy * span + (year - first), return_inverse=True)
    owner: IntArray = keys // span
    sums: FloatArray = np.bincount(inverse, insured, len(keys)).astype(np.float64)
    return owner, sums


class _Candidates:
    """Policy-years that may enter each policy's top k (rows of ``top``, kept sorted from the
    largest). A year not above its policy's k-th largest so far never enters it (one equal to it
    leaves the mean of the k largest as it is), and that k-th largest only grows, so filtering
    against a stale ``top`` keeps every year that matters."""

    def __init__(self, top: FloatArray) -> None:
        self.top = top
        self.limit = top.size
        self.owners: list[IntArray] = []
        self.values: list[FloatArray] = []
        self.size = 0

    def add(self, owner: IntArray, value: FloatArray) -> None:
        better = value > self.top[owner, -1]
        self.owners.append(owner[better])
        self.values.append(value[better])
        self.size += int(better.sum())
        if self.size >= self.limit:
            self.merge()

    def merge(self) -> None:
        if not self.size:
            return
        top, k = self.top, self.top.shape[1]
        owner, value = np.concatenate(self.owners), np.concatenate(self.values)
        self.owners, self.values, self.size = [], [], 0
        touched = np.unique(owner)
        owners = np.concatenate([np.repeat(touched, k), owner])
        values = np.concatenate([top[touched].ravel(), value])
        order = np.lexsort((-values, owners))
        owners, values = owners[order], values[order]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        rank = np.arange(len(owners)) - np.repeat(starts, np.diff(np.r_[starts, len(owners)]))
        keep = rank < k
        top[owners[keep], rank[keep]] = values[keep]


def _segments(policies: tuple[PolicyCapital, ...]) -> tuple[SegmentCapital, ...]:
    def summed(segment: str, key: str, members: list[PolicyCapital]) -> SegmentCapital:
        return SegmentCapital(
            segment,
            key,
            len(members),
            float(sum(p.capital for p in members)),
            float(sum(p.stand_alone for p in members)),
        )

    rows = [summed(BOOK_SEGMENT, "", list(policies))]
    for section in sorted({p.industry for p in policies}):
        rows.append(
            summed(INDUSTRY_SEGMENT, section, [p for p in policies if p.industry == section])
        )
    return tuple(rows)


def _ratio(capital: float, stand_alone: float) -> float | None:
    if stand_alone <= 0.0:
        return None
    return min(max(capital / stand_alone, 0.0), 1.0)


def _level_error(message: str, level: Decimal) -> ValidationError:
    return ValidationError(
        message, code=PortfolioCode.CAPITAL_LEVEL, field="capital_level", value=str(level)
    )
