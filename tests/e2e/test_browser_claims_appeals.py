"""In real Chromium, an appeal (申诉) against the statement of loss of the demo's assessed
ransomware claim: the insured ticks the lines it disputes on the claim page and lodges its
reasons; the adjuster who made the assessment is told why it may not re-assess; the claims
manager (who did not) re-assesses through the assessment form's inputs and decides "partly
upheld"; the insured follows the status and reads the decision document, in Chinese and English.

The demo assessed 48 hours of interruption at ¥2,400 an hour and an ¥18,000 forensic invoice; the
insured disputes the outage (60 hours, its evidence the ransom note) and the manager re-assesses
with 60 hours. The figures the pages must show — the window's last day, the payable before and
after — come from the use cases (``statement_issued_on``/``appeal_last_day``, ``appeal_of``), and
the change is checked by hand: 12 more hours × ¥2,400 = ¥28,800 more payable (the waiting period,
retention and forensic line are the same in both, and the ¥500,000 aggregate does not bind)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu import claims
from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from liubu.core import Money
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
Shoot = Callable[[Page, str], None]


def _no_shots(_page: Page, _name: str) -> None:
    return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("appeals"))) as running:
        yield running


def _page(browser: Browser, site: str, username: str, locale: str = "zh-CN") -> Page:
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, site, username)
    return page


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def assessed_claim(platform: Platform) -> claims.Claim:
    """The demo's ransomware claim, assessed (its statement of loss issued) and not appealed."""
    with platform.uow(SYSTEM) as uow:
        return next(
            c
            for c in uow.claims.claims(state=None)
            if c.incident_type == "ransomware"
            and c.worksheet is not None
            and not uow.claims.appeals(c.id)
        )


def lodge(insured: Page, site: str, claim: claims.Claim, shoot: Shoot = _no_shots) -> None:
    """The insured disputes the business-interruption lines and lodges its reasons."""
    issued = claims.statement_issued_on(claim)
    assert issued is not None
    insured.goto(f"{site}/claims/{claim.id}")
    form = insured.get_by_test_id("appeal-form")
    expect(form).to_contain_text(claims.appeal_last_day(issued).isoformat())
    shoot(insured, "insured-appeal-form")
    steps = claims.worksheet_steps(claims.AdjustmentWorksheet.from_dict(claim.worksheet or {}))
    disputed = [s for s in steps if s.endswith(":business_interruption")]
    assert disputed  # the worksheet has business-interruption lines to dispute
    for step in disputed:
        form.locator(f"input[data-line='{step}']").check()
    # Labels, not codes: what the insured ticks reads as the worksheet's words.
    expect(form.locator("label.choice").first).not_to_contain_text("business_interruption")
    form.locator("textarea[name=reasons]").fill(
        "停工实为 60 小时：MES 恢复后产线又停了 12 小时做数据核对，见勒索信与恢复记录。"
    )
    form.locator("input[name=evidence_ids]").first.check()
    insured.get_by_test_id("lodge-appeal").click()
    appeal = insured.get_by_test_id("appeal")
    expect(appeal).to_have_attribute("data-appeal-state", "open")
    expect(appeal.locator("li[data-step=reassessed]")).to_contain_text("尚未进行")
    expect(insured.get_by_test_id("appeal-form")).to_have_count(0)  # one open appeal at a time


def reassess_and_decide(
    platform: Platform,
    adjuster: Page,
    manager: Page,
    site: str,
    claim: claims.Claim,
    shoot: Shoot = _no_shots,
) -> None:
    # The assessor under appeal sees why it may not act, not a blank.
    adjuster.goto(f"{site}/steps/rescue")
    row = adjuster.locator(f"[data-testid=queue] tr[data-claim='{claim.number}']")
    expect(row.locator("[data-flag=appeal]")).to_be_visible()
    expect(adjuster.get_by_test_id("appeals-waiting")).to_be_visible()
    adjuster.goto(f"{site}/claims/{claim.id}")
    expect(adjuster.get_by_test_id("reassess-refused")).to_have_text(
        claims.message(claims.ClaimsCode.APPEAL_SAME_ADJUSTER, "zh")
    )
    expect(adjuster.get_by_test_id("reassess-form")).to_have_count(0)
    # A form sent anyway is refused with the same words, and nothing is re-assessed.
    (open_appeal,) = claims.appeals_of(platform.uow(SYSTEM), claim.id)
    token = adjuster.locator("input[name=csrf_token]").first.get_attribute("value")
    sent = adjuster.request.post(
        f"{site}/claims/{claim.id}/appeals/{open_appeal.id}/reassess",
        form={"csrf_token": str(token), "item_coverage_0": "forensics", "item_amount_0": "1"},
    )
    assert claims.message(claims.ClaimsCode.APPEAL_SAME_ADJUSTER, "zh") in sent.text()
    assert claims.appeals_of(platform.uow(SYSTEM), claim.id)[0].state is claims.AppealState.OPEN
    shoot(adjuster, "assessor-refused")

    manager.goto(f"{site}/claims/{claim.id}")
    form = manager.get_by_test_id("reassess-form")
    row0 = form.locator("tr[data-item='0']")
    row0.locator("select[name=item_coverage_0]").select_option("forensics")
    row0.locator("select[name=item_kind_0]").select_option("invoice")
    row0.locator("input[name=item_description_0]").fill(
        "取证调查发票 Forensic investigation invoice"
    )
    row0.locator("input[name=item_amount_0]").fill("18000.00")
    form.locator("input[name=bi_hours]").fill("60")
    form.locator("input[name=bi_hourly]").fill("2400")
    shoot(manager, "manager-reassess-form")
    manager.get_by_test_id("reassess").click()
    expect(manager.get_by_test_id("appeal")).to_have_attribute("data-appeal-state", "reassessed")
    shoot(manager, "manager-decide-form")
    decide = manager.get_by_test_id("decide-form")
    decide.locator("input[value=partly_upheld]").check()
    decide.locator("textarea[name=reasons]").fill(
        "恢复记录证实停工 60 小时，营业中断按 60 小时重新核定；取证费用维持原核定。"
    )
    manager.get_by_test_id("decide").click()
    expect(manager.get_by_test_id("appeal")).to_have_attribute("data-appeal-state", "decided")


def test_the_insured_appeals_and_another_adjuster_partly_upholds_it(
    browser: Browser, demo: tuple[Platform, str]
) -> None:
    platform, site = demo
    claim = assessed_claim(platform)
    insured = _page(browser, site, "enterprise")
    lodge(insured, site, claim)
    reassess_and_decide(
        platform,
        _page(browser, site, "adjuster"),
        _page(browser, site, "insurer-admin"),
        site,
        claim,
    )

    with platform.uow(SYSTEM) as uow:
        (appeal,) = uow.claims.appeals(claim.id)
    _, appeal = claims.appeal_of(platform.uow(SYSTEM), claim.id, appeal.id)
    assert appeal.outcome is claims.AppealOutcome.PARTLY_UPHELD
    assert appeal.new_payable is not None
    old, new = appeal.original_payable, appeal.new_payable
    assert new - old == Decimal(12 * 2400)  # by hand: 12 more hours at ¥2,400
    assert appeal.reassessment is not None
    sheets = [
        claims.AdjustmentWorksheet.from_dict(x) for x in (appeal.original, appeal.reassessment)
    ]
    bi = [s.payable_for("business_interruption").amount for s in sheets]

    for language, outcome in (("zh_CN", "申诉部分成立"), ("en", "Appeal partly upheld")):
        insured.goto(f"{site}/lang/{language}?next=/claims/{claim.id}")
        section = insured.get_by_test_id("appeal")
        expect(section).to_have_attribute("data-appeal-state", "decided")
        expect(section.get_by_test_id("appeal-outcome")).to_have_text(outcome)
        expect(section.get_by_test_id("appeal-old-payable")).to_have_text(_yuan(old))
        expect(section.get_by_test_id("appeal-new-payable")).to_have_text(_yuan(new))
        expect(insured.get_by_test_id("payable")).to_have_text(_yuan(new))  # the revised statement
        by_coverage = section.get_by_test_id("appeal-by-coverage")
        expect(by_coverage).to_contain_text(_yuan(bi[0]))
        expect(by_coverage).to_contain_text(_yuan(bi[1]))
        expect(insured.get_by_test_id("reassess-form")).to_have_count(0)  # staff's forms only
        # Decided: what is left is the regulator's hotline, arbitration or court, not a new form.
        expect(insured.get_by_test_id("appeal-next-steps")).to_contain_text("12378")
        expect(insured.get_by_test_id("appeal-form")).to_have_count(0)
    for lang, title, outcome in (
        ("zh", "申诉复核决定书", "申诉部分成立"),
        ("en", "Appeal decision", "Appeal partly upheld"),
    ):
        insured.goto(f"{site}/claims/{claim.id}/appeals/{appeal.id}/decision.{lang}.html")
        expect(insured.locator("h1")).to_have_text(title)
        expect(insured.locator("[data-outcome]")).to_have_text(outcome)
        expect(insured.locator("#old-payable")).to_have_text(_yuan(old))
        expect(insured.locator("#new-payable")).to_have_text(_yuan(new))
        expect(insured.locator("body")).to_contain_text("12378")
        expect(insured.locator("body")).to_contain_text(claim.number)
        pdf = insured.request.get(
            f"{site}/claims/{claim.id}/appeals/{appeal.id}/decision.{lang}.pdf"
        )
        assert pdf.ok
        assert pdf.body().startswith(b"%PDF")

    # Nobody else reads the decision: the demo's vendor was dispatched to this claim, yet 404.
    vendor = _page(browser, site, "analyst", locale="en")
    for document in ("decision.en.html", "decision.zh.pdf"):
        url = f"{site}/claims/{claim.id}/appeals/{appeal.id}/{document}"
        assert vendor.request.get(url).status == 404


def test_after_the_window_the_insured_reads_what_else_it_can_do(
    browser: Browser, demo: tuple[Platform, str]
) -> None:
    """The demo's data-breach claim, assessed here, its statement issued 31 days ago: no form,
    the day the window closed (from the use case) and the regulator's hotline; a form sent
    anyway is refused in the reader's language."""
    platform, site = demo
    with platform.uow(SYSTEM) as uow:
        breach = next(c for c in uow.claims.claims(state=None) if c.incident_type == "data_breach")
    claims.assess_claim(
        platform.uow(SYSTEM),
        breach.id,
        items=[
            claims.LossItem(
                coverage="forensics",
                kind=claims.LossKind.INVOICE,
                description="取证调查发票 Forensic investigation invoice",
                amount=Money("30000.00"),
            )
        ],
    )
    with platform.uow(SYSTEM) as uow:
        stored = uow.claims.claim(breach.id)
        assert stored.worksheet is not None
        document = {**stored.worksheet, "assessment": {**stored.worksheet["assessment"]}}
        aged = datetime.now(UTC) - timedelta(days=claims.DEFAULT_APPEAL_DAYS + 1)
        document["assessment"]["at"] = aged.isoformat()
        uow.claims.save_claim(replace(stored, worksheet=document))
        uow.commit()
        stored = uow.claims.claim(breach.id)
    issued = claims.statement_issued_on(stored)
    assert issued is not None
    closed_on = claims.appeal_last_day(issued).isoformat()

    insured = _page(browser, site, "enterprise")
    for language in ("zh_CN", "en"):
        insured.goto(f"{site}/lang/{language}?next=/claims/{breach.id}")
        closed = insured.get_by_test_id("appeal-closed")
        expect(closed).to_contain_text(closed_on)
        expect(closed).to_contain_text("12378")
        expect(insured.get_by_test_id("appeal-form")).to_have_count(0)
    insured.goto(f"{site}/lang/zh_CN?next=/claims/{breach.id}")
    token = insured.locator("input[name=csrf_token]").first.get_attribute("value")
    sent = insured.request.post(
        f"{site}/claims/{breach.id}/appeals",
        form={"csrf_token": str(token), "lines": "retention", "reasons": "迟到的申诉。"},
    )
    assert sent.ok
    assert claims.message(claims.ClaimsCode.APPEAL_WINDOW_CLOSED, "zh") in sent.text()
    with platform.uow(SYSTEM) as uow:
        assert list(uow.claims.appeals(breach.id)) == []
