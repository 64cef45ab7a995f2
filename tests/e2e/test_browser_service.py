"""In real Chromium, step 3 (保中服务) on the demo: the security provider works a task of its
queue in Chinese (accept, report what was done, mark it completed), the insured reads it in
English with missed service levels flagged and no actions, and the insurer sends the report back
with a reason, which the provider then sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("service"))) as running:
        yield running


def _page(browser: Browser, site: str, username: str, locale: str) -> Page:
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, site, username)
    return page


def test_provider_queue_insured_view_and_send_back(
    browser: Browser, demo: tuple[Platform, str]
) -> None:
    _platform, site = demo
    provider = _page(browser, site, "analyst", "zh-CN")
    provider.goto(f"{site}/steps/service")
    expect(provider.get_by_test_id("page-title")).to_contain_text("保中服务")
    waiting = provider.locator("[data-testid=service-tasks] tr[data-status=open]").first
    task_id = waiting.get_attribute("data-task")
    assert task_id
    row = provider.locator(f"tr[data-task='{task_id}']")
    row.get_by_test_id("accept").click()
    expect(provider.get_by_role("status").first).to_have_text("已接受任务。")
    expect(row.get_by_test_id("status")).to_have_text("已接受")
    row.locator("textarea[name=text]").fill("本月监测报告：无高危告警。")
    row.get_by_test_id("report").click()
    expect(provider.get_by_role("status").first).to_have_text("报告已提交。")
    expect(row.get_by_test_id("status")).to_have_text("已报告")
    row.get_by_test_id("complete").click()
    expect(row.get_by_test_id("status")).to_have_text("已完成")
    expect(row.get_by_test_id("report-text")).to_have_text("本月监测报告：无高危告警。")

    insured = _page(browser, site, "enterprise", "en-US")
    insured.goto(f"{site}/lang/en?next=/steps/service")
    expect(insured.get_by_test_id("page-title")).to_contain_text("In-term service")
    mine = insured.locator(f"tr[data-task='{task_id}']")
    expect(mine.get_by_test_id("status")).to_have_text("Completed")
    expect(mine).to_contain_text("Example Security Services")
    expect(insured.get_by_test_id("breach").first).to_be_visible()  # the demo left some late
    expect(insured.get_by_test_id("overdue-count")).not_to_have_text("Past an SLA: 0")
    expect(insured.locator("[data-testid=accept], [data-testid=reject]")).to_have_count(0)

    insurer = _page(browser, site, "insurer-admin", "en-US")
    insurer.goto(f"{site}/lang/en?next=/steps/service")
    expect(insurer.get_by_test_id("unassigned").first).to_have_text("No provider on the panel")
    theirs = insurer.locator(f"tr[data-task='{task_id}']")
    theirs.locator("select[name=reason]").select_option("evidence_missing")
    theirs.get_by_test_id("reject").click()
    expect(insurer.get_by_role("status").first).to_have_text("Report sent back to the provider.")
    expect(theirs.get_by_test_id("status")).to_have_text("Sent back")

    provider.reload()
    expect(row.get_by_test_id("status")).to_have_text("已退回")
    expect(row.get_by_test_id("sent-back")).to_contain_text("缺少证明材料")
    expect(row.get_by_test_id("report-form")).to_be_visible()
