"""Use cases for tenants, users, sign-in, API tokens and enterprise records.

Plain functions over a :class:`~liubu.accounts.ports.UnitOfWork`; the API, web and CLI share them.
Each use case checks the caller's role here, once; tenant scoping is the repositories' job. Each
one that writes owns its transaction (``with uow: …; uow.commit()``), so no entry point decides
where a change ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from liubu.accounts.credentials import (
    api_token_matches,
    hash_password,
    new_api_token_secret,
    split_api_token,
    verify_password,
)
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.identity import (
    IdentityTakenError,
    check_name,
    follow_uscc_change,
    open_claim,
    take_identity,
)
from liubu.accounts.model import (
    ROLES_BY_KIND,
    ApiToken,
    Enterprise,
    Organisation,
    OrgKind,
    Principal,
    Role,
    User,
    new_id,
)
from liubu.accounts.passwords import check_password
from liubu.accounts.ports import UnitOfWork
from liubu.accounts.reasons import AccountsCode
from liubu.accounts.throttle import SignInLimits, account_key, seconds_to_wait
from liubu.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    Reason,
    ValidationError,
)

SIGN_IN_FAILED = "auth.sign_in_failed"
SIGN_IN_THROTTLED = "auth.sign_in_throttled"
_MAX_USERNAME = 64
_MAX_TYPED = 1024


def _now() -> datetime:
    return datetime.now(UTC)


def require(principal: Principal, *roles: Role, kinds: Sequence[OrgKind] | None = None) -> None:
    """Raise 403 unless the caller has one of ``roles`` (and belongs to one of ``kinds``)."""
    kind_ok = kinds is None or principal.org_kind in kinds
    if not (kind_ok and principal.has_any(*roles)):
        raise PermissionDeniedError("Your role does not allow this action.")


# --- organisations and users ---------------------------------------------------------------


_ORG_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def create_organisation(
    uow: UnitOfWork, *, kind: OrgKind, name: str, code: str | None = None
) -> Organisation:
    with uow:
        organisation = add_organisation(uow, kind=kind, name=name, code=code)
        uow.commit()
        return organisation


def add_organisation(
    uow: UnitOfWork, *, kind: OrgKind, name: str, code: str | None = None
) -> Organisation:
    """The step of :func:`create_organisation` without its commit, for a use case that creates
    an organisation as part of a larger change (loading an insurer's products)."""
    require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM])
    name = check_name(name, field="name", what="organisation name")
    if code is not None and not _ORG_CODE.fullmatch(code):
        raise ValidationError(
            f"The organisation code {code!r} must be lower-case letters, digits and '-'.",
            field="code",
            value=code,
        )
    if code is not None and uow.organisations.find_by_code(code) is not None:
        raise ConflictError(f"The organisation code {code!r} is taken.", reason=Reason.DUPLICATE)
    organisation = Organisation(id=new_id(), kind=kind, name=name, created_at=_now(), code=code)
    uow.organisations.add(organisation)
    return organisation


def create_user(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    username: str,
    password: str,
    roles: Sequence[Role],
    display_name: str = "",
) -> User:
    """Create a user in ``tenant_id``; only that tenant's admin or the platform admin may."""
    with uow:
        user = add_user(
            uow,
            tenant_id=tenant_id,
            username=username,
            password=password,
            roles=roles,
            display_name=display_name,
        )
        uow.commit()
        return user


def add_user(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    username: str,
    password: str,
    roles: Sequence[Role],
    display_name: str = "",
) -> User:
    """The step of :func:`create_user` without its commit, for a loader that creates a
    tenant with its users in one transaction."""
    principal = uow.principal
    require(principal, Role.ADMIN)
    if not principal.is_platform and tenant_id != principal.tenant_id:
        raise NotFoundError("No such organisation.")
    organisation = uow.organisations.get(tenant_id)
    allowed = ROLES_BY_KIND[organisation.kind]
    for role in roles:
        if role not in allowed:
            raise ValidationError(
                f"The role {role!s} is not available to a {organisation.kind!s} organisation; "
                f"choose from {', '.join(sorted(allowed))}.",
                field="roles",
                value=str(role),
            )
    if not roles:
        raise ValidationError("A user needs at least one role.", field="roles")
    username = username.strip().lower()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise ValidationError(
            "The username must be 1–64 characters without spaces.",
            field="username",
            value=username,
        )
    check_password(password, username=username)
    if uow.users.find_by_username(username) is not None:
        raise ConflictError(f"The username {username!r} is taken.", reason=Reason.DUPLICATE)
    user = User(
        id=new_id(),
        tenant_id=tenant_id,
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        roles=sorted(str(r) for r in roles),
        created_at=_now(),
    )
    uow.users.add(user)
    return user


def principal_for(user: User, organisation: Organisation) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        tenant_id=user.tenant_id,
        org_kind=OrgKind(organisation.kind),
        roles=user.role_set,
        session_epoch=user.session_epoch,
    )


def check_throttle(
    uow: UnitOfWork, username: str, *, address: str, limits: SignInLimits, now: datetime
) -> None:
    """Refuse (429 with Retry-After) while the throttle says this name and address must wait."""
    counts = uow.sign_in_failures.counts(
        account_key=account_key(username), address=address, since=now - limits.window
    )
    wait = seconds_to_wait(counts, limits, now)
    if wait > 0:
        raise RateLimitedError(
            "Too many failed sign-in attempts; try again later.", retry_after=wait
        )


def record_failure(
    uow: UnitOfWork,
    username: str,
    *,
    address: str,
    user: User | None,
    limits: SignInLimits,
    now: datetime,
) -> None:
    """Remember a failed attempt for the throttle and the audit chain; audit the moment a
    throttle rule starts to make this name or address wait (the lockout event)."""
    key = account_key(username)
    typed = username.strip().lower()
    uow.sign_in_failures.record(account_key=key, address=address, at=now)
    uow.audit.record(
        SIGN_IN_FAILED,
        entity_type="user",
        entity_id=typed if 0 < len(typed) <= 64 else key,
        tenant_id=user.tenant_id if user else None,
        actor_id="anonymous",
        after={"address": address},
    )
    counts = uow.sign_in_failures.counts(
        account_key=key, address=address, since=now - limits.window
    )
    rules = {
        "pair": counts.pair == limits.pair_free_failures,
        "address": counts.address == limits.address_free_failures,
        "account_under_attack": counts.account == limits.account_alarm_failures,
    }
    for rule, reached in rules.items():
        if reached:
            uow.audit.record(
                SIGN_IN_THROTTLED,
                entity_type="user",
                entity_id=typed if 0 < len(typed) <= 64 else key,
                tenant_id=user.tenant_id if user else None,
                actor_id="anonymous",
                after={"rule": rule, "address": address},
            )


def sign_in(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    address: str,
    limits: SignInLimits,
    now: datetime | None = None,
) -> Principal:
    """Check a password from ``address`` (see :mod:`liubu.accounts.throttle` for the waits).

    A name that does not exist costs the same work, gets the same reply and is throttled the
    same as one that does. Failures are committed even though sign-in raises.
    """
    with uow:
        at = now or _now()
        check_throttle(uow, username, address=address, limits=limits, now=at)
        key = username.strip().lower()
        user = uow.users.find_by_username(key) if len(key) <= _MAX_USERNAME else None
        # Passwords are at most 128 characters when chosen; a longer one cannot be right, but
        # is still checked (cut) so the work does not tell it apart.
        valid = verify_password(user.password_hash if user else None, password[:_MAX_TYPED])
        valid = valid and len(password) <= _MAX_TYPED
        if user is None or not valid or not user.active:
            record_failure(uow, username, address=address, user=user, limits=limits, now=at)
            uow.commit()
            raise AuthenticationError(
                "The username or password is wrong.", reason=Reason.BAD_CREDENTIALS
            )
        uow.sign_in_failures.clear_pair(account_key=account_key(username), address=address)
        uow.sign_in_failures.purge(before=at - limits.window)
        principal = principal_for(user, uow.organisations.get(user.tenant_id))
        uow.audit.record(
            "auth.signed_in",
            entity_type="user",
            entity_id=user.id,
            tenant_id=user.tenant_id,
            actor_id=user.id,
            after={"address": address},
        )
        uow.commit()
        return principal


def load_principal(uow: UnitOfWork, user_id: str, *, session_epoch: int | None = None) -> Principal:
    """Re-read a signed-in user (a session or JWT names them) so deactivation takes effect, and,
    given the ``session_epoch`` the credential was issued in, so revocation does."""
    try:
        user = uow.users.get(user_id)
    except NotFoundError as exc:
        raise AuthenticationError("Your account no longer exists.") from exc
    if not user.active:
        raise AuthenticationError("Your account is deactivated.")
    if session_epoch is not None and session_epoch != user.session_epoch:
        raise AuthenticationError(
            "Your session was ended (a password change or an administrator); sign in again.",
            code=AccountsCode.SESSION_ENDED,
        )
    return principal_for(user, uow.organisations.get(user.tenant_id))


# --- API tokens ----------------------------------------------------------------------------


def issue_api_token(uow: UnitOfWork, *, name: str) -> tuple[ApiToken, str]:
    """A long-lived token for the caller; the plaintext is returned once and never stored."""
    with uow:
        principal = uow.principal
        secret = new_api_token_secret(new_id())
        token = ApiToken(
            id=secret.token_id,
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
            name=name.strip() or "api token",
            secret_hash=secret.secret_hash,
            created_at=_now(),
        )
        uow.api_tokens.add(token)
        uow.commit()
        return token, secret.plaintext


def revoke_api_token(uow: UnitOfWork, token_id: str) -> ApiToken:
    with uow:
        token = uow.api_tokens.get(token_id)
        if token.user_id != uow.principal.user_id and not uow.principal.has_any(Role.ADMIN):
            raise NotFoundError("No such API token.")
        if token.revoked_at is None:
            token.revoked_at = _now()
        uow.commit()
        return token


def authenticate_api_token(uow: UnitOfWork, plaintext: str) -> Principal:
    parts = split_api_token(plaintext)
    token = uow.api_tokens.find_for_authentication(parts[0]) if parts else None
    if parts is None or token is None or not api_token_matches(token.secret_hash, parts[1]):
        raise AuthenticationError("The API token is not valid.", reason=Reason.TOKEN_INVALID)
    if token.revoked_at is not None:
        raise AuthenticationError("The API token was revoked.", reason=Reason.TOKEN_INVALID)
    return load_principal(uow, token.user_id)


# --- enterprises ---------------------------------------------------------------------------

_ENTERPRISE_EDITORS = (Role.ADMIN, Role.UNDERWRITER, Role.ENTERPRISE_USER)
_ENTERPRISE_KINDS = (OrgKind.PLATFORM, OrgKind.INSURER, OrgKind.ENTERPRISE)


def may_register_enterprises(principal: Principal) -> bool:
    """Whether ``principal`` may put enterprises on record (what :func:`register_enterprise`
    requires)."""
    return principal.org_kind in _ENTERPRISE_KINDS and principal.has_any(*_ENTERPRISE_EDITORS)


def register_enterprise(uow: UnitOfWork, facts: EnterpriseFacts) -> Enterprise:
    """Put an enterprise on the caller's record; one record per USCC per tenant, and (for an
    enterprise tenant) one holder per USCC on the platform: a code held elsewhere is refused
    with a claim for the platform operator, committed with the refusal (see ``identity``)."""
    with uow:
        try:
            enterprise = add_enterprise(uow, facts)
        except IdentityTakenError as taken:
            claim = open_claim(uow, uscc=taken.uscc, name=facts.name)
            uow.commit()
            raise IdentityTakenError(taken.uscc, claim_id=claim.id) from taken
        uow.commit()
        return enterprise


def add_enterprise(uow: UnitOfWork, facts: EnterpriseFacts) -> Enterprise:
    """The step of :func:`register_enterprise` without its commit, for a loader that writes an
    enterprise with its records in one transaction."""
    require(uow.principal, *_ENTERPRISE_EDITORS, kinds=_ENTERPRISE_KINDS)
    if uow.enterprises.find_by_uscc(facts.uscc) is not None:
        raise ConflictError(
            f"An enterprise with unified social credit code {facts.uscc} is already on record.",
            reason=Reason.DUPLICATE,
        )
    now = _now()
    enterprise = Enterprise(
        id=new_id(),
        tenant_id=uow.principal.tenant_id,
        name=facts.name,
        uscc=facts.uscc,
        industry_section=facts.industry_section,
        industry_division=facts.industry_division,
        region_code=facts.region_code,
        annual_revenue=facts.annual_revenue,
        employees=facts.employees,
        mlps_level=facts.mlps_level,
        critical_infrastructure=facts.critical_infrastructure,
        created_at=now,
        updated_at=now,
    )
    take_identity(uow, enterprise)
    uow.enterprises.add(enterprise)
    return enterprise


def update_enterprise(
    uow: UnitOfWork, enterprise_id: str, facts: EnterpriseFacts, *, expected_version: int
) -> Enterprise:
    """Replace an enterprise's facts if nobody changed it since ``expected_version``."""
    with uow:
        require(uow.principal, *_ENTERPRISE_EDITORS, kinds=_ENTERPRISE_KINDS)
        enterprise = uow.enterprises.get(enterprise_id)
        if enterprise.version != expected_version:
            raise ConflictError(
                f"The enterprise was changed by someone else (version {enterprise.version}, "
                f"you edited version {expected_version}); reload and try again.",
                reason=Reason.STALE_VERSION,
            )
        other = uow.enterprises.find_by_uscc(facts.uscc)
        if other is not None and other.id != enterprise.id:
            raise ConflictError(
                f"An enterprise with unified social credit code {facts.uscc} is already on record.",
                reason=Reason.DUPLICATE,
            )
        follow_uscc_change(uow, enterprise, facts.uscc)
        for name, value in facts.as_fields().items():
            setattr(enterprise, name, value)
        enterprise.updated_at = _now()
        uow.commit()
        return enterprise
