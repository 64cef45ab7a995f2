"""In real Chromium, steps 5 and 6: the SME reports a ransomware incident, the adjuster dispatches
incident response from the panel, the vendor accepts, logs the timeline and keeps evidence, the
adjuster assesses (business interruption and the ransom), reserves and pays what the worksheet
makes payable (a double submit pays once), and the insured reads the statement of loss, in
Chinese and in English. Another party's claim is a 404.

The figures are worked by hand from the demo policy (shifan-pc/sme-cyber-comprehensive@2, limit
option ¥500,000): BI waiting period 8 h, extortion coinsurance 20 %, retention ¥5,000 an event,
and the demo's earlier ransomware claim on the same policy already paid ¥91,789.47:

- BI: 30 h down × ¥2,500 an hour = ¥75,000 ground up; beyond the waiting period
  (30 − 8) × 2,500 = ¥55,000.
- Extortion: ransom ¥20,000, screened, no hit; the insured keeps 20 %: 0.8 × 20,000 = ¥16,000.
- Together 71,000 − 5,000 retention = ¥66,000 payable (the aggregate left, 500,000 − 91,789.47 =
  408,210.53, does not bind), shared pro rata: BI 66,000 × 55/71 = 51,126.76, extortion
  66,000 × 16/71 = 14,873.24; the aggregate left afterwards 408,210.53 − 66,000 = ¥342,210.53.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SHANGHAI = ZoneInfo("Asia/Shanghai")
EVIDENCE = b"2026-12-07 03:12:44 vssadmin delete shadows /all /quiet\nransom note: README.txt\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("claims"))) as running:
        yield running


def _page(browser: Browser, site: str, username: str, locale: str = "zh-CN") -> Page:
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, site, username)
    return page


def _report(insured: Page, site: str) -> str:
    """The insured reports a ransomware incident discovered two hours ago; returns the claim's
    path."""
    insured.goto(f"{site}/steps/rescue")
    expect(insured.get_by_test_id("claims-process").first).to_contain_text("48")
    discovered = datetime.now(UTC).astimezone(SHANGHAI) - timedelta(hours=2)
    form = insured.get_by_test_id("notice-form")
    form.locator("select[name=incident_type]").select_option("ransomware")
    form.locator("input[name=occurred_on]").fill(discovered.date().isoformat())
    form.locator("input[name=discovered_at]").fill(discovered.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=affected_assets]").fill("erp01.example.cn\nnas02.example.cn")
    form.locator("textarea[name=description]").fill("ERP 服务器被加密，发现勒索信，要求 2 BTC。")
    form.locator("input[name=contact_name]").fill("李四")
    form.locator("input[name=contact_phone]").fill("13800138000")
    insured.get_by_test_id("notify").click()
    expect(insured.get_by_test_id("page-title")).to_contain_text("赔案 LC")
    # Reported in time: no late-notice flag; the contact's phone is shown masked.
    expect(insured.get_by_test_id("flags")).to_have_text("—")
    expect(insured.get_by_test_id("facts")).to_contain_text("138****8000")
    return re.sub(r"^https?://[^/]+", "", insured.url)


def _dispatch(adjuster: Page, site: str, number: str) -> None:
    adjuster.goto(f"{site}/steps/rescue")
    row = adjuster.locator(f"[data-testid=queue] tr[data-claim='{number}']")
    expect(row.locator("[data-sla=remaining]").first).to_be_visible()  # the IR clock runs
    row.locator("a").click()
    adjuster.get_by_test_id("dispatch-form").locator("select").select_option(index=0)
    adjuster.get_by_test_id("dispatch").click()
    expect(adjuster.locator("[data-testid=dispatches] tr[data-dispatch=offered]")).to_have_count(1)


def _respond(vendor: Page, site: str, number: str) -> None:
    vendor.goto(f"{site}/steps/rescue")
    row = vendor.locator(f"[data-testid=incidents] tr[data-claim='{number}']")
    row.get_by_test_id("accept").click()
    expect(vendor.locator("[data-testid=dispatches] tr[data-dispatch=accepted]")).to_have_count(1)
    for phase, note in (("triage", "确认为 LockBit 3.0 变种"), ("containment", "隔离 ERP 网段")):
        form = vendor.get_by_test_id("timeline-form")
        form.locator("select[name=phase]").select_option(phase)
        form.locator("textarea[name=note]").fill(note)
        vendor.get_by_test_id("log").click()
        expect(vendor.locator(f"[data-testid=timeline] tr[data-phase={phase}]")).to_contain_text(
            note
        )
    vendor.get_by_test_id("evidence-form").locator("input[type=file]").set_input_files(
        {"name": "edr-log.txt", "mimeType": "text/plain", "buffer": EVIDENCE}
    )
    vendor.get_by_test_id("upload").click()
    expect(vendor.get_by_test_id("sha256")).to_have_text(hashlib.sha256(EVIDENCE).hexdigest())
    link = vendor.get_by_test_id("evidence-link")
    download = vendor.request.get(site + str(link.get_attribute("href")))
    assert download.ok
    assert download.body() == EVIDENCE
    assert download.headers["x-content-sha256"] == hashlib.sha256(EVIDENCE).hexdigest()
    # The vendor never sees the claim's money.
    expect(vendor.get_by_test_id("money")).to_have_count(0)


def _approve_costs(adjuster: Page) -> None:
    """The vendor's costs pre-approved up to the incident-response sublimit: the product names
    none, so the policy limit of ¥500,000 caps them; 30,000 + 480,000 would pass it."""
    for amount in ("30000", "480000"):
        form = adjuster.get_by_test_id("costs-form")
        form.locator("input[name=amount]").fill(amount)
        form.locator("input[name=note]").fill("应急响应报价 Incident-response quote")
        adjuster.get_by_test_id("approve-costs").click()
        expect(adjuster.locator("[data-testid=dispatches] td.amount")).to_have_text("¥30,000.00")
    expect(adjuster.locator("p.error")).to_contain_text("510000")


def _assess(adjuster: Page) -> None:
    form = adjuster.get_by_test_id("assess-form")
    row = form.locator("tr[data-item='0']")
    row.locator("select[name=item_coverage_0]").select_option("extortion")
    row.locator("select[name=item_kind_0]").select_option("ransom")
    row.locator("input[name=item_description_0]").fill("赎金 2 BTC 折合人民币")
    row.locator("input[name=item_amount_0]").fill("20000.00")
    row.locator("input[name=item_screened_0]").check()
    form.locator("input[name=bi_hours]").fill("30")
    form.locator("input[name=bi_hourly]").fill("2500")
    adjuster.get_by_test_id("assess").click()
    worksheet = adjuster.get_by_test_id("worksheet")
    expect(worksheet.locator("tr:has(code:text-is('r × H')) td.amount")).to_have_text("¥75,000.00")
    expect(worksheet.locator("tr:has(code:text-is('r × max(H − w, 0)')) td.amount")).to_have_text(
        "¥55,000.00"
    )
    expect(adjuster.get_by_test_id("worksheet-payable")).to_have_text("¥66,000.00")
    payable = adjuster.get_by_test_id("payable-by-coverage")
    expect(payable.locator("tr[data-coverage=business_interruption] td.amount").first).to_have_text(
        "¥51,126.76"
    )
    expect(payable.locator("tr[data-coverage=extortion] td.amount").first).to_have_text(
        "¥14,873.24"
    )


def _reserve(adjuster: Page, coverage: str, amount: str, reason: str) -> None:
    form = adjuster.get_by_test_id("reserve-form")
    form.locator("select[name=coverage]").select_option(coverage)
    form.locator("input[name=amount]").fill(amount)
    form.locator("textarea[name=reason]").fill(reason)
    adjuster.get_by_test_id("set-reserve").click()
    expect(adjuster.locator(f"tr[data-coverage={coverage}] [data-testid=reserve]")).to_have_text(
        "¥" + f"{float(amount):,.2f}"
    )


def _pay_twice(adjuster: Page, site: str, coverage: str, amount: str) -> None:
    """Pay through the form, then send the very same form again (a double submit, a resend
    after going back): one payment."""
    form = adjuster.get_by_test_id("pay-form")
    form.locator("select[name=coverage]").select_option(coverage)
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=payee_name]").fill("苏州示例智能制造有限公司")
    form.locator("input[name=payee_account]").fill("6222021001998877665")
    fields = form.evaluate("f => Object.fromEntries(new FormData(f))")
    action = site + str(form.get_attribute("action"))
    adjuster.get_by_test_id("pay").click()
    expect(adjuster.get_by_text("赔款已记录。")).to_be_visible()
    again = adjuster.request.post(action, form=fields)
    assert again.ok
    assert "该笔赔款已支付过，不会重复支付。" in again.text()
    adjuster.reload()
    rows = adjuster.locator("[data-testid=payments] tr[data-payment]")
    expect(rows).to_have_count(1 if coverage == "business_interruption" else 2)
    paid = adjuster.locator(f"tr[data-coverage={coverage}] [data-testid=paid]")
    expect(paid).to_have_text("¥" + f"{float(amount):,.2f}")


def test_an_incident_from_notice_to_payment_in_chromium(
    browser: Browser, demo: tuple[Platform, str]
) -> None:
    _platform, site = demo
    insured = _page(browser, site, "enterprise")
    path = _report(insured, site)
    number = insured.get_by_test_id("page-title").inner_text().split()[-1]

    adjuster = _page(browser, site, "adjuster")
    _dispatch(adjuster, site, number)
    vendor = _page(browser, site, "analyst")
    _respond(vendor, site, number)

    adjuster.goto(site + path)
    expect(adjuster.locator("[data-testid=timeline] tr[data-phase]")).to_have_count(2)
    _approve_costs(adjuster)
    _assess(adjuster)
    _reserve(adjuster, "business_interruption", "51126.76", "按理算表：营业中断应付额。")
    _reserve(adjuster, "extortion", "14873.24", "按理算表：赎金应付额，制裁筛查无命中。")
    _pay_twice(adjuster, site, "business_interruption", "51126.76")
    _pay_twice(adjuster, site, "extortion", "14873.24")
    adjuster.get_by_test_id("payment-run").click()
    expect(adjuster.locator("[data-testid=payments] tr[data-payment=sent]")).to_have_count(2)

    # The insured follows its claim and reads the statement of loss, in Chinese and English.
    for language, sent in (("zh_CN", "已发出"), ("en", "sent")):
        insured.goto(f"{site}/lang/{language}?next={path}")
        expect(insured.locator("[data-testid=timeline] tr[data-phase]")).to_have_count(2)
        expect(insured.locator("[data-testid=payments] tr[data-payment=sent]")).to_have_count(2)
        expect(insured.get_by_test_id("payments")).to_contain_text(sent)
        expect(insured.get_by_test_id("reserves")).to_have_count(0)  # reserves are the insurer's
        expect(insured.get_by_test_id("payable")).to_have_text("¥66,000.00")
        insured.goto(f"{site}/steps/compensation")
        expect(insured.locator(f"tr[data-claim='{number}']")).to_contain_text("¥66,000.00")
    for lang, title, waiting in (
        ("zh", "赔款计算书", "中断时长"),
        ("en", "Statement of loss", "waiting period"),
    ):
        insured.goto(f"{site}{path}/statement.{lang}.html")
        expect(insured.locator("h1")).to_have_text(title)
        body = insured.locator("body")
        expect(body).to_contain_text(number)
        expect(body).to_contain_text("66,000.00")
        expect(body).to_contain_text("342,210.53")
        expect(body).to_contain_text(waiting)
        pdf = insured.request.get(f"{site}{path}/statement.{lang}.pdf")
        assert pdf.ok
        assert pdf.body().startswith(b"%PDF")


def test_another_partys_claim_is_not_found(browser: Browser, demo: tuple[Platform, str]) -> None:
    platform, site = demo
    with platform.uow(SYSTEM) as uow:
        breach = next(c for c in uow.claims.claims(state=None) if c.incident_type == "data_breach")
    vendor = _page(browser, site, "analyst", locale="en")
    response = vendor.goto(f"{site}/claims/{breach.id}")  # never dispatched to this vendor
    assert response is not None
    assert response.status == 404
    expect(vendor.get_by_test_id("nav")).to_be_visible()  # the error page keeps the shell
    for document in ("statement.en.html", "letter.en.pdf"):  # nor its documents
        assert vendor.request.get(f"{site}/claims/{breach.id}/{document}").status == 404
    regulator = _page(browser, site, "regulator", locale="en")
    response = regulator.goto(f"{site}/claims/{breach.id}")
    assert response is not None
    assert response.status == 404
