"""ECharts options built in Python, so the web page and the CLI's HTML export draw the same chart,
and the report's printable chart (SVG, for the PDF that cannot run ECharts) with the same words;
and small inline SVG charts drawn without a script (:func:`share_bars_svg`).

Pages embed the option as JSON in a ``data-echarts`` attribute; ``static/js/charts.js`` draws every
such element (no inline scripts, so the Content-Security-Policy stays strict).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from html import escape
from importlib import resources
from typing import Any

_LABELS = {
    "zh_CN": {
        "title": "损失超越概率曲线",
        "aggregate": "年度累计损失",
        "occurrence": "年度最大单次事件损失",
        "x": "损失（元）",
        "y": "超越概率",
        "x_10k": "损失（万元）",
        "y_plain": "一年内损失超过该金额的概率",
    },
    "en": {
        "title": "Loss exceedance curve",
        "aggregate": "Annual aggregate loss",
        "occurrence": "Largest single event of the year",
        "x": "Loss (CNY)",
        "y": "Probability of exceeding",
        "x_10k": "Loss (CNY 10,000)",
        "y_plain": "Chance of a larger loss in a year",
    },
}
# the levels the report quotes beside its chart, named as it names them
_RETURN_PERIODS = {
    "zh_CN": {100: "百年一遇", 200: "二百年一遇"},
    "en": {100: "1-in-100", 200: "1-in-200"},
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


_RP_LABELS = {
    "zh_CN": {
        "title": "损失与重现期（元）",
        "aep": "年度累计损失（AEP）",
        "oep": "年度最大单次事件损失（OEP）",
        "x": "重现期（年，对数刻度）",
    },
    "en": {
        "title": "Loss by return period (CNY)",
        "aep": "Annual aggregate loss (AEP)",
        "oep": "Largest event of the year (OEP)",
        "x": "Return period (years, log scale)",
    },
}


def return_period_option(
    points: Sequence[tuple[int, float, float]], *, lang: str
) -> dict[str, Any]:
    """A line chart of the AEP and OEP losses against the return period (``points``: return
    period, AEP, OEP), the return period on a log axis, as the exceedance chart's ECharts."""
    labels = _RP_LABELS.get(lang, _RP_LABELS["en"])
    series = [
        {
            "name": labels[key],
            "type": "line",
            "showSymbol": True,
            "symbolSize": 5,
            "data": [[t, values[index]] for t, *values in points],
            **({"lineStyle": {"type": "dashed"}} if key == "oep" else {}),
        }
        for index, key in enumerate(("aep", "oep"))
    ]
    return {
        "title": {"text": labels["title"], "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 16, "right": 24, "top": 40, "bottom": 96, "containLabel": True},
        "xAxis": {
            "type": "log",
            "logBase": 10,
            "name": labels["x"],
            "nameLocation": "middle",
            "nameGap": 26,
        },
        "yAxis": {"type": "value"},
        "series": series,
    }


# The report's chart: the body's font (Noto Sans CJK, which Debian's fonts-noto-cjk installs),
# text kept as text (a PDF reader can search and copy it), sizes fixed for A4 and a phone alike.
_REPORT_STYLE: dict[Any, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans CJK SC", "DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 10,
    "axes.unicode_minus": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "liubu-report",
}


def exceedance_svg(
    exceedance: dict[str, list[list[float]]], *, lang: str, narrow: bool = False
) -> str:
    """The report's loss exceedance chart as an SVG data URI, in ``lang``; ``narrow`` draws it
    for a phone's width (taller, so its text stays legible when scaled to fit).

    The aggregate and the largest-event curves often lie on each other (a bad year's loss is
    mostly one event), so they differ by weight and dash rather than colour alone; dotted lines
    mark the 1-in-100 and 1-in-200 levels the report quotes beside the chart."""
    import matplotlib
    from matplotlib.figure import Figure

    labels = _LABELS.get(lang, _LABELS["en"])
    curves = {
        key: [(x / 10_000, p) for x, p in exceedance.get(key, []) if p > 0]
        for key in ("aggregate", "occurrence")
    }
    with matplotlib.rc_context(_REPORT_STYLE):
        figure = Figure(figsize=(3.6, 3.4) if narrow else (6.4, 3.0))
        axis = figure.subplots()
        _draw_exceedance(axis, curves, labels, _RETURN_PERIODS.get(lang, _RETURN_PERIODS["en"]))
        if any(curves.values()):
            axis.legend(frameon=False, loc="upper right" if narrow else "upper center")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def bars_svg(
    labels: list[str], values: list[float], *, title: str, axis_label: str, narrow: bool = False
) -> str:
    """A horizontal bar chart (largest first, at the top) as an SVG data URI, in the report's
    style: e.g. each supplier's share of the chain owner's expected loss."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(_REPORT_STYLE):
        height = 0.9 + 0.28 * max(1, len(labels))
        figure = Figure(figsize=(3.6, height + 0.4) if narrow else (6.4, height))
        axis = figure.subplots()
        shown = [label if len(label) <= 18 else label[:17] + "…" for label in labels]
        axis.barh(range(len(values)), values, color="#1f5fa8")
        axis.set_yticks(range(len(values)), shown)
        axis.invert_yaxis()
        axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))
        figure.suptitle(title, fontsize=10)  # centred on the figure, not the bars: it fits
        axis.set_xlabel(axis_label)
        axis.grid(True, axis="x", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _draw_exceedance(
    axis: Any,
    curves: dict[str, list[tuple[float, float]]],
    labels: dict[str, str],
    return_periods: dict[int, str],
) -> None:
    from matplotlib.ticker import FuncFormatter

    styles: dict[str, dict[str, Any]] = {
        "aggregate": {"color": "#1f5fa8", "linewidth": 2.6},
        "occurrence": {"color": "#d9480f", "linewidth": 1.4, "linestyle": (0, (4, 3))},
    }
    for key, points in curves.items():
        if points:
            xs, ps = zip(*points, strict=True)
            axis.plot(xs, ps, label=labels[key], **styles[key])
    axis.set_yscale("log")
    axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value * 100:g}%"))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    for years, name in return_periods.items():
        axis.axhline(1 / years, color="#5b6b7c", linewidth=0.8, linestyle=":")
        axis.annotate(
            name,
            xy=(1, 1 / years),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 2),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=7,
            color="#5b6b7c",
        )
    axis.set_title(labels["title"])
    axis.set_xlabel(labels["x_10k"])
    axis.set_ylabel(labels["y_plain"])
    axis.grid(True, which="major", alpha=0.3)


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


def stacked_bars_svg(
    rows: list[tuple[str, list[int]]], series: list[tuple[str, str]], *, title: str = ""
) -> str:
    """A horizontal stacked bar chart as an SVG data URI: one bar per ``rows`` entry (its label
    and one count per series), segments coloured as ``series`` (label, colour) and named in a
    legend; the counts are written on segments wide enough to hold them. Drawn by hand (no
    plotting library): a few rectangles scale to any width as the image does."""
    from html import escape

    shift = 24 if title else 0  # room for the title line above the legend
    width, label_w, bar_h, gap, top = 420, 64, 26, 10, 28 + shift
    height = top + len(rows) * (bar_h + gap) + 8
    biggest = max((sum(counts) for _label, counts in rows), default=0) or 1
    scale = (width - label_w - 40) / biggest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="14">',
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="16" font-weight="bold">{escape(title)}</text>')
    x = 0.0
    for name, colour in series:
        y = 4 + shift
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="{y + 11}" font-size="13">{escape(name)}</text>')
        # a CJK character is about as wide as the font size, a Latin one about half of it
        x += 30 + sum(13.5 if ord(c) > 0x2E80 else 7.5 for c in name)
    for index, (label, counts) in enumerate(rows):
        y = top + index * (bar_h + gap)
        parts.append(
            f'<text x="0" y="{y + bar_h - 8}">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{width - label_w - 40}" height="{bar_h}" '
            f'fill="#f1f3f5"/>'
        )
        start = float(label_w)
        for count, (_name, colour) in zip(counts, series, strict=True):
            span = count * scale
            if span:
                parts.append(
                    f'<rect x="{start:.1f}" y="{y}" width="{span:.1f}" height="{bar_h}" '
                    f'fill="{colour}"/>'
                )
                if span >= 18:
                    parts.append(
                        f'<text x="{start + span / 2:.1f}" y="{y + bar_h - 8}" fill="#fff" '
                        f'text-anchor="middle">{count}</text>'
                    )
            start += span
        parts.append(f'<text x="{start + 6:.1f}" y="{y + bar_h - 8}">{sum(counts)}</text>')
    parts.append("</svg>")
    svg = "".join(parts)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode()


_SCORE_LABELS = {
    "zh_CN": {"title": "保险期间安全评分", "y": "评分", "bind": "承保时", "renewal": "续保时"},
    "en": {
        "title": "Security score over the term",
        "y": "Score",
        "bind": "bind",
        "renewal": "renewal",
    },
}


def score_history_svg(
    points: list[tuple[Any, float]],
    *,
    lang: str,
    grades: list[tuple[str, float]] | None = None,
    narrow: bool = False,
) -> str:
    """The score over the term as a step line (the score holds until the next change) for the
    renewal quote: ``points`` are (date or datetime, score) from the bind to the renewal, in
    order; ``grades`` (grade, minimum score) draw the grade bands' lower edges, dotted. An SVG
    data URI; ``narrow`` draws it for a phone's width."""
    import matplotlib
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    labels = _SCORE_LABELS.get(lang, _SCORE_LABELS["en"])
    with matplotlib.rc_context(_REPORT_STYLE):
        figure = Figure(figsize=(3.6, 2.6) if narrow else (6.4, 2.4))
        axis = figure.subplots()
        if points:
            xs, ys = zip(*points, strict=True)
            axis.step(xs, ys, where="post", color="#1f5fa8", linewidth=2)
            axis.plot(xs, ys, linestyle="none", marker="o", markersize=3, color="#1f5fa8")
            axis.annotate(
                labels["bind"],
                xy=(xs[0], ys[0]),
                xytext=(2, 4),
                textcoords="offset points",
                fontsize=7,
            )
            axis.annotate(
                labels["renewal"],
                xy=(xs[-1], ys[-1]),
                xytext=(-2, 4),
                textcoords="offset points",
                fontsize=7,
                ha="right",
            )
            low = max(0.0, min(ys) - 10)
            high = min(100.0, max(ys) + 10)
            axis.set_ylim(low, high)
            for grade, minimum in grades or ():
                if low < minimum < high:
                    axis.axhline(minimum, color="#5b6b7c", linewidth=0.8, linestyle=":")
                    axis.annotate(
                        grade,
                        xy=(1, minimum),
                        xycoords=("axes fraction", "data"),
                        xytext=(-4, 2),
                        textcoords="offset points",
                        ha="right",
                        va="bottom",
                        fontsize=7,
                    )
            locator = AutoDateLocator(maxticks=4 if narrow else 7)  # type: ignore[no-untyped-call]
            axis.xaxis.set_major_locator(locator)
            axis.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        axis.set_ylabel(labels["y"])
        axis.set_title(labels["title"])
        axis.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


#: Colours of the share bars: KEV exposure and open serious alerts (as the exceedance chart's).
_SHARE_COLOURS = ("#1f5fa8", "#d9480f")


def share_bars_svg(
    groups: Sequence[tuple[str, float, float]], *, series: tuple[str, str], title: str
) -> str:
    """Grouped horizontal bars of two shares (0–1) per group, as inline SVG markup: each
    group's name on a line of its own above its two bars, so long names need no rotated axis
    and the chart keeps its text legible when a phone scales it to its width. Presentation
    attributes only (no inline style), so the Content-Security-Policy stays strict."""
    width, left, bar, gap, line = 360, 8, 12, 4, 16
    plot = width - left - 56  # room for the percentage after the longest bar
    top = 24 + 16 * len(series) + 6  # the title, then the legend a line per series
    height = top + len(groups) * (line + 2 * (bar + gap) + 12) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-size="12" fill="#1d2733">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="14" font-size="14" font-weight="600">{escape(title)}</text>',
    ]
    for number, (colour, name) in enumerate(zip(_SHARE_COLOURS, series, strict=True)):
        at = 24 + 16 * number
        parts.append(f'<rect x="{left}" y="{at}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{left + 14}" y="{at + 9}">{escape(name)}</text>')
    y = top
    for name, *shares in groups:
        parts.append(f'<text x="{left}" y="{y + 11}">{escape(name)}</text>')
        y += line
        for colour, share in zip(_SHARE_COLOURS, shares, strict=True):
            length = max(0.0, min(1.0, share)) * plot
            parts.append(
                f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{left + length + 4:.1f}" y="{y + bar - 2}">{share * 100:.0f}%</text>'
            )
            y += bar + gap
        y += 12
    parts.append("</svg>")
    return "".join(parts)
