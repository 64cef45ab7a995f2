"""Vectorised, chunked Monte Carlo over simulated years, at a cost that follows the loss events.

Years are cut into fixed blocks of :func:`block_years` (:data:`BLOCK_YEARS`, or up to
:data:`MAX_BLOCK_FACTOR` times that for a model with under one loss event a year, so that a
block's fixed cost is spread over enough events); block b draws from its own generator,
``SeedSequence(seed, spawn_key=(b,))``. A chunk is a run of whole blocks processed together, so
``chunk_size`` bounds the memory taken by events (down to one block's) but never changes a
number: the same seed gives the same years for any chunk size.

The work is per event, not per year. With independent scenarios a Poisson scenario draws a block's
whole count at once, N ~ Poisson(λ·years), and puts each of the N events in a uniformly drawn year:
given N the years' counts are multinomial, which makes them exactly independent Poisson(λ) counts.
Other frequencies (see :meth:`Frequency.sample_total`), and scenarios joined by a copula on their
counts, still draw a count per year. Only events with an insured loss are summed per year, and only
years with an insured loss are kept: the others are one atom at 0 of the annual and occurrence
distributions, with probability (years without an insured loss)/years. Per kept year the engine
holds the insured total and the largest insured event (float64); each scenario's and coverage's
share of the total (the Euler allocation's parts, float32) is assembled from the insured events
when first asked for.

This engine honours what the Fourier engine cannot: a Gaussian copula or comonotone dependence
between an event's components, and a Gaussian copula between scenarios' annual counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy import special

from liubu.risk.events import Scenario
from liubu.risk.layers import ComponentLayer, annual_insured_loss, insured_event_loss
from liubu.risk.measures import LazyParts, LossDistribution
from liubu.risk.model import Model
from liubu.risk.severity import FloatArray

BLOCK_YEARS = 65_536
MAX_BLOCK_FACTOR = 16

Progress = Callable[[int, int], None]
IntArray = npt.NDArray[np.int64]
Parts = npt.NDArray[np.float32]
_T = TypeVar("_T", bound=np.generic)


@dataclass(frozen=True)
class McOutput:
    """What the Monte Carlo engine hands to :class:`liubu.risk.result.Result`."""

    annual: LossDistribution
    occurrence: LossDistribution
    ground_up_mean: float
    events: int
    mean_standard_error: float
    chunk_size: int


@dataclass(frozen=True)
class _Plan:
    """One scenario's constants for a simulation."""

    scenario: Scenario
    layers: tuple[ComponentLayer, ...]
    coverages: tuple[int, ...]  # each component's coverage, as an index into model.coverages
    rates: tuple[float, ...]  # each component's ground-up CNY per unit drawn
    insurable: bool  # can an event's recoverable sum exceed the retention at all?


@dataclass(frozen=True)
class _Hits:
    """One scenario's events with an insured loss in a chunk."""

    scenario: int
    year: IntArray
    insured: FloatArray
    amounts: list[FloatArray]  # each component's share of ``insured``


@dataclass(frozen=True)
class _Parts:
    """One family of parts (scenarios or coverages) over a chunk's kept years. Sparse when the
    chunk has fewer insured amounts than half its cells: each amount and its cell,
    ``part × years + year`` (years counted in the chunk); else dense: a float32 table of the
    cells' sums. Both are summed in the same order, so a year's parts never depend on which."""

    key: IntArray
    amount: FloatArray
    table: Parts | None


@dataclass(frozen=True)
class _Kept:
    """A chunk's years with an insured loss, in year order, and the makings of their parts."""

    first: int  # the index of the chunk's first kept year among all kept years
    total: FloatArray  # after the aggregate limit
    largest: FloatArray
    single: npt.NDArray[np.bool_]  # one insured event, under the limit: largest == total
    scenarios: _Parts
    coverages: _Parts


def block_years(model: Model) -> int:
    """The years of one block: :data:`BLOCK_YEARS` times the largest power of two, at most
    :data:`MAX_BLOCK_FACTOR`, that keeps the expected loss events per year times it at most one.
    A property of the model alone, so a seed still gives the same years for any chunk size."""
    rate = math.fsum(s.frequency.mean for s in model.scenarios)
    factor = 1
    while factor < MAX_BLOCK_FACTOR and rate * factor * 2 <= 1.0:
        factor *= 2
    return BLOCK_YEARS * factor


def simulate(
    model: Model, *, years: int, seed: int, chunk_size: int, progress: Progress | None = None
) -> McOutput:
    """Simulate ``years`` years of ``model`` and return their insured annual losses."""
    plans = _plans(model)
    block = block_years(model)
    blocks = math.ceil(years / block)
    per_chunk = max(1, chunk_size // block)
    kept: list[_Kept] = []
    ground_up = np.zeros(blocks)
    events = rows = 0
    for first in range(0, blocks, per_chunk):
        chunk = range(first, min(first + per_chunk, blocks))
        sizes = [min(block, years - b * block) for b in chunk]
        offsets = np.cumsum([0, *sizes[:-1]])
        draws = [
            _draw_block(model, seed, b, size, int(offset))
            for b, size, offset in zip(chunk, sizes, offsets, strict=True)
        ]
        hits: list[_Hits] = []
        for j, plan in enumerate(plans):
            year = _joined([d[j][0] for d in draws])
            if not len(year):
                continue
            events += len(year)
            drawn = [_joined([d[j][1][c] for d in draws]) for c in range(len(plan.layers))]
            counts = np.array([len(d[j][0]) for d in draws])
            ground_up[chunk.start : chunk.stop] += _ground_up(plan, drawn, counts)
            if plan.insurable:
                hits.append(_insured(plan, j, year, drawn, model.terms.retention))
        if hits:
            kept.append(
                _per_year(
                    hits, sum(sizes), rows, model.terms.aggregate_limit, plans, len(model.coverages)
                )
            )
            rows += len(kept[-1].total)
        if progress is not None:
            progress(min(chunk.stop * block, years), years)
    return _output(model, years, kept, ground_up, events, per_chunk * block)


def _plans(model: Model) -> list[_Plan]:
    coverages, retention = model.coverages, model.terms.retention
    plans = []
    for scenario in model.scenarios:
        layers = model.layers(scenario)
        upper = 0.0
        for layer in layers:  # summed in the order the events' recoverable amounts are
            upper += layer.upper
        plans.append(
            _Plan(
                scenario,
                layers,
                tuple(coverages.index(c.coverage) for c in scenario.components),
                tuple(c.rate for c in scenario.components),
                # never insured when even the supremum is clearly below the retention (a draw a
                # rounding above the end of its support cannot cross it)
                upper >= retention * (1.0 - 1e-9),
            )
        )
    return plans


def _joined(parts: Sequence[npt.NDArray[_T]]) -> npt.NDArray[_T]:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _ground_up(plan: _Plan, drawn: list[FloatArray], counts: IntArray) -> FloatArray:
    """Ground-up CNY of each block's events (summed per block: the same for any chunk)."""
    busy = np.flatnonzero(counts)
    starts = (np.cumsum(counts) - counts)[busy]
    out = np.zeros(len(counts))
    for d, rate in zip(drawn, plan.rates, strict=True):
        out[busy] += np.add.reduceat(d, starts) * rate
    return out


def _insured(
    plan: _Plan, j: int, year: IntArray, drawn: list[FloatArray], retention: float
) -> _Hits:
    """Terms per event: the events whose recoverable sum exceeds the retention, with the insured
    amount and each component's pro rata share of it."""
    recoverable = [layer.recoverable(d) for layer, d in zip(plan.layers, drawn, strict=True)]
    summed = recoverable[0]
    if len(recoverable) > 1:
        summed = summed + recoverable[1]
        for r in recoverable[2:]:
            summed += r
    insured_all = insured_event_loss(summed, retention)
    hit = np.flatnonzero(insured_all > 0.0)
    gross = summed[hit]
    insured = insured_all[hit]
    if len(recoverable) == 1:
        return _Hits(j, year[hit], insured, [insured])
    ratio = insured / gross
    return _Hits(j, year[hit], insured, [r[hit] * ratio for r in recoverable])


def _per_year(
    hits: list[_Hits], years: int, first: int, limit: float, plans: list[_Plan], coverages: int
) -> _Kept:
    """A chunk's insured events summed per year, for its years with an insured loss; ``first`` is
    the index of its first such year among all kept years."""
    year = _joined([h.year for h in hits])
    insured = _joined([h.insured for h in hits])
    if 4 * len(year) < years:
        # Sparse: far fewer insured events than years. Every hit has an insured amount above 0,
        # so the years with a loss are the events' distinct years, in year order; nothing walks
        # the chunk's years.
        _loss_years, row = np.unique(year, return_inverse=True)
        k = len(_loss_years)
        total = np.asarray(np.bincount(row, insured, k), dtype=np.float64)
    else:
        gross = np.asarray(np.bincount(year, insured, years), dtype=np.float64)
        loss = np.flatnonzero(gross > 0)  # a boolean mask is scanned far faster than the floats
        k = len(loss)
        row_of = np.empty(years, np.int64)  # read at loss years only
        row_of[loss] = np.arange(k)
        row = row_of[year]
        total = gross[loss]
    largest = np.zeros(k)
    np.maximum.at(largest, row, insured)
    over = total > limit
    capped = bool(over.any())
    share = np.divide(limit, total, out=np.ones(k), where=over)  # the aggregate limit, pro rata
    total = annual_insured_loss(total, limit)
    single = np.bincount(row, minlength=k) == 1
    single[over] = False
    scenario_keys, coverage_rows, coverage_keys, amounts, at = [], [], [], [], 0
    for h in hits:
        here = row[at : at + len(h.year)]
        at += len(h.year)
        scenario_keys.append(here + h.scenario * k)
        for c, amount in zip(plans[h.scenario].coverages, h.amounts, strict=True):
            coverage_rows.append(here)
            coverage_keys.append(here + c * k)
            amounts.append(amount)
    scale = share if capped else None
    return _Kept(
        first,
        total,
        largest,
        single,
        _family(row, _joined(scenario_keys), insured, k, len(plans), scale),
        _family(
            _joined(coverage_rows), _joined(coverage_keys), _joined(amounts), k, coverages, scale
        ),
    )


def _family(
    row: IntArray,
    key: IntArray,
    amount: FloatArray,
    years: int,
    parts: int,
    share: FloatArray | None,
) -> _Parts:
    """One family of parts of a chunk's kept years, each amount scaled by its year's share under
    the aggregate limit (1 exactly where the limit does not bite)."""
    if share is not None:
        amount = amount * share[row]
    if 2 * len(amount) < parts * years:
        return _Parts(key, amount, None)
    table = np.bincount(key, amount, parts * years).reshape(parts, years).astype(np.float32)
    return _Parts(np.zeros(0, np.int64), np.zeros(0), table)  # not views: the amounts go


def _draw_block(
    model: Model, seed: int, block: int, years: int, offset: int
) -> list[tuple[IntArray, list[FloatArray]]]:
    """Every scenario's events of one block, from the block's generator: each event's year
    (``offset`` + its year in the block) and the draws of its components."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    placed = _event_years(model, rng, years, offset)
    return [(y, _components(s, rng, len(y))) for s, y in zip(model.scenarios, placed, strict=True)]


def _event_years(model: Model, rng: np.random.Generator, years: int, offset: int) -> list[IntArray]:
    """Each scenario's events of a block, as the year of each (counted from ``offset``)."""
    rho = model.scenario_correlation
    counts: list[int | IntArray]
    if rho > 0:
        uniforms = _gaussian_uniforms(rng, years, len(model.scenarios), rho)
        counts = [s.frequency.ppf(u) for s, u in zip(model.scenarios, uniforms, strict=True)]
    else:
        counts = [_count(s, rng, years) for s in model.scenarios]
    pooled = sum(n for n in counts if isinstance(n, int))
    uniform = rng.integers(offset, offset + years, pooled) if pooled else np.zeros(0, np.int64)
    out, at = [], 0
    for n in counts:
        if isinstance(n, int):
            out.append(uniform[at : at + n])
            at += n
        else:
            out.append(np.repeat(np.arange(offset, offset + years), n))
    return out


def _count(scenario: Scenario, rng: np.random.Generator, years: int) -> int | IntArray:
    """The block's total count when its events may be placed uniformly, else one per year."""
    total = scenario.frequency.sample_total(rng, years)
    return total if total is not None else scenario.frequency.sample(rng, years)


def _components(scenario: Scenario, rng: np.random.Generator, events: int) -> list[FloatArray]:
    bases = [c.base for c in scenario.components]
    dependence = scenario.dependence
    if scenario.independent_components:
        return [b.sample(rng, events) for b in bases]
    if dependence.kind == "comonotone":
        u = rng.random(events)
        return [b.ppf(u) for b in bases]
    uniforms = _gaussian_uniforms(rng, events, len(bases), dependence.correlation)
    return [b.ppf(u) for b, u in zip(bases, uniforms, strict=True)]


def _gaussian_uniforms(rng: np.random.Generator, size: int, dim: int, rho: float) -> FloatArray:
    """``dim`` rows of uniforms joined by a Gaussian copula with equal correlation ``rho``."""
    common = rng.standard_normal(size)
    own = rng.standard_normal((dim, size))
    z = math.sqrt(rho) * common + math.sqrt(1.0 - rho) * own
    return np.asarray(special.ndtr(z), dtype=np.float64)


def _output(
    model: Model,
    years: int,
    kept: list[_Kept],
    ground_up: FloatArray,
    events: int,
    chunk: int,
) -> McOutput:
    """The loss distributions: one atom at 0 for the years without an insured loss, then the kept
    years in order of their total (stable: ties in year order)."""
    total = _joined([k.total for k in kept] or [np.zeros(0)])
    k = len(total)
    zero = years - k
    mean = float(np.sum(total)) / years
    spread = float(np.sum(np.square(total - mean))) + zero * mean * mean
    se = math.sqrt(spread / years) / math.sqrt(years) if years > 1 else math.nan
    order = _stable_order(total)
    atom = 1 if zero else 0
    probs = np.full(atom + k, 1.0 / years)
    if zero:
        probs[0] = zero / years
    ranked = total[order]
    single = _joined([y.single for y in kept] or [np.zeros(0, np.bool_)])[order]
    parts = LazyParts(lambda: _parts(model, kept, order, atom))
    annual = LossDistribution(np.concatenate([np.zeros(atom), ranked]), probs, parts)
    occurrence = LossDistribution(_largest(kept, ranked[single], atom), probs)
    return McOutput(annual, occurrence, math.fsum(ground_up) / years, events, se, chunk)


def _stable_order(values: FloatArray) -> IntArray:
    """``np.argsort(values, kind="stable")`` for positive floats, by a radix sort: their IEEE bits
    order as the values do, and four stable passes over 16 bits each (numpy sorts 16-bit keys by
    counting) cost less than one comparison sort of the floats."""
    key = values.view(np.uint64)
    order = np.argsort(key.astype(np.uint16), kind="stable")
    for shift in (16, 32, 48):
        order = order[np.argsort((key[order] >> np.uint64(shift)).astype(np.uint16), kind="stable")]
    return order


def _largest(kept: list[_Kept], single: FloatArray, atom: int) -> FloatArray:
    """The kept years' largest events, sorted, after the atom. A year with one insured event under
    the limit has it as its total, already sorted (``single``): only the others need sorting, and
    then a merge (the stable sort of two sorted runs is one linear merge)."""
    rest = np.sort(_joined([y.largest[~y.single] for y in kept] or [np.zeros(0)]))
    merged = np.sort(np.concatenate([single, rest]), kind="stable")
    return np.concatenate([np.zeros(atom), merged])


def _parts(model: Model, kept: list[_Kept], order: IntArray, atom: int) -> Mapping[str, Parts]:
    """Each scenario's and coverage's share of the total, per value of the annual distribution."""
    size = atom + len(order)
    position = np.empty(len(order), np.int64)
    position[order] = np.arange(atom, size)
    out = _dense(
        [(y, y.scenarios) for y in kept],
        [f"scenario:{s.name}" for s in model.scenarios],
        position,
        size,
    )
    out.update(
        _dense(
            [(y, y.coverages) for y in kept],
            [f"coverage:{c}" for c in model.coverages],
            position,
            size,
        )
    )
    return out


def _dense(
    family: list[tuple[_Kept, _Parts]], names: list[str], position: IntArray, size: int
) -> dict[str, Parts]:
    """One family's table, parts × values, from its chunks' sparse amounts and dense tables."""
    keys, amounts = [], []
    for y, p in family:
        if len(p.key):
            years = len(y.total)
            part, row = np.divmod(p.key, years)
            keys.append(part * size + position[y.first + row])
            amounts.append(p.amount)
    sums = np.bincount(_joined(keys), _joined(amounts), len(names) * size) if keys else None
    table = (
        sums.reshape(len(names), size).astype(np.float32)
        if sums is not None
        else np.zeros((len(names), size), np.float32)
    )
    for y, p in family:
        if p.table is not None:
            table[:, position[y.first : y.first + len(y.total)]] = p.table
    return dict(zip(names, table, strict=True))
