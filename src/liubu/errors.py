"""The exception tree of liubu, with stable reason codes.

Every error the domain raises is a :class:`LiubuError` carrying a :class:`Reason` (a stable,
documented code that clients may switch on) and a message that is a full sentence. Each entrypoint
has exactly one translator: the API turns errors into RFC 9457 ``application/problem+json`` bodies,
the CLI into one line on stderr and a non-zero exit code.

::

    LiubuError                      (reason, message, detail)
    ├── ValidationError             422  bad input: names field, value and, for files, file:line
    │   └── IdentifierError         422  a checksum-carrying identifier (USCC, resident ID) is wrong
    ├── NotFoundError               404  absent, or another tenant's (existence not revealed)
    ├── ConflictError               409  duplicate, or a state that forbids the change
    │   └── ConcurrencyError        409  optimistic lock lost: someone else changed it first
    ├── AuthenticationError         401  no, expired or forged credentials
    ├── PermissionDeniedError       403  authenticated but the role may not do this
    ├── RateLimitedError            429  too many failed attempts; retry later
    ├── ConfigurationError          500  settings refused (e.g. default secrets in production)
    └── IntegrityError              500  the audit chain or another invariant is broken
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Stable reason codes. Add new codes; never rename or reuse one."""

    INVALID = "invalid"
    INVALID_IDENTIFIER = "invalid_identifier"
    MALFORMED_REQUEST = "malformed_request"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    STALE_VERSION = "stale_version"
    UNAUTHENTICATED = "unauthenticated"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a reason code
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - a reason code
    BAD_CREDENTIALS = "bad_credentials"
    FORBIDDEN = "forbidden"
    CSRF_FAILED = "csrf_failed"
    RATE_LIMITED = "rate_limited"
    CONFIGURATION = "configuration"
    AUDIT_CHAIN_BROKEN = "audit_chain_broken"
    TOO_LARGE = "too_large"
    SERVER_ERROR = "server_error"


class LiubuError(Exception):
    """Base of every error liubu raises on purpose."""

    status = 500
    default_reason = Reason.INVALID

    def __init__(
        self,
        message: str,
        *,
        reason: Reason | None = None,
        code: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason: Reason = reason or self.default_reason
        # ``code`` refines the reason with a domain-specific rule name, e.g. "pert.mode_outside".
        self.code = code or str(self.reason)
        self.detail: dict[str, object] = dict(detail or {})


class ValidationError(LiubuError):
    """Bad input. Names the field (dotted path), the offending value and, for files, file:line."""

    status = 422
    default_reason = Reason.INVALID

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        value: object = None,
        location: str | None = None,
        reason: Reason | None = None,
    ) -> None:
        detail: dict[str, object] = {}
        if field is not None:
            detail["field"] = field
        if value is not None:
            detail["value"] = value if isinstance(value, int | float | str | bool) else repr(value)
        if location is not None:
            detail["location"] = location
        super().__init__(message, reason=reason, code=code, detail=detail)
        self.field = field
        self.value = value
        self.location = location


class IdentifierError(ValidationError):
    """A unified social credit code or resident ID failed its published check."""

    default_reason = Reason.INVALID_IDENTIFIER


class NotFoundError(LiubuError):
    status = 404
    default_reason = Reason.NOT_FOUND


class ConflictError(LiubuError):
    status = 409
    default_reason = Reason.CONFLICT


class ConcurrencyError(ConflictError):
    default_reason = Reason.STALE_VERSION


class AuthenticationError(LiubuError):
    status = 401
    default_reason = Reason.UNAUTHENTICATED


class PermissionDeniedError(LiubuError):
    status = 403
    default_reason = Reason.FORBIDDEN


class RateLimitedError(LiubuError):
    status = 429
    default_reason = Reason.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after


class ConfigurationError(LiubuError):
    status = 500
    default_reason = Reason.CONFIGURATION


class IntegrityError(LiubuError):
    status = 500
    default_reason = Reason.AUDIT_CHAIN_BROKEN


__all__ = [
    "AuthenticationError",
    "ConcurrencyError",
    "ConfigurationError",
    "ConflictError",
    "IdentifierError",
    "IntegrityError",
    "LiubuError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "Reason",
    "ValidationError",
]
