"""Sign-in with the throttle, on the in-memory unit of work, with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liubu import accounts
from liubu.accounts import SignInLimits
from liubu.accounts.credentials import hash_password
from liubu.accounts.model import Organisation, OrgKind, User
from liubu.errors import AuthenticationError, RateLimitedError
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse"
LIMITS = SignInLimits()


def _db() -> FakeDatabase:
    db = FakeDatabase()
    db.state.organisations.append(Organisation("org", OrgKind.INSURER, "Insurer", NOW, "ins"))
    db.state.users.append(User("u1", "org", "li", "Li", hash_password(PASSWORD), ["admin"], NOW))
    return db


def _try(db: FakeDatabase, password: str, *, address: str = "A", at: datetime = NOW) -> str:
    try:
        accounts.sign_in(
            FakeUnitOfWork(db=db),
            username="li",
            password=password,
            address=address,
            limits=LIMITS,
            now=at,
        )
    except RateLimitedError as refused:
        return f"429:{refused.retry_after}"
    except AuthenticationError:
        return "401"
    return "200"


def _actions(db: FakeDatabase) -> list[str]:
    return [event.action for event in db.state.events]


def test_a_waiting_client_that_retries_does_not_make_its_wait_longer() -> None:
    db = _db()
    assert [_try(db, "wrong") for _ in range(5)] == ["401"] * 5
    later = NOW + timedelta(seconds=10)
    assert [_try(db, "wrong", at=later) for _ in range(3)] == ["429:20"] * 3
    assert len(db.state.sign_in_failures) == 5  # refused attempts are not failures
    assert _try(db, PASSWORD, at=NOW + timedelta(seconds=30)) == "200"


def test_a_successful_sign_in_clears_its_own_pair_only() -> None:
    db = _db()
    for _ in range(3):
        _try(db, "wrong", address="A")
        _try(db, "wrong", address="B")
    assert _try(db, PASSWORD, address="A") == "200"
    assert {row[1] for row in db.state.sign_in_failures} == {"B"}


def test_the_moment_a_rule_engages_is_audited_once() -> None:
    db = _db()
    for _ in range(5):
        _try(db, "wrong")
    assert _actions(db).count("auth.sign_in_failed") == 5
    assert _actions(db).count("auth.sign_in_throttled") == 1
    for _ in range(3):
        _try(db, "wrong")  # refused: no new failure, no new event
    assert _actions(db).count("auth.sign_in_throttled") == 1


def test_failures_older_than_the_window_are_forgotten() -> None:
    db = _db()
    for _ in range(5):
        _try(db, "wrong")
    assert _try(db, "wrong", at=NOW + LIMITS.window + timedelta(seconds=1)) == "401"


@pytest.mark.parametrize("username", ["ghost", "x" * 10_000, "  LI  "])
def test_any_typed_name_is_throttled_the_same_way(username: str) -> None:
    db = _db()
    replies = []
    for _ in range(6):
        try:
            accounts.sign_in(
                FakeUnitOfWork(db=db),
                username=username,
                password="wrong",
                address="A",
                limits=LIMITS,
                now=NOW,
            )
        except RateLimitedError:
            replies.append("429")
        except AuthenticationError as refused:
            replies.append(f"401 {refused.message}")
    assert replies == ["401 The username or password is wrong."] * 5 + ["429"]
