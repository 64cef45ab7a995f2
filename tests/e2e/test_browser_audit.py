"""The admin's audit page in real Chromium: the demo's events, a filter by action, paging back,
and the verification of the whole hash chain."""

from __future__ import annotations

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
    actions = page.locator("[data-testid=events] tr[data-seq] code").first
    expect(actions).to_contain_text("products.")
    shown = page.locator("[data-testid=events] tr[data-seq] td:nth-child(4)").all_inner_texts()
    assert shown
    assert all(a.startswith("products.") for a in shown)

    page.fill("[data-testid=filters] input[name=action]", "no.such.action")
    page.get_by_test_id("filter").click()
    expect(page.get_by_test_id("empty-state")).to_have_text("没有符合条件的事件。")

    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("chain-status")).to_contain_text("哈希链完整")
    page.click("a[data-lang=en]")
    expect(page.get_by_test_id("chain-status")).to_contain_text("The chain is intact")
