"""Server-side web sessions on a real database (SQLite and PostgreSQL): timeouts driven by the
clock the use cases take, revocation at sign-out, at a password change and by an admin."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from liubu import accounts
from liubu.accounts import (
    SYSTEM,
    OrgKind,
    Principal,
    Role,
    SessionLimits,
    SignInLimits,
    decode_access_token,
    issue_access_token,
)
from liubu.bootstrap import Platform
from liubu.errors import AuthenticationError, NotFoundError, ValidationError
from tests.integration.helpers import PASSWORD, Tenant, make_tenant

LIMITS = SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
THROTTLE = SignInLimits()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "a quite different phrase"


def _sign_in(platform: Platform, tenant: Tenant, *, at: datetime = T0) -> tuple[Principal, str]:
    with platform.uow() as uow:
        principal = accounts.sign_in(
            uow, username=tenant.username, password=PASSWORD, address="192.0.2.7", limits=THROTTLE
        )
        token = accounts.start_session(uow, principal, limits=LIMITS, now=at)
    return principal, token


def _resume(platform: Platform, token: str, at: datetime) -> Principal:
    with platform.uow() as uow:
        return accounts.resume_session(uow, token, limits=LIMITS, now=at)


def _open(platform: Platform, token: str, at: datetime) -> bool:
    try:
        _resume(platform, token, at)
    except AuthenticationError:
        return False
    return True


def _session_rows(platform: Platform) -> list[str]:
    with platform.engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT token_hash FROM web_sessions")).scalars())


def test_the_store_keeps_a_hash_of_the_token_not_the_token(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    _, token = _sign_in(platform, tenant)
    assert _session_rows(platform) == [hashlib.sha256(token.encode()).hexdigest()]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_a_session_ends_after_the_idle_time_without_a_request(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    _, token = _sign_in(platform, tenant)
    # Active every 20 minutes for two hours: never idle for 30.
    for step in range(1, 7):
        assert _open(platform, token, T0 + timedelta(minutes=20 * step))
    last = T0 + timedelta(minutes=120)
    assert not _open(platform, token, last + timedelta(minutes=30))
    assert _session_rows(platform) == []  # the expired session was removed
    assert not _open(platform, token, last + timedelta(minutes=31))


def test_a_session_ends_at_its_absolute_age_however_active(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    _, token = _sign_in(platform, tenant)
    at = T0
    while at + timedelta(minutes=25) < T0 + timedelta(hours=8):
        at += timedelta(minutes=25)
        assert _open(platform, token, at), at
    assert not _open(platform, token, T0 + timedelta(hours=8))


def test_sign_out_ends_the_session_and_is_audited(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    _, token = _sign_in(platform, tenant)
    with platform.uow() as uow:
        accounts.end_session(uow, token)
    assert not _open(platform, token, T0 + timedelta(minutes=1))
    with platform.engine.connect() as connection:
        actions = set(connection.execute(sa.text("SELECT action FROM audit_events")).scalars())
    assert {"auth.signed_in", "auth.session_started", "auth.signed_out"} <= actions
    assert platform.verify_audit_chain().intact


def test_expired_sessions_are_removed_when_someone_signs_in(platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    _sign_in(platform, tenant, at=T0)
    _sign_in(platform, tenant, at=T0 + timedelta(minutes=10))
    assert len(_session_rows(platform)) == 2
    _, live = _sign_in(platform, tenant, at=T0 + timedelta(minutes=45))
    # The first is idle for 45 minutes and the second for 35: both gone; the new one stays.
    assert _session_rows(platform) == [hashlib.sha256(live.encode()).hexdigest()]


def test_a_password_change_ends_every_session_and_access_token_of_the_user(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    principal, laptop = _sign_in(platform, tenant)
    _, phone = _sign_in(platform, tenant)
    secret = platform.settings.signing_secret
    jwt = issue_access_token(principal, secret=secret, minutes=15)
    with platform.uow(principal) as uow:
        changed = accounts.change_password(
            uow,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            address="192.0.2.7",
            limits=THROTTLE,
        )
    assert changed.session_epoch == principal.session_epoch + 1
    assert not _open(platform, laptop, T0 + timedelta(minutes=1))
    assert not _open(platform, phone, T0 + timedelta(minutes=1))
    claims = decode_access_token(jwt, secret=secret)  # still signed and unexpired …
    with platform.uow() as uow, pytest.raises(AuthenticationError):  # … but revoked
        accounts.load_principal(uow, claims.user_id, session_epoch=claims.session_epoch)
    with platform.uow() as uow:
        again = accounts.sign_in(
            uow, username=tenant.username, password=NEW_PASSWORD, address="x", limits=THROTTLE
        )
    assert again.session_epoch == changed.session_epoch


def test_a_password_change_needs_the_current_password_and_the_policy(
    platform: Platform,
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    principal, token = _sign_in(platform, tenant)

    def change(current: str, new: str) -> ValidationError:
        with platform.uow(principal) as uow, pytest.raises(ValidationError) as refused:
            accounts.change_password(
                uow, current_password=current, new_password=new, address="a", limits=THROTTLE
            )
        return refused.value

    assert change("not my password", NEW_PASSWORD).field == "current_password"
    assert change(PASSWORD, "qwerty123456").code == "password.common"
    assert change(PASSWORD, "short one").code == "password.too_short"
    assert change(PASSWORD, f"my {tenant.username} pass").code == "password.contains_username"
    assert _open(platform, token, T0 + timedelta(minutes=1))  # nothing changed


def test_an_admin_revokes_the_sessions_of_a_user_of_their_tenant_only(
    platform: Platform,
) -> None:
    staff = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    admin = make_tenant(platform, OrgKind.INSURER, "Insurer A admin", Role.ADMIN)
    other_admin = make_tenant(platform, OrgKind.INSURER, "Insurer B", Role.ADMIN)
    _, token = _sign_in(platform, staff)
    with platform.uow(other_admin.principal) as uow, pytest.raises(NotFoundError):
        accounts.revoke_sessions(uow, staff.principal.user_id)
    assert _open(platform, token, T0 + timedelta(minutes=1))
    # An admin of the staff's own organisation (a platform admin, SYSTEM, may too).
    same_org = accounts.acting_in(staff.organisation_id, OrgKind.INSURER, Role.ADMIN)
    with platform.uow(same_org) as uow:
        assert accounts.revoke_sessions(uow, staff.principal.user_id) == 1
    assert not _open(platform, token, T0 + timedelta(minutes=2))
    assert admin.username  # the other tenant's admin existed throughout
    with platform.uow(SYSTEM) as uow:
        accounts.revoke_sessions(uow, staff.principal.user_id, api_tokens=True)
    with platform.engine.connect() as connection:
        revoked = connection.execute(
            sa.text("SELECT count(*) FROM audit_events WHERE action = 'auth.sessions_revoked'")
        ).scalar_one()
    assert revoked == 2
