"""How figures look on a page (the display layer): money as ¥ with thousands separators to the
fen, ratios and coefficients to 4 significant digits, percentages, times in Asia/Shanghai.

Pages show these; the exact values stay in the API and the JSON/CSV exports (and in each figure's
``title``, so a reader can hover for them). Registered as Jinja filters by ``rendering``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from liubu.core import half_up

SHANGHAI = ZoneInfo("Asia/Shanghai")
DASH = "—"


def _number(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(getattr(value, "amount", value)))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def money(value: object, places: int = 2) -> str:
    """``¥12,345.67`` (half-up to ``places`` decimals; 0 for whole yuan); ``—`` when absent."""
    number = _number(value)
    if number is None:
        return DASH
    quantum = Decimal(1).scaleb(-places)
    rounded = half_up(number, quantum)
    sign = "-" if rounded < 0 else ""
    return f"{sign}¥{abs(rounded):,.{places}f}"


def significant(value: object, digits: int = 4) -> str:
    """A ratio or coefficient to ``digits`` significant digits (``0.3191``, ``1.25``); a number
    whose integer part is longer keeps it whole, with separators (``77,575``)."""
    number = _number(value)
    if number is None:
        return DASH
    if number == 0:
        return "0"
    exponent = number.adjusted()  # floor(log10 |x|)
    places = max(digits - 1 - exponent, 0)
    rounded = half_up(number, Decimal(1).scaleb(-places))
    text = f"{rounded:,.{places}f}"
    if places and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(value: object, places: int = 1) -> str:
    """A share as a percentage: 0.1234 → ``12.3%``."""
    number = _number(value)
    if number is None:
        return DASH
    scaled = half_up(number * 100, Decimal(1).scaleb(-places))
    return f"{scaled:,.{places}f}%"


def local_time(value: datetime | str | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time — or its ISO 8601 text, as JSON histories keep it — as read in China
    (Asia/Shanghai)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI).strftime(pattern)


FILTERS = {"money": money, "sig": significant, "pct": percent, "local_time": local_time}
