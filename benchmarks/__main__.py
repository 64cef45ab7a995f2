"""Run the benchmarks: ``python -m benchmarks [FILTER]`` runs every ``benchmarks/*_bench.py`` whose
file name contains FILTER (all of them without one), one after the other in this process.

The numeric libraries are pinned to one thread first, so the figures are per core.
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import runpy  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def main(argv: list[str]) -> int:
    pattern = argv[1] if len(argv) > 1 else ""
    scripts = sorted(p for p in Path(__file__).parent.glob("*_bench.py") if pattern in p.stem)
    if not scripts:
        print(f"no benchmark matches {pattern!r}", file=sys.stderr)
        return 1
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
