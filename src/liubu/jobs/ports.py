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

from liubu.jobs.model import Job


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


class JobUnitOfWork(Protocol):
    """One transaction over the job store. Rolls back on exit unless committed."""

    # Read-only in the protocol so implementations may hold a more specific store.
    @property
    def jobs(self) -> JobStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...
