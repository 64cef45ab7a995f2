"""The unit of work on real SQLite and PostgreSQL: commit, rollback, optimistic locking, audit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from liubu.accounts import service as accounts
from liubu.accounts.model import Enterprise, OrgKind, Role, new_id
from liubu.bootstrap import Platform
from liubu.errors import ConcurrencyError, ConflictError, NotFoundError
from tests.integration.helpers import facts, make_tenant


def _count(platform: Platform, table: str) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def _enterprise(tenant_id: str, serial: int) -> Enterprise:
    """Written through the repository, not a use case: use cases commit themselves."""
    return Enterprise(
        id=new_id(),
        tenant_id=tenant_id,
        created_at=datetime.now(UTC),
        **facts(serial).as_fields(),
    )


def test_nothing_is_written_unless_the_unit_of_work_commits(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    before_events = _count(platform, "audit_events")
    with platform.uow(insurer.principal) as uow:
        uow.enterprises.add(_enterprise(insurer.organisation_id, 1))
        uow.flush()  # written inside the transaction, then rolled back on exit
    assert _count(platform, "enterprises") == 0
    assert _count(platform, "audit_events") == before_events


def test_a_use_case_joins_the_transaction_its_caller_entered(platform: Platform) -> None:
    """A request's unit of work is entered before the use case enters it again: the use case's
    commit keeps its change, and only the outermost exit ends the session."""
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    with platform.uow(insurer.principal) as uow:
        session = uow.session
        enterprise = accounts.register_enterprise(uow, facts(1))
        assert uow.session is session
        assert uow.enterprises.get(enterprise.id).name == enterprise.name  # still open
        uow.enterprises.add(_enterprise(insurer.organisation_id, 2))
        uow.flush()  # after the use case's commit, and never committed: rolled back on exit
    assert _count(platform, "enterprises") == 1
    assert enterprise.name == facts(1).name  # readable after the unit of work ended


def test_every_committed_change_appends_one_audit_event(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    before = _count(platform, "audit_events")
    with platform.uow(insurer.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(1))
        uow.commit()
    with platform.uow(insurer.principal) as uow:
        accounts.update_enterprise(uow, enterprise.id, facts(1, name="改名"), expected_version=1)
        uow.commit()
    with platform.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT action, entity_id, actor_id, tenant_id, before_digest, after_digest "
                "FROM audit_events WHERE seq > :s ORDER BY seq"
            ),
            {"s": before},
        ).all()
    assert [r.action for r in rows] == ["enterprises.created", "enterprises.updated"]
    assert {r.entity_id for r in rows} == {enterprise.id}
    assert {r.actor_id for r in rows} == {insurer.principal.user_id}
    assert {r.tenant_id for r in rows} == {insurer.organisation_id}
    created, updated = rows
    assert created.before_digest == ""
    assert len(created.after_digest) == 64
    assert updated.before_digest == created.after_digest != updated.after_digest
    assert platform.verify_audit_chain().intact


def test_a_duplicate_enterprise_is_a_conflict_and_leaves_nothing_behind(
    platform: Platform,
) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    with platform.uow(insurer.principal) as uow:
        accounts.register_enterprise(uow, facts(1))
        uow.commit()
    events = _count(platform, "audit_events")
    with platform.uow(insurer.principal) as uow, pytest.raises(ConflictError):
        accounts.register_enterprise(uow, facts(1))
    assert _count(platform, "enterprises") == 1
    assert _count(platform, "audit_events") == events


def test_the_same_enterprise_may_be_on_record_with_two_insurers(platform: Platform) -> None:
    first = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    second = make_tenant(platform, OrgKind.INSURER, "Insurer B", Role.UNDERWRITER)
    for tenant in (first, second):
        with platform.uow(tenant.principal) as uow:
            accounts.register_enterprise(uow, facts(7))
            uow.commit()
    assert _count(platform, "enterprises") == 2


def test_repositories_hide_another_tenants_records(platform: Platform) -> None:
    first = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    second = make_tenant(platform, OrgKind.INSURER, "Insurer B", Role.UNDERWRITER)
    with platform.uow(first.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(1))
        uow.commit()
    with platform.uow(second.principal) as uow:
        assert uow.enterprises.list() == []
        assert uow.enterprises.find_by_uscc(enterprise.uscc) is None
        with pytest.raises(NotFoundError):
            uow.enterprises.get(enterprise.id)
        with pytest.raises(NotFoundError):
            accounts.update_enterprise(uow, enterprise.id, facts(2), expected_version=1)


def test_two_connections_updating_the_same_version_one_gets_a_conflict(
    platform: Platform,
) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    with platform.uow(insurer.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(1))
        uow.commit()
    first = platform.uow(insurer.principal).__enter__()
    second = platform.uow(insurer.principal).__enter__()
    try:
        mine = first.enterprises.get(enterprise.id)
        theirs = second.enterprises.get(enterprise.id)
        assert mine.version == theirs.version == 1
        mine.employees = 200
        theirs.employees = 300
        first.commit()
        with pytest.raises(ConcurrencyError):
            second.commit()
    finally:
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
    with platform.uow(insurer.principal) as uow:
        stored = uow.enterprises.get(enterprise.id)
        assert (stored.employees, stored.version) == (200, 2)


def test_concurrent_writers_never_fork_the_audit_chain(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    errors: list[BaseException] = []

    def register(serials: range) -> None:
        try:
            for serial in serials:
                with platform.uow(insurer.principal) as uow:
                    accounts.register_enterprise(uow, facts(serial))
                    uow.commit()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [
        threading.Thread(target=register, args=(range(i * 10, i * 10 + 10),)) for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(platform, "enterprises") == 40
    report = platform.verify_audit_chain()
    assert report.intact, report.problems
