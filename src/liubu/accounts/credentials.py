"""Passwords (argon2id), access tokens (JWT, HS256) and API tokens (hashed random secrets)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from liubu.accounts.model import OrgKind, Principal, Role
from liubu.errors import AuthenticationError, Reason

_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 "low memory" profile
_JWT_ALGORITHM = "HS256"
_API_TOKEN_PREFIX = "lbt"  # noqa: S105 - a prefix, not a secret
# A hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown user costs the same as a wrong password."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_access_token(
    principal: Principal, *, secret: bytes, minutes: int, now: datetime | None = None
) -> str:
    """A short-lived JWT carrying the user, tenant and roles."""
    issued = now or datetime.now(UTC)
    claims = {
        "sub": principal.user_id,
        "name": principal.username,
        "tid": principal.tenant_id,
        "kind": str(principal.org_kind),
        "roles": sorted(str(r) for r in principal.roles),
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=minutes)).timestamp()),
        "jti": secrets.token_hex(8),
        "sep": principal.session_epoch,  # a raised epoch (revocation) refuses this token
    }
    return jwt.encode(claims, secret, algorithm=_JWT_ALGORITHM)


def decode_access_token(token: str, *, secret: bytes) -> Principal:
    """Verify signature and expiry; raise :class:`AuthenticationError` otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[_JWT_ALGORITHM], options={"require": ["exp", "sub", "tid"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError(
            "The access token has expired; sign in again.", reason=Reason.TOKEN_EXPIRED
        ) from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationError(
            "The access token is not valid.", reason=Reason.TOKEN_INVALID
        ) from exc
    try:
        return Principal(
            user_id=str(claims["sub"]),
            username=str(claims.get("name", "")),
            tenant_id=str(claims["tid"]),
            org_kind=OrgKind(claims["kind"]),
            roles=frozenset(Role(r) for r in claims.get("roles", [])),
            session_epoch=int(claims.get("sep", 0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise AuthenticationError(
            "The access token is not valid.", reason=Reason.TOKEN_INVALID
        ) from exc


@dataclass(frozen=True)
class ApiTokenSecret:
    """The plaintext of a new API token, shown once: ``lbt_<token id>_<secret>``."""

    token_id: str
    plaintext: str
    secret_hash: str


def new_api_token_secret(token_id: str) -> ApiTokenSecret:
    secret = secrets.token_urlsafe(32)
    return ApiTokenSecret(
        token_id=token_id,
        plaintext=f"{_API_TOKEN_PREFIX}_{token_id}_{secret}",
        secret_hash=_digest(secret),
    )


def split_api_token(plaintext: str) -> tuple[str, str] | None:
    """Return ``(token_id, secret)`` for a well-formed token, else ``None``."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != _API_TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def api_token_matches(secret_hash: str, secret: str) -> bool:
    # The secret has 256 bits of entropy, so a fast hash is enough; compare in constant time.
    return hmac.compare_digest(secret_hash, _digest(secret))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
