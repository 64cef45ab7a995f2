"""The simulation kernel: one chunk of :data:`SEED_YEARS` years, vectorised over events and hits.

Chunk c (years c·G … c·G + G − 1, G = :data:`SEED_YEARS`) draws from its own generator,
``SeedSequence([seed, c])``, and everything summed over it is summed in a fixed order within it.
Blocks (the unit of work sent to a worker) are whole numbers of chunks, so a year's losses depend
only on the seed and the year — never on the block size or on how many workers run the blocks.

Per chunk, each family in catalogue order:

- outage kinds draw N ~ Poisson(λ·G) events, each in a uniform year and with one duration D; every
  policy relying on the target (hit with probability ``share_hit``) loses (D − tolerance)⁺ hours;
- campaign kinds draw N ~ Poisson(λ·G) events; each exposed policy is hit with probability
  ``share_hit`` and draws its own loss (``loss_share`` × revenue) and outage hours;
- attritional draws N ~ Poisson(λ·G·P) hits, each in a uniform year and policy, each its own event.

A hit's ground-up loss is hours × revenue per hour at stake plus the direct loss; its insured loss
comes from the risk engine's terms functions (coverage share and sublimit, BI waiting period, one
retention per event), then each policy-year's total is capped by its annual aggregate limit,
shared pro rata among that policy-year's events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from liubu.portfolio.plan import BoolArray, FamilyPlan, FloatArray, IntArray, OutageIndex, Plan
from liubu.portfolio.vocabulary import OUTAGE_KINDS
from liubu.risk import Severity, annual_insured_loss, insured_event_loss, recoverable_amount

#: G: the years drawn from one generator. Fixed: changing it changes every simulated year.
SEED_YEARS = 1000


@dataclass(frozen=True)
class Hits:
    """Policy hits with an insured loss in one chunk, in family, event and policy order."""

    year: IntArray  # within the chunk
    event: IntArray  # event number within the chunk
    family: IntArray
    dependency: IntArray  # the family's target (-1: attritional)
    policy: IntArray
    insured: FloatArray
    ground_up: FloatArray


@dataclass(frozen=True)
class ChunkResult:
    """One chunk's years: insured total and largest insured event per year, ground-up total."""

    chunk: int
    annual: FloatArray
    largest: FloatArray
    ground_up: FloatArray
    events: int  # events simulated in the chunk (with or without a loss)
    hits: Hits


@dataclass
class _Drawn:
    year: IntArray
    event: IntArray
    policy: IntArray
    hours: FloatArray
    hourly: FloatArray
    direct: FloatArray
    ground_up_year: IntArray  # the years of the family's ground-up losses (per hit or per event)
    ground_up: FloatArray


def simulate_chunk(plan: Plan, seed: int, chunk: int, years: int) -> ChunkResult:
    """Simulate ``years`` (≤ G) years of chunk ``chunk``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
    parts: list[tuple[int, _Drawn]] = []
    ground_up_parts: list[_Drawn] = []
    events = 0
    for f, family in enumerate(plan.families):
        drawn, count = _draw(plan, family, rng, years, events)
        events += count
        ground_up_parts.append(drawn)
        if len(drawn.policy):
            parts.append((f, drawn))
    event_year = np.zeros(events, dtype=np.int64)
    ground_up_annual = np.bincount(
        np.concatenate([d.ground_up_year for d in ground_up_parts]),
        np.concatenate([d.ground_up for d in ground_up_parts]),
        years,
    ).astype(np.float64)
    if not parts:
        empty = np.zeros(0)
        none = np.zeros(0, dtype=np.int64)
        hits = Hits(none, none, none, none, none, empty, empty)
        return ChunkResult(chunk, np.zeros(years), np.zeros(years), ground_up_annual, events, hits)
    year = np.concatenate([d.year for _, d in parts])
    event = np.concatenate([d.event for _, d in parts])
    policy = np.concatenate([d.policy for _, d in parts])
    family_of = np.concatenate([np.full(len(d.policy), f, dtype=np.int64) for f, d in parts])
    dependency = np.concatenate(
        [np.full(len(d.policy), plan.families[f].dependency, dtype=np.int64) for f, d in parts]
    )
    ground_up = np.concatenate([d.hours * d.hourly + d.direct for _, d in parts])
    insured = np.concatenate([_insured(plan, plan.families[f], d) for f, d in parts])
    insured, annual = _aggregate_limit(plan, year, policy, insured, years)
    event_year[event] = year
    event_loss = np.bincount(event, insured, events).astype(np.float64)
    largest = np.zeros(years)
    np.maximum.at(largest, event_year, event_loss)
    keep = np.flatnonzero(insured > 0.0)
    hits = Hits(
        year[keep],
        event[keep],
        family_of[keep],
        dependency[keep],
        policy[keep],
        insured[keep],
        ground_up[keep],
    )
    return ChunkResult(chunk, annual, largest, ground_up_annual, events, hits)


def event_insured(
    plan: Plan,
    family_index: int,
    policy: IntArray,
    lost_hours: FloatArray,
    hourly: FloatArray,
    direct: FloatArray,
) -> FloatArray:
    """One event's insured loss to each of its hits, computed as a simulated event's: the terms
    functions of :func:`_insured` (coverage share and sublimit, BI waiting period, one retention
    per event), then the annual aggregate limit of :func:`_aggregate_limit` for a year holding
    this event alone. ``policy`` lists each policy once; ``lost_hours`` are the hours beyond its
    tolerance, ``hourly`` its revenue at stake per hour and ``direct`` its direct loss (CNY)."""
    family = plan.families[family_index]
    year = np.zeros(len(policy), dtype=np.int64)
    drawn = _Drawn(
        year,
        year,
        policy.astype(np.int64),
        lost_hours,
        hourly,
        direct,
        year,
        lost_hours * hourly + direct,
    )
    insured, _ = _aggregate_limit(plan, year, drawn.policy, _insured(plan, family, drawn), 1)
    return insured


def _draw(
    plan: Plan, family: FamilyPlan, rng: np.random.Generator, years: int, first_event: int
) -> tuple[_Drawn, int]:
    """The hits of one family in one chunk, and how many events it had."""
    if family.kind == "attritional":
        count = int(rng.poisson(family.rate * years * plan.policies))
        year = rng.integers(0, years, count)
        policy = rng.integers(0, plan.policies, count)
        event = first_event + np.arange(count, dtype=np.int64)
        index = policy  # attritional exposure is every policy, in book order
        hours = _sample(family.outage_hours, rng, count)
    else:
        count = int(rng.poisson(family.rate * years))
        year_of_event = np.sort(rng.integers(0, years, count))
        duration = _sample(family.outage_hours, rng, count) if family.kind in OUTAGE_KINDS else None
        if family.outage is not None and duration is not None:
            return _outage_hits(family, family.outage, year_of_event, duration, first_event), count
        m = len(family.exposed)
        hit: BoolArray = (
            rng.random((count, m)) < family.share_hit
            if family.share_hit < 1.0
            else np.ones((count, m), dtype=np.bool_)
        )
        which, index = np.nonzero(hit)
        year = year_of_event[which]
        event = first_event + which.astype(np.int64)
        policy = family.exposed[index]
        hours = (
            duration[which]
            if duration is not None
            else _sample(family.outage_hours, rng, len(index))
        )
    tolerance = family.tolerance[index]
    direct = (
        _sample(family.loss_share, rng, len(policy)) * plan.revenue[policy]
        if family.loss_share is not None
        else np.zeros(len(policy))
    )
    lost = np.maximum(hours - tolerance, 0.0)
    hourly = family.hourly[index]
    year = year.astype(np.int64)
    drawn = _Drawn(
        year, event, policy.astype(np.int64), lost, hourly, direct, year, lost * hourly + direct
    )
    return drawn, count


def _outage_hits(
    family: FamilyPlan,
    outage: OutageIndex,
    year_of_event: IntArray,
    duration: FloatArray,
    first_event: int,
) -> _Drawn:
    """An outage family's hits that can pay (see :class:`~liubu.portfolio.plan.OutageIndex`),
    event by event in threshold order, and each event's ground-up loss."""
    paying = np.searchsorted(outage.threshold, duration, side="left")
    which = np.repeat(np.arange(len(duration), dtype=np.int64), paying)
    starts = np.cumsum(paying) - paying
    index = outage.order[np.arange(len(which), dtype=np.int64) - np.repeat(starts, paying)]
    lost = np.maximum(duration[which] - family.tolerance[index], 0.0)
    down = np.searchsorted(outage.tolerance, duration, side="left")
    ground_up = np.maximum(
        duration * outage.hourly_below[down] - outage.hourly_tolerance_below[down], 0.0
    )
    return _Drawn(
        year_of_event[which].astype(np.int64),
        first_event + which,
        family.exposed[index].astype(np.int64),
        lost,
        family.hourly[index],
        np.zeros(len(which)),
        year_of_event.astype(np.int64),
        ground_up,
    )


def _sample(severity: Severity | None, rng: np.random.Generator, size: int) -> FloatArray:
    """``size`` draws (zeros when the family has no such severity; no draw when size is 0)."""
    if severity is None or not size:
        return np.zeros(size)
    return np.asarray(severity.sample(rng, size), dtype=np.float64)


def _insured(plan: Plan, family: FamilyPlan, drawn: _Drawn) -> FloatArray:
    """Each hit's insured event loss under its policy's terms (the risk engine's functions)."""
    p = drawn.policy
    bi = plan.bi
    recoverable = recoverable_amount(
        drawn.hours,
        money_per_unit=drawn.hourly * bi.share[p],
        waiting=bi.waiting[p],
        qualifying=bi.qualifying[p] if plan.any_qualifying else False,
        cap=bi.sublimit[p],
    )
    if family.loss_share is not None:
        cover = family.cover
        recoverable = recoverable + recoverable_amount(
            drawn.direct,
            money_per_unit=cover.share[p],
            waiting=0.0,
            qualifying=False,
            cap=cover.sublimit[p],
        )
    return insured_event_loss(recoverable, plan.retention[p])


def _aggregate_limit(
    plan: Plan, year: IntArray, policy: IntArray, insured: FloatArray, years: int
) -> tuple[FloatArray, FloatArray]:
    """Cap each policy-year at its annual aggregate limit, pro rata over its events; return the
    hits' insured amounts and each year's total (a capped policy-year adds exactly its limit).

    Only a policy whose insured total over the whole chunk exceeds its limit can have a year
    above it; the policy-years of those few policies are summed cell by cell, every other hit
    goes to its year directly.
    """
    total_by_policy = np.bincount(policy, insured, plan.policies)
    candidate = total_by_policy > plan.aggregate_limit
    if not candidate.any():
        return insured, np.bincount(year, insured, years).astype(np.float64)
    chosen = candidate[policy] & (insured > 0.0)
    rest = np.flatnonzero(~chosen)
    chosen_at = np.flatnonzero(chosen)
    annual = np.bincount(year[rest], insured[rest], years).astype(np.float64)
    key = year[chosen_at] * plan.policies + policy[chosen_at]
    cells, row = np.unique(key, return_inverse=True)
    total = np.bincount(row, insured[chosen_at], len(cells)).astype(np.float64)
    capped = annual_insured_loss(total, plan.aggregate_limit[cells % plan.policies])
    annual += np.bincount(cells // plan.policies, capped, years)
    over = capped < total
    if not over.any():
        return insured, annual
    share = np.divide(capped, total, out=np.ones(len(cells)), where=over)
    out = insured.copy()
    out[chosen_at] = insured[chosen_at] * share[row]
    return out, annual
