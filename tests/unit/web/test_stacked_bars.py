"""The hand-drawn stacked bar chart: one segment per non-zero count, widths in proportion to the
counts against the longest bar, every label escaped."""

from __future__ import annotations

import base64
import re

import pytest

from liubu.web.charts import stacked_bars_svg


def _svg(uri: str) -> str:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix) :]).decode("utf-8")


def test_segments_are_proportional_to_the_counts_and_labels_are_escaped() -> None:
    svg = _svg(
        stacked_bars_svg(
            [("高 <high>", [2, 1, 0]), ("低", [0, 0, 3])],
            [("逾期", "#c00"), ("On time", "#00c"), ("A & B", "#888")],
        )
    )
    assert "&lt;high&gt;" in svg
    assert "A &amp; B" in svg
    assert "<high>" not in svg
    coloured = re.findall(
        r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="26" fill="(#\w+)"', svg
    )
    coloured = [(w, c) for w, c in coloured if c != "#f1f3f5"]  # the bars' grey tracks
    widths = {colour: float(width) for width, colour in coloured}
    # three non-zero segments: 2 and 1 on the first bar, 3 on the second (the longest bars, 3)
    assert sorted(c for _w, c in coloured) == ["#00c", "#888", "#c00"]
    unit = (420 - 64 - 40) / 3  # the drawing's width less the labels and the total, per alert
    assert widths["#00c"] == pytest.approx(unit, abs=0.05)  # drawn to a tenth of a unit
    assert widths["#c00"] == pytest.approx(2 * unit, abs=0.05)
    assert widths["#888"] == pytest.approx(3 * unit, abs=0.05)
