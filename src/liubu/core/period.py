"""Periods of cover and the Asia/Shanghai display time.

A :class:`Period` is half-open, ``[start, end)``: a policy from 2025-01-01 to 2026-01-01 covers
every moment of 2025 and none of 2026, so consecutive terms neither overlap nor leave a gap. Its
bounds are both calendar dates or both timezone-aware datetimes; naive datetimes are refused
(storage is UTC, screens show Asia/Shanghai).

>>> Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1)).days
365
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from liubu.core.reasons import CoreCode
from liubu.errors import ValidationError

_ONE_DAY = dt.timedelta(days=1)


def _is_aware(moment: dt.datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _kind(value: object, *, field: str) -> str:
    """``"datetime"`` or ``"date"``; refuses naive datetimes and anything else."""
    if isinstance(value, dt.datetime):
        if not _is_aware(value):
            raise ValidationError(
                f"The {field} {value.isoformat()} has no timezone; give an aware datetime "
                f"(e.g. with tzinfo=datetime.UTC).",
                code=CoreCode.PERIOD_NAIVE_DATETIME,
                field=field,
                value=value.isoformat(),
            )
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    raise ValidationError(
        f"The {field} {value!r} is a {type(value).__name__}, not a date or datetime.",
        code=CoreCode.PERIOD_TYPE,
        field=field,
        value=repr(value),
    )


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open interval ``[start, end)`` of dates or of aware datetimes, with start < end."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        start_kind = _kind(self.start, field="start")
        end_kind = _kind(self.end, field="end")
        if start_kind != end_kind:
            raise ValidationError(
                f"The period's start {self.start.isoformat()} is a {start_kind} but its end "
                f"{self.end.isoformat()} is a {end_kind}; give both as dates or both as datetimes.",
                code=CoreCode.PERIOD_MIXED_BOUNDS,
                field="end",
                value=self.end.isoformat(),
            )
        if not self.start < self.end:
            raise ValidationError(
                f"The period's end {self.end.isoformat()} must come after its start "
                f"{self.start.isoformat()}.",
                code=CoreCode.PERIOD_END_NOT_AFTER_START,
                field="end",
                value=self.end.isoformat(),
            )

    @property
    def has_times(self) -> bool:
        """True when the bounds are datetimes, False when they are dates."""
        return isinstance(self.start, dt.datetime)

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def days(self) -> int:
        """Whole days in the period: ``end − start`` for dates; the floor of it for datetimes."""
        return self.duration // _ONE_DAY

    def contains(self, moment: dt.date) -> bool:
        """``start <= moment < end``; ``moment`` must be of the same kind as the bounds."""
        self._require_same_kind(_kind(moment, field="moment"), field="moment", value=moment)
        return self.start <= moment < self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two half-open periods share at least one moment."""
        if not isinstance(other, Period):
            raise ValidationError(
                f"The other {other!r} is a {type(other).__name__}, not a Period.",
                code=CoreCode.PERIOD_TYPE,
                field="other",
                value=repr(other),
            )
        self._require_same_kind(_kind(other.start, field="other"), field="other", value=other.start)
        return self.start < other.end and other.start < self.end

    def _require_same_kind(self, kind: str, *, field: str, value: dt.date) -> None:
        own = "datetime" if self.has_times else "date"
        if kind != own:
            raise ValidationError(
                f"The {field} {value.isoformat()} is a {kind} but the period "
                f"{self.start.isoformat()}–{self.end.isoformat()} is bounded by {own}s.",
                code=CoreCode.PERIOD_MIXED_BOUNDS,
                field=field,
                value=value.isoformat(),
            )


@cache
def shanghai() -> ZoneInfo:
    """The Asia/Shanghai zone (UTC+8, no daylight saving since 1991), loaded on first use."""
    return ZoneInfo("Asia/Shanghai")


def to_shanghai(moment: dt.datetime) -> dt.datetime:
    """The same instant on the Asia/Shanghai wall clock, for display. Refuses naive datetimes."""
    if not isinstance(moment, dt.datetime):
        raise ValidationError(
            f"The moment {moment!r} is a {type(moment).__name__}, not a datetime.",
            code=CoreCode.PERIOD_TYPE,
            field="moment",
            value=repr(moment),
        )
    _kind(moment, field="moment")
    return moment.astimezone(shanghai())


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    """Today on the Beijing calendar, the one policy periods, dates of loss and payments are
    written in (between 16:00 and 24:00 UTC it is already tomorrow there)."""
    return to_shanghai(now or dt.datetime.now(dt.UTC)).date()
