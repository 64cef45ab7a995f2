"""The job record: one piece of background work (a scan, a bulk import) and how far it got."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from liubu.errors import ValidationError


class JobState(StrEnum):
    """queued → running → succeeded | failed; a running job whose attempt fails (or whose worker
    dies) goes back to queued until its attempts are used up."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE = frozenset({JobState.QUEUED, JobState.RUNNING})
DEFAULT_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Job:
    """A job as stored. ``subject`` is what the job works on (a scan id, an uploaded file's
    SHA-256), so "the job of this scan" can be found; ``payload`` is what the handler needs to
    redo the work from the start (strings only: a handler parses its own arguments).

    ``result`` is the handler's JSON document on success, ``error`` the last failure's message.
    The lease (``lease_owner`` until ``lease_expires_at``) is held while running; a lease that
    expires without a finish means the worker died, and the job may be claimed again.
    """

    id: str
    tenant_id: str
    kind: str
    subject: str
    state: JobState
    created_at: datetime
    updated_at: datetime
    payload: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    attempts: int = 0
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    progress_done: int = 0
    progress_total: int | None = None
    result: str | None = None
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    not_before: datetime | None = None  # a queued job waits until then (None: at once)

    def __post_init__(self) -> None:
        if not self.kind or not self.subject:
            raise ValidationError("A job needs a kind and a subject.", field="kind")
        if self.max_attempts < 1:
            raise ValidationError("A job needs at least one attempt.", field="max_attempts")
        if self.created_at.tzinfo is None or self.updated_at.tzinfo is None:
            raise ValidationError("Job times must be timezone-aware.", field="created_at")
        # A caller's dict is copied and frozen: the record must not change under its holder.
        object.__setattr__(self, "payload", MappingProxyType(dict(self.payload)))

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def attempts_left(self) -> int:
        return max(self.max_attempts - self.attempts, 0)


#: The shortest and longest interval of a recurring schedule.
MIN_INTERVAL = timedelta(minutes=1)
MAX_INTERVAL = timedelta(days=366)


@dataclass(frozen=True)
class Schedule:
    """Recurring work: a job of ``kind`` on ``subject`` for ``tenant_id`` every ``every``, the
    next one due at ``next_run_at``. A worker that finds it due queues the job (see
    :func:`liubu.jobs.enqueue_due`) and moves ``next_run_at`` on by whole intervals past now,
    so runs missed while no worker ran are not queued one after another: the next is one run.
    ``payload`` is the job's; each run's job also carries ``scheduled_for``."""

    id: str
    tenant_id: str
    kind: str
    subject: str
    every: timedelta
    next_run_at: datetime
    created_at: datetime
    updated_at: datetime
    payload: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    last_run_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.kind or not self.subject:
            raise ValidationError("A schedule needs a kind and a subject.", field="kind")
        if not MIN_INTERVAL <= self.every <= MAX_INTERVAL:
            raise ValidationError(
                f"A schedule runs every {MIN_INTERVAL} to {MAX_INTERVAL.days} days.",
                field="every",
                value=str(self.every),
            )
        if self.next_run_at.tzinfo is None or self.created_at.tzinfo is None:
            raise ValidationError("Schedule times must be timezone-aware.", field="next_run_at")
        object.__setattr__(self, "payload", MappingProxyType(dict(self.payload)))

    def following(self, now: datetime) -> datetime:
        """The first run time on this schedule's grid after ``now``."""
        if self.next_run_at > now:
            return self.next_run_at
        missed = (now - self.next_run_at) // self.every
        return self.next_run_at + self.every * (missed + 1)
