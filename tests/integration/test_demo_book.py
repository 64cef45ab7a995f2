"""The served demo's book (SQLite): ``liubu demo --serve`` queues a simulation of the demo
insurer's own book — its policy in force and the 200 rows of the shipped demo book it imported —
which a worker runs as any run; its dependencies concentrate (the shipped book's rows spread
over providers), and queueing again adds nothing."""

from __future__ import annotations

import csv
from importlib import resources

from liubu import portfolio
from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from liubu.demo import load_demo, queue_demo_simulation
from liubu.jobs import JobState


def test_the_served_demo_simulates_the_demo_insurers_book(sqlite_platform: Platform) -> None:
    platform = sqlite_platform
    load_demo(platform)
    run_id = queue_demo_simulation(platform)
    assert run_id is not None
    assert queue_demo_simulation(platform) is None  # one is there already
    ended = platform.worker(poll_seconds=0.01).run_once()
    assert ended is not None
    assert ended.state == JobState.SUCCEEDED, ended
    (run,) = portfolio.list_runs(platform.uow(SYSTEM))
    assert run.id == run_id
    assert run.summary is not None
    rows = DEMO_BOOK.read_text(encoding="utf-8").splitlines()
    imported = len(list(csv.DictReader(rows)))
    assert imported == 200
    assert run.summary.policies == imported + 1  # and the demo enterprise's policy in force
    # the shipped rows spread over the catalogue's dependencies: several share the tail
    tail = [c for c in run.summary.contributions_by("dependency") if c.tvar[-1] > 0]
    assert len(tail) >= 5
    capital = portfolio.stored_book_capital(platform.uow(SYSTEM), run.tenant_id)
    assert capital is not None
    assert capital.run_id == run.id


DEMO_BOOK = resources.files("liubu.portfolio").joinpath("data", "demo_book.csv")
