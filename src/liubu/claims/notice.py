"""The rules of a first notice of loss (报案), pure: is the policy on cover for it, what is it
flagged for, and when do its SLA clocks run out.

Cover (refused, with the dates, when outside):

- the policy covers ``[period_start, cover_end)``, where ``cover_end`` is the day a cancellation
  took effect or else ``period_end``;
- **occurrence** trigger: the loss must occur in that window;
- **claims-made** trigger: the loss must occur before ``cover_end`` (a loss after the policy ended
  is nobody's on this policy); an occurrence before the retroactive date and a notice outside the
  period plus its extended reporting days are *flagged* for the adjuster, not refused — whether
  the cover responds is the coverage position's call.

Flags (never refusals): ``late_notice`` when the notice comes more than the product's
``notice_within_hours`` after discovery.

SLA clocks: ``ir_contact_due`` = notified at + the response time the product promises for its
``incident_response_hotline`` service (or, failing that, the shortest response time any of its
services promises, or else :data:`DEFAULT_IR_MINUTES`); ``settlement_due`` = notified at + the
product's ``settlement_within_days`` (none if the product names none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import ClaimFlag
from liubu.core import to_shanghai
from liubu.errors import ValidationError
from liubu.products import ProductSpec

DEFAULT_IR_MINUTES = 120
"""Incident-response contact time when a product promises none: two hours (an assumption of
liubu's, in line with the 10–60 minutes the reference catalogue's hotlines promise)."""
IR_SERVICE = "incident_response_hotline"


@dataclass(frozen=True, slots=True)
class Cover:
    """The policy's window of cover as the notice sees it."""

    policy_number: str
    period_start: date
    period_end: date
    cancelled_on: date | None = None

    @property
    def cover_end(self) -> date:
        return self.cancelled_on or self.period_end


@dataclass(frozen=True, slots=True)
class NoticeCheck:
    flags: tuple[ClaimFlag, ...]
    ir_contact_due: datetime
    settlement_due: datetime | None
    retroactive_date: date | None


def retroactive_date(spec: ProductSpec, cover: Cover) -> date | None:
    """The earliest occurrence a claims-made policy answers for (None: no limit)."""
    trigger = spec.trigger
    if trigger.retroactive_date is not None:
        return trigger.retroactive_date
    if trigger.retroactive_period_days is not None:
        return cover.period_start - timedelta(days=trigger.retroactive_period_days)
    return None


def ir_response_minutes(spec: ProductSpec) -> int:
    promised = [s for s in spec.services if s.response_time_minutes is not None]
    for service in promised:
        if service.code == IR_SERVICE:
            return int(service.response_time_minutes or 0)
    if promised:
        return min(int(s.response_time_minutes or 0) for s in promised)
    return DEFAULT_IR_MINUTES


def check_notice(
    spec: ProductSpec,
    cover: Cover,
    *,
    occurred_on: date,
    discovered_at: datetime,
    notified_at: datetime,
) -> NoticeCheck:
    """Refuse a notice the policy cannot answer for; otherwise its flags and deadlines.

    Dates of loss and policy periods are Beijing calendar dates: the moments are compared with
    them on the Asia/Shanghai calendar (between 16:00 and 24:00 UTC it is already tomorrow)."""
    notified_on = to_shanghai(notified_at).date()
    if occurred_on > notified_on:
        raise ValidationError(
            f"The loss cannot occur in the future ({occurred_on}).",
            code=ClaimsCode.BAD_DATES,
            field="occurred_on",
            value=str(occurred_on),
        )
    if discovered_at > notified_at or to_shanghai(discovered_at).date() < occurred_on:
        raise ValidationError(
            f"The discovery ({discovered_at:%Y-%m-%d %H:%M}) must fall between the occurrence "
            f"({occurred_on}) and the notice ({notified_at:%Y-%m-%d %H:%M}).",
            code=ClaimsCode.BAD_DATES,
            field="discovered_at",
            value=discovered_at.isoformat(),
        )
    end = cover.cover_end
    ended = "was cancelled on" if cover.cancelled_on else "ended on"
    claims_made = spec.trigger.basis == "claims_made"
    if occurred_on >= end or (not claims_made and occurred_on < cover.period_start):
        raise ValidationError(
            f"Policy {cover.policy_number} covers {cover.period_start} to {end} ({ended} {end}); "
            f"the loss on {occurred_on} is outside its cover.",
            code=ClaimsCode.POLICY_NOT_IN_FORCE,
            field="occurred_on",
            value=str(occurred_on),
        )
    flags: list[ClaimFlag] = []
    retro = retroactive_date(spec, cover) if claims_made else None
    if claims_made:
        if retro is not None and occurred_on < retro:
            flags.append(ClaimFlag.BEFORE_RETROACTIVE_DATE)
        extended = timedelta(days=spec.trigger.extended_reporting_days or 0)
        if not cover.period_start <= notified_on < end + extended:
            flags.append(ClaimFlag.REPORTED_OUTSIDE_PERIOD)
    if notified_at - discovered_at > timedelta(hours=spec.claims.notice_within_hours):
        flags.append(ClaimFlag.LATE_NOTICE)
    days = spec.claims.settlement_within_days
    return NoticeCheck(
        flags=tuple(flags),
        ir_contact_due=notified_at + timedelta(minutes=ir_response_minutes(spec)),
        settlement_due=None if days is None else notified_at + timedelta(days=days),
        retroactive_date=retro,
    )
