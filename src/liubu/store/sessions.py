"""Web sessions and the login throttle's failures, in plain SQL (Core), not mapped aggregates.

A session's ``last_seen_at`` moves on every few requests and a failed sign-in is a counter: neither
is a business record whose every write belongs in the audit chain. The use cases in
``liubu.accounts.sessions`` and ``service.sign_in`` record the events that matter (sign-in,
sign-out, expiry, revocation, the throttle engaging) explicitly.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from liubu.accounts import FailureCounts, WebSession
from liubu.store import tables

_S = tables.web_sessions
_F = tables.sign_in_failures


class SqlWebSessionStore:
    """The :class:`liubu.accounts.ports.WebSessionStore` on a session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> None:
        self.session.execute(
            insert(_S).values(
                token_hash=web_session.token_hash,
                user_id=web_session.user_id,
                tenant_id=web_session.tenant_id,
                session_epoch=web_session.session_epoch,
                created_at=web_session.created_at,
                last_seen_at=web_session.last_seen_at,
                expires_at=web_session.expires_at,
            )
        )

    def find(self, token_hash: str) -> WebSession | None:
        row = self.session.execute(select(_S).where(_S.c.token_hash == token_hash)).one_or_none()
        return None if row is None else WebSession(**row._mapping)

    def touch(self, token_hash: str, at: datetime) -> None:
        self.session.execute(
            update(_S).where(_S.c.token_hash == token_hash).values(last_seen_at=at)
        )

    def delete(self, token_hash: str) -> int:
        return _count(self.session.execute(delete(_S).where(_S.c.token_hash == token_hash)))

    def delete_for_user(self, user_id: str) -> int:
        return _count(self.session.execute(delete(_S).where(_S.c.user_id == user_id)))

    def delete_expired(self, *, now: datetime, idle_since: datetime) -> int:
        stmt = delete(_S).where(or_(_S.c.expires_at <= now, _S.c.last_seen_at <= idle_since))
        return _count(self.session.execute(stmt))


class SqlSignInFailureStore:
    """The :class:`liubu.accounts.ports.SignInFailureStore` on a session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, *, account_key: str, address: str, at: datetime) -> None:
        self.session.execute(
            insert(_F).values(account_key=account_key, address=address[:64], failed_at=at)
        )

    def counts(self, *, account_key: str, address: str, since: datetime) -> FailureCounts:
        recent = _F.c.failed_at >= since
        pair = self.session.execute(
            select(func.count(), func.max(_F.c.failed_at)).where(
                recent, _F.c.account_key == account_key, _F.c.address == address[:64]
            )
        ).one()
        by_address = self.session.execute(
            select(func.count(), func.max(_F.c.failed_at)).where(
                recent, _F.c.address == address[:64]
            )
        ).one()
        account = self.session.execute(
            select(func.count()).where(recent, _F.c.account_key == account_key)
        ).scalar_one()
        return FailureCounts(
            pair=int(pair[0]),
            pair_last=_utc(pair[1]),
            address=int(by_address[0]),
            address_last=_utc(by_address[1]),
            account=int(account),
        )

    def clear_pair(self, *, account_key: str, address: str) -> None:
        self.session.execute(
            delete(_F).where(_F.c.account_key == account_key, _F.c.address == address[:64])
        )

    def purge(self, *, before: datetime) -> int:
        return _count(self.session.execute(delete(_F).where(_F.c.failed_at < before)))


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _utc(value: object) -> datetime | None:
    # max() keeps the column's type, so the value arrives aware; SQLite may still hand a naive one.
    if value is None:
        return None
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
