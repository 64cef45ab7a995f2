"""Jobs that wait and recurring schedules on SQLite and PostgreSQL: a job with ``not_before`` is
not claimed before then; a schedule is queued once per run however many workers poll at once,
runs missed while no worker looked become one run, a run whose job is still active queues
nothing, and scheduling the same subject again changes the one schedule."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.errors import ValidationError
from liubu.jobs import (
    Job,
    Worker,
    claim_next,
    enqueue,
    enqueue_due,
    finish,
    list_schedules,
    schedule,
    unschedule,
)
from liubu.store import tables
from tests.integration.helpers import make_tenant

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _jobs(platform: Platform, kind: str) -> list[sa.Row[tuple[object, ...]]]:
    t = tables.jobs
    with platform.engine.connect() as connection:
        stmt = sa.select(t.c.subject, t.c.state, t.c.payload).where(t.c.kind == kind)
        return list(connection.execute(stmt.order_by(t.c.created_at)))


def test_a_waiting_job_is_claimed_only_once_its_time_has_come(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    enqueue(
        platform.uow(SYSTEM), "escalate", "a-1", tenant_id=tenant.organisation_id, now=T0,
        not_before=T0 + HOUR,
    )  # fmt: skip

    def claim(at: datetime) -> Job | None:
        return claim_next(
            platform.uow(SYSTEM), owner="w", kinds=("escalate",), lease_seconds=30, now=at
        )

    assert claim(T0 + HOUR - timedelta(seconds=1)) is None
    claimed = claim(T0 + HOUR)
    assert claimed is not None
    assert claimed.subject == "a-1"


def test_two_workers_polling_at_once_queue_each_run_once(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    made = schedule(
        platform.uow(SYSTEM),
        "feed_pull",
        "kev",
        tenant_id=tenant.organisation_id,
        every=HOUR,
        payload={"feed": "kev"},
        first_run=T0,
        now=T0 - HOUR,
    )
    assert made.next_run_at == T0
    assert enqueue_due(platform.uow(SYSTEM), kinds=("feed_pull",), now=T0 - timedelta(1)) == []

    def poll_together(at: datetime) -> list[Job]:
        barrier = threading.Barrier(2)
        found: list[Job] = []
        errors: list[BaseException] = []

        def poll() -> None:
            try:
                barrier.wait()
                found.extend(enqueue_due(platform.uow(SYSTEM), kinds=("feed_pull",), now=at))
            except BaseException as error:  # reported in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=poll) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        return found

    first = poll_together(T0 + timedelta(minutes=5))
    assert len(first) == 1
    assert dict(first[0].payload) == {"feed": "kev", "scheduled_for": T0.isoformat()}
    # Due again an hour later, but the first run's job is still queued: nothing piles up.
    assert poll_together(T0 + HOUR) == []
    claimed = claim_next(
        platform.uow(SYSTEM), owner="w", kinds=("feed_pull",), lease_seconds=30, now=T0 + HOUR
    )
    assert claimed is not None
    finish(platform.uow(SYSTEM), claimed, owner="w")
    # No worker looked for five hours: one run, and the next on the hourly grid after now.
    late = T0 + 6 * HOUR + timedelta(minutes=10)
    assert len(poll_together(late)) == 1
    (stored,) = list_schedules(platform.uow(SYSTEM))
    assert stored.next_run_at == T0 + 7 * HOUR
    assert stored.last_run_at == late
    assert [row.state for row in _jobs(platform, "feed_pull")] == ["succeeded", "queued"]
    assert platform.verify_audit_chain().intact


def test_a_schedule_is_one_per_subject_and_its_tenant_s_own(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.UNDERWRITER)
    common = {"tenant_id": tenant.organisation_id, "now": T0}
    schedule(platform.uow(tenant.principal), "feed_pull", "kev", every=HOUR, **common)
    schedule(platform.uow(tenant.principal), "feed_pull", "kev", every=24 * HOUR, **common)
    (one,) = list_schedules(platform.uow(tenant.principal))
    assert one.every == 24 * HOUR
    assert list_schedules(platform.uow(other.principal)) == []
    with pytest.raises(ValidationError):
        schedule(platform.uow(SYSTEM), "feed_pull", "x", every=timedelta(seconds=5), **common)
    assert not unschedule(
        platform.uow(other.principal), "feed_pull", "kev", tenant_id=tenant.organisation_id
    )
    assert unschedule(
        platform.uow(tenant.principal), "feed_pull", "kev", tenant_id=tenant.organisation_id
    )
    assert list_schedules(platform.uow(SYSTEM)) == []


def test_the_worker_queues_and_runs_what_is_due(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    schedule(
        platform.uow(SYSTEM), "tick", "t", tenant_id=tenant.organisation_id, every=HOUR,
        first_run=datetime.now(UTC) - HOUR,
    )  # fmt: skip
    ran: list[str] = []
    worker = Worker(platform.uow, {"tick": lambda job, _p: ran.append(job.subject)})
    assert worker.run(threading.Event(), until_idle=True) == 1
    assert ran == ["t"]
