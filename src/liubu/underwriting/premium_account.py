"""What the insured owes and has paid on a policy (保费收付), read from the policy's events.

Written premium is the sum of the events' premium changes (the issue, endorsements, a
cancellation's return); payments are ``premium_paid`` events the insurer's staff record. The
outstanding amount is written minus paid: positive, the insured owes it; negative, the insurer owes
a return. The first premium is due on the day cover starts (an assumption, stated: many Chinese
cyber policies have the premium paid in full when the contract is made, and cover conditional on
it; a product may say otherwise, which this model does not yet read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from liubu.underwriting.records import Policy, PolicyEvent

PAYMENT = "premium_paid"


@dataclass(frozen=True)
class PremiumAccount:
    """A policy's premium: ``written`` (issue, endorsements and returns), ``paid`` (recorded
    payments), ``outstanding`` (written − paid), the day the first premium is ``due_on`` and the
    last payment's day (``paid_on``)."""

    written: Decimal
    paid: Decimal
    due_on: date
    paid_on: date | None

    @property
    def outstanding(self) -> Decimal:
        return self.written - self.paid

    @property
    def settled(self) -> bool:
        return self.outstanding <= 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "written": str(self.written),
            "paid": str(self.paid),
            "outstanding": str(self.outstanding),
            "due_on": self.due_on.isoformat(),
            "paid_on": None if self.paid_on is None else self.paid_on.isoformat(),
            "settled": self.settled,
        }


def premium_account(policy: Policy, events: Iterable[PolicyEvent]) -> PremiumAccount:
    """The policy's premium account from its events."""
    written = paid = Decimal(0)
    last: date | None = None
    for event in events:
        if event.kind == PAYMENT:
            paid += Decimal(str(event.detail["amount"]))
            last = event.effective if last is None else max(last, event.effective)
        else:
            written += event.premium_change
    return PremiumAccount(written, paid, policy.period_start, last)
