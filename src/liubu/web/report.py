"""The pre-bind report (保前诊断报告): one bilingual document (HTML, and PDF through WeasyPrint)
with the score, its factors, the findings, the loss exceedance curve and the treatment plan; its
chart speaks the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from liubu import assessment, underwriting
from liubu.accounts import Principal
from liubu.bootstrap import Platform
from liubu.errors import LiubuError
from liubu.products import FILED, parse_product
from liubu.web.charts import exceedance_svg
from liubu.web.rendering import templates

_PLAN_TYPES = ("comprehensive", "property_loss", "liability")


def report_context(
    platform: Platform, principal: Principal, enterprise_id: str, *, lang: str
) -> dict[str, Any]:
    """Everything the report shows, computed once; ``lang`` (``zh_CN`` or ``en``, the reader's)
    is the chart's language — the text around it carries both."""
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
        "chart": exceedance_svg(risk["exceedance"], lang=lang),
        "chart_narrow": exceedance_svg(risk["exceedance"], lang=lang, narrow=True),
        "chart_lang": lang,
        "generated": datetime.now(UTC),
    }


def render_report_html(context: dict[str, Any]) -> str:
    return templates().env.get_template("report.html").render(**context)


def render_report_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_report_html(context)).write_pdf()
    return pdf
