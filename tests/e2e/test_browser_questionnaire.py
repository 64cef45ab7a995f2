"""The questionnaire as an enterprise uses it, in real Chromium (#17 item 12): progress at the top
and per section, counted here from the stored answers; a draft saved in one section, kept when
the user comes back, with the progress advanced by exactly the questions answered (also with
JavaScript off); the section index and previous/next; MLPS control names in the page's language;
no empty section; nothing wider than a 375 px phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from liubu import assessment
from liubu.accounts import Principal, load_principal
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

DATA = Path(__file__).resolve().parents[2] / "src" / "liubu" / "assessment" / "data"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("questionnaire"))) as running:
        yield running


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The questionnaire file as plain YAML: the truth the page is checked against."""
    return dict(yaml.safe_load((DATA / "questionnaire.yaml").read_text(encoding="utf-8")))


def _owner(platform: Platform) -> tuple[Principal, str]:
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("enterprise")
        assert user is not None
        principal = load_principal(uow, user.id)
    with platform.uow(principal) as uow:
        (first, *_others) = uow.enterprises.list()
    return principal, first.id


def _stored(platform: Platform) -> dict[str, Any]:
    """The enterprise's latest answers as the use case reads them."""
    principal, enterprise_id = _owner(platform)
    with platform.uow(principal) as uow:
        latest = assessment.latest_answers(uow, enterprise_id)
    return {} if latest is None else {k: v["value"] for k, v in latest.answers.items()}


def _asked(raw: dict[str, Any], values: dict[str, Any], section: str | None = None) -> int:
    """Questions still asked: all but those whose (one-level) condition is answered and false."""
    count = 0
    for question in raw["questions"]:
        if section is not None and question["section"] != section:
            continue
        condition = question.get("show_if")
        ruled_out = (
            condition is not None
            and condition["question"] in values
            and values[condition["question"]] not in condition.get("in", ())
        )
        count += not ruled_out
    return count


def _share(answered: int, asked: int) -> str:
    return f"{(Decimal(answered * 100) / Decimal(asked)).quantize(Decimal(1), ROUND_HALF_UP)}%"


def _figure(answered: int, asked: int) -> str:
    return f"已答 {answered} / {asked} 题（{_share(answered, asked)}）"


def _open(browser: Browser, base: str, **context: Any) -> Page:
    page = browser.new_context(locale="zh-CN", **context).new_page()
    sign_in(page, base, "enterprise")
    return page


def test_a_draft_saved_in_one_section_is_kept_and_advances_the_progress(
    browser: Browser, site: tuple[Platform, str], raw: dict[str, Any]
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    path = f"{base}/diagnosis/{enterprise_id}/questionnaire"
    before = _stored(platform)
    page = _open(browser, base)
    page.goto(path)
    asked = _asked(raw, before)
    expect(page.get_by_test_id("progress-figure")).to_have_text(_figure(len(before), asked))

    chosen = {"mfa.email": "partial", "mfa.admin": "yes", "pam.tool": "no"}
    assert not set(chosen) & set(before), "the demo left these unanswered"
    identity = page.locator("#s-identity")
    for question_id, value in chosen.items():
        identity.locator(f"input[name='q_{question_id}'][value='{value}']").check()
    identity.get_by_test_id("save-draft").click()

    expect(page).to_have_url(re.compile(r"/questionnaire\?section=identity#s-identity$"))
    expect(identity.get_by_test_id("flash")).to_contain_text("已保存草稿")
    expect(identity.get_by_test_id("flash")).to_be_in_viewport()
    expect(page.get_by_test_id("draft-saved")).to_contain_text("已保存草稿")
    after = _stored(platform)
    assert after == {**before, **chosen}

    # Away (the home page's next step reads the same figure) and back: the answers are there
    # and the progress moved by exactly three.
    page.goto(f"{base}/")
    step = page.locator("li[data-step=questionnaire]").first
    expect(step).to_contain_text(f"安全问卷已答 {_share(len(after), asked)}")
    page.goto(path)
    for question_id, value in chosen.items():
        expect(page.locator(f"input[name='q_{question_id}'][value='{value}']")).to_be_checked()
    expect(page.get_by_test_id("progress-figure")).to_have_text(
        _figure(len(before) + len(chosen), asked)
    )
    identity_count = page.locator("[data-section-link=identity] [data-testid=section-count]")
    done = sum(1 for q in raw["questions"] if q["section"] == "identity" and q["id"] in after)
    expect(identity_count).to_have_text(f"{done}/{_asked(raw, after, 'identity')}")
    page.context.close()


def test_a_draft_saves_without_javascript(
    browser: Browser, site: tuple[Platform, str], raw: dict[str, Any]
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    before = _stored(platform)
    page = _open(browser, base, java_script_enabled=False)
    page.goto(f"{base}/diagnosis/{enterprise_id}/questionnaire")
    assert "network.ddos" not in before
    network = page.locator("#s-network")
    network.locator("input[name='q_network.ddos'][value='partial']").check()
    network.get_by_test_id("save-draft").click()
    expect(page).to_have_url(re.compile(r"/questionnaire\?section=network#s-network$"))
    expect(network.get_by_test_id("flash")).to_contain_text("已保存草稿")
    expect(page.locator("input[name='q_network.ddos'][value='partial']")).to_be_checked()
    expect(page.get_by_test_id("progress-figure")).to_have_text(
        _figure(len(before) + 1, _asked(raw, before))
    )
    assert _stored(platform) == {**before, "network.ddos": "partial"}
    page.context.close()


def test_enter_in_a_number_saves_the_draft_of_its_own_section(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    before = _stored(platform)
    page = _open(browser, base)
    page.goto(f"{base}/diagnosis/{enterprise_id}/questionnaire")
    days = page.locator("#s-vulnerability input[name='q_patch.critical_days']")
    days.fill("14")
    days.press("Enter")
    expect(page).to_have_url(re.compile(r"/questionnaire\?section=vulnerability#s-vulnerability$"))
    expect(page.locator("#s-vulnerability").get_by_test_id("flash")).to_contain_text("已保存草稿")
    assert _stored(platform) == {**before, "patch.critical_days": 14}
    page.context.close()


def test_the_section_index_and_next_and_previous_move_between_sections(
    browser: Browser, site: tuple[Platform, str], raw: dict[str, Any]
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    page = _open(browser, base, viewport={"width": 1366, "height": 800})
    page.goto(f"{base}/diagnosis/{enterprise_id}/questionnaire")
    # The second section is long: the third starts well below an 800 px window.
    first, second = raw["sections"][1]["id"], raw["sections"][2]["id"]
    expect(page.locator(f"#s-{second} legend")).not_to_be_in_viewport()
    page.locator(f"#s-{first}").get_by_test_id("next-section").click()
    expect(page).to_have_url(re.compile(f"#s-{second}$"))
    expect(page.locator(f"#s-{second} legend")).to_be_in_viewport()

    last = raw["sections"][-1]
    page.locator(f"[data-section-link={last['id']}]").click()
    expect(page.locator(f"#s-{last['id']} legend")).to_be_in_viewport()
    expect(page.locator(f"#s-{last['id']} legend")).to_contain_text(last["title"]["zh"])
    page.locator(f"#s-{last['id']}").get_by_test_id("previous-section").click()
    expect(page).to_have_url(re.compile(f"#s-{raw['sections'][-2]['id']}$"))
    page.context.close()


def test_every_section_asks_something_and_mlps_names_follow_the_language(
    browser: Browser, site: tuple[Platform, str], raw: dict[str, Any]
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    path = f"/diagnosis/{enterprise_id}/questionnaire"
    page = _open(browser, base)
    page.goto(f"{base}{path}")
    sections = page.get_by_test_id("section")
    expect(sections).to_have_count(len(raw["sections"]))
    for index in range(len(raw["sections"])):
        asked_here = sections.nth(index).locator(".question:not([hidden]) input:not([disabled])")
        assert asked_here.count() >= 1, raw["sections"][index]["id"]

    # mfa.email cites 安全计算环境/身份鉴别: the data file's English for the area and the point.
    area = raw["frameworks"]["mlps"]["areas"]["安全计算环境"]
    english = f"{area['en']} / {area['control_points']['身份鉴别']}"
    mlps = page.locator("[data-question='mfa.email'] [data-testid=mlps]")
    expect(mlps).to_contain_text("安全计算环境/身份鉴别")
    page.goto(f"{base}/lang/en?next={path}")
    expect(mlps).to_contain_text(english)
    names = mlps.inner_text().split(":", 1)[1]
    assert not CJK.search(names), names
    page.context.close()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_at_375_px_nothing_is_wider_than_the_phone(
    browser: Browser, site: tuple[Platform, str], lang: str
) -> None:
    platform, base = site
    _principal, enterprise_id = _owner(platform)
    page = _open(browser, base, viewport={"width": 375, "height": 800})
    page.goto(f"{base}/lang/{lang}?next=/diagnosis/{enterprise_id}/questionnaire")
    expect(page.get_by_test_id("progress-figure")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()
