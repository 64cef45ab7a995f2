"""``liubu worker`` as a real process on a real database (SQLite and PostgreSQL): a worker killed
with SIGKILL in the middle of a bulk import leaves its job leased; once the lease expires the
next worker claims it and resumes the import, which ends ``succeeded`` with every valid line of
the file issued exactly once."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import ANTI_FRAUD_IMPORT, Platform
from liubu.demo import load_reference_products
from liubu.jobs import Job, JobState, job_for
from liubu.massissue import write_synthetic_csv
from liubu.products import service as products
from liubu.store import tables
from tests.integration.helpers import make_tenant

PRODUCT = "yangben-pc/anti-fraud@1"
LEASE_SECONDS = 2.0  # short, so the killed worker's job is free again soon


def _env(platform: Platform) -> dict[str, str]:
    settings = platform.settings
    assert settings.data_key is not None
    return {
        **os.environ,
        "LIUBU_ENV": "test",
        "LIUBU_DATABASE_URL": settings.resolved_database_url,
        "LIUBU_DATA_DIR": str(settings.data_dir),
        "LIUBU_SECRET_KEY": settings.signing_secret.decode(),
        "LIUBU_DATA_KEY": settings.data_key.get_secret_value(),
        "LIUBU_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
    }


def _worker(*options: str) -> list[str]:
    return [sys.executable, "-m", "liubu", "worker", "--poll", "0.1", *options]


def _count(platform: Platform, sql: str) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.text(sql)).scalar_one())


def _job(platform: Platform, sha: str) -> Job:
    job = job_for(platform.uow(SYSTEM), ANTI_FRAUD_IMPORT, sha)
    assert job is not None
    return job


def _queued_import(platform: Platform, tmp_path: Path) -> tuple[str, int]:
    """A 30,000-line file with some bad lines, uploaded and queued as the route queues it."""
    make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER, code="yangben-pc")
    load_reference_products(platform)
    with platform.uow(SYSTEM) as uow:
        record = products.find_product(uow, PRODUCT)
    source = tmp_path / "people.csv"
    counts = write_synthetic_csv(source, 30_000, seed=11, bad_fraction=0.01)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    folder = platform.import_folder(record.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = source.replace(folder / f"{sha}.csv")
    platform.queue_import(
        SYSTEM,
        path,
        tenant_id=record.tenant_id,
        product_ref=record.product_ref,
        inception=date(2026, 12, 1),
        file_name="people.csv",
        chunk_size=2000,
    )
    return sha, counts["good"]


@pytest.mark.slow  # about 50 s a database: two imports' worth of a 30,000-line file
def test_a_worker_killed_mid_import_is_resumed_by_the_next_and_issues_every_row_once(
    platform: Platform, tmp_path: Path
) -> None:
    sha, good = _queued_import(platform, tmp_path)
    log = (tmp_path / "first-worker.log").open("wb")
    first = subprocess.Popen(_worker(), env=_env(platform), stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and first.poll() is None:
            if _count(platform, "SELECT count(*) FROM personal_policies") >= 4000:
                break
            time.sleep(0.05)
        assert first.poll() is None, (tmp_path / "first-worker.log").read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=30)
        log.close()
    interrupted = _count(platform, "SELECT count(*) FROM personal_policies")
    assert 0 < interrupted < good, "the kill must land mid-import"
    abandoned = _job(platform, sha)
    assert abandoned.state == JobState.RUNNING  # nobody recorded an end: the worker just died
    upload = platform.settings.data_dir / abandoned.payload["file"]
    assert upload.is_file()  # kept while a resume needs it
    assert abandoned.lease_expires_at is not None

    # The next worker starts once the dead one's lease has lapsed, runs what waits, and exits.
    time.sleep(max((abandoned.lease_expires_at - datetime.now(UTC)).total_seconds(), 0) + 0.5)
    second = subprocess.run(
        _worker("--once"), env=_env(platform), capture_output=True, text=True, timeout=600
    )
    assert second.returncode == 0, second.stderr
    assert "ran 1 job" in second.stdout

    ended = _job(platform, sha)
    assert ended.id == abandoned.id
    assert ended.state == JobState.SUCCEEDED, ended.error
    assert ended.attempts == 2
    assert ended.lease_owner is None
    assert ended.result is not None
    summary = json.loads(ended.result)
    assert summary["resumed"] is True
    assert summary["accepted"] == good
    assert summary["issued"] == good - interrupted  # only what the first worker had not issued
    # the personal data of the upload is gone once imported; its (masked) error file stays 0600
    assert not upload.exists()
    assert upload.with_name(upload.name + ".errors.csv").stat().st_mode & 0o777 == 0o600
    assert _count(platform, "SELECT count(*) FROM personal_policies") == good
    assert (
        _count(platform, "SELECT count(DISTINCT resident_id_hash) FROM personal_policies") == good
    )
    with platform.engine.connect() as connection:
        t = tables.audit_events
        actions = [
            row.action
            for row in connection.execute(
                sa.select(t.c.action).where(t.c.entity_id == ended.id).order_by(t.c.seq)
            )
        ]
    assert actions == ["jobs.queued", "jobs.claimed", "jobs.claimed", "jobs.succeeded"]
    assert platform.verify_audit_chain().intact


def test_a_worker_with_nothing_to_do_exits_at_once_when_asked_to(platform: Platform) -> None:
    done = subprocess.run(
        _worker("--once"), env=_env(platform), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "ran 0 jobs" in done.stdout
