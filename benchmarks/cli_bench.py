"""Wall time of ``liubu --help`` in fresh processes, beside the interpreter's own start.

Run: ``.venv/bin/python -m benchmarks cli``. Each round starts, in turn, ``python -c pass`` (the
floor), ``python -m liubu --help`` and ``python -m liubu risk --help``, so drift in the load of a
shared machine falls on all three alike; medians of the rounds and the ratios to the floor.
With ``LIUBU_BENCH_BEFORE=<older src>`` the older code's commands join each round.
Target: ``liubu --help`` ≤ 0.3 s.
"""

from __future__ import annotations

import statistics
import sys

from benchmarks.processes import describe, process_seconds, variants

ROUNDS = 9
COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "liubu --help": [sys.executable, "-m", "liubu", "--help"],
    "liubu risk --help": [sys.executable, "-m", "liubu", "risk", "--help"],
}


def main() -> None:
    runs = [
        (f"{name} [{variant}]", argv, env)
        for variant, env in variants().items()
        for name, argv in COMMANDS.items()
        if variant == "now" or name != "python -c pass (floor)"
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    for _, argv, env in runs:  # a first, cold round (file cache), not counted
        process_seconds(argv, runs=1, env=env)
    for _ in range(ROUNDS):
        for name, argv, env in runs:
            times[name] += process_seconds(argv, runs=1, env=env)
    floor = statistics.median(times["python -c pass (floor) [now]"])
    for name, seconds in times.items():
        print(f"{name:<31} {describe(seconds)}   x floor {statistics.median(seconds) / floor:6.1f}")
    help_median = statistics.median(times["liubu --help [now]"])
    print(f"target liubu --help ≤ 0.3 s: {help_median:.3f} s ({help_median <= 0.3})")


if __name__ == "__main__":
    main()
