"""Underwriting authority (核保授权): how far each role level may override a quote.

An :class:`OverrideAuthority` bounds (1) the relative move of any filed-premium coefficient away
from the value its guide gives, |asked ÷ guided − 1| ≤ ``coefficient_deviation`` (a coefficient
with no guided value is measured against 1, the value the rate plan would apply); (2) the policy
limit, ≤ ``max_limit`` (None: no cap); (3) whether a referred quote may be accepted. No role may
accept a declined quote. Authorities are data (``data/referral_rules.yaml``, ``authorities``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from liubu.core import Money
from liubu.errors import PermissionDeniedError
from liubu.underwriting._data import load_data
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.referral import Referral

_DENIED = UnderwritingCode.BEYOND_AUTHORITY


@dataclass(frozen=True, slots=True)
class OverrideAuthority:
    """What one role level may override."""

    role: str
    level: int
    coefficient_deviation: Decimal
    max_limit: Decimal | None
    accepts_referrals: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "level": self.level,
            "coefficient_deviation": str(self.coefficient_deviation),
            "max_limit": None if self.max_limit is None else str(self.max_limit),
            "accepts_referrals": self.accepts_referrals,
        }


def override_authorities(insurer: str) -> tuple[OverrideAuthority, ...]:
    """The insurer's authorities by role level (the default ones with its overrides)."""
    data = load_data("referral_rules.yaml")
    own = data.mapping(("insurers",)).get(insurer, {}).get("authorities", {})
    out = []
    for i, raw in enumerate(data.get(("default", "authorities"))):
        role = str(raw["role"])
        values = {**raw, **own.get(role, {})}

        def path(key: str, role: str = role, i: int = i) -> tuple[str | int, ...]:
            if key in own.get(role, {}):
                return ("insurers", insurer, "authorities", role, key)
            return ("default", "authorities", i, key)

        level = values.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise data.fail(f"The level of {role} must be a whole number ≥ 1.", path("level"))
        deviation = data.decimal(path("coefficient_deviation"), low=Decimal(0), high=Decimal(1))
        cap = None if values.get("max_limit") is None else data.decimal(path("max_limit"))
        accepts = values.get("accepts_referrals")
        if not isinstance(accepts, bool):
            raise data.fail(f"accepts_referrals of {role} must be true or false.", path(""))
        out.append(OverrideAuthority(role, level, deviation, cap, accepts))
    return tuple(sorted(out, key=lambda a: a.level))


def authority_for(insurer: str, role: str) -> OverrideAuthority:
    """The authority of ``role`` (e.g. ``underwriter``) at ``insurer``."""
    for authority in override_authorities(insurer):
        if authority.role == role:
            return authority
    roles = [a.role for a in override_authorities(insurer)]
    raise PermissionDeniedError(
        f"The role {role!r} has no underwriting authority at {insurer}; roles with authority are "
        f"{roles}.",
        code=_DENIED,
        detail={"role": role, "insurer": insurer},
    )


def _deviation(guided: Decimal | None, asked: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return abs(asked / (guided if guided is not None and guided != 0 else Decimal(1)) - 1)


def check_override(
    authority: OverrideAuthority,
    *,
    overrides: Mapping[str, tuple[Decimal | None, Decimal]] | None = None,
    limit: Money | Decimal | None = None,
    referral: Referral | None = None,
) -> None:
    """Raise :class:`~liubu.errors.PermissionDeniedError` if ``authority`` does not cover the
    coefficient ``overrides`` (factor → (guided value, asked value), as
    :attr:`QuoteOption.overrides`), binding ``limit``, or accepting ``referral``."""
    for factor, (guided, asked) in (overrides or {}).items():
        moved = _deviation(guided, asked)
        if moved > authority.coefficient_deviation:
            raise PermissionDeniedError(
                f"The {authority.role} may move a coefficient by at most "
                f"{authority.coefficient_deviation:%} of its guided value; the override of "
                f"{factor} to {asked} from {guided if guided is not None else 1} moves it by "
                f"{moved.quantize(Decimal('0.0001')):%}.",
                code=_DENIED,
                detail={"role": authority.role, "factor": factor, "deviation": str(moved)},
            )
    amount = limit.amount if isinstance(limit, Money) else limit
    if amount is not None and authority.max_limit is not None and amount > authority.max_limit:
        raise PermissionDeniedError(
            f"The {authority.role} may bind limits up to {authority.max_limit:,f} CNY; the limit "
            f"asked is {amount:,f} CNY.",
            code=_DENIED,
            detail={"role": authority.role, "limit": str(amount)},
        )
    if referral is not None and referral.decision == "decline":
        raise PermissionDeniedError(
            "A declined quote cannot be accepted by any underwriting authority.",
            code=_DENIED,
            detail={"role": authority.role, "decision": "decline"},
        )
    if referral is not None and referral.decision == "refer" and not authority.accepts_referrals:
        raise PermissionDeniedError(
            f"The {authority.role} may not accept a referred quote "
            f"({', '.join(r.code for r in referral.reasons)}).",
            code=_DENIED,
            detail={"role": authority.role, "decision": "refer"},
        )
