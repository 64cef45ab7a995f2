"""Period of cover: half-open, dates or aware datetimes; Asia/Shanghai display time."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liubu.core import Period, to_shanghai
from liubu.errors import ValidationError

UTC = dt.UTC


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2100])
def test_a_one_year_date_period_has_365_or_366_days(year: int) -> None:
    term = Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    assert term.days == (366 if calendar.isleap(year) else 365)
    assert not term.has_times


def test_a_datetime_period_counts_whole_elapsed_days() -> None:
    term = Period(dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2025, 1, 2, 12, tzinfo=UTC))
    assert term.days == 1
    assert term.duration == dt.timedelta(hours=36)
    assert term.has_times


def test_bounds_in_different_zones_compare_by_instant() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    # midnight in Shanghai is 16:00 UTC the day before
    term = Period(dt.datetime(2025, 1, 1, tzinfo=shanghai), dt.datetime(2025, 1, 2, tzinfo=UTC))
    assert term.duration == dt.timedelta(hours=32)
    assert term.contains(dt.datetime(2024, 12, 31, 16, 0, tzinfo=UTC))
    assert not term.contains(dt.datetime(2024, 12, 31, 15, 59, tzinfo=UTC))


def test_contains_is_half_open() -> None:
    term = Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert term.contains(dt.date(2025, 1, 1))
    assert term.contains(dt.date(2025, 12, 31))
    assert not term.contains(dt.date(2026, 1, 1))
    assert not term.contains(dt.date(2024, 12, 31))


def test_consecutive_terms_do_not_overlap_but_intersecting_ones_do() -> None:
    first = Period(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    renewal = Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    midterm = Period(dt.date(2025, 7, 1), dt.date(2026, 7, 1))
    assert not first.overlaps(renewal)
    assert not renewal.overlaps(first)
    assert first.overlaps(midterm)
    assert renewal.overlaps(midterm)
    assert first.overlaps(first)


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 12, 31))


@given(dates, dates, dates, dates)
def test_overlap_is_symmetric_and_means_a_shared_day(
    a: dt.date, b: dt.date, c: dt.date, d: dt.date
) -> None:
    if a == b or c == d:
        return
    one, two = Period(min(a, b), max(a, b)), Period(min(c, d), max(c, d))
    assert one.overlaps(two) == two.overlaps(one)
    # brute force over the days of the shorter period
    shorter, longer = sorted((one, two), key=lambda p: p.days)
    shared = any(longer.contains(shorter.start + dt.timedelta(days=k)) for k in range(shorter.days))
    assert one.overlaps(two) == shared


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 1), "period.end_not_after_start"),
        (dt.date(2026, 1, 1), dt.date(2025, 1, 1), "period.end_not_after_start"),
        (dt.datetime(2025, 1, 1), dt.datetime(2026, 1, 1), "period.naive_datetime"),
        (dt.date(2025, 1, 1), dt.datetime(2026, 1, 1, tzinfo=UTC), "period.mixed_bounds"),
        ("2025-01-01", dt.date(2026, 1, 1), "period.type"),
    ],
)
def test_period_refuses_bad_bounds(start: object, end: object, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Period(start, end)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.field in {"start", "end"}


def test_period_refuses_to_mix_dates_and_datetimes_in_queries() -> None:
    term = Period(dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError):
        term.contains(dt.date(2025, 6, 1))
    with pytest.raises(ValidationError):
        term.overlaps(Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1)))
    with pytest.raises(ValidationError):
        term.contains(dt.datetime(2025, 6, 1))


def test_to_shanghai_shows_utc_plus_eight() -> None:
    moment = dt.datetime(2024, 6, 30, 16, 0, tzinfo=UTC)
    local = to_shanghai(moment)
    assert local == moment
    assert (local.year, local.month, local.day, local.hour) == (2024, 7, 1, 0)
    assert local.utcoffset() == dt.timedelta(hours=8)


@given(st.datetimes(min_value=dt.datetime(1992, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_shanghai_is_a_fixed_utc_plus_eight_since_1992(naive_utc: dt.datetime) -> None:
    moment = naive_utc.replace(tzinfo=UTC)
    expected = (naive_utc + dt.timedelta(hours=8)).replace(
        tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert to_shanghai(moment).replace(tzinfo=None) == expected.replace(tzinfo=None)


def test_to_shanghai_refuses_naive_datetimes_and_dates() -> None:
    with pytest.raises(ValidationError) as caught:
        to_shanghai(dt.datetime(2025, 1, 1))
    assert caught.value.code == "period.naive_datetime"
    with pytest.raises(ValidationError):
        to_shanghai(dt.date(2025, 1, 1))  # type: ignore[arg-type]


def test_today_on_the_beijing_calendar_turns_at_16_utc() -> None:
    from datetime import UTC, date, datetime

    from liubu.core import shanghai_today

    assert shanghai_today(datetime(2026, 12, 7, 15, 59, tzinfo=UTC)) == date(2026, 12, 7)
    assert shanghai_today(datetime(2026, 12, 7, 16, 0, tzinfo=UTC)) == date(2026, 12, 8)
