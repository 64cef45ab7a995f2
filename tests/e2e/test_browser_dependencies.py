"""The insured declares its dependencies in real Chromium, on a phone's width and in Chinese: the
demo's declarations show with their sources, a row is added, a bad share is refused beside the
form, and the regulator's statistics carry the accumulation section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.bootstrap import Platform, bootstrap
from liubu.demo import load_demo
from tests.conftest import test_settings
from tests.e2e.browser import require_chromium, running_server
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    data = Path(tmp_path_factory.mktemp("dependencies"))
    platform: Platform = bootstrap(
        test_settings(f"sqlite:///{(data / 'liubu.db').as_posix()}", data), upgrade_schema=True
    )
    load_demo(platform)
    with running_server(platform) as base:
        yield base
    platform.dispose()


def test_the_insured_adds_a_dependency_on_a_phone(
    browser: Browser, site: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    page: Page = context.new_page()
    sign_in(page, site, "enterprise")
    page.goto(f"{site}/steps/diagnosis")  # the menu is folded at this width
    table = page.get_by_test_id("dependencies")
    expect(table.locator("tr[data-dependency='cloud:alibaba_cloud']")).to_contain_text("阿里云")
    expect(table.locator("tr[data-dependency^='msp:']")).to_contain_text("来自平台记录")
    page.click("#dependencies summary")
    form = page.get_by_test_id("declare-dependencies")
    blank = form.get_by_test_id("dependency-row").nth(4)  # the demo declared four rows
    blank.locator("select[name=kind]").select_option("payment")
    blank.locator("input[name=provider]").fill("示例支付")
    blank.locator("input[name=tolerance_hours]").fill("6")
    blank.locator("input[name=revenue_share]").fill("0.25")
    # no horizontal scrolling at a phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "dependency-form-375.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("flash").first).to_contain_text("依赖项已保存")
    expect(table.locator("tr[data-dependency='payment:示例支付']")).to_contain_text("25%")
    # a share above 1 cannot be typed past the browser; sent anyway, it is refused beside the form
    page.click("#dependencies summary")
    row = form.get_by_test_id("dependency-row").first
    row.locator("input[name=revenue_share]").evaluate("e => { e.removeAttribute('max') }")
    row.locator("input[name=revenue_share]").fill("3")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("refusal")).to_be_visible()
    expect(table.locator("tr[data-dependency='cloud:alibaba_cloud']")).to_contain_text("80%")
    context.close()


def test_the_regulator_sees_the_accumulation_section(browser: Browser, site: str) -> None:
    page: Page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, site, "regulator")
    page.goto(f"{site}/statistics")
    section = page.get_by_test_id("dependency-accumulation")
    expect(section).to_be_visible()
    # the demo insures one enterprise: below the minimum, so the figures are withheld
    expect(section.get_by_test_id("accumulation-withheld")).to_be_visible()
    assert "Suzhou" not in section.inner_text()
