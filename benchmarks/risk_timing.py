"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(run: Callable[[], Any], *, repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls (after one warm-up) and the last call's value."""
    value = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value
