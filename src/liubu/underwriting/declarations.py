"""The applicant's declarations at binding (投保声明) and the policy's start date.

Before a policy is bound the insured confirms two things, in the words of ``data/labels.yaml``:
that what it told the insurer is true and complete (the duty of disclosure, 如实告知, Insurance
Law art. 16), and that it has read the wording, the exclusions having been pointed out and
explained (明确说明, art. 17). The issue event of the policy keeps them with who confirmed and when.
The policy starts on a day the insured chooses, from today to :data:`MAX_START_DAYS` ahead; the
insurer's staff, entering a policy bound on a paper application (投保单), may also date it back up
to :data:`MAX_BACKDATE_DAYS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from liubu.errors import ValidationError
from liubu.products import Text
from liubu.underwriting.labels import note
from liubu.underwriting.reasons import UnderwritingCode

MAX_START_DAYS = 90
# A claim may be brought up to two years after the loss (Insurance Law art. 26): a policy that
# began up to three years ago can still matter, so staff may enter one that far back.
MAX_BACKDATE_DAYS = 3 * 365
DECLARATIONS = ("truthful", "terms_read")


@dataclass(frozen=True)
class Declarations:
    """What the insured confirmed at binding: ``truthful`` (disclosure) and ``terms_read``
    (the wording and its exclusions read and explained). Both must be given to bind."""

    truthful: bool
    terms_read: bool

    def check(self) -> None:
        missing = [name for name in DECLARATIONS if getattr(self, name) is not True]
        if missing:
            raise ValidationError(
                "Binding needs both declarations: that what you told us is true and complete, "
                "and that you have read the wording and its exclusions "
                f"(not confirmed: {', '.join(missing)}).",
                code=UnderwritingCode.DECLARATIONS_REQUIRED,
                field=missing[0],
            )

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DECLARATIONS}


def declaration_texts() -> dict[str, Text]:
    """The two declarations' wording, zh/en, by name."""
    return {name: note(name, section="declarations") for name in DECLARATIONS}


def check_start(start: date, today: date, *, backdate: bool = False) -> date:
    """``start`` if it lies from ``today`` (or, with ``backdate``, :data:`MAX_BACKDATE_DAYS`
    before it) to :data:`MAX_START_DAYS` days ahead, else refused."""
    earliest = today - timedelta(days=MAX_BACKDATE_DAYS if backdate else 0)
    latest = today + timedelta(days=MAX_START_DAYS)
    if not earliest <= start <= latest:
        raise ValidationError(
            f"The policy must start between {earliest.isoformat()} and {latest.isoformat()} "
            f"({MAX_START_DAYS} days ahead), not on {start.isoformat()}.",
            code=UnderwritingCode.START_OUT_OF_RANGE,
            field="start",
            value=start.isoformat(),
        )
    return start
