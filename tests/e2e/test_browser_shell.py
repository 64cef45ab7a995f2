"""The web shell in real Chromium: each demo role signs in, sees its navigation, switches
language, and signs out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.demo import DEMO_PASSWORD
from tests.e2e.browser import demo_site

pytestmark = pytest.mark.browser
# The machine may be busy (2 cores, CI): wait up to 20 s for the page to settle.
expect.set_options(timeout=20_000)

STEPS = ("diagnosis", "treatment", "service", "monitoring", "rescue", "compensation")
ALL_SLUGS = {
    *STEPS,
    "products",
    "risk",
    "quotes",
    "underwriting",
    "experience",
    "groups",
    "statistics",
    "audit",
    "notifications",
}
# What each demo login must (and must not) see in the side navigation, by page slug.
EXPECTED_NAV = {
    "admin": ALL_SLUGS,  # the platform operator sees everything
    # Group cover: an insurer's staff see the schemes whose master policies it holds.
    "underwriter": {
        *STEPS[:4],
        "products",
        "risk",
        "underwriting",
        "groups",
        "portfolio",
        "notifications",
    },
    # Reserving and the book's accumulation are insurer pages, so not the operator's.
    "actuary": {
        "products",
        "risk",
        "underwriting",
        "experience",
        "reserving",
        "groups",
        "portfolio",
        "notifications",
    },
    "adjuster": {"rescue", "compensation", "products", "notifications"},
    "analyst": {*STEPS[:5], "products", "notifications"},
    "enterprise": {*STEPS, "products", "quotes", "groups", "notifications"},
    "regulator": {"products", "statistics", "notifications"},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(Path(tmp_path_factory.mktemp("site"))) as (_platform, base):
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def sign_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    expect(page.get_by_test_id("who")).to_have_text(username)


def nav_slugs(page: Page) -> set[str]:
    return set(
        page.locator("[data-testid=nav] a[data-slug]").evaluate_all(
            "links => links.map(a => a.dataset.slug)"
        )
    )


@pytest.mark.parametrize("username", sorted(EXPECTED_NAV))
def test_each_demo_role_sees_its_navigation_and_can_sign_out(
    page: Page, site: str, username: str
) -> None:
    sign_in(page, site, username)
    assert nav_slugs(page) == EXPECTED_NAV[username]
    hidden = sorted(ALL_SLUGS - EXPECTED_NAV[username])
    if hidden:  # a page outside the role's navigation is refused, not merely hidden
        response = page.goto(f"{site}/{'steps/' if hidden[0] in STEPS else ''}{hidden[0]}")
        assert response is not None
        assert response.status == 403
        # The error page keeps the signed-in shell: the header and the role's navigation.
        expect(page.get_by_test_id("who")).to_have_text(username)
        assert nav_slugs(page) == EXPECTED_NAV[username]
    if not EXPECTED_NAV[username] & set(STEPS):  # no empty "six steps" heading
        expect(page.get_by_test_id("nav")).not_to_contain_text("六步服务")
    page.goto(f"{site}/")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{site}/login")
    page.goto(f"{site}/products")
    expect(page).to_have_url(f"{site}/login?next=/products")


def test_language_switch_changes_every_label(page: Page, site: str) -> None:
    sign_in(page, site, "underwriter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("[data-slug=diagnosis]")).to_contain_text("保前诊断")
    expect(page.get_by_test_id("logout")).to_have_text("退出登录")
    page.click("a[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-slug=diagnosis]")).to_contain_text("Pre-bind diagnosis")
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    page.click("[data-slug=monitoring]")
    expect(page.get_by_test_id("page-title")).to_contain_text("In-term monitoring")
    expect(page.locator("#overview h2")).to_have_text("Alerts by severity and service level")
    page.click("a[data-lang=zh_CN]")
    expect(page.get_by_test_id("page-title")).to_contain_text("保中监控")
    expect(page.locator("#overview h2")).to_have_text("按严重程度与服务时限统计的告警")


def test_a_wrong_password_shows_a_translated_error(page: Page, site: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=username]", "actuary")
    page.fill("input[name=password]", "not the password")
    page.click("form[data-testid=login-form] button[type=submit]")
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误。")


def test_the_api_documentation_renders_from_local_assets(page: Page, site: str) -> None:
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(site) else None)
    page.goto(f"{site}/docs")
    # every tag is listed, collapsed (expanded, Swagger UI stopped drawing after the first few of
    # 130-odd operations), down to the last ones registered; a tag opens on a click
    for tag in ("accounts", "enterprises", "monitoring", "service"):
        expect(page.locator(f"#operations-tag-{tag}")).to_be_visible()
    page.locator("#operations-tag-enterprises").click()
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/enterprises/{enterprise_id}").first).to_be_visible()
    assert external == []


def test_an_actuary_quantifies_the_example_model_and_sees_the_curve(page: Page, site: str) -> None:
    sign_in(page, site, "actuary")
    page.click("[data-slug=risk]")
    expect(page.get_by_test_id("model-text")).to_contain_text("ransomware")
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_test_id("risk-run").click()
    expect(page.get_by_test_id("risk-mean")).to_contain_text("¥")
    chart = page.get_by_test_id("risk-chart")
    expect(chart.locator("canvas")).to_have_count(1)
    assert chart.get_attribute("data-drawn") == "1"
    # A broken model shows the error with its line, and no result.
    page.get_by_test_id("model-text").fill(
        "scenarios:\n  - name: x\n    frequency: {poisson: -1}\n    components:\n"
        "      - {coverage: forensics, severity: {constant: 1000}}\n"
    )
    page.get_by_test_id("risk-run").click()
    expect(page.get_by_test_id("risk-error")).to_contain_text("model.yaml:3")


def test_an_enterprise_compares_three_products_in_both_languages(page: Page, site: str) -> None:
    chosen = [
        "shifan-pc/sme-cyber-comprehensive@2",
        "yangben-pc/cyber-liability@1",
        "yangben-pc/anti-fraud@1",
    ]
    sign_in(page, site, "enterprise")
    page.click("[data-slug=products]")
    expect(page.locator("[data-testid=catalogue] tbody tr")).to_have_count(12)  # no drafts
    for ref in chosen:
        page.check(f"input[value='{ref}']")
    page.get_by_test_id("compare").click()
    expect(page.get_by_test_id("compared-product")).to_have_count(3)
    expect(page.get_by_test_id("page-title")).to_have_text("产品比较")
    expect(page.locator("tr.section").first).to_contain_text("基本信息")
    assert page.locator("tr.differs").count() > 0
    expect(page.get_by_test_id("summary")).to_have_count(3)
    expect(page.get_by_test_id("summary").first).to_contain_text("保什么")
    page.click("a[data-lang=en]")
    expect(page.get_by_test_id("page-title")).to_have_text("Product comparison")
    expect(page.get_by_test_id("compared-product")).to_have_count(3)
    expect(page.locator("tr.section").first).to_contain_text("General")
    expect(page.get_by_test_id("summary").first).to_contain_text("What is covered")
    for ref in chosen:
        expect(page.get_by_test_id("comparison")).to_contain_text(ref)
