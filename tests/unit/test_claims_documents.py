"""The coverage letter and the statement of loss: models, HTML in both languages, and PDFs."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from liubu.claims import (
    BusinessInterruption,
    ClaimsCode,
    DocumentHeader,
    EarlierInPeriod,
    LossItem,
    LossKind,
    StatementOfLoss,
    adjust,
    coverage_letter,
    coverage_position,
    statement_of_loss,
)
from liubu.core import Money
from liubu.errors import ValidationError
from liubu.web.claims_documents import (
    render_letter_html,
    render_letter_pdf,
    render_statement_html,
    render_statement_pdf,
)
from tests.unit.claims_policies import SME_V2, at, sha, terms_of


def _header() -> DocumentHeader:
    spec, _ = terms_of(SME_V2, 1_000_000)
    return DocumentHeader(
        claim_reference="CLM-2026-000123",
        policy_number="LP2026000123",
        insured_name="示例制造有限公司",
        product_name=spec.name,
        issued_on=date(2026, 3, 20),
        insurer_name=spec.insurer_name,
    )


def _statement() -> StatementOfLoss:
    # The hand-computed claim of test_claims_adjustment: payable 520,000.00, claimed 765,776.50.
    _, terms = terms_of(SME_V2, 1_000_000)
    sheet = adjust(
        terms,
        [
            LossItem(
                "forensics",
                LossKind.INVOICE,
                "取证服务发票 Forensics invoice",
                Money("45000.50"),
                (sha(1),),
            ),
            LossItem(
                "extortion", LossKind.RANSOM, "赎金 Ransom", Money(150_000), sanctions_screened=True
            ),
            LossItem(
                "extortion",
                LossKind.RANSOM,
                "第二笔赎金 Second ransom",
                Money(30_000),
                sanctions_screened=True,
                sanctions_hit=True,
            ),
        ],
        business_interruption=BusinessInterruption(
            Decimal(100), gross_profit=Money(50_000_000), gross_profit_hours=Decimal(8760)
        ),
        earlier_in_period=EarlierInPeriod(paid=Money(480_000)),
    )
    return statement_of_loss(sheet, terms, header=_header())


def test_not_paid_parts_add_up_to_what_the_insured_bears() -> None:
    statement = _statement()
    # Claimed 765,776.50 + the refused second ransom 30,000 = 795,776.50; payable 520,000.
    assert statement.claimed == Money("795776.50")
    assert statement.payable == Money("520000.00")
    parts = {p.text.en: p.amount for p in statement.not_paid}
    assert sum((p.amount for p in statement.not_paid), Money(0)) == statement.retained
    # By hand: waiting period 8 h × 5,707.76 = 45,662.08; BI above its 500,000 sublimit:
    # 525,113.92 − 500,000 = 25,113.92; extortion coinsurance 20 % of 150,000 = 30,000;
    # the sanctioned ransom 30,000; retention 5,000; above the aggregate left:
    # 660,000.50 − 520,000 = 140,000.50. Total 275,776.50 = 795,776.50 − 520,000.
    assert Money("45662.08") in parts.values()
    assert Money("25113.92") in parts.values()
    assert parts["The retention for this event"] == Money(5000)
    assert parts["The part above the annual aggregate limit left"] == Money("140000.50")
    assert statement.retained == Money("275776.50")
    hit = next(p for p in statement.not_paid if "Second ransom" in p.text.en)
    assert hit.reason is not None
    assert hit.reason.en.startswith("The ransom payee is on a sanctions list")


def test_statement_html_carries_the_figures_in_each_language() -> None:
    statement = _statement()
    zh = render_statement_html(statement, "zh")
    en = render_statement_html(statement, "en")
    for page in (zh, en):
        assert "¥520,000.00" in page
        assert "¥795,776.50" in page
        assert "¥5,707.76" in page  # the gross profit per hour
        assert "CLM-2026-000123" in page
    assert "赔款计算书" in zh
    assert "如何申诉" in zh
    assert "12378" in zh
    assert "营业中断损失：中断100小时 × 每小时毛利润5,707.76元" in zh
    assert "Statement of loss" in en
    assert "How to appeal" in en
    assert "Business-interruption loss: 100 hours of outage × CNY 5,707.76" in en
    assert "赔款计算书" not in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_statement_pdf_parses_and_shows_the_payable_total(lang: str) -> None:
    pdf = render_statement_pdf(_statement(), lang)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "520,000.00" in text
    assert "795,776.50" in text


def test_coverage_letter_in_both_languages_and_as_pdf() -> None:
    spec, terms = terms_of(SME_V2, 1_000_000)
    position = coverage_position(
        terms,
        spec,
        incident_type="ransomware",
        occurred_at=at("2026-03-01"),
        discovered_at=at("2026-03-01", 12),
        notified_at=at("2026-03-01", 14),
        rulings={
            "war_and_state_cyber_operations": ("does_not_apply", "Criminal group, no state link.")
        },
    )
    letter = coverage_letter(position, header=_header())
    assert letter.last_notice_day == date(2027, 3, 1)  # 2027-01-01 + 60 days, less one
    zh, en = render_letter_html(letter, "zh"), render_letter_html(letter, "en")
    assert "承保意见书" in zh
    assert "待定" in zh  # other engaged exclusions are still undecided
    assert "LMA5567" in zh
    assert "LMA5567" in en
    assert "Pending" in en
    assert "Criminal group, no state link." in en
    assert "¥500,000.00" in en  # the BI sublimit
    pdf = render_letter_pdf(letter, "en")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Coverage letter" in text
    assert "LMA5567" in text


def test_a_document_header_is_bounded() -> None:
    spec, _ = terms_of(SME_V2, 1_000_000)
    with pytest.raises(ValidationError) as caught:
        DocumentHeader("x" * 65, "P", "I", spec.name, date(2026, 1, 1))
    assert caught.value.code == ClaimsCode.BAD_DOCUMENT
    assert caught.value.field == "claim_reference"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationError):
        render_statement_html(_statement(), "fr")
