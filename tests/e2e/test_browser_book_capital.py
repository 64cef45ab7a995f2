"""In real Chromium: the underwriter's quote page says which capital the risk load carries — the
assumed book while the insurer has no simulated book stored, then the simulated book's ratio with
its basis, run and date once the insurer's actuary has refreshed it — in Chinese and in English,
at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import portfolio, underwriting
from liubu.accounts import OrgKind, Role, acting_in, load_principal
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SME = "shifan-pc/sme-cyber-comprehensive@2"


def _quote(platform: Platform) -> str:
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("enterprise")
        assert user is not None
        insured = load_principal(uow, user.id)
    with platform.uow(insured) as uow:
        enterprise = next(iter(uow.enterprises.list()))
        (quote,) = underwriting.request_quotes(uow, enterprise.id, products_wanted=[SME])
    return quote.id


def _open(browser: Browser, base: str, quote_id: str, *, english: bool, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, base, "underwriter")
    if english:
        page.click("a[data-lang=en]")
    page.goto(f"{base}/underwriting/quotes/{quote_id}")
    return page


def test_the_worksheet_names_the_capital_basis_before_and_after_a_refresh(
    browser: Browser, tmp_path: Path
) -> None:
    with demo_site(tmp_path) as (platform, base):
        before = _quote(platform)
        page = _open(browser, base, before, english=False, width=1366)
        option = page.get_by_test_id("option").first
        expect(option).to_contain_text("本保险人尚未存有模拟业务组合资本")
        expect(option.locator("tr[data-step=diversification_factor]")).to_have_count(1)
        expect(option.locator("tr[data-step=book_capital_ratio]")).to_have_count(0)
        page.context.close()

        with platform.uow(SYSTEM) as uow:
            insurer = uow.organisations.find_by_code("shifan-pc")
        assert insurer is not None
        actuary = acting_in(insurer.id, OrgKind.INSURER, Role.ACTUARY, name="e2e")
        stored = portfolio.refresh_book_capital(
            platform.uow(actuary),
            insurer.id,
            portfolio.demo_book(),
            portfolio.demo_catalogue(),
            years=4_000,
            seed=3,
            run_id="e2e-run",
        )
        after = _quote(platform)
        with platform.uow(SYSTEM) as uow:
            section = uow.underwriting.quote(after).submission.enterprise.industry_section
        row = stored.row("industry", section) or stored.book
        assert row.ratio is not None
        for english, width in ((False, 1366), (True, 375)):
            page = _open(browser, base, after, english=english, width=width)
            option = page.get_by_test_id("option").first
            step = option.locator("tr[data-step=book_capital_ratio]")
            expect(step).to_have_count(1)
            expect(step.locator("td.amount").first).to_have_text(f"{row.ratio:.4g}")
            expect(option.locator("tr[data-step=diversification_factor]")).to_have_count(0)
            if english:
                expect(option).to_contain_text(
                    "Capital from the insurer's simulated book (run e2e-run"
                )
            else:
                expect(option).to_contain_text("风险资本取自本保险人的模拟业务组合（运行 e2e-run")
            # nothing wider than the phone's screen
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            assert overflow <= 1, overflow
            page.context.close()
