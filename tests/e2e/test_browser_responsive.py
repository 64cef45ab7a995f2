"""At a phone's width (375 px) every page reachable from the navigation, for every demo role and
in both languages, fits the viewport: no sideways scroll of the page itself (wide tables and
charts scroll inside their own box), and the navigation folds behind a menu button."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import EXPECTED_NAV, sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

PHONE = 375
LAPTOP = 1366


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(Path(tmp_path_factory.mktemp("site"))) as (_platform, base):
        yield base


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE, "height": 800})
    yield context.new_page()
    context.close()


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("username", sorted(EXPECTED_NAV))
def test_no_page_is_wider_than_a_phone(phone: Page, site: str, username: str) -> None:
    sign_in(phone, site, username)
    nav = phone.get_by_test_id("nav")
    expect(nav).to_be_hidden()  # folded on a phone …
    phone.get_by_test_id("menu-button").click()
    expect(nav).to_be_visible()  # … and opened by the menu button
    paths = nav.locator("a[data-slug]").evaluate_all("links => links.map(a => a.pathname)")
    assert paths, "the role's navigation is empty"
    too_wide: dict[str, int] = {}
    for lang in ("zh_CN", "en"):
        for path in ["/", *paths]:
            response = phone.goto(f"{site}/lang/{lang}?next={path}")
            assert response is not None
            assert response.ok, (path, lang)
            phone.wait_for_load_state("networkidle")
            width = _width(phone)
            if width > PHONE:
                too_wide[f"{path} ({lang})"] = width
    assert too_wide == {}


def test_the_navigation_stays_beside_the_page_on_a_laptop(browser: Browser, site: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": LAPTOP, "height": 800})
    page = context.new_page()
    sign_in(page, site, "underwriter")
    expect(page.get_by_test_id("nav")).to_be_visible()
    expect(page.get_by_test_id("menu-button")).to_be_hidden()
    assert _width(page) <= LAPTOP
    context.close()


def test_on_a_phone_the_score_factors_fit_and_say_not_scanned(phone: Page, site: str) -> None:
    """The score card stacks its grade above the factors, so the factors table needs no sideways
    scroll of its own and the unscanned demo enterprise's badges are in view, in English (the
    longer label) too."""
    sign_in(phone, site, "enterprise")
    phone.goto(f"{site}/steps/diagnosis")
    path = phone.url.removeprefix(site)
    phone.goto(f"{site}/lang/en?next={path}")
    factors = phone.locator("#score table.factors")
    expect(factors).to_be_visible()
    inner = factors.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert inner[0] <= inner[1], inner
    badges = phone.get_by_test_id("not-scanned")
    expect(badges).to_have_count(5)
    for badge in badges.all():
        expect(badge).to_have_text("Not scanned (counted at the average)")
        box = badge.bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE, box
