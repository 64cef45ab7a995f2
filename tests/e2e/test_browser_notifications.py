"""Notifications in real Chromium at a phone's width: an insurer's admin sees the unread count
in the header, reads the notice, adds an e-mail rule (shown masked), is refused a webhook on a
private address beside the form, and reads the page in English too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import accounts, notify
from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from liubu.notify import Bilingual, Event, EventKind
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)
PHONE = 375


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("site"))) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE, "height": 800})
    yield context.new_page()
    context.close()


def _tell(platform: Platform, username: str) -> None:
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username(username)
        assert user is not None
        notify.publish(
            uow,
            Event(
                kind=EventKind.ALERT_OPENED,
                subject_id="browser-alert",
                audiences=(user.tenant_id,),
                title=Bilingual(zh="严重监控告警：198.51.100.4", en="Critical alert: 198.51.100.4"),
                body=Bilingual(zh="请查看告警并处置。", en="Please review and act."),
                link="/steps/monitoring",
                occurred_at=datetime.now(UTC),
            ),
        )
        uow.commit()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE


def test_the_admin_reads_a_notice_and_configures_who_is_told(
    page: Page, site: tuple[Platform, str]
) -> None:
    platform, base = site
    # the demo's own high alerts told the insurer already: those were read before this visit
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("insurer-admin")
        assert user is not None
        admin = accounts.load_principal(uow, user.id)
    earlier = len(notify.inbox(platform.uow(admin)))
    notify.mark_read(platform.uow(admin))
    _tell(platform, "insurer-admin")
    sign_in(page, base, "insurer-admin")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("通知")
    notice = page.locator("[data-testid=notifications] tr[data-unread=yes]")
    expect(notice).to_contain_text("严重监控告警：198.51.100.4")
    _fits(page)
    page.get_by_test_id("read-one").click()
    expect(page.locator("[data-testid=notifications] tr[data-unread=no]")).to_have_count(
        earlier + 1
    )
    expect(page.get_by_test_id("unread-count")).to_have_count(0)

    page.select_option("[data-testid=rule-channel]", "email")
    page.fill("[data-testid=rule-target]", "soc.lead@insurer.example")
    page.get_by_test_id("add-rule").click()
    expect(page.get_by_test_id("rule-list")).to_contain_text("s***@insurer.example")
    expect(page.get_by_test_id("rule-list")).not_to_contain_text("soc.lead")

    page.select_option("[data-testid=rule-channel]", "webhook")
    page.fill("[data-testid=rule-target]", "http://10.0.0.8/hook")
    page.fill("[data-testid=rule-secret]", "a-secret-of-24-characters")
    page.get_by_test_id("add-rule").click()
    expect(page.get_by_test_id("flash-rules")).to_contain_text("内网")
    _fits(page)

    page.click("a[data-lang=en]")
    expect(page.get_by_test_id("page-title")).to_have_text("Notifications")
    expect(page.get_by_test_id("rule-list")).to_contain_text("E-mail")
    expect(page.get_by_test_id("rule-list")).to_contain_text("High or critical monitoring alert")
    _fits(page)
