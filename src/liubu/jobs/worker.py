"""The worker loop: claim a job, run its kind's handler under a renewed lease, record the end.

A handler is a function of the job and a progress callback that returns its result as a JSON
document (or None). It must be safe to run again from the start on the same job: a worker can
die at any instant, and the job is then resumed by whichever worker claims it after the lease
expires. The handlers liubu registers are: a scan (re-run from its stored request) and a bulk
import (resumed from the checkpoint committed with its last chunk).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from liubu.errors import ConcurrencyError, ValidationError
from liubu.jobs import service
from liubu.jobs.model import Job
from liubu.jobs.ports import JobUnitOfWork
from liubu.jobs.reasons import JobsCode

log = logging.getLogger(__name__)
_END_TRIES = 3

Progress = Callable[[int, int | None], None]
Handler = Callable[[Job, Progress], str | None]
UowFactory = Callable[[], JobUnitOfWork]


def worker_name() -> str:
    """host:pid:random — unique per worker, and says where to look when a lease is stuck."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class WorkerSettings:
    """How long a lease lasts (a dead worker's job waits this long before it is resumed) and
    how often an idle worker looks for work."""

    lease_seconds: float = 60.0
    poll_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.lease_seconds <= 0 or self.poll_seconds <= 0:
            raise ValidationError("Lease and poll times must be positive.", field="lease_seconds")


class _Lease:
    """The worker's current copy of a running job. Progress (the handler's thread) and the
    heartbeat (its own thread) both write the job; the lock keeps them from writing an older
    copy over a newer one."""

    def __init__(self, worker: Worker, job: Job) -> None:
        self._worker, self.job = worker, job
        self._lock = threading.Lock()
        self.lost = threading.Event()

    def progress(self, done: int, total: int | None) -> None:
        self._write(
            lambda job: service.report_progress(
                self._worker.uow_factory(),
                job,
                owner=self._worker.owner,
                done=done,
                total=total,
                lease_seconds=self._worker.settings.lease_seconds,
            )
        )

    def renew(self) -> None:
        self._write(
            lambda job: service.renew_lease(
                self._worker.uow_factory(),
                job,
                owner=self._worker.owner,
                lease_seconds=self._worker.settings.lease_seconds,
            )
        )

    def _write(self, change: Callable[[Job], Job]) -> None:
        if self.lost.is_set():
            return
        with self._lock:
            try:
                self.job = change(self.job)
            except ConcurrencyError as error:
                if error.code != JobsCode.LEASE_LOST:
                    # A busy database: progress is advisory and the next beat renews the lease.
                    log.warning("could not write job %s: %s", self.job.id, error.message)
                    return
                # Another worker has the job now; ours finishes its run harmlessly (the handler
                # is idempotent) and its end is not recorded.
                self.lost.set()
                log.warning("lost the lease on job %s", self.job.id)
            except Exception:  # never into the handler, never ending the heartbeat
                log.exception("could not write job %s", self.job.id)


class Worker:
    """Runs jobs of the kinds it has handlers for, one at a time."""

    def __init__(
        self,
        uow_factory: UowFactory,
        handlers: Mapping[str, Handler],
        *,
        settings: WorkerSettings | None = None,
        owner: str | None = None,
    ) -> None:
        if not handlers:
            raise ValidationError("A worker needs at least one handler.", field="handlers")
        self.uow_factory = uow_factory
        self.handlers = dict(handlers)
        self.settings = settings or WorkerSettings()
        self.owner = owner or worker_name()

    def run_once(self) -> Job | None:
        """Claim one job and run it to its end; return the job as it ended (None if none was
        waiting, or if the lease was lost meanwhile and the end belongs to another worker)."""
        return self._run_next()[1]

    def run(self, stop: threading.Event, *, until_idle: bool = False) -> int:
        """Work until ``stop`` is set (or, with ``until_idle``, until no job is waiting);
        return how many jobs were run."""
        count = 0
        while not stop.is_set():
            try:
                claimed, _ended = self._run_next()
            except Exception:  # a database hiccup must not end the worker; it tries again
                log.exception("the worker could not claim a job")
                claimed = False
            if claimed:
                count += 1
                continue
            if until_idle:
                break
            stop.wait(self.settings.poll_seconds)
        return count

    def _run_next(self) -> tuple[bool, Job | None]:
        try:
            service.enqueue_due(self.uow_factory(), kinds=self.handlers.keys())
        except Exception:  # a schedule must not stop the queued work; the next poll retries
            log.exception("the worker could not queue the scheduled jobs due")
        job = service.claim_next(
            self.uow_factory(),
            owner=self.owner,
            kinds=self.handlers.keys(),
            lease_seconds=self.settings.lease_seconds,
        )
        if job is None:
            return False, None
        log.info("job %s (%s %s) attempt %d", job.id, job.kind, job.subject, job.attempts)
        lease = _Lease(self, job)
        stop_heartbeat = threading.Event()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(lease, stop_heartbeat), name="liubu-job-lease"
        )
        heartbeat.start()
        result: str | None = None
        failure: Exception | None = None
        try:
            result = self.handlers[job.kind](job, lease.progress)
        except Exception as error:  # the job's failure, recorded on the job; the worker goes on
            log.exception("job %s failed", job.id)
            failure = error
        finally:
            stop_heartbeat.set()
            heartbeat.join()
        return True, self._end(lease, result=result, failure=failure)

    def _end(self, lease: _Lease, *, result: str | None, failure: Exception | None) -> Job | None:
        for attempt in range(1, _END_TRIES + 1):
            if lease.lost.is_set():
                return None
            try:
                if failure is None:
                    return service.finish(
                        self.uow_factory(), lease.job, owner=self.owner, result=result
                    )
                return service.fail(
                    self.uow_factory(), lease.job, owner=self.owner, error=_message(failure)
                )
            except ConcurrencyError as error:
                if error.code == JobsCode.LEASE_LOST:
                    log.warning("job %s was taken over before it ended here", lease.job.id)
                    return None
                if attempt == _END_TRIES:
                    raise
                # A busy database: the work is done, so recording its end is worth a wait.
                time.sleep(attempt)
        return None  # pragma: no cover - the loop returns or raises

    def _heartbeat(self, lease: _Lease, stop: threading.Event) -> None:
        # Renewing at a third of the lease leaves two chances before it lapses.
        while not stop.wait(self.settings.lease_seconds / 3):
            lease.renew()


def _message(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
