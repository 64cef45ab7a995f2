"""The job use cases on an in-memory store: queue once, lease to one worker, resume after a lease
expires, retry a failure until the attempts run out, and refuse an end from a worker that lost
its lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liubu.errors import ConcurrencyError, PermissionDeniedError
from liubu.jobs import (
    Job,
    JobState,
    claim_next,
    enqueue,
    fail,
    finish,
    job_for,
    renew_lease,
    report_progress,
)
from tests.unit.jobs.fakes import FakeJobs

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
LEASE = 30.0


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _claim(
    db: FakeJobs, owner: str, seconds: float = 0, kinds: tuple[str, ...] = ("scan",)
) -> Job | None:
    return claim_next(db.uow(), owner=owner, kinds=kinds, lease_seconds=LEASE, now=_at(seconds))


def test_a_queued_job_records_its_tenant_subject_and_payload() -> None:
    db = FakeJobs()
    job = enqueue(db.uow(), "scan", "scan-1", tenant_id="t1", payload={"scan_id": "s1"}, now=T0)
    stored = db.only()
    assert stored == job
    assert (stored.state, stored.tenant_id, stored.attempts) == (JobState.QUEUED, "t1", 0)
    assert dict(stored.payload) == {"scan_id": "s1"}


def test_asking_twice_for_the_same_work_queues_it_once() -> None:
    db = FakeJobs()
    first = enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t1", now=T0)
    second = enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t1", now=_at(1))
    other_tenant = enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t2", now=_at(2))
    assert second.id == first.id
    assert other_tenant.id != first.id
    assert len(db.committed) == 2


def test_work_asked_for_again_after_it_ended_is_a_new_job() -> None:
    db = FakeJobs()
    first = enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=T0)
    claimed = _claim(db, "w1", 1)
    assert claimed is not None
    finish(db.uow(), claimed, owner="w1", result='{"ok": true}', now=_at(2))
    again = enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=_at(3))
    assert again.id != first.id
    assert again.state == JobState.QUEUED
    assert job_for(db.uow(), "scan", "s1") == again


def test_a_tenant_may_not_queue_work_for_another_tenant() -> None:
    db = FakeJobs()
    with pytest.raises(PermissionDeniedError):
        enqueue(db.uow(tenant_id="t1"), "scan", "s1", tenant_id="t2", now=T0)
    assert db.committed == {}


def test_the_oldest_waiting_job_is_leased_to_one_worker_only() -> None:
    db = FakeJobs()
    older = enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=T0)
    newer = enqueue(db.uow(), "scan", "s2", tenant_id="t1", now=_at(1))
    first = _claim(db, "w1", 2)
    second = _claim(db, "w2", 2)
    assert first is not None
    assert second is not None
    assert (first.id, second.id) == (older.id, newer.id)
    assert first.lease_owner == "w1"
    assert first.lease_expires_at == _at(2 + LEASE)
    assert (first.state, first.attempts, first.started_at) == (JobState.RUNNING, 1, _at(2))
    assert _claim(db, "w3", 3) is None  # both leases hold


def test_a_worker_claims_only_the_kinds_it_can_run() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "anti_fraud_import", "sha", tenant_id="t1", now=T0)
    assert _claim(db, "w1", 1, kinds=("scan",)) is None
    claimed = _claim(db, "w1", 1, kinds=("scan", "anti_fraud_import"))
    assert claimed is not None
    assert claimed.kind == "anti_fraud_import"


def test_a_job_whose_lease_expired_is_resumed_by_another_worker_with_one_more_attempt() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=T0)
    dead = _claim(db, "dead-worker", 1)
    assert dead is not None
    assert _claim(db, "w2", LEASE) is None  # still leased (expires at 1 + LEASE)
    resumed = _claim(db, "w2", 2 + LEASE)
    assert resumed is not None
    assert resumed.id == dead.id
    assert (resumed.lease_owner, resumed.attempts, resumed.started_at) == ("w2", 2, _at(1))
    # The dead worker's late end is refused: the job is not its any more.
    with pytest.raises(ConcurrencyError):
        finish(db.uow(), dead, owner="dead-worker", now=_at(3 + LEASE))
    ended = finish(db.uow(), resumed, owner="w2", result="{}", now=_at(4 + LEASE))
    assert db.only() == ended
    assert ended.state == JobState.SUCCEEDED
    assert ended.lease_owner is None
    assert ended.finished_at == _at(4 + LEASE)


def test_progress_is_recorded_and_keeps_the_lease_alive() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=T0)
    job = _claim(db, "w1", 0)
    assert job is not None
    job = report_progress(
        db.uow(), job, owner="w1", done=40, total=100, lease_seconds=LEASE, now=_at(LEASE - 1)
    )
    assert (db.only().progress_done, db.only().progress_total) == (40, 100)
    assert _claim(db, "w2", LEASE + 1) is None  # the lease was extended by the report
    job = renew_lease(db.uow(), job, owner="w1", lease_seconds=LEASE, now=_at(2 * LEASE - 2))
    assert db.only().lease_expires_at == _at(3 * LEASE - 2)
    assert _claim(db, "w2", 3 * LEASE - 3) is None


def test_a_failed_attempt_is_retried_until_the_attempts_run_out_and_then_shows_its_error() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1", max_attempts=2, now=T0)
    first = _claim(db, "w1", 1)
    assert first is not None
    retried = fail(db.uow(), first, owner="w1", error="DNS timed out", now=_at(2))
    assert (retried.state, retried.error, retried.lease_owner) == (
        JobState.QUEUED,
        "DNS timed out",
        None,
    )
    second = _claim(db, "w2", 3)
    assert second is not None
    assert second.attempts == 2
    ended = fail(db.uow(), second, owner="w2", error="DNS timed out again", now=_at(4))
    assert (ended.state, ended.error, ended.finished_at) == (
        JobState.FAILED,
        "DNS timed out again",
        _at(4),
    )
    assert _claim(db, "w3", 5) is None
    assert db.only() == ended


def test_a_job_whose_worker_dies_on_every_attempt_ends_failed_with_the_reason() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1", max_attempts=2, now=T0)
    assert _claim(db, "w1", 0) is not None
    assert _claim(db, "w2", LEASE + 1) is not None  # w1 died; w2 takes the last attempt
    assert _claim(db, "w3", 2 * LEASE + 2) is None  # w2 died too: no attempt left
    gave_up = db.only()
    assert gave_up.state == JobState.FAILED
    assert gave_up.attempts == 2
    assert gave_up.error
    assert "every attempt" in gave_up.error


def test_a_tenant_sees_only_its_own_jobs() -> None:
    db = FakeJobs()
    enqueue(db.uow(), "scan", "s1", tenant_id="t1", now=T0)
    assert job_for(db.uow(tenant_id="t2"), "scan", "s1") is None
    found = job_for(db.uow(tenant_id="t1"), "scan", "s1")
    assert found is not None
    assert found.tenant_id == "t1"
