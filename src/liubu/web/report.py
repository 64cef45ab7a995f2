"""The pre-bind report (保前诊断报告): one bilingual document (HTML, and PDF through WeasyPrint)
with the score, its factors, the findings, the loss exceedance curve and the treatment plan."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from typing import Any

from liubu import assessment, underwriting
from liubu.accounts import Principal
from liubu.bootstrap import Platform
from liubu.errors import LiubuError
from liubu.products import FILED, parse_product
from liubu.web.rendering import templates

_PLAN_TYPES = ("comprehensive", "property_loss", "liability")


def report_context(platform: Platform, principal: Principal, enterprise_id: str) -> dict[str, Any]:
    """Everything the report shows, computed once."""
    with platform.uow(principal) as uow:
        enterprise = uow.enterprises.readable(enterprise_id)
        summary = assessment.assessment_summary(uow, enterprise.id)
        risk = assessment.enterprise_risk(uow, enterprise.id)
        plan, product = None, None
        for record in sorted(
            (r for r in uow.products.list() if r.status == FILED and r.product_type in _PLAN_TYPES),
            key=lambda r: (_PLAN_TYPES.index(r.product_type), r.product_ref),
        ):
            spec = parse_product(record.document, source=record.product_ref)
            try:
                plan = underwriting.treatment_plan(
                    uow, enterprise.id, product=spec, limit=spec.limit_options[0]
                ).to_dict()
                product = spec
                break
            except LiubuError:
                continue
    assessment.note_applicant_read(platform.uow(principal), enterprise.id, part="report")
    return {
        "enterprise": enterprise,
        "summary": summary,
        "risk": risk,
        "plan": plan,
        "product": product,
        "chart": exceedance_png(risk["exceedance"]),
        "generated": datetime.now(UTC),
    }


def exceedance_png(exceedance: dict[str, list[list[float]]]) -> str:
    """The exceedance curve as a PNG data URI (a PDF cannot run ECharts)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 3.2), dpi=110)
    # Labels in English only: matplotlib cannot embed the CFF-based CJK fonts; the report's
    # text around the chart carries both languages.
    for key, label in (("aggregate", "annual aggregate"), ("occurrence", "largest event")):
        points = [(x, p) for x, p in exceedance.get(key, []) if p > 0]
        if points:
            xs, ps = zip(*points, strict=True)
            axis.plot([x / 10_000 for x in xs], ps, label=label)
    axis.set_yscale("log")
    axis.set_xlabel("loss (10,000 CNY)")
    axis.set_ylabel("P(loss > x)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_report_html(context: dict[str, Any]) -> str:
    return templates().env.get_template("report.html").render(**context)


def render_report_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_report_html(context)).write_pdf()
    return pdf
