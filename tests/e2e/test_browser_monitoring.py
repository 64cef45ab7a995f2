"""In real Chromium on the demo server, with alerts raised on the demo enterprise through the real
ingest path (the Feodo blocklist and the KEV catalogue from the shared data): the security
provider's analyst works its queue — acknowledges the blocklist alert, starts the remediation and
reports the fix with evidence — and the insured's 保中监控 page shows what is watched, its alerts
with what to do and the history the analyst wrote, in Chinese and in English; the underwriter
sees the chart and each rule's precision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import monitoring
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.monitoring_demo import WEB_HOST, Seeded, seed_demo_alerts
from tests.e2e.test_browser_shell import sign_in
from tests.integration.monitoring_world import APACHE
from tests.unit.monitoring.realdata import require_shared

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
EVIDENCE = "已清除僵尸程序并重装系统 / bot removed, host rebuilt"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str, Seeded]]:
    require_shared()
    with demo_site(Path(tmp_path_factory.mktemp("monitoring"))) as (platform, base):
        yield platform, base, seed_demo_alerts(platform)


def _row(page: Page, alert_id: str) -> object:
    return page.locator(f"tr[data-alert='{alert_id}']")


def test_the_analyst_works_the_queue_and_the_insured_sees_it_in_both_languages(
    site: tuple[Platform, str, Seeded], browser: Browser
) -> None:
    platform, base, seeded = site
    assert seeded.alerts == 2
    everything = monitoring.list_alerts(platform.uow(SYSTEM))  # the demo's own and these two
    alerts = {a.asset_value: a for a in everything}
    blocked, kev = alerts[seeded.blocked_ip], alerts[APACHE]

    analyst = browser.new_page()
    sign_in(analyst, base, "analyst")
    analyst.goto(f"{base}/steps/monitoring")
    queue = analyst.get_by_test_id("queue")
    expect(queue.locator("tr[data-alert]")).to_have_count(len(everything))
    row = queue.locator(f"tr[data-alert='{blocked.id}']")
    expect(row).to_have_attribute("data-status", "open")
    expect(row.get_by_test_id("action-false_positive")).to_have_count(0)  # the insurer's
    row.get_by_test_id("action-acknowledge").locator("button").click()
    expect(row).to_have_attribute("data-status", "acknowledged")
    row.get_by_test_id("action-remediate").locator("button").click()
    expect(row).to_have_attribute("data-status", "remediation")
    # a rescan cannot see a blocklist, so only the report is offered
    expect(row.get_by_test_id("action-verify")).to_have_count(0)
    report = row.get_by_test_id("action-report_fix")
    report.locator("textarea[name=note]").fill(EVIDENCE)
    report.locator("button").click()
    expect(row).to_have_attribute("data-status", "fix_reported")
    expect(row.get_by_test_id("action-report_fix")).to_have_count(0)
    # the KEV alert on scanned software could be verified by a rescan once in remediation
    kev_row = queue.locator(f"tr[data-alert='{kev.id}']")
    expect(kev_row).to_have_attribute("data-status", "open")
    analyst.close()

    insured = browser.new_page()
    sign_in(insured, base, "enterprise")
    insured.goto(f"{base}/steps/monitoring")
    watched = insured.get_by_test_id("watched")
    for value in (seeded.blocked_ip, WEB_HOST, "apache http server 2.4.49"):  # the CPE, read
        expect(watched).to_contain_text(value)
    listed = insured.get_by_test_id("alerts")
    expect(listed.locator("tr[data-alert]")).to_have_count(len(everything))
    expect(listed.locator("form")).to_have_count(0)  # the insured sees, and does not act
    mine = listed.locator(f"tr[data-alert='{blocked.id}']")
    expect(mine.get_by_test_id("what-to-do")).to_contain_text("威胁情报")
    expect(mine.get_by_test_id("status")).to_have_text("已报告修复")
    mine.get_by_test_id("history").locator("summary").click()
    expect(mine.get_by_test_id("history")).to_contain_text(EVIDENCE)
    expect(mine.get_by_test_id("history")).to_contain_text("analyst")
    kev_mine = listed.locator(f"tr[data-alert='{kev.id}']")
    expect(kev_mine.get_by_test_id("what-to-do")).to_contain_text("漏洞")
    insured.click("a[data-lang=en]")
    expect(mine.get_by_test_id("what-to-do")).to_contain_text("threat list")
    expect(mine.get_by_test_id("status")).to_have_text("fix reported")
    expect(kev_mine.get_by_test_id("what-to-do")).to_contain_text("Update it to a fixed version")
    insured.close()

    underwriter = browser.new_page()
    sign_in(underwriter, base, "underwriter")
    underwriter.goto(f"{base}/steps/monitoring")
    expect(underwriter.get_by_test_id("sla-chart")).to_be_visible()
    rules = {(a.source, a.rule) for a in everything}  # a row each, under the header
    expect(underwriter.get_by_test_id("precision").locator("tr")).to_have_count(len(rules) + 1)
    accept = underwriter.locator(f"tr[data-alert='{blocked.id}']").get_by_test_id("action-accept")
    accept.locator("button").click()
    expect(underwriter.locator(f"tr[data-alert='{blocked.id}']")).to_have_attribute(
        "data-status", "fixed"
    )
    underwriter.close()
