"""Web sessions kept on the server, and the changes that end them (sign-out, a password change,
an admin's revocation).

The browser's cookie holds only a random token (256 bits); the store keeps its SHA-256, so a copy
of the table opens nothing. A session ends at sign-out, after ``idle`` without a request, at its
absolute end however active, and when the user's session epoch is raised: a password change or an
admin's revocation raises it, which also ends every access token (JWT) issued before, since a
token names the epoch it was issued in. API tokens (``lbt_…``) are named machine credentials the
user manages one by one; a password change leaves them, an admin's revocation may include them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liubu.accounts.credentials import hash_password, verify_password
from liubu.accounts.model import Principal, Role, User, WebSession
from liubu.accounts.passwords import check_password
from liubu.accounts.ports import UnitOfWork
from liubu.accounts.reasons import AccountsCode
from liubu.accounts.service import (
    check_throttle,
    load_principal,
    principal_for,
    record_failure,
    require,
)
from liubu.accounts.throttle import SignInLimits
from liubu.errors import AuthenticationError, ValidationError

# last_seen_at is written at most this often: the idle clock is this coarse, and a page with
# many requests does not write the row each time.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionLimits:
    """Idle and absolute timeouts (``LIUBU_SESSION_IDLE_SECONDS``, ``…_MAX_AGE_SECONDS``)."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=8)

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.absolute <= timedelta(0):
            raise ValueError("Session timeouts must be positive.")


def _now() -> datetime:
    return datetime.now(UTC)


def session_token_hash(token: str) -> str:
    # 256 random bits need no slow hash; the digest only keeps a table copy from opening sessions.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(
    uow: UnitOfWork, principal: Principal, *, limits: SessionLimits, now: datetime | None = None
) -> str:
    """Open a session for a signed-in ``principal``; return the token for the cookie (once).

    Expired sessions of everyone are removed here, so the table holds live sessions only.
    """
    at = now or _now()
    token = secrets.token_urlsafe(32)
    with uow:
        removed = uow.web_sessions.delete_expired(now=at, idle_since=at - limits.idle)
        if removed:
            uow.audit.record(
                "auth.sessions_expired",
                entity_type="web_session",
                entity_id="*",
                tenant_id="platform",
                actor_id="system",
                after={"removed": removed},
            )
        uow.web_sessions.add(
            WebSession(
                token_hash=session_token_hash(token),
                user_id=principal.user_id,
                tenant_id=principal.tenant_id,
                session_epoch=principal.session_epoch,
                created_at=at,
                last_seen_at=at,
                expires_at=at + limits.absolute,
            )
        )
        uow.audit.record(
            "auth.session_started",
            entity_type="user",
            entity_id=principal.user_id,
            tenant_id=principal.tenant_id,
            actor_id=principal.user_id,
        )
        uow.commit()
    return token


def resume_session(
    uow: UnitOfWork, token: str, *, limits: SessionLimits, now: datetime | None = None
) -> Principal:
    """The user a session token names, if the session is still open; else 401 (and the session,
    if it was only expired, is removed)."""
    at = now or _now()
    with uow:
        key = session_token_hash(token)
        session = uow.web_sessions.find(key)
        if session is None:
            raise AuthenticationError("Sign in to continue.", code=AccountsCode.SESSION_ENDED)
        if at >= session.expires_at or at - session.last_seen_at >= limits.idle:
            uow.web_sessions.delete(key)
            uow.audit.record(
                "auth.session_expired",
                entity_type="user",
                entity_id=session.user_id,
                tenant_id=session.tenant_id,
                actor_id="system",
                after={"idle": at < session.expires_at},
            )
            uow.commit()
            raise AuthenticationError(
                "Your session has ended; sign in again.", code=AccountsCode.SESSION_ENDED
            )
        principal = load_principal(uow, session.user_id, session_epoch=session.session_epoch)
        if at - session.last_seen_at >= _TOUCH_EVERY:
            uow.web_sessions.touch(key, at)
            uow.commit()
        return principal


def end_session(uow: UnitOfWork, token: str) -> None:
    """Sign out: the session is removed, so a saved copy of the cookie opens nothing."""
    with uow:
        key = session_token_hash(token)
        session = uow.web_sessions.find(key)
        if session is None:
            return
        uow.web_sessions.delete(key)
        uow.audit.record(
            "auth.signed_out",
            entity_type="user",
            entity_id=session.user_id,
            tenant_id=session.tenant_id,
            actor_id=session.user_id,
        )
        uow.commit()


def _revoke_all(uow: UnitOfWork, user: User, *, why: str, actor_id: str) -> int:
    """Raise the user's epoch (ends their access tokens) and remove their web sessions."""
    user.session_epoch += 1
    removed = uow.web_sessions.delete_for_user(user.id)
    uow.audit.record(
        "auth.sessions_revoked",
        entity_type="user",
        entity_id=user.id,
        tenant_id=user.tenant_id,
        actor_id=actor_id,
        after={"sessions": removed, "why": why, "session_epoch": user.session_epoch},
    )
    return removed


def revoke_sessions(uow: UnitOfWork, user_id: str, *, api_tokens: bool = False) -> int:
    """An admin ends every session and access token of a user of their tenant (the platform
    admin: of any tenant), and with ``api_tokens`` their API tokens too. Returns the number of
    web sessions ended."""
    with uow:
        require(uow.principal, Role.ADMIN)
        user = uow.users.get(user_id)  # another tenant's user is absent (404)
        removed = _revoke_all(uow, user, why="admin", actor_id=uow.principal.user_id)
        if api_tokens:
            at = _now()
            for token in uow.api_tokens.list():
                if token.user_id == user.id and token.revoked_at is None:
                    token.revoked_at = at
        uow.commit()
        return removed


def change_password(
    uow: UnitOfWork,
    *,
    current_password: str,
    new_password: str,
    address: str,
    limits: SignInLimits,
    now: datetime | None = None,
) -> Principal:
    """The caller changes their own password, proving the current one.

    Every session and access token of the user ends (the caller's too: the entry point opens a
    fresh session from the returned principal). A wrong current password counts as a failed
    sign-in for the throttle, so a stolen session cannot be used to guess it.
    """
    at = now or _now()
    with uow:
        caller = uow.principal
        user = uow.users.get(caller.user_id)
        check_throttle(uow, user.username, address=address, limits=limits, now=at)
        if not verify_password(user.password_hash, current_password):
            record_failure(uow, user.username, address=address, user=user, limits=limits, now=at)
            uow.commit()
            raise ValidationError(
                "The current password is wrong.",
                field="current_password",
                code=AccountsCode.PASSWORD_CURRENT_WRONG,
            )
        check_password(new_password, username=user.username, field="new_password")
        user.password_hash = hash_password(new_password)
        _revoke_all(uow, user, why="password_changed", actor_id=user.id)
        uow.audit.record(
            "auth.password_changed",
            entity_type="user",
            entity_id=user.id,
            tenant_id=user.tenant_id,
            actor_id=user.id,
        )
        principal = principal_for(user, uow.organisations.get(user.tenant_id))
        uow.commit()
        return principal


def set_password(uow: UnitOfWork, user_id: str, new_password: str) -> None:
    """An admin (or the CLI acting as one) sets a user's password, e.g. after a lost one; the
    user's sessions and access tokens end."""
    with uow:
        require(uow.principal, Role.ADMIN)
        user = uow.users.get(user_id)
        check_password(new_password, username=user.username)
        user.password_hash = hash_password(new_password)
        _revoke_all(uow, user, why="password_set", actor_id=uow.principal.user_id)
        uow.audit.record(
            "auth.password_set",
            entity_type="user",
            entity_id=user.id,
            tenant_id=user.tenant_id,
            actor_id=uow.principal.user_id,
        )
        uow.commit()
