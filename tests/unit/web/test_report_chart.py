"""The report's loss chart: its words are text (not pixels) in the reader's language, and the two
curves, which often lie on each other, are drawn in different weights and dashes."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from liubu.web.charts import exceedance_svg

SVG = "{http://www.w3.org/2000/svg}"
# One event a year at most: the largest event is the year's whole loss, the curves coincide.
EXCEEDANCE = {
    "aggregate": [[x * 1_000_000.0, 0.1 / (1 + x) ** 2] for x in range(50)],
    "occurrence": [[x * 1_000_000.0, 0.1 / (1 + x) ** 2] for x in range(50)],
}
WORDS = {
    "zh_CN": [
        "损失超越概率曲线",
        "年度累计损失",
        "年度最大单次事件损失",
        "损失（万元）",
        "百年一遇",
    ],
    "en": [
        "Loss exceedance curve",
        "Annual aggregate loss",
        "Largest single event of the year",
        "Loss (CNY 10,000)",
        "1-in-100",
    ],
}


def _svg(lang: str, *, narrow: bool = False) -> ET.Element:
    uri = exceedance_svg(EXCEEDANCE, lang=lang, narrow=narrow)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return ET.fromstring(base64.b64decode(uri.removeprefix(prefix)))


def _texts(svg: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


@pytest.mark.parametrize("narrow", [False, True])
@pytest.mark.parametrize(("lang", "other"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_the_chart_speaks_the_readers_language(lang: str, other: str, narrow: bool) -> None:
    text = _texts(_svg(lang, narrow=narrow))
    for words in WORDS[lang]:
        assert words in text, words
    for words in WORDS[other]:
        assert words not in text, words
    assert "1%" in text  # chances as percentages, not 10^-2


def test_the_two_curves_differ_in_weight_and_dash() -> None:
    styles = [
        path.get("style", "")
        for path in _svg("en").iter(f"{SVG}path")
        if "stroke: #1f5fa8" in path.get("style", "") or "stroke: #d9480f" in path.get("style", "")
    ]
    aggregate = [s for s in styles if "#1f5fa8" in s and "stroke-width: 2.6" in s]
    occurrence = [s for s in styles if "#d9480f" in s and "stroke-dasharray" in s]
    assert aggregate
    assert occurrence
    assert not any("stroke-dasharray" in s for s in aggregate)
    widths = {float(w) for s in styles for w in re.findall(r"stroke-width: ([\d.]+)", s)}
    assert len(widths) == 2
