"""Storage of simulation runs (:class:`liubu.portfolio.PortfolioRunRepository`).

A run is its insurer's: every read and write is scoped to the caller's tenant (the platform's
workers see every tenant's), so another tenant's run is simply not found. A run is read with its
job (kind ``portfolio.run``, subject the run's id, same tenant): the state, progress, attempts
and last error come from there, so the run and its job never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.jobs import JobState
from liubu.portfolio import RUN_JOB, PortfolioRun, RunSource, RunSummary
from liubu.store import tables

_R = tables.portfolio_runs
_J = tables.jobs


class SqlPortfolioRunStore:
    """Implements :class:`liubu.portfolio.PortfolioRunRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def add(self, run: PortfolioRun) -> None:
        if not self.principal.is_platform and run.tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may not store a run for another tenant.")
        self.session.connection().execute(
            insert(_R).values(
                id=run.id,
                tenant_id=run.tenant_id,
                source=str(run.source),
                years=run.years,
                seed=run.seed,
                block_years=run.block_years,
                workers=run.workers,
                book_name=run.book_name,
                catalogue_name=run.catalogue_name,
                summary=run.summary.to_json() if run.summary is not None else None,
                created_at=run.created_at,
                created_by=run.created_by,
                finished_at=run.finished_at,
            )
        )

    def get(self, run_id: str) -> PortfolioRun:
        row = self.session.connection().execute(self._select().where(_R.c.id == run_id)).first()
        if row is None:
            raise NotFoundError(f"No simulation run {run_id[:64]!r} of yours.")
        return _run(row)

    def list(self, *, limit: int) -> Sequence[PortfolioRun]:
        stmt = self._select().order_by(_R.c.created_at.desc(), _R.c.id).limit(limit)
        return [_run(row) for row in self.session.connection().execute(stmt)]

    def record_summary(self, run_id: str, summary: RunSummary, *, at: datetime) -> None:
        result = self.session.connection().execute(
            update(_R)
            .where(self._scope(_R.c.id == run_id))
            .values(summary=summary.to_json(), finished_at=at)
        )
        if result.rowcount != 1:
            raise NotFoundError(f"No simulation run {run_id[:64]!r} of yours.")

    def _select(self) -> Any:
        job = and_(_J.c.kind == RUN_JOB, _J.c.subject == _R.c.id, _J.c.tenant_id == _R.c.tenant_id)
        stmt = select(
            _R,
            _J.c.state.label("job_state"),
            _J.c.progress_done,
            _J.c.progress_total,
            _J.c.attempts,
            _J.c.error,
        ).select_from(_R.outerjoin(_J, job))
        if self.principal.is_platform:
            return stmt
        return stmt.where(_R.c.tenant_id == self.principal.tenant_id)

    def _scope(self, condition: Any) -> Any:
        if self.principal.is_platform:
            return condition
        return and_(condition, _R.c.tenant_id == self.principal.tenant_id)


def _run(row: Any) -> PortfolioRun:
    values = row._mapping
    summary = values["summary"]
    return PortfolioRun(
        id=values["id"],
        tenant_id=values["tenant_id"],
        source=RunSource(values["source"]),
        years=values["years"],
        seed=int(values["seed"]),
        block_years=values["block_years"],
        workers=values["workers"],
        created_at=values["created_at"],
        created_by=values["created_by"],
        book_name=values["book_name"],
        catalogue_name=values["catalogue_name"],
        state=JobState(values["job_state"]) if values["job_state"] else JobState.QUEUED,
        progress_done=values["progress_done"] or 0,
        progress_total=values["progress_total"],
        attempts=values["attempts"] or 0,
        error=values["error"],
        summary=RunSummary.from_json(summary) if summary else None,
        finished_at=values["finished_at"],
    )
