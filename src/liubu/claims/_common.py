"""What the claims use cases share: the transaction wrapper, the clock, the roles, the checks of
free text and amounts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Concatenate, ParamSpec, TypeVar

from liubu.accounts import OrgKind, Principal, Role, require
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import Claim, ClaimState
from liubu.errors import ConflictError, NotFoundError, ValidationError

ADJUSTERS = (Role.CLAIMS_ADJUSTER, Role.ADMIN)
INSURER_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)
MAX_TEXT = 4000
MAX_AMOUNT = Decimal("1000000000000")  # 10¹² CNY: far above any cyber policy's limit

U = TypeVar("U", bound=ClaimsUnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


def committed(use_case: Callable[Concatenate[U, P], R]) -> Callable[Concatenate[U, P], R]:
    """The use case owns its transaction: ``with uow:`` around it and one commit on success
    (joining the entry point's unit of work when one is open); an error commits nothing."""

    @functools.wraps(use_case)
    def run(uow: U, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with uow:
            result = use_case(uow, *args, **kwargs)
            uow.commit()
            return result

    return run


def now() -> datetime:
    return datetime.now(UTC)


def require_adjuster(principal: Principal) -> None:
    require(principal, *ADJUSTERS, kinds=INSURER_KINDS)


def insurers_claim(uow: ClaimsUnitOfWork, claim_id: str, *, lock: bool = False) -> Claim:
    """A claim of the caller's insurer (the insured and a vendor see it, but may not act on its
    money: for them it is absent)."""
    claim = uow.claims.claim(claim_id, lock=lock)
    if not uow.principal.is_platform and claim.tenant_id != uow.principal.tenant_id:
        raise NotFoundError(f"No claim of yours with id {claim_id!r}.")
    return claim


def require_open(claim: Claim) -> None:
    if claim.state is not ClaimState.OPEN:
        raise ConflictError(
            f"Claim {claim.number} is {claim.state}; reopen it first.", code=ClaimsCode.CLAIM_CLOSED
        )


def text(value: str, *, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Free text, stripped; refused when empty (if required), too long or holding controls."""
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(
            f"Give the {field.replace('_', ' ')}.", code=ClaimsCode.REASON_REQUIRED, field=field
        )
    if len(cleaned) > limit or any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned):
        raise ValidationError(
            f"The {field.replace('_', ' ')} must be at most {limit} characters of text.",
            field=field,
            value=cleaned[:64],
        )
    return cleaned


def amount(value: Decimal | str | int, *, field: str = "amount", positive: bool = True) -> Decimal:
    """An amount in CNY: finite, non-negative (positive if asked), at most two decimals."""
    try:
        found = Decimal(str(value))
    except (InvalidOperation, ValueError):
        found = Decimal("NaN")
    ok = (
        found.is_finite()
        and found >= 0
        and (found > 0 or not positive)
        and found <= MAX_AMOUNT
        and found == found.quantize(Decimal("0.01"))
    )
    if not ok:
        raise ValidationError(
            f"The {field} must be {'more than' if positive else 'at least'} 0 CNY, at most "
            f"{MAX_AMOUNT} and in whole fen; got {value!r}.",
            code=ClaimsCode.BAD_AMOUNT,
            field=field,
            value=str(value)[:64],
        )
    return found.quantize(Decimal("0.01"))
