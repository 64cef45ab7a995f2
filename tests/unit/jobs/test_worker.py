"""The worker loop on an in-memory store: dispatch by kind, results and failures recorded on the
job, progress reported, the lease renewed while a handler runs, and a stop honoured."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import datetime

from liubu.errors import ConcurrencyError
from liubu.jobs import Handler, Job, JobState, Progress, Worker, WorkerSettings, enqueue
from tests.unit.jobs.fakes import FakeJobs, FakeUnitOfWork


def _worker(db: FakeJobs, handlers: dict[str, Handler], *, lease: float = 60.0) -> Worker:
    settings = WorkerSettings(lease_seconds=lease, poll_seconds=0.01)
    return Worker(lambda: db.uow(), handlers, settings=settings, owner="w1")


def test_each_job_goes_to_the_handler_of_its_kind_and_its_result_is_kept() -> None:
    db = FakeJobs()
    seen: list[tuple[str, str]] = []

    def scan(job: Job, _progress: Progress) -> str:
        seen.append(("scan", job.payload["scan_id"]))
        return '{"findings": 3}'

    def imports(job: Job, _progress: Progress) -> None:
        seen.append(("import", job.subject))

    enqueue(db.uow(), "scan", "s1", tenant_id="t1", payload={"scan_id": "s1"})
    enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t1")
    ran = _worker(db, {"scan": scan, "anti_fraud_import": imports}).run(
        threading.Event(), until_idle=True
    )
    assert ran == 2
    assert seen == [("scan", "s1"), ("import", "sha")]
    ended = {job.kind: job for job in db.committed.values()}
    assert ended["scan"].state == ended["anti_fraud_import"].state == JobState.SUCCEEDED
    assert ended["scan"].result == '{"findings": 3}'
    assert ended["anti_fraud_import"].result is None


def test_a_handler_that_raises_is_retried_and_its_last_error_is_shown() -> None:
    db = FakeJobs()
    calls = 0

    def broken(_job: Job, _progress: Progress) -> None:
        nonlocal calls
        calls += 1
        raise OSError(f"disk full ({calls})")

    enqueue(db.uow(), "scan", "s1", tenant_id="t1", max_attempts=3)
    ran = _worker(db, {"scan": broken}).run(threading.Event(), until_idle=True)
    job = db.only()
    assert (ran, calls) == (3, 3)
    assert job.state == JobState.FAILED
    assert job.error == "OSError: disk full (3)"
    assert job.attempts == 3


def test_progress_reported_by_the_handler_is_stored_on_the_job() -> None:
    db = FakeJobs()
    stored: list[tuple[int, int | None]] = []

    def counting(_job: Job, progress: Progress) -> None:
        for done in (10, 20, 30):
            progress(done, 30)
            stored.append((db.only().progress_done, db.only().progress_total))

    enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t1")
    ended = _worker(db, {"anti_fraud_import": counting}).run_once()
    assert stored == [(10, 30), (20, 30), (30, 30)]
    assert ended is not None
    assert (ended.state, ended.progress_done) == (JobState.SUCCEEDED, 30)


def test_the_lease_is_renewed_while_a_long_handler_runs() -> None:
    db = FakeJobs()
    expiries: list[datetime] = []

    def slow(_job: Job, _progress: Progress) -> None:
        for _ in range(4):  # 0.6 s under a 0.3 s lease, renewed every 0.1 s
            time.sleep(0.15)
            expiry = db.only().lease_expires_at
            assert expiry is not None
            expiries.append(expiry)

    enqueue(db.uow(), "scan", "s1", tenant_id="t1")
    ended = _worker(db, {"scan": slow}, lease=0.3).run_once()
    assert ended is not None
    assert ended.state == JobState.SUCCEEDED
    assert ended.attempts == 1  # nobody took it over although it outlived its first lease
    assert len(set(expiries)) > 1
    assert expiries == sorted(expiries)


def test_a_worker_only_takes_the_kinds_it_has_handlers_for() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "feed_pull", "nvd", tenant_id="t1")
    assert _worker(db, {"scan": lambda _j, _p: None}).run_once() is None
    assert db.only().state == JobState.QUEUED


def test_a_running_worker_stops_when_asked() -> None:
    db = FakeJobs()
    stop = threading.Event()
    worker = _worker(db, {"scan": lambda _j, _p: None})
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1")
    deadline = time.monotonic() + 10
    while db.only().state != JobState.SUCCEEDED and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert db.only().state == JobState.SUCCEEDED


def test_a_worker_whose_job_was_taken_over_does_not_record_its_end() -> None:
    db = FakeJobs()

    def overtaken(job: Job, progress: Progress) -> None:
        # Another worker claims the job meanwhile (this one was too slow to renew its lease).
        with db.lock:
            db.committed[job.id] = dataclasses.replace(db.committed[job.id], lease_owner="w2")
        progress(1, 2)  # refused: the lease is w2's

    enqueue(db.uow(), "scan", "s1", tenant_id="t1")
    assert _worker(db, {"scan": overtaken}).run_once() is None
    job = db.only()
    assert (job.state, job.lease_owner, job.progress_done) == (JobState.RUNNING, "w2", 0)


def test_a_busy_database_while_reporting_progress_does_not_fail_the_job() -> None:
    db = FakeJobs()
    real_uow = db.uow
    busy = {"left": 1}

    class BusyOnce(FakeUnitOfWork):
        def commit(self) -> None:
            reports_progress = any(self.jobs.rows[i].progress_done for i in self.jobs.changed)
            if busy["left"] and reports_progress:
                busy["left"] -= 1
                raise ConcurrencyError("Another transaction holds this record; try again.")
            super().commit()

    def reporting(_job: Job, progress: Progress) -> None:
        progress(1, 2)  # the database is busy: not recorded, not raised
        progress(2, 2)

    enqueue(real_uow(), "scan", "s1", tenant_id="t1")
    worker = Worker(lambda: BusyOnce(db, tenant_id=None), {"scan": reporting}, owner="w1")
    ended = worker.run_once()
    assert busy["left"] == 0
    assert ended is not None
    assert (ended.state, ended.progress_done) == (JobState.SUCCEEDED, 2)
