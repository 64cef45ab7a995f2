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

from liubu.portfolio.plan import BoolArray, FamilyPlan, FloatArray, IntArray, Plan
from liubu.portfolio.vocabulary import OUTAGE_KINDS
from liubu.risk import annual_insured_loss, insured_event_loss, recoverable_amount

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


def simulate_chunk(plan: Plan, seed: int, chunk: int, years: int) -> ChunkResult:
    """Simulate ``years`` (≤ G) years of chunk ``chunk``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
    parts: list[tuple[int, _Drawn]] = []
    events = 0
    for f, family in enumerate(plan.families):
        drawn, count = _draw(plan, family, rng, years, events)
        events += count
        if len(drawn.policy):
            parts.append((f, drawn))
    event_year = np.zeros(events, dtype=np.int64)
    if not parts:
        empty = np.zeros(0)
        none = np.zeros(0, dtype=np.int64)
        hits = Hits(none, none, none, none, none, empty, empty)
        return ChunkResult(chunk, np.zeros(years), np.zeros(years), np.zeros(years), events, hits)
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
    ground_up_annual = np.bincount(year, ground_up, years).astype(np.float64)
    return ChunkResult(chunk, annual, largest, ground_up_annual, events, hits)


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
    drawn = _Drawn(
        year.astype(np.int64),
        event,
        policy.astype(np.int64),
        np.maximum(hours - tolerance, 0.0),
        family.hourly[index],
        direct,
    )
    return drawn, count


def _sample(severity: object, rng: np.random.Generator, size: int) -> FloatArray:
    if severity is None:
        return np.zeros(size)
    from liubu.risk import Severity

    assert isinstance(severity, Severity)
    return np.asarray(severity.sample(rng, size), dtype=np.float64) if size else np.zeros(0)


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


#: Above this many policy-year cells a chunk's caps are summed over its distinct cells (a sort)
#: rather than a dense table; both add each cell's hits in hit order, so they agree to the bit.
DENSE_CELLS = 1 << 22


def _aggregate_limit(
    plan: Plan, year: IntArray, policy: IntArray, insured: FloatArray, years: int
) -> tuple[FloatArray, FloatArray]:
    """Cap each policy-year at its annual aggregate limit, pro rata over its events; return the
    hits' insured amounts and each year's total (a capped policy-year adds exactly its limit)."""
    if not np.isfinite(plan.aggregate_limit).any():
        return insured, np.bincount(year, insured, years).astype(np.float64)
    paying = np.flatnonzero(insured > 0.0)  # hits below the retention change no cell
    key = year[paying] * plan.policies + policy[paying]
    if years * plan.policies <= DENSE_CELLS:
        dense = np.bincount(key, insured[paying], years * plan.policies).astype(np.float64)
        cells = np.flatnonzero(dense)
        total = dense[cells]
        row_of = np.empty(len(dense), dtype=np.int64)  # read at paying cells only
        row_of[cells] = np.arange(len(cells))
        row = row_of[key]
    else:
        cells, row = np.unique(key, return_inverse=True)
        total = np.bincount(row, insured[paying], len(cells)).astype(np.float64)
    capped = annual_insured_loss(total, plan.aggregate_limit[cells % plan.policies])
    annual = np.bincount(cells // plan.policies, capped, years).astype(np.float64)
    over = capped < total
    if not over.any():
        return insured, annual
    share = np.divide(capped, total, out=np.ones(len(cells)), where=over)
    out = insured.copy()
    out[paying] = insured[paying] * share[row]
    return out, annual
