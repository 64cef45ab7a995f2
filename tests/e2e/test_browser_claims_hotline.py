"""Insurer staff enter a notice called in to the 24/7 hotline on the web: the policy by the
number the caller gives, the claim recorded through the hotline channel by that adjuster; a
number that is none of the insurer's is refused in Chinese, and nothing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import claims
from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from liubu.underwriting import PolicyState
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("hotline"))) as running:
        yield running


def _fill(page: Page, number: str) -> None:
    page.get_by_test_id("hotline").locator("summary").click()
    form = page.get_by_test_id("hotline").get_by_test_id("notice-form")
    called = datetime.now(UTC).astimezone(SHANGHAI) - timedelta(hours=1)
    form.get_by_test_id("policy-number").fill(number)
    form.locator("select[name=incident_type]").select_option("ddos_outage")
    form.locator("input[name=occurred_on]").fill(called.date().isoformat())
    form.locator("input[name=discovered_at]").fill(called.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=description]").fill("来电：官网遭 DDoS 攻击，已中断一小时。")
    form.locator("input[name=contact_name]").fill("王五")
    form.locator("input[name=contact_phone]").fill("13900139000")
    form.get_by_test_id("notify").click()


def test_an_adjuster_enters_a_hotline_notice_by_policy_number(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    with platform.uow(SYSTEM) as uow:
        policy = next(p for p in uow.underwriting.policies() if p.status == PolicyState.IN_FORCE)
        before = {c.id for c in uow.claims.claims()}
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, base, "adjuster")
    page.goto(f"{base}/steps/rescue")

    _fill(page, "LB-NO-SUCH-POLICY")  # none of the insurer's: refused in Chinese
    expect(page.locator("p.error")).to_contain_text("贵公司没有该保单号的保单")
    with platform.uow(SYSTEM) as uow:
        assert {c.id for c in uow.claims.claims()} == before

    _fill(page, policy.number)
    expect(page.get_by_test_id("page-title")).to_contain_text("赔案 LC")
    with platform.uow(SYSTEM) as uow:
        (new,) = [c for c in uow.claims.claims() if c.id not in before]
    assert new.policy_id == policy.id
    assert new.channel is claims.Channel.HOTLINE
    assert new.incident_type == "ddos_outage"
    assert new.reported_by != ""  # the adjuster who took the call
    assert new.reporter_tenant_id == policy.tenant_id  # the insurer itself
