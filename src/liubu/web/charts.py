"""ECharts options built in Python, so the web page and the CLI's HTML export draw the same chart.

Pages embed the option as JSON in a ``data-echarts`` attribute; ``static/js/charts.js`` draws every
such element (no inline scripts, so the Content-Security-Policy stays strict).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_LABELS = {
    "zh_CN": {
        "title": "损失超越概率曲线",
        "aggregate": "年度累计损失",
        "occurrence": "年度最大单次事件损失",
        "x": "损失（元）",
        "y": "超越概率",
    },
    "en": {
        "title": "Loss exceedance curve",
        "aggregate": "Annual aggregate loss",
        "occurrence": "Largest single event of the year",
        "x": "Loss (CNY)",
        "y": "Probability of exceeding",
    },
}


def exceedance_option(exceedance: dict[str, list[list[float]]], *, lang: str) -> dict[str, Any]:
    """A line chart of P(loss > x) for the aggregate and occurrence curves (log-scaled y)."""
    labels = _LABELS.get(lang, _LABELS["en"])
    series = []
    for key in ("aggregate", "occurrence"):
        points = [[x, p] for x, p in exceedance.get(key, []) if p > 0]
        series.append(
            {
                "name": labels[key],
                "type": "line",
                "showSymbol": False,
                "smooth": False,
                "data": points,
            }
        )
    return {
        "title": {"text": labels["title"], "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 30, "top": 50, "bottom": 60},
        "xAxis": {"type": "value", "name": labels["x"], "nameLocation": "middle", "nameGap": 30},
        "yAxis": {"type": "log", "name": labels["y"], "min": 0.0001, "max": 1},
        "series": series,
    }


def standalone_html(option: dict[str, Any], *, title: str) -> str:
    """A self-contained HTML file (ECharts inlined) that opens offline."""
    script = (
        resources.files("liubu.web")
        .joinpath("static/vendor/echarts-6.1.0.min.js")
        .read_text("utf-8")
    )
    payload = json.dumps(option, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<script>{script}</script></head>
<body style="margin:0">
<div id="chart" style="width:100%;height:95vh"></div>
<script>echarts.init(document.getElementById('chart')).setOption({payload});</script>
</body></html>
"""
