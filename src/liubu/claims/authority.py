"""Claims authority (理赔权限), read from ``data/authority.yaml``: the reserve a line may carry and
the payment one request may make at each role level. Above it, an approval request goes to a
higher level (see :func:`level_for`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from liubu.accounts import Principal, Role
from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError

_WHERE = "liubu/claims/data/authority.yaml"


@dataclass(frozen=True, slots=True)
class ClaimsAuthority:
    """One role level's limits (None: unlimited)."""

    role: str
    level: int
    reserve_limit: Decimal | None
    payment_limit: Decimal | None

    def allows_reserve(self, amount: Decimal) -> bool:
        return self.reserve_limit is None or amount <= self.reserve_limit

    def allows_payment(self, amount: Decimal) -> bool:
        return self.payment_limit is None or amount <= self.payment_limit


def _amount(value: object, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError as error:
        raise ConfigurationError(f"{_WHERE} {where}: {value!r} is not an amount.") from error
    if amount < 0:
        raise ConfigurationError(f"{_WHERE} {where}: {value!r} is negative.")
    return amount


@cache
def claims_authorities(insurer: str) -> tuple[ClaimsAuthority, ...]:
    """The insurer's levels, lowest first (the default ones with its overrides)."""
    data = packaged_yaml("liubu.claims", "data", "authority.yaml")
    own = (data.get("insurers") or {}).get(insurer, {}).get("authorities", {})
    found = []
    for index, raw in enumerate(data["default"]["authorities"]):
        role = str(raw["role"])
        values = {**raw, **own.get(role, {})}
        where = f"authorities[{index}] ({role})"
        found.append(
            ClaimsAuthority(
                role=role,
                level=int(values["level"]),
                reserve_limit=_amount(values.get("reserve_limit"), where),
                payment_limit=_amount(values.get("payment_limit"), where),
            )
        )
    return tuple(sorted(found, key=lambda a: a.level))


def authority_of(principal: Principal, insurer: str) -> ClaimsAuthority:
    """The caller's level: an administrator is the claims manager, an adjuster the adjuster."""
    levels = {a.role: a for a in claims_authorities(insurer)}
    role = "claims_manager" if Role.ADMIN in principal.roles else "claims_adjuster"
    return levels[role]


def level_for(
    insurer: str, *, reserve: Decimal | None = None, payment: Decimal | None = None
) -> int:
    """The lowest level whose limits allow ``reserve`` and ``payment``."""
    for authority in claims_authorities(insurer):
        if (reserve is None or authority.allows_reserve(reserve)) and (
            payment is None or authority.allows_payment(payment)
        ):
            return authority.level
    raise ConfigurationError(f"{_WHERE}: no level may approve this amount; give the top one none.")
