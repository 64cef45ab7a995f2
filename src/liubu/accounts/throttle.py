"""The login throttle: who may try a password now, from failures per account, per address and
per (account, address) pair. The design and its reasons are in ``docs/security.md``.

In short: failures from one address against one account earn that pair a growing wait
(progressive delay); one address failing against many accounts (spraying) earns the address a
growing wait; an account failing from many addresses (a distributed guess) tightens the pair rule
for the addresses that have already failed against it, and never touches an address that has
not. No rule ever refuses a correct password from an address with no failures of its own, so an
attacker elsewhere cannot lock a user out. The rules read the typed name, whether it exists or
not, so the replies do not tell which names exist.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SignInLimits:
    """The throttle's settings (``LIUBU_LOGIN_*``); the defaults are the documented policy."""

    window: timedelta = timedelta(minutes=15)  # failures older than this are forgotten
    pair_free_failures: int = 5  # per (account, address) before the first wait
    address_free_failures: int = 20  # per address, across accounts, before the first wait
    account_alarm_failures: int = 20  # per account, across addresses: the account is under attack
    pair_free_under_attack: int = 2  # the pair allowance while the account is under attack
    first_delay: timedelta = timedelta(seconds=30)  # the first wait; each further failure doubles

    def __post_init__(self) -> None:
        counts = (
            self.pair_free_failures,
            self.address_free_failures,
            self.account_alarm_failures,
            self.pair_free_under_attack,
        )
        if min(counts) < 1 or self.window <= timedelta(0) or self.first_delay <= timedelta(0):
            raise ValueError("Sign-in limits must be positive.")


@dataclass(frozen=True)
class FailureCounts:
    """Failures inside the window, as the store counts them."""

    pair: int = 0
    pair_last: datetime | None = None
    address: int = 0
    address_last: datetime | None = None
    account: int = 0


def _wait(
    failures: int, free: int, last: datetime | None, limits: SignInLimits, now: datetime
) -> float:
    """Seconds still to wait: ``first_delay × 2^(failures − free)`` after the last failure,
    capped at the window; nothing while ``failures < free``."""
    if failures < free or last is None:
        return 0.0
    delay = limits.first_delay.total_seconds() * 2.0 ** min(failures - free, 30)
    delay = min(delay, limits.window.total_seconds())
    return max(0.0, (last + timedelta(seconds=delay) - now).total_seconds())


def seconds_to_wait(counts: FailureCounts, limits: SignInLimits, now: datetime) -> int:
    """How long the caller must wait before trying (0: go ahead). Whole seconds, rounded up."""
    under_attack = counts.account >= limits.account_alarm_failures
    pair_free = limits.pair_free_under_attack if under_attack else limits.pair_free_failures
    waits = (
        _wait(counts.pair, pair_free, counts.pair_last, limits, now),
        _wait(counts.address, limits.address_free_failures, counts.address_last, limits, now),
    )
    return math.ceil(max(waits))


def account_key(username: str) -> str:
    """What the throttle stores for a typed name: a digest, the same for names that exist and
    names that do not, and bounded whatever was typed."""
    return hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def address_key(host: str | None) -> str:
    """The address a failure is charged to: an IPv4 address, or an IPv6 /64 (one subscriber's
    network: a client holding a /64 could otherwise rotate through 2^64 addresses)."""
    if not host:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(host.strip())
    except ValueError:
        return host.strip()[:64] or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)
