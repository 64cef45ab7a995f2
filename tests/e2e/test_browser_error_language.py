"""On the error paths a Chinese page speaks Chinese (#17): each refusal below is provoked twice in
real Chromium, once in English and once in Chinese. The English page shows the error's own
sentence; the Chinese page must not contain that sentence, and what it shows as the refusal has
Chinese text and no English sentence in it (four English words in a row)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import DEMO_PASSWORD, sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

# Four or more English words in a row: a sentence, not a code, a host name or an abbreviation.
PRIVATE = "10.1.2.3"
DEMO_ENTERPRISE = "苏州示例智能制造有限公司"
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){3,}")


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@dataclass(frozen=True)
class Site:
    platform: Platform
    base: str
    enterprise_id: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with demo_site(Path(tmp_path_factory.mktemp("errors"))) as (platform, base):
        with platform.uow(SYSTEM) as uow:
            (enterprise,) = [e for e in uow.enterprises.list() if e.name == DEMO_ENTERPRISE]
        yield Site(platform, base, enterprise.id)


def _submit(page: Page, testid: str, button: str = "button[type=submit]") -> None:
    """Submit a form with the browser's own checks off, as a hand-made request would arrive."""
    form = page.get_by_test_id(testid)
    form.evaluate("f => { f.noValidate = true; }")
    form.locator(button).first.click()
    page.wait_for_load_state("networkidle")


def _declared(page: Page, site: Site, name: str) -> Locator:
    page.goto(f"{site.base}/diagnosis/{site.enterprise_id}")
    row = page.locator(f"[data-testid=assets] tr[data-asset='{name}']")
    if row.count() == 0:
        page.get_by_test_id("declare").locator("input[name=name]").fill(name)
        _submit(page, "declare")
    expect(row).to_have_count(1)
    return row


def _verify_private_address(page: Page, site: Site) -> Locator:
    _declared(page, site, PRIVATE).get_by_test_id("verify").click()
    page.wait_for_load_state("networkidle")
    return page.get_by_test_id("refusal")


def _declare_bad_host(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/diagnosis/{site.enterprise_id}")
    page.get_by_test_id("declare").locator("input[name=name]").fill("not a host name!")
    _submit(page, "declare")
    return page.get_by_test_id("refusal")


def _quote_nothing(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/quotes")
    _submit(page, "quote-request")
    return page.locator("main .error")


def _import_garbage(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/experience")
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(
        {"name": "claims.csv", "mimeType": "text/csv", "buffer": b"this,is\nnot,claims data\n"}
    )
    _submit(page, "import-form")
    return page.locator("main .error")


def _reserve_garbage(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/reserving")
    page.get_by_test_id("reserving-form").locator("textarea[name=text]").fill("origin,dev\nx,y\n")
    _submit(page, "reserving-form")
    return page.locator("main .error")


def _quantify_nonsense(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/risk")
    page.get_by_test_id("model-text").fill("scenarios:\n  - name: x\n    frequency: -3\n")
    _submit(page, "risk-form")
    return page.get_by_test_id("risk-error")


def _mismatched_password(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/account/password")
    form = page.get_by_test_id("password-form")
    form.locator("input[name=current_password]").fill(DEMO_PASSWORD)
    form.locator("input[name=new_password]").fill("a-much-longer-pass-phrase-1")
    form.locator("input[name=confirm_password]").fill("a-different-pass-phrase-2")
    _submit(page, "password-form")
    return page.get_by_test_id("password-error")


def _missing_page(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/diagnosis/no-such-enterprise")
    return page.get_by_test_id("error")


def _forbidden_page(page: Page, site: Site) -> Locator:
    page.goto(f"{site.base}/audit")
    return page.get_by_test_id("error")


Case = tuple[str, Callable[[Page, Site], Locator]]
CASES: list[Case] = [
    ("enterprise", _verify_private_address),
    ("enterprise", _declare_bad_host),
    ("enterprise", _quote_nothing),
    ("enterprise", _mismatched_password),
    ("enterprise", _missing_page),
    ("enterprise", _forbidden_page),
    ("actuary", _import_garbage),
    ("actuary", _reserve_garbage),
    ("actuary", _quantify_nonsense),
]


def _provoke(browser: Browser, site: Site, username: str, lang: str, case: Callable) -> str:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, site.base, username)
        page.goto(f"{site.base}/lang/{lang}?next=/")
        refusal = case(page, site)
        expect(refusal.first).to_be_visible()
        shown = " ".join(refusal.all_inner_texts()).strip()
        assert shown, f"{case.__name__}: the refusal is empty"
        return shown + "\n" + page.locator("main").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize(("username", "case"), CASES, ids=[c.__name__ for _, c in CASES])
def test_a_refusal_on_a_chinese_page_has_no_english_sentence(
    browser: Browser, site: Site, username: str, case: Callable[[Page, Site], Locator]
) -> None:
    english_refusal, _ = _provoke(browser, site, username, "en", case).split("\n", 1)
    chinese_refusal, chinese_page = _provoke(browser, site, username, "zh_CN", case).split("\n", 1)
    assert ENGLISH_RUN.search(english_refusal), english_refusal  # the English page says it in words
    assert english_refusal not in chinese_page
    assert _has_chinese(chinese_refusal), chinese_refusal
    assert ENGLISH_RUN.search(chinese_refusal) is None, chinese_refusal


def test_a_failed_sign_in_is_refused_in_the_pages_language(browser: Browser, site: Site) -> None:
    shown: dict[str, str] = {}
    for lang in ("en", "zh_CN"):
        context = browser.new_context(locale="zh-CN" if lang == "zh_CN" else "en-US")
        page = context.new_page()
        page.goto(f"{site.base}/lang/{lang}?next=/login")
        page.fill("input[name=username]", "enterprise")
        page.fill("input[name=password]", "not-the-password")
        page.click("form[data-testid=login-form] button[type=submit]")
        shown[lang] = page.get_by_test_id("login-error").inner_text()
        context.close()
    assert ENGLISH_RUN.search(shown["en"]), shown
    assert _has_chinese(shown["zh_CN"]), shown
    assert ENGLISH_RUN.search(shown["zh_CN"]) is None, shown


def test_an_address_is_proved_by_its_file_only_and_the_chinese_steps_are_chinese(
    browser: Browser, site: Site
) -> None:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, site.base, "enterprise")
    page.goto(f"{site.base}/lang/zh_CN?next=/")
    proof = _declared(page, site, PRIVATE).get_by_test_id("proof").inner_text()
    context.close()
    # An IP address has no DNS name to hold a TXT record: only the well-known file applies.
    assert "TXT" not in proof
    assert f"http(s)://{PRIVATE}/.well-known/liubu-verification.txt" in proof
    assert ENGLISH_RUN.search(proof) is None, proof
    assert "containing" not in proof
