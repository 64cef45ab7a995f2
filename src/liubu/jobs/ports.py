"""What the job use cases need from storage. ``liubu.store`` implements them on SQLAlchemy
(:class:`liubu.store.jobs.SqlJobStore`); the unit tests implement them in memory.

The store is bound to its unit of work's principal: a tenant sees and claims only its own jobs,
the platform (a worker runs as the platform) all of them. Every state change the store writes is
audited by the store in the same transaction, so no use case can forget it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol, Self

from liubu.jobs.model import Job, Schedule


class JobStore(Protocol):
    def add(self, job: Job) -> None:
        """Store a new (queued) job; refuse one for another tenant than the caller's."""
        ...

    def get(self, job_id: str) -> Job:
        """The job, or :class:`~liubu.errors.NotFoundError` if absent or another tenant's."""
        ...

    def active_for(self, *, tenant_id: str, kind: str, subject: str) -> Job | None:
        """The queued or running job of this kind on this subject, if any."""
        ...

    def latest_for(self, kind: str, subject: str) -> Job | None:
        """The newest job of this kind on this subject visible to the caller."""
        ...

    def claim(
        self, *, owner: str, kinds: Collection[str], now: datetime, lease_until: datetime
    ) -> Job | None:
        """Atomically take the oldest claimable job of ``kinds`` (queued, or running with an
        expired lease and attempts left): running, leased to ``owner`` until ``lease_until``,
        one more attempt. Two workers never get the same job."""
        ...

    def give_up_abandoned(self, *, now: datetime) -> list[Job]:
        """End ``failed`` the running jobs whose lease expired with no attempt left (their
        worker died on each); return them as stored."""
        ...

    def save_owned(self, job: Job, *, owner: str) -> bool:
        """Write ``job``'s mutable fields if ``owner`` still holds its lease; False if not (the
        lease expired and another worker took the job)."""
        ...

    def schedule(self, schedule: Schedule) -> Schedule:
        """Store ``schedule``, or change the interval, payload and next run of the one of its
        (tenant, kind, subject); return it as stored."""
        ...

    def unschedule(self, *, tenant_id: str, kind: str, subject: str) -> bool:
        """Drop the schedule; False if there was none."""
        ...

    def schedules(self) -> list[Schedule]:
        """The schedules the caller may see, by next run."""
        ...

    def due_schedules(self, *, kinds: Collection[str], now: datetime, limit: int) -> list[Schedule]:
        """Up to ``limit`` schedules of ``kinds`` due at ``now``, oldest due first."""
        ...

    def advance_schedule(self, schedule: Schedule, *, to: datetime, ran_at: datetime) -> bool:
        """Move the schedule's next run from ``schedule.next_run_at`` to ``to`` if no one has
        moved it since it was read (compare and set): True for exactly one of any number of
        workers trying at once."""
        ...


class JobUnitOfWork(Protocol):
    """One transaction over the job store. Rolls back on exit unless committed."""

    # Read-only in the protocol so implementations may hold a more specific store.
    @property
    def jobs(self) -> JobStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
