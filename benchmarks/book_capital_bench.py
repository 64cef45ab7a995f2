"""Capital from the simulated book (``liubu.portfolio.book_capital``): each policy's stand-alone
TVaR streamed from the year-loss table into a running top k, against the straightforward way — the
whole table read at once into a dense years × policies matrix, sorted per policy.

Run: ``.venv/bin/python -m benchmarks book_capital``. Sizes from the environment:
``CAPITAL_POLICIES`` (default 2,000) and ``CAPITAL_YEARS`` (default 20,000); the book is the
portfolio benchmark's synthetic book under the demo catalogue, simulated once in this process.
Prints the wall time and the peak of Python-tracked memory (tracemalloc: numpy's arrays included)
of each, their ratios, and the largest difference of the stand-alone capitals they give.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from benchmarks.portfolio_bench import synthetic_book
from liubu.portfolio import book_capital, demo_catalogue, run_book

POLICIES = int(os.environ.get("CAPITAL_POLICIES", "2000"))
YEARS = int(os.environ.get("CAPITAL_YEARS", "20000"))


def dense(paths: tuple[str, ...], policies: int, years: int, k: int) -> np.ndarray:
    """The baseline: every policy-year in memory, each column sorted."""
    losses = np.zeros((years, policies))
    for path in paths:
        table = pq.read_table(path, columns=["year", "policy", "insured"])
        np.add.at(
            losses,
            (table.column("year").to_numpy(), table.column("policy").to_numpy()),
            table.column("insured").to_numpy(),
        )
    worst: np.ndarray = -np.sort(-losses, axis=0)[:k].mean(axis=0) - losses.mean(axis=0)
    return worst


def measured(work: Callable[[], Any]) -> tuple[Any, float, float]:
    tracemalloc.start()
    start = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return value, seconds, peak / 2**20


def main() -> None:
    book = synthetic_book(POLICIES)
    print(f"book: {POLICIES:,} policies; {YEARS:,} years; capital at 1-in-200")
    with tempfile.TemporaryDirectory(prefix="liubu-ylt-") as directory:
        result = run_book(book, demo_catalogue(), years=YEARS, seed=5, workers=0, ylt_dir=directory)
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in result.ylt_files)
        print(f"year-loss table: {rows:,} rows")
        capital, streamed, streamed_mb = measured(lambda: book_capital(result, book))
        k = YEARS // 200
        baseline, full, full_mb = measured(lambda: dense(result.ylt_files, POLICIES, YEARS, k))
    found = np.array([p.stand_alone for p in capital.policies])
    print(f"streamed top k:  {streamed:7.2f} s  peak {streamed_mb:8.1f} MiB")
    print(f"dense and sort:  {full:7.2f} s  peak {full_mb:8.1f} MiB")
    print(f"time ratio {full / streamed:.2f}×, memory ratio {full_mb / streamed_mb:.1f}×")
    print(f"largest difference of s_i: {float(np.max(np.abs(found - baseline))):.3g} CNY")
    print(f"book ratio R = {capital.book.ratio:.4f}")


if __name__ == "__main__":
    main()
