"""The book and catalogue compiled to arrays, one row per policy, for the simulation kernel.

Each policy's terms become arrays read by the risk engine's own functions
(:func:`liubu.risk.recoverable_amount`, :func:`~liubu.risk.insured_event_loss`,
:func:`~liubu.risk.annual_insured_loss`): the insurer's share and sublimit of each coverage an
event family uses, the business-interruption waiting period and its type, the retention and the
annual aggregate limit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from liubu.portfolio.records import HOURS_PER_YEAR, Book, Catalogue, EventFamily
from liubu.portfolio.vocabulary import OUTAGE_KINDS
from liubu.risk import Severity, Terms

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

BUSINESS_INTERRUPTION = "business_interruption"


@dataclass(frozen=True)
class CoverArrays:
    """One coverage's terms across the book: a = share (1 − coinsurance), sublimit, waiting."""

    share: FloatArray
    sublimit: FloatArray
    waiting: FloatArray
    qualifying: BoolArray


@dataclass(frozen=True)
class FamilyPlan:
    """One event family with the policies it can reach."""

    name: str
    kind: str
    rate: float
    share_hit: float
    outage_hours: Severity | None
    loss_share: Severity | None
    dependency: int  # index into Plan.dependencies; -1 for attritional
    exposed: IntArray  # policy indices relying on the target (all policies: attritional)
    tolerance: FloatArray  # each exposed policy's tolerated outage hours
    hourly: FloatArray  # each exposed policy's revenue at stake per hour of outage (CNY)
    cover: CoverArrays  # the terms of the family's direct-loss coverage, per policy
    outage: OutageIndex | None = None  # for a whole-book outage without direct loss


@dataclass(frozen=True)
class OutageIndex:
    """An outage family's exposed policies sorted for one event at a time.

    A policy's insured loss from an outage of D hours is (min(a·(H − w)⁺, L) − R)⁺ with
    H = (D − tolerance)⁺ (a qualifying period pays a·H once H > w), which is above 0 only when
    D > tolerance + w + R/a (qualifying: tolerance + max(w, R/a)) and L > R. Sorted by that
    threshold, the policies an event can pay are a prefix; the others are never drawn as hits.
    The thresholds are lowered by a relative 1e-9 so that no paying hit is left out: a hit let in
    at the boundary goes through the same terms code and adds 0.

    Ground-up loss of an event, Σ over tolerance < D of hourly·(D − tolerance), comes from the
    policies sorted by tolerance and two cumulative sums.
    """

    order: IntArray  # positions in ``exposed``, by threshold
    threshold: FloatArray  # sorted, lowered by the margin
    tolerance: FloatArray  # sorted ascending
    hourly_below: FloatArray  # cumulative hourly of the policies up to each tolerance, from 0
    hourly_tolerance_below: FloatArray  # cumulative hourly·tolerance, from 0


@dataclass(frozen=True)
class Plan:
    """Everything the kernel reads, picklable, sent once to each worker."""

    policy_ids: tuple[str, ...]
    industries: tuple[str, ...]  # GB/T 4754 section letters
    regions: tuple[str, ...]  # GB/T 2260 province codes
    dependencies: tuple[str, ...]
    revenue: FloatArray
    retention: FloatArray
    aggregate_limit: FloatArray
    bi: CoverArrays
    families: tuple[FamilyPlan, ...]

    @property
    def policies(self) -> int:
        return len(self.policy_ids)

    @property
    def any_qualifying(self) -> bool:
        """Does any policy's BI waiting period work as a qualifying period? (If none does, the
        terms take the time-deductible path alone, the same numbers with less work.)"""
        return bool(self.bi.qualifying.any())


def _cover(terms: tuple[Terms, ...], code: str) -> CoverArrays:
    covers = [t.for_coverage(code) for t in terms]
    waiting = [c.waiting_period_hours if code == BUSINESS_INTERRUPTION else 0.0 for c in covers]
    return CoverArrays(
        np.array([c.share for c in covers], dtype=np.float64),
        np.array([c.sublimit for c in covers], dtype=np.float64),
        np.array(waiting, dtype=np.float64),
        np.array(
            [
                c.waiting_period_type == "qualifying" and w > 0
                for c, w in zip(covers, waiting, strict=True)
            ],
            dtype=np.bool_,
        ),
    )


def compile_plan(book: Book, catalogue: Catalogue) -> Plan:
    """Arrays for the kernel; the book is checked against the catalogue's dependencies first."""
    catalogue.check_book(book)
    terms = tuple(p.terms for p in book.policies)
    revenue = np.array([p.revenue for p in book.policies], dtype=np.float64)
    dependencies = tuple(d.id for d in catalogue.dependencies)
    covers: dict[str, CoverArrays] = {}
    families = []
    retention = np.array([t.retention for t in terms], dtype=np.float64)
    bi = _cover(terms, BUSINESS_INTERRUPTION)
    for family in catalogue.families:
        cover = covers.setdefault(family.coverage, _cover(terms, family.coverage))
        plan = _family(book, family, dependencies, revenue, cover)
        if plan.kind in OUTAGE_KINDS and plan.share_hit == 1.0 and plan.loss_share is None:
            plan = replace(plan, outage=_outage_index(plan, bi, retention))
        families.append(plan)
    return Plan(
        policy_ids=tuple(p.id for p in book.policies),
        industries=tuple(p.industry.section for p in book.policies),
        regions=tuple(p.region.province.region_code for p in book.policies),
        dependencies=dependencies,
        revenue=revenue,
        retention=retention,
        aggregate_limit=np.array([t.aggregate_limit for t in terms], dtype=np.float64),
        bi=bi,
        families=tuple(families),
    )


def _outage_index(family: FamilyPlan, bi: CoverArrays, retention: FloatArray) -> OutageIndex:
    p = family.exposed
    a = family.hourly * bi.share[p]
    w, r, cap = bi.waiting[p], retention[p], bi.sublimit[p]
    with np.errstate(divide="ignore"):
        need = np.where(a > 0, r / np.where(a > 0, a, 1.0), np.inf)
    hours = np.where(bi.qualifying[p], np.maximum(w, need), w + need)
    threshold = np.where((a > 0) & (cap > r), family.tolerance + hours, np.inf)
    threshold = threshold - (np.abs(threshold) * 1e-9 + 1e-9)
    order = np.argsort(threshold, kind="stable")
    by_tolerance = np.argsort(family.tolerance, kind="stable")
    hourly = family.hourly[by_tolerance]
    tolerance = family.tolerance[by_tolerance]
    return OutageIndex(
        order=order.astype(np.int64),
        threshold=threshold[order],
        tolerance=tolerance,
        hourly_below=np.concatenate([[0.0], np.cumsum(hourly)]),
        hourly_tolerance_below=np.concatenate([[0.0], np.cumsum(hourly * tolerance)]),
    )


def _family(
    book: Book,
    family: EventFamily,
    dependencies: tuple[str, ...],
    revenue: FloatArray,
    cover: CoverArrays,
) -> FamilyPlan:
    if family.target is None:
        exposed = np.arange(len(book.policies), dtype=np.int64)
        tolerance = np.zeros(len(exposed))
        hourly = revenue / HOURS_PER_YEAR
        dependency = -1
    else:
        rows = [
            (i, r)
            for i, p in enumerate(book.policies)
            for r in p.reliances
            if r.dependency == family.target
        ]
        exposed = np.array([i for i, _ in rows], dtype=np.int64)
        tolerance = np.array([r.tolerance_hours for _, r in rows], dtype=np.float64)
        shares = np.array([r.revenue_share for _, r in rows], dtype=np.float64)
        hourly = revenue[exposed] / HOURS_PER_YEAR * shares
        dependency = dependencies.index(family.target)
    return FamilyPlan(
        name=family.name,
        kind=family.kind,
        rate=family.rate,
        share_hit=family.share_hit,
        outage_hours=family.outage_hours,
        loss_share=family.loss_share,
        dependency=dependency,
        exposed=exposed,
        tolerance=tolerance,
        hourly=hourly,
        cover=cover,
    )
