"""The job queue on the database (:class:`liubu.jobs.JobStore`).

Claiming must hand each job to exactly one worker. On PostgreSQL the candidate row is chosen with
``SELECT … FOR UPDATE SKIP LOCKED``: concurrent workers skip rows another transaction is claiming
instead of queueing behind it, so N workers claim N different jobs at once. SQLite has no row
locks; there the claim is a single ``UPDATE … WHERE id = (SELECT … oldest claimable) AND
<still claimable>``: an UPDATE takes the database's one write lock before it reads, so SQLite
serialises the claimers and the second one sees the first one's claim.

Why not procrastinate (or another PostgreSQL queue library)? It is PostgreSQL-only (LISTEN/NOTIFY,
PL/pgSQL functions), and liubu must also run embedded on SQLite with the same code and tests.
One table and two short claim statements are less than adopting a library for half of our
deployments. Celery or RQ would add a broker to run beside the database.

Every state change (queued, claimed, succeeded, queued again, failed) is appended to the audit
chain in the same transaction. Progress ticks and lease renewals are not state changes and are
not audited: an import's chunks are audited by the import itself.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, select, true, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, Reason
from liubu.jobs import Job, JobState, Schedule
from liubu.store import tables
from liubu.store.audit import SqlAuditLog

_T = tables.jobs
_S = tables.job_schedules
# Written by a claim or an end; the rest (id, tenant, kind, subject, payload, created_at) never
# changes after enqueue.
_MUTABLE = (
    "state",
    "attempts",
    "progress_done",
    "progress_total",
    "result",
    "error",
    "updated_at",
    "started_at",
    "finished_at",
    "lease_owner",
    "lease_expires_at",
)


class SqlJobStore:
    """Jobs visible to ``principal``: its tenant's, or all for the platform (workers)."""

    def __init__(self, session: Session, principal: Principal, *, audit: SqlAuditLog) -> None:
        self.session = session
        self.principal = principal
        self._audit = audit

    def add(self, job: Job) -> None:
        if not self.principal.is_platform and job.tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may not queue work for another tenant.")
        values = {column.name: getattr(job, column.name) for column in _T.columns}
        values["payload"] = dict(job.payload)
        values["state"] = str(job.state)
        try:
            self.session.connection().execute(insert(_T).values(**values))
        except sa_exc.IntegrityError as error:
            # The partial unique index: another transaction queued the same work first.
            raise ConflictError(
                f"A {job.kind} job on {job.subject} is already queued or running.",
                reason=Reason.DUPLICATE,
            ) from error
        self._record(job)

    def get(self, job_id: str) -> Job:
        row = self.session.execute(self._visible(select(_T).where(_T.c.id == job_id))).first()
        if row is None:
            raise NotFoundError(f"No job with id {job_id!r} is visible to you.")
        return _job(row)

    def active_for(self, *, tenant_id: str, kind: str, subject: str) -> Job | None:
        stmt = select(_T).where(
            _T.c.tenant_id == tenant_id,
            _T.c.kind == kind,
            _T.c.subject == subject,
            _T.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]),
        )
        row = self.session.execute(self._visible(stmt)).first()
        return None if row is None else _job(row)

    def latest_for(self, kind: str, subject: str) -> Job | None:
        stmt = select(_T).where(_T.c.kind == kind, _T.c.subject == subject)
        stmt = self._visible(stmt).order_by(_T.c.created_at.desc(), _T.c.id).limit(1)
        row = self.session.execute(stmt).first()
        return None if row is None else _job(row)

    def claim(
        self, *, owner: str, kinds: Collection[str], now: datetime, lease_until: datetime
    ) -> Job | None:
        claimable = self._claimable(kinds, now)
        oldest = select(_T.c.id).where(claimable).order_by(_T.c.created_at, _T.c.id).limit(1)
        connection = self.session.connection()
        target: ColumnElement[bool]
        if connection.dialect.name == "postgresql":
            job_id = connection.execute(oldest.with_for_update(skip_locked=True)).scalar()
            if job_id is None:
                return None
            target = _T.c.id == job_id
        else:
            target = _T.c.id == oldest.scalar_subquery()
        row = connection.execute(
            update(_T)
            .where(target, claimable)
            .values(
                state=JobState.RUNNING.value,
                attempts=_T.c.attempts + 1,
                lease_owner=owner,
                lease_expires_at=lease_until,
                updated_at=now,
                started_at=func.coalesce(_T.c.started_at, literal(now, _T.c.started_at.type)),
            )
            .returning(*_T.columns)
        ).first()
        if row is None:
            return None
        job = _job(row)
        self._record(job, action="jobs.claimed")
        return job

    def give_up_abandoned(self, *, now: datetime) -> list[Job]:
        abandoned = and_(
            _T.c.state == JobState.RUNNING.value,
            _T.c.lease_expires_at < now,
            _T.c.attempts >= _T.c.max_attempts,
        )
        rows = self.session.connection().execute(
            update(_T)
            .where(self._scope(abandoned))
            .values(
                state=JobState.FAILED.value,
                error=(
                    "The worker running this job stopped before it ended, on every attempt "
                    "(killed, out of memory, or the machine restarted)."
                ),
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
                finished_at=now,
            )
            .returning(*_T.columns)
        )
        ended = [_job(row) for row in rows]
        for job in ended:
            self._record(job, action="jobs.abandoned")
        return ended

    def save_owned(self, job: Job, *, owner: str) -> bool:
        values: dict[str, Any] = {name: getattr(job, name) for name in _MUTABLE}
        values["state"] = str(job.state)
        owned = and_(
            _T.c.id == job.id,
            _T.c.state == JobState.RUNNING.value,
            _T.c.lease_owner == owner,
        )
        result = self.session.connection().execute(
            update(_T).where(self._scope(owned)).values(**values)
        )
        if result.rowcount != 1:
            return False
        if job.state != JobState.RUNNING:  # an end (or a retry): a state change
            retried = job.state == JobState.QUEUED
            self._record(job, action="jobs.requeued" if retried else None)
        return True

    def schedule(self, schedule: Schedule) -> Schedule:
        if not self.principal.is_platform and schedule.tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may not schedule work for another tenant.")
        key = and_(
            _S.c.tenant_id == schedule.tenant_id,
            _S.c.kind == schedule.kind,
            _S.c.subject == schedule.subject,
        )
        connection = self.session.connection()
        existing = connection.execute(select(_S).where(key)).first()
        changes = {
            "interval_seconds": int(schedule.every.total_seconds()),
            "payload": dict(schedule.payload),
            "next_run_at": schedule.next_run_at,
            "updated_at": schedule.updated_at,
        }
        if existing is None:
            values = {**changes, "id": schedule.id, "tenant_id": schedule.tenant_id}
            values.update(kind=schedule.kind, subject=schedule.subject)
            values.update(created_at=schedule.created_at, last_run_at=None)
            connection.execute(insert(_S).values(**values))
            stored = schedule
        else:
            connection.execute(update(_S).where(key).values(**changes))
            stored = _schedule(connection.execute(select(_S).where(key)).one())
        self._audit.record(
            "jobs.scheduled",
            entity_type="job_schedules",
            entity_id=stored.id,
            tenant_id=stored.tenant_id,
            after={
                "kind": stored.kind,
                "subject": stored.subject,
                "every_seconds": int(stored.every.total_seconds()),
                "next_run_at": stored.next_run_at.isoformat(),
            },
        )
        return stored

    def unschedule(self, *, tenant_id: str, kind: str, subject: str) -> bool:
        key = self._schedule_scope(
            and_(_S.c.tenant_id == tenant_id, _S.c.kind == kind, _S.c.subject == subject)
        )
        row = self.session.connection().execute(select(_S.c.id).where(key)).first()
        if row is None:
            return False
        self.session.connection().execute(delete(_S).where(_S.c.id == row.id))
        self._audit.record(
            "jobs.unscheduled",
            entity_type="job_schedules",
            entity_id=row.id,
            tenant_id=tenant_id,
            after={"kind": kind, "subject": subject},
        )
        return True

    def schedules(self) -> list[Schedule]:
        stmt = select(_S).where(self._schedule_scope(true()))
        rows = self.session.connection().execute(stmt.order_by(_S.c.next_run_at, _S.c.id))
        return [_schedule(row) for row in rows]

    def due_schedules(self, *, kinds: Collection[str], now: datetime, limit: int) -> list[Schedule]:
        stmt = (
            select(_S)
            .where(self._schedule_scope(and_(_S.c.kind.in_(list(kinds)), _S.c.next_run_at <= now)))
            .order_by(_S.c.next_run_at, _S.c.id)
            .limit(limit)
        )
        return [_schedule(row) for row in self.session.connection().execute(stmt)]

    def advance_schedule(self, schedule: Schedule, *, to: datetime, ran_at: datetime) -> bool:
        # One UPDATE whose WHERE still names the next run that was read: on PostgreSQL a second
        # worker's UPDATE waits for the first's row lock, then finds the row changed and updates
        # nothing; on SQLite the UPDATE is the transaction's first statement, so it takes the
        # write lock and reads the latest row (the read that found it due was its own).
        result = self.session.connection().execute(
            update(_S)
            .where(
                self._schedule_scope(
                    and_(_S.c.id == schedule.id, _S.c.next_run_at == schedule.next_run_at)
                )
            )
            .values(next_run_at=to, last_run_at=ran_at, updated_at=ran_at)
        )
        return bool(result.rowcount == 1)

    def _schedule_scope(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        if self.principal.is_platform:
            return condition
        return and_(condition, _S.c.tenant_id == self.principal.tenant_id)

    def _claimable(self, kinds: Collection[str], now: datetime) -> ColumnElement[bool]:
        abandoned_with_attempts_left = and_(
            _T.c.state == JobState.RUNNING.value,
            _T.c.lease_expires_at < now,
            _T.c.attempts < _T.c.max_attempts,
        )
        waited = or_(_T.c.not_before.is_(None), _T.c.not_before <= now)
        return self._scope(
            and_(
                _T.c.kind.in_(list(kinds)),
                or_(
                    and_(_T.c.state == JobState.QUEUED.value, waited), abandoned_with_attempts_left
                ),
            )
        )

    def _scope(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        if self.principal.is_platform:
            return condition
        return and_(condition, _T.c.tenant_id == self.principal.tenant_id)

    def _visible(self, stmt: Any) -> Any:
        if self.principal.is_platform:
            return stmt
        return stmt.where(_T.c.tenant_id == self.principal.tenant_id)

    def _record(self, job: Job, *, action: str | None = None) -> None:
        self._audit.record(
            action or f"jobs.{job.state}",
            entity_type="jobs",
            entity_id=job.id,
            tenant_id=job.tenant_id,
            after={
                "kind": job.kind,
                "subject": job.subject,
                "state": str(job.state),
                "attempts": job.attempts,
                "lease_owner": job.lease_owner,
                "error": job.error,
            },
        )


def _schedule(row: Any) -> Schedule:
    values = dict(row._mapping)
    values["every"] = timedelta(seconds=values.pop("interval_seconds"))
    return Schedule(**values)


def _job(row: Any) -> Job:
    values = dict(row._mapping)
    values["state"] = JobState(values["state"])
    return Job(**values)
