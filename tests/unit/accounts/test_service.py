"""The accounts use cases own their transactions: one commit when they succeed, none (and the
committed state untouched) when they refuse. On the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

import pytest

from liubu.accounts import service as accounts
from liubu.accounts.credentials import hash_password
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, Organisation, OrgKind, Principal, Role, User
from liubu.core import uscc_with_check
from liubu.errors import (
    AuthenticationError,
    ConflictError,
    LiubuError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork, principal

T = TypeVar("T")
NOW = datetime(2026, 1, 5, tzinfo=UTC)
INSURER = "org-insurer"
PASSWORD = "correct horse"


def _db() -> FakeDatabase:
    db = FakeDatabase()
    db.state.organisations.append(Organisation(INSURER, OrgKind.INSURER, "Insurer", NOW, "ins"))
    db.state.users.append(
        User("u-admin", INSURER, "admin", "admin", hash_password(PASSWORD), ["admin"], NOW)
    )
    return db


def _facts(serial: int = 1, *, name: str = "示例企业") -> EnterpriseFacts:
    return EnterpriseFacts(
        name=name,
        uscc=str(uscc_with_check(f"91320500MA1GL{serial:04d}")),
        industry_section="C",
        industry_division="39",
        region_code="320500",
        annual_revenue=Decimal("60000000"),
        employees=150,
        mlps_level=2,
    )


UNDERWRITER = principal(INSURER, Role.UNDERWRITER)


def _commits_once(db: FakeDatabase, who: Principal, use_case: Callable[[FakeUnitOfWork], T]) -> T:
    uow = FakeUnitOfWork(who, db)
    result = use_case(uow)
    assert uow.commits == 1
    return result


def _refused(
    db: FakeDatabase,
    who: Principal,
    use_case: Callable[[FakeUnitOfWork], object],
    error: type[LiubuError],
) -> None:
    before, shown = db.state, repr(db.state)
    uow = FakeUnitOfWork(who, db)
    with pytest.raises(error):
        use_case(uow)
    assert uow.commits == 0
    assert db.state is before
    assert repr(db.state) == shown


def test_create_organisation_commits_once_and_not_when_refused() -> None:
    db = _db()
    made = _commits_once(
        db, SYSTEM, lambda u: accounts.create_organisation(u, kind=OrgKind.INSURER, name="B")
    )
    assert [o.id for o in db.state.organisations][-1] == made.id

    def taken(u: FakeUnitOfWork) -> object:
        return accounts.create_organisation(u, kind=OrgKind.INSURER, name="C", code="ins")

    _refused(db, SYSTEM, taken, ConflictError)
    _refused(
        db,
        UNDERWRITER,
        lambda u: accounts.create_organisation(u, kind=OrgKind.INSURER, name="D"),
        PermissionDeniedError,
    )


def test_create_user_commits_once_and_not_when_refused() -> None:
    db = _db()
    admin = principal(INSURER, Role.ADMIN)

    def create(password: str) -> Callable[[FakeUnitOfWork], User]:
        return lambda u: accounts.create_user(
            u, tenant_id=INSURER, username="uw", password=password, roles=[Role.UNDERWRITER]
        )

    _refused(db, admin, create("short"), ValidationError)
    user = _commits_once(db, admin, create(PASSWORD))
    assert user.username in {u.username for u in db.state.users}
    _refused(db, admin, create(PASSWORD), ConflictError)


def test_register_and_update_enterprise_commit_once_and_not_when_refused() -> None:
    db = _db()
    enterprise = _commits_once(db, UNDERWRITER, lambda u: accounts.register_enterprise(u, _facts()))
    _refused(db, UNDERWRITER, lambda u: accounts.register_enterprise(u, _facts()), ConflictError)

    def update(version: int) -> Callable[[FakeUnitOfWork], object]:
        return lambda u: accounts.update_enterprise(
            u, enterprise.id, _facts(name="改名"), expected_version=version
        )

    _refused(db, UNDERWRITER, update(2), ConflictError)
    _commits_once(db, UNDERWRITER, update(1))
    assert db.state.enterprises[0].name == "改名"


def test_api_tokens_are_issued_and_revoked_in_one_commit_each() -> None:
    db = _db()
    admin = principal(INSURER, Role.ADMIN, user_id="u-admin")
    token, plaintext = _commits_once(db, admin, lambda u: accounts.issue_api_token(u, name="ci"))
    assert plaintext
    assert db.state.api_tokens[0].id == token.id
    _commits_once(db, admin, lambda u: accounts.revoke_api_token(u, token.id))
    assert db.state.api_tokens[0].revoked_at is not None
    _refused(db, admin, lambda u: accounts.revoke_api_token(u, "no-such-token"), NotFoundError)


def test_sign_in_commits_its_audit_event_whether_it_succeeds_or_not() -> None:
    db = _db()
    limits = accounts.SignInLimits()

    def sign_in(password: str) -> Callable[[FakeUnitOfWork], object]:
        return lambda u: accounts.sign_in(
            u, username="admin", password=password, address="192.0.2.1", limits=limits
        )

    _commits_once(db, SYSTEM, sign_in(PASSWORD))
    # A failure is the rate limiter's memory, so it is committed even though sign-in raises.
    uow = FakeUnitOfWork(SYSTEM, db)
    with pytest.raises(AuthenticationError):
        sign_in("wrong password")(uow)
    assert uow.commits == 1
    assert [e.action for e in db.state.events] == ["auth.signed_in", accounts.SIGN_IN_FAILED]


def test_a_use_case_joins_a_unit_of_work_its_caller_entered() -> None:
    db = _db()
    with FakeUnitOfWork(UNDERWRITER, db) as uow:
        first = accounts.register_enterprise(uow, _facts(1))
        assert uow.enterprises.get(first.id) is first  # the same transaction, still open
        accounts.register_enterprise(uow, _facts(2))
    assert uow.commits == 2
    assert len(db.state.enterprises) == 2


def test_the_steps_of_a_loader_add_without_committing() -> None:
    """A loader (the demo, the pilot book) writes a tenant with its users, or an enterprise with
    its records, in one transaction of its own: the steps leave the commit to it."""
    db = _db()
    uow = FakeUnitOfWork(SYSTEM, db)
    with uow:
        organisation = accounts.add_organisation(uow, kind=OrgKind.ENTERPRISE, name="E", code="e")
        accounts.add_user(
            uow, tenant_id=organisation.id, username="e", password=PASSWORD, roles=[Role.ADMIN]
        )
        accounts.add_enterprise(uow, _facts())
        assert uow.commits == 0
    assert [o.code for o in db.state.organisations] == ["ins"]
    assert (len(db.state.users), db.state.enterprises) == (1, [])
