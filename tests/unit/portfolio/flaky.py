"""A severity that fails on purpose, to test what a run does when a block fails on a worker.

It lives in its own module so that Dask's worker processes can import it when they unpickle the
plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from liubu.risk import Constant


@dataclass(frozen=True, slots=True)
class FailingOnce(Constant):
    """A constant that raises on the first draw anywhere (a marker file records it), and on
    every draw if ``always``."""

    marker: str = ""
    always: bool = False

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        marker = Path(self.marker)
        if self.always or not marker.exists():
            marker.touch()
            raise RuntimeError("a worker lost its disk")
        return Constant.sample(self, rng, size)
