"""One block of years: its chunks simulated in order and its year-loss table written to Parquet.

A block is the unit of work a Dask worker runs. Its Parquet file (``ylt-<block>.parquet``) holds
one row group per chunk with an insured loss, so the summary reads it back one chunk at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from liubu.portfolio.kernel import SEED_YEARS, ChunkResult, simulate_chunk
from liubu.portfolio.plan import FloatArray, Plan

#: Year-loss table columns: global year, event number within its chunk, family, dependency (−1:
#: none), policy (indices into the plan), insured and ground-up loss (CNY).
YLT_COLUMNS = ("chunk", "year", "event", "family", "dependency", "policy", "insured", "ground_up")


@dataclass(frozen=True)
class BlockOutput:
    """What a block sends back: per-year arrays (small) and where its year-loss table is."""

    block: int
    first_year: int
    annual: FloatArray
    largest: FloatArray
    ground_up: FloatArray
    chunk_events: npt.NDArray[np.int64]  # events simulated per chunk, in chunk order
    path: str


def block_path(directory: str, block: int) -> str:
    return str(Path(directory) / f"ylt-{block:06d}.parquet")


def run_block(
    plan: Plan, seed: int, block: int, years: int, block_years: int, directory: str
) -> BlockOutput:
    """Simulate block ``block`` (years b·B up to min(years, (b + 1)·B)); write its table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    first = block * block_years
    last = min(years, first + block_years)
    chunks = range(first // SEED_YEARS, math.ceil(last / SEED_YEARS))
    results: list[ChunkResult] = []
    path = block_path(directory, block)
    schema = pa.schema(
        [(c, pa.int64()) for c in YLT_COLUMNS[:6]] + [(c, pa.float64()) for c in YLT_COLUMNS[6:]]
    )
    # dictionary encoding costs three times the write for a table of distinct floats and ids
    with pq.ParquetWriter(path, schema, use_dictionary=False) as writer:
        for chunk in chunks:
            start = chunk * SEED_YEARS
            result = simulate_chunk(plan, seed, chunk, min(SEED_YEARS, years - start))
            results.append(result)
            h = result.hits
            if not len(h.policy):
                continue
            table = pa.table(
                [
                    np.full(len(h.policy), chunk, dtype=np.int64),
                    h.year + start,
                    h.event,
                    h.family,
                    h.dependency,
                    h.policy,
                    h.insured,
                    h.ground_up,
                ],
                schema=schema,
            )
            writer.write_table(table, row_group_size=len(h.policy))
    return BlockOutput(
        block,
        first,
        np.concatenate([r.annual for r in results]),
        np.concatenate([r.largest for r in results]),
        np.concatenate([r.ground_up for r in results]),
        np.array([r.events for r in results], dtype=np.int64),
        path,
    )
