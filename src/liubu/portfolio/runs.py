"""A simulation of an insurer's book as a stored, durable run (组合模拟任务).

A :class:`PortfolioRun` is what an insurer's actuary, underwriter or administrator asked for
(the settings and where the book comes from) and, once its job has ended, the
:class:`RunSummary` of what it found: AAL ± s.e., the AEP/OEP curve, PML, TVaR and the
contributions — the arrays stay out (the ORD files kept beside the run hold the year losses).
The run is simulated by a job of kind :data:`RUN_JOB` on the run's id (``liubu.jobs``): its state,
progress and last error are the job's, read with the run, so there is one truth for each.

Use cases own their transactions; storage is behind :class:`PortfolioRunRepository`
(``liubu.store`` implements it). Every query is scoped to the caller's tenant by the store.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from liubu.accounts import OrgKind, Principal, Role, UnitOfWork, require
from liubu.errors import ValidationError
from liubu.jobs import JobState, JobUnitOfWork, enqueue
from liubu.portfolio.kernel import SEED_YEARS
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.results import (
    PML_RETURN_PERIODS,
    BookResult,
    Contribution,
    ReturnPeriodLoss,
    TailMeasure,
)
from liubu.portfolio.runner import DEFAULT_BLOCK_YEARS

#: The job kind that simulates a stored run (subject: the run's id).
RUN_JOB = "portfolio.run"
#: Who may queue and read an insurer's runs.
RUNNERS = (Role.ACTUARY, Role.UNDERWRITER, Role.ADMIN)
RUNNER_KINDS = (OrgKind.INSURER,)
#: The platform's operator reads every insurer's runs (the command line), never queues one.
READER_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)
#: Bounds of a stored run (the pure runner allows more from the command line).
MAX_RUN_YEARS = 1_000_000
MAX_SEED = 2**63 - 1
MAX_RUN_WORKERS = 64
DEFAULT_RUN_YEARS = 100_000
DEFAULT_RUN_SEED = 20_261_207
#: The largest policies kept in a summary (the whole book's are in the ORD files' totals).
TOP_POLICIES = 20
#: At most this many runs are listed.
MAX_LISTED = 200


class RunSource(StrEnum):
    """Where a run's book comes from: uploaded files, or the insurer's own book in the store."""

    FILES = "files"
    STORE = "store"


@dataclass(frozen=True)
class RunSummary:
    """What a finished run found, without the arrays: serialised to JSON with the run."""

    years: int
    seed: int
    block_years: int
    policies: int
    events: int
    aal: float
    aal_standard_error: float
    sd: float
    ground_up_aal: float
    curve: tuple[ReturnPeriodLoss, ...]
    pml: tuple[ReturnPeriodLoss, ...]
    tails: tuple[TailMeasure, ...]
    contributions: tuple[
        Contribution, ...
    ]  # every family, dependency, industry, region; top policies

    def tail(self, return_period: int) -> TailMeasure | None:
        return next((t for t in self.tails if t.return_period == return_period), None)

    def pml_at(self, return_period: int) -> ReturnPeriodLoss | None:
        return next((p for p in self.pml if p.return_period == return_period), None)

    def contributions_by(self, by: str) -> tuple[Contribution, ...]:
        """One kind's contributions, largest TVaR share (at the last tail period) first."""
        rows = [c for c in self.contributions if c.by == by]
        return tuple(sorted(rows, key=lambda c: (-(c.tvar[-1] if c.tvar else 0.0), -c.aal, c.key)))

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RunSummary:
        raw: dict[str, Any] = json.loads(text)
        return cls(
            **{k: raw[k] for k in _SCALARS},
            curve=tuple(ReturnPeriodLoss(**r) for r in raw["curve"]),
            pml=tuple(ReturnPeriodLoss(**r) for r in raw["pml"]),
            tails=tuple(TailMeasure(**t) for t in raw["tails"]),
            contributions=tuple(
                Contribution(c["by"], c["key"], c["aal"], tuple(c["tvar"]))
                for c in raw["contributions"]
            ),
        )


_SCALARS = (
    "years",
    "seed",
    "block_years",
    "policies",
    "events",
    "aal",
    "aal_standard_error",
    "sd",
    "ground_up_aal",
)


def summary_of(result: BookResult, *, top_policies: int = TOP_POLICIES) -> RunSummary:
    """The stored summary of a simulated book: every contribution but the policies' (the
    ``top_policies`` largest by TVaR share)."""
    kept = [c for c in result.contributions if c.by != "policy"]
    kept += list(result.contributions_by("policy")[:top_policies])
    return RunSummary(
        years=result.years,
        seed=result.seed,
        block_years=result.block_years,
        policies=result.policies,
        events=result.events,
        aal=result.aal,
        aal_standard_error=result.aal_standard_error,
        sd=result.sd,
        ground_up_aal=result.ground_up_aal,
        curve=result.curve,
        pml=tuple(result.loss_at(t) for t in PML_RETURN_PERIODS if t <= result.years),
        tails=result.tails,
        contributions=tuple(kept),
    )


@dataclass(frozen=True)
class PortfolioRun:
    """A stored run. ``state``, ``progress_done``/``progress_total``, ``attempts`` and ``error``
    are its job's (read with the run); ``summary`` is set once the job has succeeded."""

    id: str
    tenant_id: str
    source: RunSource
    years: int
    seed: int
    block_years: int
    workers: int
    created_at: datetime
    created_by: str
    book_name: str | None = None  # the uploaded file's name (source "files")
    catalogue_name: str | None = None  # the uploaded catalogue's name (None: the shipped one)
    state: JobState = JobState.QUEUED
    progress_done: int = 0
    progress_total: int | None = None
    attempts: int = 0
    error: str | None = None
    summary: RunSummary | None = None
    finished_at: datetime | None = None

    @property
    def progress(self) -> float:
        """How far the simulation got, 0–1 (1 once it succeeded)."""
        if self.state == JobState.SUCCEEDED:
            return 1.0
        if not self.progress_total:
            return 0.0
        return min(1.0, self.progress_done / self.progress_total)

    def to_dict(self) -> dict[str, Any]:
        """The run as the API and ``--json`` show it."""
        shown: dict[str, Any] = {
            "id": self.id,
            "source": str(self.source),
            "settings": {
                "years": self.years,
                "seed": self.seed,
                "block_years": self.block_years,
                "workers": self.workers,
            },
            "book_name": self.book_name,
            "catalogue_name": self.catalogue_name,
            "status": str(self.state),
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "attempts": self.attempts,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "summary": None,
        }
        if self.summary is not None:
            shown["summary"] = dataclasses.asdict(self.summary)
            shown["ord_url"] = f"/api/portfolio/runs/{self.id}/ord.zip"
        return shown


class PortfolioRunRepository(Protocol):
    """Runs of the caller's tenant (the platform's workers: every tenant's)."""

    def add(self, run: PortfolioRun) -> None: ...

    def get(self, run_id: str) -> PortfolioRun:
        """The run with its job's state; NotFoundError when it is not the caller's."""
        ...

    def list(self, *, limit: int) -> Sequence[PortfolioRun]:
        """The caller's runs, newest first."""
        ...

    def record_summary(self, run_id: str, summary: RunSummary, *, at: datetime) -> None: ...


class PortfolioUnitOfWork(UnitOfWork, JobUnitOfWork, Protocol):
    """The accounts' unit of work (principal, audit) with the job store and the runs."""

    @property
    def portfolio_runs(self) -> PortfolioRunRepository: ...


def check_run_settings(*, years: int, seed: int, block_years: int, workers: int) -> None:
    """Refuse settings out of bounds, with the field named."""

    def bad(message: str, field: str, value: object) -> ValidationError:
        return ValidationError(message, code=PortfolioCode.BAD_RUN, field=field, value=value)

    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_RUN_YEARS:
        raise bad(f"years must be from 1 to {MAX_RUN_YEARS:,}; got {years!r}.", "years", years)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise bad(f"seed must be from 0 to {MAX_SEED}; got {seed!r}.", "seed", seed)
    if (
        not isinstance(block_years, int)
        or not SEED_YEARS <= block_years <= MAX_RUN_YEARS
        or block_years % SEED_YEARS
    ):
        raise bad(
            f"block_years must be a multiple of {SEED_YEARS} up to {MAX_RUN_YEARS:,}; "
            f"got {block_years!r}.",
            "block_years",
            block_years,
        )
    if not isinstance(workers, int) or not 0 <= workers <= MAX_RUN_WORKERS:
        raise bad(
            f"workers must be from 0 to {MAX_RUN_WORKERS}; got {workers!r}.", "workers", workers
        )


def new_run(
    principal: Principal,
    *,
    source: RunSource | str,
    years: int = DEFAULT_RUN_YEARS,
    seed: int = DEFAULT_RUN_SEED,
    block_years: int = DEFAULT_BLOCK_YEARS,
    workers: int = 0,
    book_name: str | None = None,
    catalogue_name: str | None = None,
    now: datetime | None = None,
) -> PortfolioRun:
    """A run the caller may queue (checked: role, bounds, source), not stored yet: its id names
    the folder its files are kept in before :func:`queue_run` stores it."""
    require(principal, *RUNNERS, kinds=RUNNER_KINDS)
    try:
        chosen = RunSource(source)
    except ValueError:
        raise ValidationError(
            f"source must be 'files' or 'store'; got {str(source)[:16]!r}.",
            code=PortfolioCode.BAD_RUN,
            field="source",
        ) from None
    check_run_settings(years=years, seed=seed, block_years=block_years, workers=workers)
    if chosen is RunSource.FILES and not book_name:
        raise ValidationError(
            "A run from files needs a book file (and a catalogue).",
            code=PortfolioCode.BAD_RUN,
            field="book",
        )
    return PortfolioRun(
        id=uuid.uuid4().hex,
        tenant_id=principal.tenant_id,
        source=chosen,
        years=years,
        seed=seed,
        block_years=block_years,
        workers=workers,
        created_at=now or datetime.now(UTC),
        created_by=principal.user_id,
        book_name=(book_name or None) and book_name[:200],
        catalogue_name=(catalogue_name or None) and catalogue_name[:200],
    )


def queue_run(uow: PortfolioUnitOfWork, run: PortfolioRun) -> PortfolioRun:
    """Store ``run`` and queue its job, in one transaction (audited: ``portfolio.run_queued``
    and the job's ``jobs.queued``)."""
    require(uow.principal, *RUNNERS, kinds=RUNNER_KINDS)
    if run.tenant_id != uow.principal.tenant_id:
        raise ValidationError("A run is queued for the caller's own insurer.", field="tenant_id")
    with uow:
        uow.portfolio_runs.add(run)
        uow.audit.record(
            "portfolio.run_queued",
            entity_type="portfolio_runs",
            entity_id=run.id,
            tenant_id=run.tenant_id,
            after={
                "source": str(run.source),
                "years": run.years,
                "seed": run.seed,
                "block_years": run.block_years,
                "workers": run.workers,
                "book_name": run.book_name,
                "catalogue_name": run.catalogue_name,
            },
        )
        enqueue(uow, RUN_JOB, run.id, tenant_id=run.tenant_id, payload={"run_id": run.id})
        uow.commit()
    return run


def list_runs(uow: PortfolioUnitOfWork, *, limit: int = 50) -> list[PortfolioRun]:
    """The caller's runs, newest first (insurer staff who may run them; the platform: all)."""
    require(uow.principal, *RUNNERS, kinds=READER_KINDS)
    with uow:
        return list(uow.portfolio_runs.list(limit=max(1, min(limit, MAX_LISTED))))


def get_run(uow: PortfolioUnitOfWork, run_id: str) -> PortfolioRun:
    """One of the caller's runs (404 for another tenant's)."""
    require(uow.principal, *RUNNERS, kinds=READER_KINDS)
    with uow:
        return uow.portfolio_runs.get(run_id[:64])


def record_summary(
    uow: PortfolioUnitOfWork, run_id: str, summary: RunSummary, *, now: datetime | None = None
) -> None:
    """Store a finished run's summary (the worker, after the whole simulation succeeded);
    audited as ``portfolio.run_finished``."""
    at = now or datetime.now(UTC)
    with uow:
        run = uow.portfolio_runs.get(run_id)
        uow.portfolio_runs.record_summary(run_id, summary, at=at)
        uow.audit.record(
            "portfolio.run_finished",
            entity_type="portfolio_runs",
            entity_id=run_id,
            tenant_id=run.tenant_id,
            after={
                "years": summary.years,
                "aal": summary.aal,
                "aal_standard_error": summary.aal_standard_error,
                "pml": {str(p.return_period): p.aep for p in summary.pml},
            },
        )
        uow.commit()
