"""A plain-text rendering of a :class:`Comparison`, for the terminal (the CLI prints it).

Columns are padded by display width (a Chinese character takes two columns); rows whose terms
differ between products are marked with ``*``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from liubu.products.comparison import Comparison, Row
from liubu.products.text import Lang, check_lang
from liubu.products.wording import phrase

DIFFERS_MARK = "*"


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (East Asian wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` columns (at spaces when possible)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in _words(paragraph):
            candidate = current + word
            if current and display_width(candidate.rstrip()) > width:
                lines.append(current.rstrip())
                current = word.lstrip()
            else:
                current = candidate
            while display_width(current) > width:  # a single word wider than the column
                cut = _cut(current, width)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current.rstrip())
    return lines


def _words(text: str) -> Iterator[str]:
    """Words with their trailing space; each wide character is a word of its own."""
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                yield word
            yield ch
            word = ""
        else:
            word += ch
            if ch == " ":
                yield word
                word = ""
    if word:
        yield word


def _cut(text: str, width: int) -> int:
    used = 0
    for index, ch in enumerate(text):
        used += display_width(ch)
        if used > width:
            return max(index, 1)
    return len(text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _table_lines(header: list[str], body: list[tuple[str, list[str], bool]], widths: list[int]) -> list[str]:
    def line(cells: list[list[str]], mark: str) -> list[str]:
        height = max(len(cell) for cell in cells)
        out = []
        for i in range(height):
            parts = [_pad(cell[i] if i < len(cell) else "", w) for cell, w in zip(cells, widths, strict=True)]
            out.append((mark if i == 0 else " ") + " " + " │ ".join(parts).rstrip())
        return out

    rule = "──" + "─┼─".join("─" * w for w in widths)
    lines = line([wrap(h, w) for h, w in zip(header, widths, strict=True)], " ")
    lines.append(rule)
    for label, cells, differs in body:
        texts = [label, *cells]
        lines.extend(line([wrap(t, w) for t, w in zip(texts, widths, strict=True)],
                          DIFFERS_MARK if differs else " "))
    return lines


def render_comparison_text(comparison: Comparison, lang: str | None = None, *, column_width: int = 28) -> str:
    """The comparison as a text table followed by each product's summary."""
    chosen: Lang = check_lang(lang or comparison.lang)
    header = [""] + [f"{name.in_(chosen)}\n{pid}" for pid, name in zip(comparison.products, comparison.names, strict=True)]
    widths = [22] + [column_width] * len(comparison.products)
    out: list[str] = []
    for section in ("general", "coverage", "exclusion", "service"):
        rows: list[Row] = [row for row in comparison.rows if row.section == section]
        if not rows:
            continue
        out.append(f"■ {phrase('sections', section).in_(chosen)}")
        body = [(row.label.in_(chosen), [c.text.in_(chosen) for c in row.cells], row.differs) for row in rows]
        out.extend(_table_lines(header, body, widths))
        out.append("")
    legend = "* 表示各产品条款不同" if chosen == "zh" else "* marks rows where the products differ"
    out.append(legend)
    for summary in comparison.summaries:
        out.append("")
        out.append(f"【{summary.name.in_(chosen)}】{summary.product_id}")
        for part in (summary.covered, summary.not_covered, summary.pay_first):
            out.append(part.in_(chosen))
    return "\n".join(out) + "\n"
