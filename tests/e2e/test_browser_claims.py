"""In real Chromium, steps 5 and 6: the SME reports a ransomware incident, the adjuster dispatches
incident response from the panel, the vendor accepts, logs the timeline and keeps evidence, the
adjuster reserves and pays (a double submit pays once), and the insured reads what was paid, in
Chinese and in English. Another party's claim is a 404."""

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
    # BI: 30 h down, 12 h waiting period, ¥2,500 gross profit an hour → 18 × 2,500 = 45,000.
    _reserve(adjuster, "business_interruption", "45000.00", "停工 30 小时，扣除 12 小时等待期。")
    _reserve(adjuster, "extortion", "20000.00", "赎金 2 BTC 折合，制裁筛查无命中。")
    _pay_twice(adjuster, site, "business_interruption", "45000.00")
    _pay_twice(adjuster, site, "extortion", "20000.00")
    adjuster.get_by_test_id("payment-run").click()
    expect(adjuster.locator("[data-testid=payments] tr[data-payment=sent]")).to_have_count(2)

    # The insured follows its claim: the timeline the vendor logged and what was paid.
    for language, sent, total in (("zh_CN", "已发出", "¥65,000.00"), ("en", "sent", "¥65,000.00")):
        insured.goto(f"{site}/lang/{language}?next={path}")
        expect(insured.locator("[data-testid=timeline] tr[data-phase]")).to_have_count(2)
        expect(insured.locator("[data-testid=payments] tr[data-payment=sent]")).to_have_count(2)
        expect(insured.get_by_test_id("payments")).to_contain_text(sent)
        expect(insured.get_by_test_id("reserves")).to_have_count(0)  # reserves are the insurer's
        insured.goto(f"{site}/steps/compensation")
        expect(insured.locator(f"tr[data-claim='{number}']")).to_contain_text(total)


def test_another_partys_claim_is_not_found(browser: Browser, demo: tuple[Platform, str]) -> None:
    platform, site = demo
    with platform.uow(SYSTEM) as uow:
        breach = next(c for c in uow.claims.claims(state=None) if c.incident_type == "data_breach")
    vendor = _page(browser, site, "analyst", locale="en")
    response = vendor.goto(f"{site}/claims/{breach.id}")  # never dispatched to this vendor
    assert response is not None
    assert response.status == 404
    regulator = _page(browser, site, "regulator", locale="en")
    response = regulator.goto(f"{site}/claims/{breach.id}")
    assert response is not None
    assert response.status == 404
