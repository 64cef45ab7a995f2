"""``liubu worker``: run background jobs (scans, bulk imports) apart from the web process.

Any number may run, on any machine that reaches the database and shares the data directory
(uploaded import files are read from it). SIGTERM or Ctrl-C stops taking jobs and lets the
running one finish; a worker killed outright leaves its job leased until the lease expires,
after which another worker resumes it.
"""

from __future__ import annotations

import logging
import signal
import threading

from liubu.cli.context import CliState, console


def run_worker(cli: CliState, *, once: bool, poll: float | None) -> int:
    """Work until stopped (or, with ``once``, until no job is waiting); return the jobs run."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    platform = cli.platform()
    worker = platform.worker(poll_seconds=poll)
    stop = threading.Event()

    def stop_taking_jobs(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stop_taking_jobs)
    signal.signal(signal.SIGINT, stop_taking_jobs)
    out = console()
    swept = platform.sweep_uploads()
    if swept:
        out.print(f"deleted {len(swept)} upload(s) that no live job will read", highlight=False)
    if not once:  # a long-running worker also runs the platform's recurring work
        for planned in platform.schedule_recurring():
            out.print(f"every {planned.every}: {planned.kind}", highlight=False)
    kinds = ", ".join(sorted(worker.handlers))
    out.print(f"worker {worker.owner} takes {kinds} jobs", highlight=False)
    try:
        count = worker.run(stop, until_idle=once)
    finally:
        platform.dispose()
    out.print(f"worker {worker.owner} ran {count} job{'s' if count != 1 else ''}", highlight=False)
    return count
