"""The webhook signature (docs/notifications.md) and the retry schedule.

A receiver recomputes ``HMAC-SHA256(secret, f"{timestamp}.{body}")`` over the exact bytes of
the body and compares it, in constant time, with the ``X-Liubu-Signature`` header's hex after
``sha256=``; it refuses a timestamp older than its tolerance (five minutes, say) so a captured
call cannot be replayed later, and uses ``X-Liubu-Delivery`` to ignore a delivery it already
processed (a retry after a lost answer carries the same id).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from liubu.errors import ValidationError

SIGNATURE_HEADER = "X-Liubu-Signature"
TIMESTAMP_HEADER = "X-Liubu-Timestamp"
DELIVERY_HEADER = "X-Liubu-Delivery"
EVENT_HEADER = "X-Liubu-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 keyed by the secret over ``b"<timestamp>." + body``."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a receiver does (a reference implementation, also for tests)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: the n-th failed attempt waits ``base × factor^(n-1)``, at most
    ``cap``; after ``max_attempts`` attempts the delivery is dead."""

    max_attempts: int = 6
    base: timedelta = timedelta(minutes=1)
    factor: int = 2
    cap: timedelta = timedelta(hours=6)
    # A claimed delivery is not claimed again for this long (the sender's timeout and more):
    # a worker that dies while sending leaves it to be tried again afterwards.
    claim: timedelta = timedelta(minutes=2)

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 20 or self.factor < 1 or self.base <= timedelta(0):
            raise ValidationError(
                "A retry policy needs 1 to 20 attempts, a positive base and a factor ≥ 1.",
                field="max_attempts",
            )

    def wait_after(self, attempts: int) -> timedelta:
        """How long after the ``attempts``-th failed attempt the next one is due."""
        wait: timedelta = self.base * self.factor ** max(attempts - 1, 0)
        return min(wait, self.cap)

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        return now + self.wait_after(attempts)


def hashed(text: str) -> str:
    """A short digest to name a target in the audit trail without the target itself."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
