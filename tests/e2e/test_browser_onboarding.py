"""Web onboarding and the home page's next steps, in real Chromium: a business user registers its
enterprise on the web (a code whose check character is wrong is refused beside the form, in
Chinese, with what was typed kept), lands on its diagnosis, and the home page then lists what to
do next for it; the underwriter's home page counts the referral queue as the use case does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import underwriting
from liubu.accounts import load_principal
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

NAME = "无锡示例精密机械有限公司"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("onboarding"))) as running:
        yield running


def _page(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, base, username)
    return page


def test_an_enterprise_registers_on_the_web_and_sees_its_next_steps(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    page = _page(browser, base, "enterprise")
    page.goto(f"{base}/enterprises/new")
    expect(page.get_by_test_id("page-title")).to_have_text("企业登记")
    good = str(uscc_with_check("91320200MA1X2Y3K4"))
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")  # the check character no longer fits
    page.get_by_test_id("field-name").fill(NAME)
    page.get_by_test_id("field-uscc").fill(wrong)
    page.get_by_test_id("field-division").select_option("C:34")
    page.get_by_test_id("field-province").select_option("320000")
    page.get_by_test_id("field-revenue").fill("30000000")
    page.get_by_test_id("field-employees").fill("85")
    page.get_by_test_id("register").click()
    error = page.get_by_test_id("onboarding-error")
    expect(error).to_be_visible()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.inner_text())  # in Chinese
    expect(page.get_by_test_id("field-name")).to_have_value(NAME)  # nothing typed is lost
    with platform.uow(SYSTEM) as uow:
        assert [e for e in uow.enterprises.list() if e.uscc == wrong] == []

    page.get_by_test_id("field-uscc").fill(good)
    page.get_by_test_id("register").click()
    expect(page.locator("main")).to_contain_text(NAME)
    with platform.uow(SYSTEM) as uow:
        (stored,) = [e for e in uow.enterprises.list() if e.uscc == good]
    assert (stored.industry_section, stored.industry_division, stored.region_code) == (
        "C",
        "34",
        "320000",
    )
    assert page.url.endswith(f"/diagnosis/{stored.id}")

    page.goto(f"{base}/")
    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text(f"{NAME}：请填写安全问卷")
    expect(steps.locator("li[data-step=questionnaire] a").last).to_have_attribute(
        "href", f"/diagnosis/{stored.id}/questionnaire"
    )
    expect(steps.locator("li[data-step=scan]")).to_have_count(2)  # the demo's and the new one


def test_the_underwriters_home_counts_the_referral_queue(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    page = _page(browser, base, "underwriter")
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("underwriter")
        assert user is not None
        principal = load_principal(uow, user.id)
    with platform.uow(principal) as uow:
        waiting = len(underwriting.referral_queue(uow))
    line = page.get_by_test_id("next-steps").locator("li[data-step=referrals]")
    expect(line).to_have_text(f"有 {waiting} 份转人工报价待核保。")


# Each demo role's first next step: its key and the page it leads to (#17: "each role's home page
# shows its next step"). The adjuster's and the analyst's are counted from the demo's claims and
# service tasks; the others link their desk.
FIRST_STEP = {
    "admin": ("audit", "/audit"),
    "underwriter": ("referrals", "/underwriting"),
    "actuary": ("experience", "/experience"),
    "adjuster": ("claims", "/steps/compensation"),
    "analyst": ("tasks", None),
    "enterprise": ("questionnaire", None),
    "regulator": ("statistics", "/statistics"),
}


@pytest.mark.parametrize("username", sorted(FIRST_STEP))
def test_each_roles_home_page_shows_its_next_step(
    browser: Browser, site: tuple[Platform, str], username: str
) -> None:
    _platform, base = site
    page = _page(browser, base, username)
    key, href = FIRST_STEP[username]
    line = page.get_by_test_id("next-steps").locator(f"li[data-step={key}] a").first
    expect(line).to_be_visible()
    if href is not None:
        expect(line).to_have_attribute("href", href)
    line.click()  # and it leads somewhere that answers
    expect(page.locator("main h1").first).to_be_visible()
    page.context.close()
