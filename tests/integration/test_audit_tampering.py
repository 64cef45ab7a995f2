"""Tampering with the audit log by raw SQL is caught by `liubu audit verify`, which names the
first event modified, deleted or inserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.integration.helpers import facts, make_tenant


def _verify(platform: Platform) -> subprocess.CompletedProcess[str]:
    settings = platform.settings
    env = {
        **os.environ,
        "LIUBU_ENV": "test",
        "LIUBU_DATABASE_URL": settings.resolved_database_url,
        "LIUBU_DATA_DIR": str(settings.data_dir),
        "LIUBU_SECRET_KEY": settings.signing_secret.decode(),
        "LIUBU_DATA_KEY": settings.data_key.get_secret_value() if settings.data_key else "",
    }
    return subprocess.run(
        [sys.executable, "-m", "liubu", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def chained(platform: Platform) -> Platform:
    """A platform with a chain of 2 (tenant) + 6 (enterprises) events."""
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    for serial in range(6):
        with platform.uow(insurer.principal) as uow:
            accounts.register_enterprise(uow, facts(serial))
            uow.commit()
    return platform


def _sql(platform: Platform, statement: str, **params: object) -> None:
    with platform.engine.begin() as connection:
        connection.execute(sa.text(statement), params)


def test_an_intact_chain_verifies(chained: Platform) -> None:
    result = _verify(chained)
    assert result.returncode == 0, result.stderr
    assert "8 events verified" in result.stdout


def test_a_modified_event_is_named(chained: Platform) -> None:
    _sql(chained, "UPDATE audit_events SET actor_id = 'mallory' WHERE seq = 5")
    result = _verify(chained)
    assert result.returncode != 0
    assert "#5 (modified)" in result.stderr


def test_a_deleted_event_is_named(chained: Platform) -> None:
    _sql(chained, "DELETE FROM audit_events WHERE seq = 4")
    result = _verify(chained)
    assert result.returncode != 0
    assert "between #3 and #5 were deleted" in result.stderr


def test_deleting_the_newest_events_is_caught_by_the_head(chained: Platform) -> None:
    _sql(chained, "DELETE FROM audit_events WHERE seq >= 7")
    result = _verify(chained)
    assert result.returncode != 0
    assert "after #6 up to #8 were deleted" in result.stderr


def test_an_inserted_event_is_named(chained: Platform) -> None:
    _sql(
        chained,
        "INSERT INTO audit_events (seq, occurred_at, tenant_id, actor_id, action, entity_type, "
        "entity_id, before_digest, after_digest, prev_hash, hash) SELECT 9, occurred_at, "
        "tenant_id, actor_id, 'enterprises.deleted', entity_type, entity_id, after_digest, '', "
        "hash, :forged FROM audit_events WHERE seq = 8",
        forged="f" * 64,
    )
    result = _verify(chained)
    assert result.returncode != 0
    assert "#9 (inserted)" in result.stderr


def test_an_event_slipped_into_the_middle_is_named_inserted(chained: Platform) -> None:
    # Make room by renumbering the tail, then insert a forged event at seq 5 that the
    # renumbered event 6 does not link to.
    _sql(chained, "UPDATE audit_events SET seq = seq + 100 WHERE seq >= 5")
    _sql(chained, "UPDATE audit_events SET seq = seq - 99 WHERE seq >= 105")
    _sql(
        chained,
        "INSERT INTO audit_events (seq, occurred_at, tenant_id, actor_id, action, entity_type, "
        "entity_id, before_digest, after_digest, prev_hash, hash) SELECT 5, occurred_at, "
        "tenant_id, 'mallory', action, entity_type, entity_id, before_digest, after_digest, "
        "hash, :forged FROM audit_events WHERE seq = 4",
        forged="e" * 64,
    )
    result = _verify(chained)
    assert result.returncode != 0
    assert "#5 (inserted)" in result.stderr
