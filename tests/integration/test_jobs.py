"""The job queue on SQLite and PostgreSQL: claim, lease, progress and end, every state change in
the audit chain; concurrent workers never share a job; an expired lease is taken over and the old
owner's end refused; tenants see only their jobs; one active job per subject."""

from __future__ import annotations

import dataclasses
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import ANTI_FRAUD_IMPORT, Platform
from liubu.errors import ConcurrencyError, ConflictError, NotFoundError
from liubu.jobs import (
    Job,
    JobState,
    claim_next,
    enqueue,
    fail,
    finish,
    job_for,
    report_progress,
)
from liubu.store import tables
from tests.integration.helpers import make_tenant

LEASE = 30.0


def _actions(platform: Platform, job_id: str) -> list[str]:
    t = tables.audit_events
    with platform.engine.connect() as connection:
        rows = connection.execute(
            sa.select(t.c.action).where(t.c.entity_id == job_id).order_by(t.c.seq)
        )
        return [row.action for row in rows]


def _claim(platform: Platform, owner: str, now: datetime | None = None) -> Job | None:
    return claim_next(
        platform.uow(SYSTEM), owner=owner, kinds=("scan",), lease_seconds=LEASE, now=now
    )


def test_a_job_is_queued_claimed_followed_and_finished_with_each_state_change_audited(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    queued = enqueue(
        platform.uow(tenant.principal),
        "scan",
        "scan-1",
        tenant_id=tenant.organisation_id,
        payload={"scan_id": "scan-1"},
    )
    claimed = _claim(platform, "w1")
    assert claimed is not None
    assert claimed.id == queued.id
    assert (claimed.state, claimed.attempts, claimed.lease_owner) == (JobState.RUNNING, 1, "w1")
    assert claimed.lease_expires_at is not None
    assert claimed.lease_expires_at > datetime.now(UTC)
    assert dict(claimed.payload) == {"scan_id": "scan-1"}
    followed = report_progress(
        platform.uow(SYSTEM), claimed, owner="w1", done=3, total=7, lease_seconds=LEASE
    )
    finish(platform.uow(SYSTEM), followed, owner="w1", result='{"findings": 2}')
    seen = job_for(platform.uow(tenant.principal), "scan", "scan-1")
    assert seen is not None
    assert (seen.state, seen.progress_done, seen.progress_total) == (JobState.SUCCEEDED, 3, 7)
    assert seen.result == '{"findings": 2}'
    assert seen.lease_owner is None
    assert seen.finished_at is not None
    assert _actions(platform, queued.id) == ["jobs.queued", "jobs.claimed", "jobs.succeeded"]
    assert platform.verify_audit_chain().intact


def test_concurrent_workers_never_claim_the_same_job(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    queued = {
        enqueue(platform.uow(SYSTEM), "scan", f"s{i}", tenant_id=tenant.organisation_id).id
        for i in range(24)
    }
    claims: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def work(owner: str) -> None:
        try:
            while (job := _claim(platform, owner)) is not None:
                claims.setdefault(job.id, []).append(owner)
                finish(platform.uow(SYSTEM), job, owner=owner)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert set(claims) == queued
    assert all(len(owners) == 1 for owners in claims.values()), claims
    assert platform.verify_audit_chain().intact


def test_an_expired_lease_is_taken_over_and_the_old_owner_may_not_end_the_job(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    enqueue(platform.uow(SYSTEM), "scan", "s1", tenant_id=tenant.organisation_id, max_attempts=2)
    now = datetime.now(UTC)
    dead = _claim(platform, "dead", now)
    assert dead is not None
    assert _claim(platform, "w2", now + timedelta(seconds=LEASE - 1)) is None
    resumed = _claim(platform, "w2", now + timedelta(seconds=LEASE + 1))
    assert resumed is not None
    assert (resumed.id, resumed.attempts, resumed.lease_owner) == (dead.id, 2, "w2")
    assert resumed.started_at == dead.started_at
    with pytest.raises(ConcurrencyError):
        finish(platform.uow(SYSTEM), dead, owner="dead")
    ended = fail(platform.uow(SYSTEM), resumed, owner="w2", error="ValueError: no targets")
    assert ended.state == JobState.FAILED  # two attempts of two
    stored = job_for(platform.uow(SYSTEM), "scan", "s1")
    assert stored is not None
    assert (stored.state, stored.error) == (JobState.FAILED, "ValueError: no targets")
    assert _actions(platform, dead.id) == [
        "jobs.queued",
        "jobs.claimed",
        "jobs.claimed",
        "jobs.failed",
    ]


def test_a_job_abandoned_on_its_last_attempt_ends_failed_when_the_next_worker_looks(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    job = enqueue(
        platform.uow(SYSTEM), "scan", "s1", tenant_id=tenant.organisation_id, max_attempts=1
    )
    now = datetime.now(UTC)
    assert _claim(platform, "dead", now) is not None
    assert _claim(platform, "w2", now + timedelta(seconds=LEASE + 1)) is None
    stored = job_for(platform.uow(SYSTEM), "scan", "s1")
    assert stored is not None
    assert stored.state == JobState.FAILED
    assert stored.error is not None
    assert "stopped before it ended" in stored.error
    assert _actions(platform, job.id) == ["jobs.queued", "jobs.claimed", "jobs.abandoned"]


def test_a_tenant_sees_and_claims_only_its_own_jobs(platform: Platform) -> None:
    mine = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    theirs = make_tenant(platform, OrgKind.INSURER, "Other", Role.UNDERWRITER)
    their_job = enqueue(
        platform.uow(theirs.principal), "scan", "s1", tenant_id=theirs.organisation_id
    )
    assert job_for(platform.uow(mine.principal), "scan", "s1") is None
    with platform.uow(mine.principal) as uow, pytest.raises(NotFoundError):
        uow.jobs.get(their_job.id)
    own = claim_next(platform.uow(mine.principal), owner="w1", kinds=("scan",), lease_seconds=LEASE)
    assert own is None  # their job is not visible, so not claimable, to my tenant
    claimed = _claim(platform, "platform-worker")
    assert claimed is not None
    assert claimed.id == their_job.id


def test_one_subject_has_one_active_job_even_if_two_transactions_queue_it(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER)
    first = enqueue(platform.uow(SYSTEM), "scan", "s1", tenant_id=tenant.organisation_id)
    # A second transaction that did not see the first (both checked before either committed).
    duplicate = dataclasses.replace(first, id="0" * 32)
    with platform.uow(SYSTEM) as uow, pytest.raises(ConflictError):
        uow.jobs.add(duplicate)
    assert enqueue(platform.uow(SYSTEM), "scan", "s1", tenant_id=tenant.organisation_id) == first


def test_the_upload_sweep_deletes_only_uploads_no_live_job_will_read(platform: Platform) -> None:
    """A worker that dies on an import's last attempt never runs the handler that deletes the
    upload (personal data in plain text): the sweep run when a worker starts deletes it, and
    keeps what a queued or running job, a just-posted upload or the user's error report needs."""
    tenant = make_tenant(platform, OrgKind.INSURER, "Saochu", Role.UNDERWRITER)
    folder = platform.import_folder(tenant.organisation_id)
    folder.mkdir(parents=True)
    now = datetime.now(UTC)
    old = now.timestamp() - 3 * platform.settings.job_lease_seconds

    def upload(name: str, *, mtime: float = old) -> Path:
        path = folder / name
        path.write_text("name,id_number\n", encoding="utf-8")
        os.utime(path, (mtime, mtime))
        return path

    orphan = upload("a" * 64 + ".csv")  # no job at all
    gave_up = upload("b" * 64 + ".csv")  # its job failed for good
    waiting = upload("c" * 64 + ".csv")  # its job is queued (a resume will read it)
    fresh = upload("d" * 64 + ".csv", mtime=now.timestamp())  # posted, job not yet queued
    report = upload("b" * 64 + ".csv.errors.csv")  # the user's report of rejected rows
    for path, attempts in ((gave_up, 1), (waiting, 2)):
        enqueue(
            platform.uow(SYSTEM),
            ANTI_FRAUD_IMPORT,
            path.stem,
            tenant_id=tenant.organisation_id,
            max_attempts=attempts,
        )
    dying = claim_next(
        platform.uow(SYSTEM), owner="dead", kinds=(ANTI_FRAUD_IMPORT,), lease_seconds=LEASE, now=now
    )
    assert dying is not None
    assert dying.subject == gave_up.stem
    ended = fail(platform.uow(SYSTEM), dying, owner="dead", error="worker killed")
    assert ended.state == JobState.FAILED

    removed = platform.sweep_uploads()

    assert sorted(removed) == sorted([orphan, gave_up])
    assert [p.exists() for p in (orphan, gave_up)] == [False, False]
    assert [p.exists() for p in (waiting, fresh, report)] == [True, True, True]
