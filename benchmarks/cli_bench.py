"""Wall time of ``liubu --help`` in fresh processes, beside the interpreter's own start.

Run: ``.venv/bin/python -m benchmarks cli``. Each round starts, in turn, ``python -c pass`` (the
floor), ``python -m liubu --help`` and ``python -m liubu risk --help``, so drift in the load of a
shared machine falls on all three alike; medians of the rounds and the ratios to the floor.
Target: ``liubu --help`` ≤ 0.3 s.
"""

from __future__ import annotations

import statistics
import sys

from benchmarks.processes import child_environment, describe, process_seconds

ROUNDS = 9
COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "liubu --help": [sys.executable, "-m", "liubu", "--help"],
    "liubu risk --help": [sys.executable, "-m", "liubu", "risk", "--help"],
}


def main() -> None:
    env = child_environment()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for argv in COMMANDS.values():  # a first, cold round (file cache), not counted
        process_seconds(argv, runs=1, env=env)
    for _ in range(ROUNDS):
        for name, argv in COMMANDS.items():
            times[name] += process_seconds(argv, runs=1, env=env)
    floor = statistics.median(times["python -c pass (floor)"])
    for name, seconds in times.items():
        print(f"{name:<24} {describe(seconds)}   x floor {statistics.median(seconds) / floor:6.1f}")
    help_median = statistics.median(times["liubu --help"])
    print(f"target liubu --help ≤ 0.3 s: {help_median:.3f} s ({help_median <= 0.3})")


if __name__ == "__main__":
    main()
