"""The admin's audit page in real Chromium: the demo's events named in the reader's language, a
filter by action, paging back, the verification of the whole hash chain, and a phone's width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(Path(tmp_path_factory.mktemp("site"))) as (_platform, base):
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def test_the_admin_filters_pages_and_verifies_the_trail(page: Page, site: str) -> None:
    sign_in(page, site, "admin")
    page.click("[data-slug=audit]")
    expect(page.get_by_test_id("page-title")).to_have_text("审计日志")
    rows = page.locator("[data-testid=events] tr[data-seq]")
    expect(rows.first).to_be_visible()
    assert rows.count() == 50  # the demo has more than one page of events
    seqs = [int(s) for s in rows.evaluate_all("rs => rs.map(r => r.dataset.seq)")]
    assert seqs == sorted(seqs, reverse=True)

    page.get_by_test_id("older").click()
    older = [
        int(s)
        for s in page.locator("[data-testid=events] tr[data-seq]").evaluate_all(
            "rs => rs.map(r => r.dataset.seq)"
        )
    ]
    assert older
    assert max(older) < min(seqs)

    page.goto(f"{site}/audit")
    page.fill("[data-testid=filters] input[name=action]", "products.")
    page.get_by_test_id("filter").click()
    # The filter still takes a code's beginning; the rows keep their codes beside the names.
    expect(page.get_by_test_id("action").first).to_have_attribute(
        "data-action", re.compile("^products[.]")
    )
    shown = _actions(page)
    assert shown
    assert all(code.startswith("products.") for code, _name in shown)
    assert all(name.startswith("产品 · ") for _code, name in shown)

    page.fill("[data-testid=filters] input[name=action]", "no.such.action")
    page.get_by_test_id("filter").click()
    expect(page.get_by_test_id("empty-state")).to_have_text("没有符合条件的事件。")

    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("chain-status")).to_contain_text("哈希链完整")
    page.click("a[data-lang=en]")
    expect(page.get_by_test_id("chain-status")).to_contain_text("The chain is intact")


CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _actions(page: Page) -> list[tuple[str, str]]:
    """Each shown event's action: its code (kept in data-action and title) and what it reads."""
    cells = page.locator("[data-testid=events] tr[data-seq] [data-testid=action]")
    shown = cells.evaluate_all("cs => cs.map(c => [c.dataset.action, c.title, c.innerText.trim()])")
    assert all(code == title for code, title, _ in shown)
    return [(code, text) for code, _, text in shown]


def test_the_trail_reads_in_the_readers_language(page: Page, site: str) -> None:
    sign_in(page, site, "admin")
    page.goto(f"{site}/audit")
    shown = _actions(page)
    assert len(shown) == 50
    assert [text for _, text in shown if CODE.match(text)] == []
    assert not any(text == code for code, text in shown)
    entities = page.locator("[data-testid=events] tr[data-seq] [data-entity-type] span")
    assert not [t for t in entities.all_inner_texts() if re.fullmatch(r"[a-z_]+", t)]
    # The demo's loaders and the platform itself are named, not shown by their ids.
    actors = page.locator("[data-testid=events] tr[data-seq] [data-actor]").evaluate_all(
        "cs => cs.map(c => [c.dataset.actor, c.innerText.trim()])"
    )
    assert {"system", "demo"} <= {actor for actor, _ in actors}
    assert {text for actor, text in actors if actor == "system"} == {"系统"}
    assert {text for actor, text in actors if actor == "demo"} == {"演示数据加载"}

    # The demo's sign-ins (the admin's own among them), found by their code, read 登录.
    page.fill("[data-testid=filters] input[name=action]", "auth.signed_in")
    page.get_by_test_id("filter").click()
    signed_in = _actions(page)
    assert signed_in
    assert {code for code, _ in signed_in} == {"auth.signed_in"}
    assert {text for _, text in signed_in} == {"登录"}
    # The choices name every code: the sign-in's is offered with its name.
    offered = page.locator("#action-choices option[value='auth.signed_in']")
    expect(offered).to_have_attribute("label", "登录")

    page.click("a[data-lang=en]")
    page.goto(f"{site}/audit?action=auth.signed_in")
    assert {text for _, text in _actions(page)} == {"Signed in"}
    page.goto(f"{site}/audit?action=users.")
    in_english = _actions(page)
    assert in_english
    assert all(text.startswith("User account · ") for _, text in in_english)


def test_on_a_phone_the_trail_fits_the_screen(browser: Browser, site: str) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    try:
        phone = context.new_page()
        sign_in(phone, site, "admin")
        phone.goto(f"{site}/audit")
        expect(phone.get_by_test_id("action").first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
