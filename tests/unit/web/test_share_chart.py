"""The industry risk view's inline SVG bars: well-formed XML, names escaped, and each bar as long
as its share of the plot's width (0 % and 100 % at the ends)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from liubu.web.charts import share_bars_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_names_escaped() -> None:
    markup = share_bars_svg(
        [("C 制造业", 0.25, 1.0), ("R&D <labs>", 0.0, 0.5)],
        series=("KEV", "Alerts"),
        title="By industry section",
    )
    root = ET.fromstring(markup)  # well-formed: "&" and "<" were escaped
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "R&D <labs>" in texts
    assert "C 制造业" in texts
    assert [t for t in texts if t and t.endswith("%")] == ["25%", "100%", "0%", "50%"]
    rects = list(root.iter(f"{SVG}rect"))[2:]  # after the legend's two swatches
    widths = [float(r.get("width", "0")) for r in rects]
    full = widths[1]
    assert full > 0
    assert widths == [full * 0.25, full, 0.0, full * 0.5]
    assert "style=" not in markup  # presentation attributes only: the CSP stays strict


def test_every_bar_lies_inside_the_drawing() -> None:
    markup = share_bars_svg(
        [(f"part {i}", 0.5, 0.5) for i in range(10)], series=("AAL", "TVaR"), title="Parts"
    )
    root = ET.fromstring(markup)
    height = float(root.get("viewBox", "0 0 0 0").split()[3])
    bottoms = [
        float(r.get("y", "0")) + float(r.get("height", "0")) for r in root.iter(f"{SVG}rect")
    ]
    assert max(bottoms) <= height
