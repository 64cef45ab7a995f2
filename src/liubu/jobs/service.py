"""The job use cases. Each opens and commits its own transaction (``with uow: … uow.commit()``).

A job is queued by :func:`enqueue`, leased by :func:`claim_next`, kept alive and followed by
:func:`report_progress` and :func:`renew_lease`, and ended by :func:`finish` or :func:`fail`.
The lease is what makes a job durable: a worker that dies stops renewing it, and once it expires
another worker claims the job again (one more attempt) and the handler redoes it from its stored
request, which handlers make idempotent (docs/jobs.md).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta

from liubu.errors import ConcurrencyError, ConflictError, ValidationError
from liubu.jobs.model import DEFAULT_MAX_ATTEMPTS, Job, JobState, Schedule
from liubu.jobs.ports import JobUnitOfWork
from liubu.jobs.reasons import JobsCode

# Messages are kept whole for the operator but bounded: a traceback-sized error in every row of a
# busy queue would cost more than it tells.
_MAX_ERROR = 2000


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def enqueue(
    uow: JobUnitOfWork,
    kind: str,
    subject: str,
    *,
    tenant_id: str,
    payload: Mapping[str, str] | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    now: datetime | None = None,
    not_before: datetime | None = None,
) -> Job:
    """Queue a job, or return the one of this kind on this subject still queued or running:
    asking twice for the same work (a double click, the same file posted again) runs it once.
    With ``not_before`` the job waits: no worker claims it before then."""
    at = _now(now)
    if not_before is not None and not_before.tzinfo is None:
        raise ValidationError("A job's start time must be timezone-aware.", field="not_before")
    job = Job(
        id=uuid.uuid4().hex,  # as every stored record: random, unguessable
        tenant_id=tenant_id,
        kind=kind,
        subject=subject,
        state=JobState.QUEUED,
        created_at=at,
        updated_at=at,
        payload=payload or {},
        max_attempts=max_attempts,
        not_before=not_before,
    )
    with uow:
        existing = uow.jobs.active_for(tenant_id=tenant_id, kind=kind, subject=subject)
        if existing is not None:
            return existing
        try:
            uow.jobs.add(job)
            uow.commit()
        except ConflictError:
            pass  # another request queued the same work in between: theirs is the one
        else:
            return job
    with uow:
        raced = uow.jobs.active_for(tenant_id=tenant_id, kind=kind, subject=subject)
    if raced is None:  # it was queued and already ended: this request is its own job
        return enqueue(
            uow,
            kind,
            subject,
            tenant_id=tenant_id,
            payload=payload,
            max_attempts=max_attempts,
            now=now,
            not_before=not_before,
        )
    return raced


def claim_next(
    uow: JobUnitOfWork,
    *,
    owner: str,
    kinds: Collection[str],
    lease_seconds: float,
    now: datetime | None = None,
) -> Job | None:
    """Lease the oldest waiting job of ``kinds`` to ``owner``, or None if none is waiting.

    First ends ``failed`` any job whose worker died on every attempt, so a job that kills its
    worker (out of memory, say) stops being retried and shows why."""
    if lease_seconds <= 0:
        raise ValidationError("A lease must last some time.", field="lease_seconds")
    at = _now(now)
    with uow:
        uow.jobs.give_up_abandoned(now=at)
        job = uow.jobs.claim(
            owner=owner,
            kinds=kinds,
            now=at,
            lease_until=at + timedelta(seconds=lease_seconds),
        )
        uow.commit()
    return job


def renew_lease(
    uow: JobUnitOfWork, job: Job, *, owner: str, lease_seconds: float, now: datetime | None = None
) -> Job:
    """Extend ``owner``'s lease (the worker's heartbeat while a handler runs)."""
    at = _now(now)
    return _save(
        uow,
        dataclasses.replace(
            job, updated_at=at, lease_expires_at=at + timedelta(seconds=lease_seconds)
        ),
        owner=owner,
    )


def report_progress(
    uow: JobUnitOfWork,
    job: Job,
    *,
    owner: str,
    done: int,
    total: int | None,
    lease_seconds: float,
    now: datetime | None = None,
) -> Job:
    """Record how far the job got (shown to its owner) and extend the lease."""
    if done < 0 or (total is not None and total < 0):
        raise ValidationError("Progress counts cannot be negative.", field="done", value=done)
    at = _now(now)
    return _save(
        uow,
        dataclasses.replace(
            job,
            progress_done=done,
            progress_total=total,
            updated_at=at,
            lease_expires_at=at + timedelta(seconds=lease_seconds),
        ),
        owner=owner,
    )


def finish(
    uow: JobUnitOfWork,
    job: Job,
    *,
    owner: str,
    result: str | None = None,
    now: datetime | None = None,
) -> Job:
    """End the job ``succeeded`` with the handler's result (a JSON document, or none)."""
    at = _now(now)
    done = dataclasses.replace(
        job,
        state=JobState.SUCCEEDED,
        result=result,
        error=None,
        updated_at=at,
        finished_at=at,
        lease_owner=None,
        lease_expires_at=None,
    )
    return _save(uow, done, owner=owner)


def fail(
    uow: JobUnitOfWork,
    job: Job,
    *,
    owner: str,
    error: str,
    now: datetime | None = None,
) -> Job:
    """Record a failed attempt: queued again while attempts are left, else ended ``failed``.
    The message stays on the job either way, so the owner sees why it is being retried."""
    at = _now(now)
    gave_up = job.attempts >= job.max_attempts
    after = dataclasses.replace(
        job,
        state=JobState.FAILED if gave_up else JobState.QUEUED,
        error=(error or "The job failed without a message.")[:_MAX_ERROR],
        updated_at=at,
        finished_at=at if gave_up else None,
        lease_owner=None,
        lease_expires_at=None,
    )
    return _save(uow, after, owner=owner)


def job_for(uow: JobUnitOfWork, kind: str, subject: str) -> Job | None:
    """The newest job of ``kind`` on ``subject`` the caller may see (None if none)."""
    with uow:
        return uow.jobs.latest_for(kind, subject)


def _save(uow: JobUnitOfWork, job: Job, *, owner: str) -> Job:
    with uow:
        if not uow.jobs.save_owned(job, owner=owner):
            raise ConcurrencyError(
                f"The lease on job {job.id} was lost: another worker has taken it over.",
                code=JobsCode.LEASE_LOST,
            )
        uow.commit()
    return job


#: At most this many due schedules are queued by one call (the rest at the next poll).
MAX_DUE_PER_CALL = 100


def schedule(
    uow: JobUnitOfWork,
    kind: str,
    subject: str,
    *,
    tenant_id: str,
    every: timedelta,
    payload: Mapping[str, str] | None = None,
    first_run: datetime | None = None,
    now: datetime | None = None,
) -> Schedule:
    """Run a job of ``kind`` on ``subject`` every ``every``, the first at ``first_run`` (now by
    default). Scheduling the same (tenant, kind, subject) again changes its interval, payload
    and next run: there is one schedule per subject."""
    at = _now(now)
    wanted = Schedule(
        id=uuid.uuid4().hex,
        tenant_id=tenant_id,
        kind=kind,
        subject=subject,
        every=every,
        next_run_at=first_run or at,
        created_at=at,
        updated_at=at,
        payload=payload or {},
    )
    with uow:
        stored = uow.jobs.schedule(wanted)
        uow.commit()
    return stored


def unschedule(uow: JobUnitOfWork, kind: str, subject: str, *, tenant_id: str) -> bool:
    """Stop the schedule (a job already queued still runs); False if there was none."""
    with uow:
        dropped = uow.jobs.unschedule(tenant_id=tenant_id, kind=kind, subject=subject)
        uow.commit()
    return dropped


def list_schedules(uow: JobUnitOfWork) -> list[Schedule]:
    """The schedules the caller may see (its tenant's; the platform all), by next run."""
    with uow:
        return uow.jobs.schedules()


def enqueue_due(
    uow: JobUnitOfWork, *, kinds: Collection[str], now: datetime | None = None
) -> list[Job]:
    """Queue a job for each schedule of ``kinds`` that is due, once: the schedule's next run is
    moved on (compare and set) in the same transaction as the job is queued, so of several
    workers polling at once exactly one queues each run. A run whose previous job is still
    queued or running queues nothing (the work is not piled up); the schedule moves on all the
    same. Returns the jobs queued."""
    at = _now(now)
    with uow:
        due = uow.jobs.due_schedules(kinds=kinds, now=at, limit=MAX_DUE_PER_CALL)
    queued: list[Job] = []
    for item in due:
        with uow:
            if not uow.jobs.advance_schedule(item, to=item.following(at), ran_at=at):
                continue  # another worker took this run
            job = Job(
                id=uuid.uuid4().hex,
                tenant_id=item.tenant_id,
                kind=item.kind,
                subject=item.subject,
                state=JobState.QUEUED,
                created_at=at,
                updated_at=at,
                payload={**item.payload, "scheduled_for": item.next_run_at.isoformat()},
            )
            busy = uow.jobs.active_for(
                tenant_id=item.tenant_id, kind=item.kind, subject=item.subject
            )
            try:
                if busy is None:
                    uow.jobs.add(job)
                uow.commit()
            except ConflictError:
                continue  # queued by hand meanwhile: that job is this run
            if busy is None:
                queued.append(job)
    return queued
