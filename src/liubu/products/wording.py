"""Plain words for comparisons and summaries: labels, money, durations and shares in zh and en.

>>> money(Decimal("1000000"), "zh"), money(Decimal("1000000"), "en")
('100万元', '¥1,000,000')
>>> money(Decimal("7.9"), "zh"), duration(168, "en"), share(Decimal("0.3"), "en")
('7.90元', '7 days', '30%')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.products._data import load_yaml_table
from liubu.products.text import LANGS, Lang, Text

_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


@cache
def _phrases() -> Mapping[str, Any]:
    return load_yaml_table("phrases.yaml")


def phrase(*keys: str) -> Text:
    """The phrase at ``keys`` in ``phrases.yaml``: ``phrase("labels", "trigger", "occurrence")``."""
    node: Any = _phrases()
    for key in keys:
        node = node[key]
    return Text(zh=str(node["zh"]), en=str(node["en"]))


def fill(template: Text, **values: Any) -> Text:
    """Fill a bilingual template; a value that is a :class:`Text` is taken in each language."""

    def one(lang: Lang) -> str:
        filled = {k: (v.in_(lang) if isinstance(v, Text) else v) for k, v in values.items()}
        return template.in_(lang).format(**filled)

    return Text(zh=one("zh"), en=one("en"))


def per_lang(render: Any) -> Text:
    """A :class:`Text` from a function of the language."""
    return Text(zh=render("zh"), en=render("en"))


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def money(amount: Decimal, lang: Lang) -> str:
    """An amount of CNY: ``¥1,000,000`` in English, ``100万元`` in Chinese."""
    integral = amount == amount.to_integral_value()
    if lang == "en":
        return f"¥{int(amount):,}" if integral else f"¥{amount:,.2f}"
    if amount >= _YI and (amount / _YI) * 100 == ((amount / _YI) * 100).to_integral_value():
        return f"{_plain(amount / _YI)}亿元"
    if amount >= _WAN and (amount / _WAN) * 100 == ((amount / _WAN) * 100).to_integral_value():
        return f"{_plain(amount / _WAN)}万元"
    return f"{int(amount)}元" if integral else f"{amount:.2f}元"


def duration(hours: int, lang: Lang) -> str:
    """Whole days when the hours divide by 24, else hours: ``7 days``, ``12小时``."""
    if hours and hours % 24 == 0:
        days = hours // 24
        return phrase("summary", "day" if days == 1 else "days").in_(lang).format(n=days)
    return phrase("summary", "hour" if hours == 1 else "hours").in_(lang).format(n=hours)


def share(fraction: Decimal, lang: Lang) -> str:
    """A fraction as a percentage: ``0.3`` → ``30%`` (same in both languages)."""
    return f"{_plain(fraction * 100)}%"


def join(items: Iterable[str], lang: Lang, *, separator: str = "list_separator") -> str:
    return phrase("summary", separator).in_(lang).join(items)


def join_or(items: list[str], lang: Lang) -> str:
    """``a, b or c`` / ``a、b或c``."""
    if len(items) <= 1:
        return "".join(items)
    return join(items[:-1], lang) + phrase("summary", "or").in_(lang) + items[-1]


def join_texts(texts: Iterable[Text], *, separator: str = "list_separator") -> Text:
    items = list(texts)
    return per_lang(lambda lang: join((t.in_(lang) for t in items), lang, separator=separator))


__all__ = ["LANGS", "duration", "fill", "join", "join_or", "money", "phrase", "share"]
