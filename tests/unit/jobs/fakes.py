"""An in-memory job store and unit of work, with the store's contract: tenant scoping, atomic
claims, one active job per subject, changes kept only on commit."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Collection
from datetime import datetime
from typing import Self

from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError
from liubu.jobs import Job, JobState, Schedule


class FakeJobStore:
    def __init__(self, rows: dict[str, Job], *, tenant_id: str | None) -> None:
        self.rows = rows
        self.tenant_id = tenant_id  # None: the platform, which sees every tenant
        self.changed: set[str] = set()

    def _put(self, job: Job) -> None:
        self.rows[job.id] = job
        self.changed.add(job.id)

    def _visible(self) -> list[Job]:
        jobs = sorted(self.rows.values(), key=lambda job: (job.created_at, job.id))
        return [j for j in jobs if self.tenant_id is None or j.tenant_id == self.tenant_id]

    def add(self, job: Job) -> None:
        if self.tenant_id is not None and job.tenant_id != self.tenant_id:
            raise PermissionDeniedError("You may not queue work for another tenant.")
        self._put(job)

    def get(self, job_id: str) -> Job:
        for job in self._visible():
            if job.id == job_id:
                return job
        raise NotFoundError(f"No job with id {job_id!r} is visible to you.")

    def active_for(self, *, tenant_id: str, kind: str, subject: str) -> Job | None:
        for job in self._visible():
            if (job.tenant_id, job.kind, job.subject) == (tenant_id, kind, subject) and job.active:
                return job
        return None

    def latest_for(self, kind: str, subject: str) -> Job | None:
        found = [j for j in self._visible() if (j.kind, j.subject) == (kind, subject)]
        return found[-1] if found else None

    def claim(
        self, *, owner: str, kinds: Collection[str], now: datetime, lease_until: datetime
    ) -> Job | None:
        for job in self._visible():
            expired = (
                job.state == JobState.RUNNING
                and job.lease_expires_at is not None
                and job.lease_expires_at < now
                and job.attempts < job.max_attempts
            )
            waited = job.not_before is None or job.not_before <= now
            if job.kind in kinds and ((job.state == JobState.QUEUED and waited) or expired):
                claimed = dataclasses.replace(
                    job,
                    state=JobState.RUNNING,
                    attempts=job.attempts + 1,
                    lease_owner=owner,
                    lease_expires_at=lease_until,
                    updated_at=now,
                    started_at=job.started_at or now,
                )
                self._put(claimed)
                return claimed
        return None

    def give_up_abandoned(self, *, now: datetime) -> list[Job]:
        ended = []
        for job in self._visible():
            if (
                job.state == JobState.RUNNING
                and job.lease_expires_at is not None
                and job.lease_expires_at < now
                and job.attempts >= job.max_attempts
            ):
                failed = dataclasses.replace(
                    job,
                    state=JobState.FAILED,
                    error="The worker stopped on every attempt.",
                    lease_owner=None,
                    lease_expires_at=None,
                    finished_at=now,
                )
                self._put(failed)
                ended.append(failed)
        return ended

    def save_owned(self, job: Job, *, owner: str) -> bool:
        stored = self.rows.get(job.id)
        if stored is None or stored.state != JobState.RUNNING or stored.lease_owner != owner:
            return False
        self._put(job)
        return True

    # Schedules are tested on the real databases (tests/integration/test_job_schedules.py);
    # here there are none.
    def schedule(self, schedule: Schedule) -> Schedule:
        raise NotImplementedError

    def unschedule(self, *, tenant_id: str, kind: str, subject: str) -> bool:
        return False

    def schedules(self) -> list[Schedule]:
        return []

    def due_schedules(self, *, kinds: Collection[str], now: datetime, limit: int) -> list[Schedule]:
        return []

    def advance_schedule(self, schedule: Schedule, *, to: datetime, ran_at: datetime) -> bool:
        return False


class FakeJobs:
    """The committed state every unit of work starts from (one "database")."""

    def __init__(self) -> None:
        self.committed: dict[str, Job] = {}
        self.lock = threading.Lock()  # the worker's heartbeat commits from its own thread

    def uow(self, tenant_id: str | None = None) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, tenant_id=tenant_id)

    def only(self) -> Job:
        (job,) = self.committed.values()
        return job


class FakeUnitOfWork:
    jobs: FakeJobStore

    def __init__(self, database: FakeJobs, *, tenant_id: str | None) -> None:
        self._database = database
        self._tenant_id = tenant_id
        self.commits = 0

    def __enter__(self) -> Self:
        with self._database.lock:
            rows = dict(self._database.committed)
        self.jobs = FakeJobStore(rows, tenant_id=self._tenant_id)
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def commit(self) -> None:
        with self._database.lock:
            # Only this transaction's rows are written, over what others committed meanwhile.
            merged = {**self._database.committed}
            merged.update({i: self.jobs.rows[i] for i in self.jobs.changed})
            active = [(j.tenant_id, j.kind, j.subject) for j in merged.values() if j.active]
            if len(active) != len(set(active)):  # the database's partial unique index
                raise ConflictError("Two active jobs on one subject.")
            self._database.committed = merged
        self.commits += 1
