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
            while display_width(current.rstrip()) > width:  # a word wider than the column
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


def _block(cells: list[str], widths: list[int], mark: str) -> list[str]:
    """One table row: each cell wrapped to its column, the row as tall as its tallest cell."""
    wrapped = [wrap(text, width) for text, width in zip(cells, widths, strict=True)]
    height = max(len(cell) for cell in wrapped)
    out = []
    for i in range(height):
        parts = [
            _pad(cell[i] if i < len(cell) else "", width)
            for cell, width in zip(wrapped, widths, strict=True)
        ]
        out.append((mark if i == 0 else " ") + " " + " │ ".join(parts).rstrip())
    return out


def render_comparison_text(
    comparison: Comparison, lang: str | None = None, *, column_width: int = 28
) -> str:
    """The comparison as a text table (rows that differ marked ``*``), then each product's
    plain-language summary."""
    chosen: Lang = check_lang(lang or comparison.lang)
    names = zip(comparison.products, comparison.names, strict=True)
    header = ["", *(f"{name.in_(chosen)}\n{pid}" for pid, name in names)]
    widths = [22] + [column_width] * len(comparison.products)
    out = _block(header, widths, " ")
    for section in ("general", "coverage", "exclusion", "service"):
        rows: list[Row] = [row for row in comparison.rows if row.section == section]
        if not rows:
            continue
        title = f"■ {phrase('sections', section).in_(chosen)} "
        out.append("─" + title + "─" * max(0, sum(widths) + 3 * len(widths) - display_width(title)))
        for row in rows:
            cells = [row.label.in_(chosen), *(cell.text.in_(chosen) for cell in row.cells)]
            out.extend(_block(cells, widths, DIFFERS_MARK if row.differs else " "))
    out.append("")
    out.append(phrase("cells", "legend").in_(chosen))
    for summary in comparison.summaries:
        out.append("")
        out.append(f"【{summary.name.in_(chosen)}】{summary.product_id}")
        for part in (summary.covered, summary.not_covered, summary.pay_first):
            out.append(part.in_(chosen))
    return "\n".join(out) + "\n"
