"""Vectorised, chunked Monte Carlo over simulated years.

Years are cut into fixed blocks of :data:`BLOCK_YEARS`; block b draws from its own generator,
``SeedSequence(seed, spawn_key=(b,))``. A chunk is a run of whole blocks processed together, so
``chunk_size`` bounds the memory taken by events but never changes a number: the same seed gives
the same years for any chunk size. Per year the engine keeps the insured total (float64) and each
scenario's and coverage's share of it (float32) for the Euler allocation.

This engine honours what the Fourier engine cannot: a Gaussian copula or comonotone dependence
between an event's components, and a Gaussian copula between scenarios' annual counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from liubu.risk.events import Scenario
from liubu.risk.layers import ComponentLayer
from liubu.risk.measures import LossDistribution
from liubu.risk.model import Model
from liubu.risk.severity import FloatArray

BLOCK_YEARS = 4096

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class McOutput:
    """What the Monte Carlo engine hands to :class:`liubu.risk.result.Result`."""

    annual: LossDistribution
    occurrence: LossDistribution
    ground_up_mean: float
    events: int
    mean_standard_error: float
    chunk_size: int


@dataclass
class _Chunk:
    """Per-year accumulators for the years of one chunk."""

    years: int
    scenario: FloatArray
    coverage: FloatArray
    ground_up: FloatArray
    largest: FloatArray
    events: int = 0


def simulate(
    model: Model, *, years: int, seed: int, chunk_size: int, progress: Progress | None = None
) -> McOutput:
    """Simulate ``years`` years of ``model`` and return their insured annual losses."""
    coverages = model.coverages
    blocks = math.ceil(years / BLOCK_YEARS)
    per_chunk = max(1, chunk_size // BLOCK_YEARS)
    total = np.empty(years)
    largest = np.empty(years)
    ground_up = np.empty(years)
    by_scenario = np.empty((len(model.scenarios), years), dtype=np.float32)
    by_coverage = np.empty((len(coverages), years), dtype=np.float32)
    events = 0
    for first in range(0, blocks, per_chunk):
        start = first * BLOCK_YEARS
        stop = min((first + per_chunk) * BLOCK_YEARS, years)
        chunk = _simulate_chunk(
            model, seed, range(first, min(first + per_chunk, blocks)), years, coverages
        )
        capped = _cap(chunk, model.terms.aggregate_limit)
        total[start:stop] = capped.sum(axis=0) if len(capped) else 0.0
        by_scenario[:, start:stop] = capped
        share = np.divide(
            capped.sum(axis=0),
            chunk.scenario.sum(axis=0),
            out=np.zeros(chunk.years),
            where=chunk.scenario.sum(axis=0) > 0,
        )
        by_coverage[:, start:stop] = chunk.coverage * share
        ground_up[start:stop] = chunk.ground_up
        largest[start:stop] = chunk.largest
        events += chunk.events
        if progress is not None:
            progress(stop, years)
    return _output(
        model, total, by_scenario, by_coverage, ground_up, largest, events, per_chunk * BLOCK_YEARS
    )


def _cap(chunk: _Chunk, limit: float) -> FloatArray:
    """Scenario totals after the annual aggregate limit, shared pro rata."""
    gross = chunk.scenario.sum(axis=0)
    if not math.isfinite(limit):
        return chunk.scenario
    factor = np.divide(np.minimum(gross, limit), gross, out=np.zeros_like(gross), where=gross > 0)
    return np.asarray(chunk.scenario * factor, dtype=np.float64)


def _simulate_chunk(
    model: Model, seed: int, blocks: range, years: int, coverages: tuple[str, ...]
) -> _Chunk:
    draws = [_draw_block(model, seed, b, min(BLOCK_YEARS, years - b * BLOCK_YEARS)) for b in blocks]
    n_years = sum(len(d[0][0]) for d in draws)
    chunk = _Chunk(
        n_years,
        np.zeros((len(model.scenarios), n_years)),
        np.zeros((len(coverages), n_years)),
        np.zeros(n_years),
        np.zeros(n_years),
    )
    for j, scenario in enumerate(model.scenarios):
        counts = np.concatenate([d[j][0] for d in draws])
        drawn = [
            np.concatenate([d[j][1][c] for d in draws]) for c in range(len(scenario.components))
        ]
        _losses(
            model.layers(scenario),
            counts,
            drawn,
            model.terms.retention,
            chunk,
            j,
            [coverages.index(c.coverage) for c in scenario.components],
        )
    return chunk


def _losses(
    layers: tuple[ComponentLayer, ...],
    counts: np.ndarray,
    drawn: list[FloatArray],
    retention: float,
    chunk: _Chunk,
    j: int,
    rows: list[int],
) -> None:
    """Terms applied per event, summed per year into the chunk's accumulators."""
    if not len(drawn[0]):
        return
    chunk.events += len(drawn[0])
    year = np.repeat(np.arange(chunk.years), counts)
    recoverable = [layer.recoverable(d) for layer, d in zip(layers, drawn, strict=True)]
    summed = recoverable[0] if len(recoverable) == 1 else np.sum(recoverable, axis=0)
    insured = np.maximum(summed - retention, 0.0)
    ratio = np.divide(insured, summed, out=np.zeros_like(summed), where=summed > 0)
    chunk.scenario[j] = np.bincount(year, insured, chunk.years)
    for row, amount, layer, d in zip(rows, recoverable, layers, drawn, strict=True):
        chunk.coverage[row] += np.bincount(year, amount * ratio, chunk.years)
        chunk.ground_up += np.bincount(year, layer.ground_up(d), chunk.years)
    with_events = np.flatnonzero(counts)
    starts = np.cumsum(counts)[with_events] - counts[with_events]
    chunk.largest[with_events] = np.maximum(
        chunk.largest[with_events], np.maximum.reduceat(insured, starts)
    )


def _draw_block(
    model: Model, seed: int, block: int, years: int
) -> list[tuple[np.ndarray, list[FloatArray]]]:
    """Counts and component draws of every scenario for one block, from the block's generator."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    counts = _counts(model, rng, years)
    return [
        (n, _components(s, rng, int(n.sum()))) for s, n in zip(model.scenarios, counts, strict=True)
    ]


def _counts(model: Model, rng: np.random.Generator, years: int) -> list[np.ndarray]:
    rho = model.scenario_correlation
    if rho == 0:
        return [s.frequency.sample(rng, years) for s in model.scenarios]
    uniforms = _gaussian_uniforms(rng, years, len(model.scenarios), rho)
    return [s.frequency.ppf(u) for s, u in zip(model.scenarios, uniforms, strict=True)]


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
    total: FloatArray,
    by_scenario: np.ndarray,
    by_coverage: np.ndarray,
    ground_up: FloatArray,
    largest: FloatArray,
    events: int,
    chunk: int,
) -> McOutput:
    years = len(total)
    order = np.argsort(total, kind="stable")
    probs = np.full(years, 1.0 / years)
    parts = {f"scenario:{s.name}": by_scenario[j][order] for j, s in enumerate(model.scenarios)}
    parts.update({f"coverage:{c}": by_coverage[i][order] for i, c in enumerate(model.coverages)})
    annual = LossDistribution(total[order], probs, parts)
    occurrence = LossDistribution(np.sort(largest, kind="stable"), probs)
    se = float(np.std(total) / math.sqrt(years)) if years > 1 else math.nan
    return McOutput(annual, occurrence, float(np.mean(ground_up)), events, se, chunk)
