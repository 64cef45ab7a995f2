"""The insured's claim documents — the coverage letter (承保意见书), the statement of loss
(赔款计算书) and the decision on an appeal against it (申诉复核决定书) — rendered to HTML and to
PDF (through WeasyPrint, as the pre-bind report is), in Chinese or English.

The fixed wording of the pages goes through the Babel catalogues; the domain texts (coverage and
exclusion names, reasons, the plain words of each line) are the models' own bilingual texts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from liubu.claims import AppealDecisionDocument, CoverageLetter, StatementOfLoss
from liubu.core import Money, to_shanghai
from liubu.products import Text, check_lang
from liubu.web import i18n
from liubu.web.rendering import templates

_LOCALES = {"zh": "zh_CN", "en": "en"}


@contextmanager
def _speaking(lang: str) -> Iterator[dict[str, Any]]:
    """The catalogue language set for the render, and the helpers the templates call."""
    chosen = check_lang(lang)
    token = i18n.current_language.set(_LOCALES[chosen])

    def text(value: Text | None) -> str:
        return "" if value is None else value.in_(chosen)

    def money(value: Money | None) -> str:
        return "—" if value is None else str(value)

    try:
        yield {
            "lang": chosen,
            "html_lang": "zh-CN" if chosen == "zh" else "en",
            "t": text,
            "money": money,
            "local": lambda moment: to_shanghai(moment).strftime("%Y-%m-%d %H:%M"),
        }
    finally:
        i18n.current_language.reset(token)


def render_letter_html(letter: CoverageLetter, lang: str) -> str:
    """The coverage letter as a standalone HTML page in ``lang`` ("zh" or "en")."""
    with _speaking(lang) as helpers:
        return templates().env.get_template("claims_letter.html").render(letter=letter, **helpers)


def render_statement_html(statement: StatementOfLoss, lang: str) -> str:
    """The statement of loss as a standalone HTML page in ``lang`` ("zh" or "en")."""
    with _speaking(lang) as helpers:
        return (
            templates()
            .env.get_template("claims_statement.html")
            .render(statement=statement, **helpers)
        )


def render_appeal_decision_html(decision: AppealDecisionDocument, lang: str) -> str:
    """The appeal decision as a standalone HTML page in ``lang`` ("zh" or "en")."""
    with _speaking(lang) as helpers:
        return (
            templates()
            .env.get_template("claims_appeal_decision.html")
            .render(decision=decision, statement=decision.revised, **helpers)
        )


def render_letter_pdf(letter: CoverageLetter, lang: str) -> bytes:
    return _pdf(render_letter_html(letter, lang))


def render_statement_pdf(statement: StatementOfLoss, lang: str) -> bytes:
    return _pdf(render_statement_html(statement, lang))


def render_appeal_decision_pdf(decision: AppealDecisionDocument, lang: str) -> bytes:
    return _pdf(render_appeal_decision_html(decision, lang))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
