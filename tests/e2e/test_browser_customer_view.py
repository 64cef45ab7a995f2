"""The customer sees the customer's view (#17): after the demo enterprise asks for quotes on every
product it is offered (the demo's posture gets them referred), every page it can reach by a link
from its navigation, two clicks deep, in Chinese and in English and at a phone's width, shows no
rate adequacy (费率充足度) and no referral rule's code, and none is wider than the phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

PHONE = 375
RULES = Path(__file__).resolve().parents[2] / "src/liubu/underwriting/data/referral_rules.yaml"
# Links that act or leave rather than show a page of the customer's.
NOT_PAGES = ("/logout", "/lang/", "/static/", "/api/")


def _rule_codes() -> set[str]:
    with RULES.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    codes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("code"), str):
                codes.add(node["code"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return codes


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(Path(tmp_path_factory.mktemp("customer"))) as (_platform, base):
        yield base


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.locator("main a[href], nav a[href]").evaluate_all(
        "links => links.map(a => a.href)"
    )
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith(NOT_PAGES):
            continue
        if parts.path.endswith((".pdf", ".csv", ".xlsx")):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_no_customer_page_shows_rate_adequacy_or_a_referral_code(
    browser: Browser, site: str
) -> None:
    codes = _rule_codes()
    assert "rate_adequacy_below_threshold" in codes  # the rules file is read as intended
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE, "height": 800})
    page = context.new_page()
    sign_in(page, site, "enterprise")
    page.goto(f"{site}/quotes")
    offered = page.locator("input[name=products]")
    assert offered.count() > 0
    for box in offered.all():
        box.check()
    page.get_by_test_id("ask").click()
    expect(page.locator("[data-testid=quotes] tr[data-status=refer]").first).to_be_attached()

    page.get_by_test_id("menu-button").click()
    start = ["/", *_links(page, site)]
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    frontier = list(dict.fromkeys(start))
    for _depth in range(2):
        following: list[str] = []
        for path in frontier:
            if path in seen:
                continue
            seen.add(path)
            for lang in ("en", "zh_CN"):
                response = page.goto(f"{site}/lang/{lang}?next={path}")
                assert response is not None
                assert response.ok, (path, lang, response.status)
                page.wait_for_load_state("networkidle")
                text = page.locator("body").inner_text()
                found = [w for w in ("费率充足度", "rate adequacy") if w in text.lower()]
                found += sorted(code for code in codes if code in text)
                width = int(page.evaluate("document.documentElement.scrollWidth"))
                if width > PHONE:
                    found.append(f"{width} px wide")
                if found:
                    problems[f"{path} ({lang})"] = found
            following.extend(_links(page, site))
        frontier = [p for p in dict.fromkeys(following) if p not in seen]
    assert problems == {}
    # the quotes, their bind pages and the policy were among the pages looked at
    assert any(p.startswith("/policies/") for p in seen), sorted(seen)
    assert "/quotes" in seen
    context.close()
