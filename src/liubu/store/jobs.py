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
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, literal, or_, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, Reason
from liubu.jobs import Job, JobState
from liubu.store import tables
from liubu.store.audit import SqlAuditLog

_T = tables.jobs
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

    def _claimable(self, kinds: Collection[str], now: datetime) -> ColumnElement[bool]:
        abandoned_with_attempts_left = and_(
            _T.c.state == JobState.RUNNING.value,
            _T.c.lease_expires_at < now,
            _T.c.attempts < _T.c.max_attempts,
        )
        return self._scope(
            and_(
                _T.c.kind.in_(list(kinds)),
                or_(_T.c.state == JobState.QUEUED.value, abandoned_with_attempts_left),
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


def _job(row: Any) -> Job:
    values = dict(row._mapping)
    values["state"] = JobState(values["state"])
    return Job(**values)
