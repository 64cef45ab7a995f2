"""In real Chromium: an SME asks for quotes from its assessment, the underwriter works the
referral with the worksheet, and the SME binds and reads its policy document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, expect

from liubu.accounts import OrgKind, Role, acting_in
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.experience import ExperienceData
from liubu.products import load_reference_catalogue
from liubu.underwriting import declaration_texts as vocabulary_declarations
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SME = "shifan-pc/sme-cyber-comprehensive@2"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_site(Path(tmp_path_factory.mktemp("underwriting"))) as (platform, base):
        _store_section_experience(platform)
        SECTION_C.update(_section_totals(platform))
        yield base


SECTION_C: dict[str, float] = {}


def _section_totals(platform: Platform) -> dict[str, float]:
    """The insurer's stored rows of section C for the SME product (tagged or untagged), read
    row by row: the uploaded 300 policy-years and whatever the demo's claims fed."""
    with platform.uow(SYSTEM) as uow:
        insurer = uow.organisations.find_by_code("shifan-pc")
    assert insurer is not None
    actuary = acting_in(insurer.id, OrgKind.INSURER, Role.ACTUARY, name="e2e")
    with platform.uow(actuary) as uow:
        data = uow.experience.data(SME, untagged=True)
    mine = data.factor("industry_section") == "C"
    exposure = float(data.exposure[mine].sum())
    claims = int(data.claim_count[mine].sum())
    return {"exposure": exposure, "claims": claims, "frequency": claims / exposure}


def _store_section_experience(platform: Platform) -> None:
    """The demo insurer's experience of the demo enterprise's section (C) for the SME product:
    300 policy-years, 6 claims — so its quotes show the credibility steps."""
    n = 300
    data = ExperienceData(
        policy_id=np.array([f"E2E-{i:04d}" for i in range(n)]),
        period=np.full(n, 2025),
        factors={"industry_section": np.full(n, "C")},
        exposure=np.ones(n),
        claim_count=np.array([1 if i < 6 else 0 for i in range(n)]),
        incurred_loss=np.array([80_000.0 if i < 6 else 0.0 for i in range(n)]),
        source="e2e.csv",
    )
    with platform.uow(SYSTEM) as uow:
        insurer = uow.organisations.find_by_code("shifan-pc")
        assert insurer is not None
        uow.experience.add_rows(data, product_ref=SME, tenant_id=insurer.id)
        uow.commit()


def test_quote_referral_decision_bind_and_policy_document(browser: Browser, site: str) -> None:
    enterprise = browser.new_context(locale="zh-CN").new_page()
    sign_in(enterprise, site, "enterprise")
    enterprise.click("[data-slug=quotes]")
    enterprise.check(f"input[name=products][value='{SME}']")
    # Only the current version of a product is offered for new business (@2, not @1 beside it).
    earlier = SME.replace("@2", "@1")
    expect(enterprise.locator(f"input[name=products][value='{earlier}']")).to_have_count(0)
    # The demo enterprise already holds a policy (the demo's claims are made on it): only the
    # rows of the quote asked for here count.
    demo_quotes = enterprise.locator("[data-testid=quotes] tr[data-quote]").evaluate_all(
        "rows => rows.map(r => r.dataset.quote)"
    )
    fresh = "".join(f":not([data-quote='{q}'])" for q in set(demo_quotes))
    enterprise.get_by_test_id("ask").click()
    rows = enterprise.locator(f"[data-testid=quotes] tr[data-quote]{fresh}")
    expect(rows).to_have_count(3)  # three limit options
    first_quote = rows.first.get_attribute("data-quote")
    # Each option shows its own money: the product's first three limits, in order, and premiums
    # that rise with the limit (never the ¥0 a template gets from a value it cannot read).
    (spec,) = [s for s in load_reference_catalogue() if s.product_id == SME]
    limits = [f"¥{limit:,.0f}" for limit in spec.limit_options[:3]]
    assert [t.strip() for t in rows.locator("td:nth-child(2)").all_inner_texts()] == limits
    premiums = [
        Decimal(t.strip().lstrip("¥").replace(",", ""))
        for t in rows.locator("td:nth-child(4)").all_inner_texts()
    ]
    assert 0 < premiums[0] < premiums[1] < premiums[2], premiums
    # The demo enterprise has neither answered the questionnaire nor been scanned: its score is
    # 48 (D; outside-in factors counted at the average, every control at its worst), so the
    # grade rule refers every option, and the worst-answer posture also puts the technical price
    # above the filed one: nothing can be bound yet.
    expect(enterprise.locator(f"tr[data-status=refer]{fresh}")).to_have_count(3)
    expect(enterprise.get_by_test_id("bind")).to_have_count(0)
    # The customer sees where each option stands, not the insurer's internal reasons.
    expect(enterprise.get_by_test_id("customer-status").first).to_have_text("保险公司审核中")
    body = enterprise.locator("main").inner_text()
    assert "费率充足度" not in body
    assert "rate_adequacy" not in body
    # Products by name, insurer and version, never by reference code.
    assert spec.insurer_name is not None
    assert spec.insurer_name.zh in rows.first.inner_text()
    assert "第 2 版" in rows.first.inner_text()
    for code in ("shifan-pc", "cankao-pc", "yangben-pc", "@1", "@2"):
        assert code not in body, code

    underwriter = browser.new_context(locale="zh-CN").new_page()
    sign_in(underwriter, site, "underwriter")
    underwriter.click("[data-slug=underwriting]")
    underwriter.locator(f"tr[data-quote='{first_quote}'] [data-testid=open-quote]").click()
    expect(underwriter.get_by_test_id("worksheet").first).to_contain_text("技术保费")
    # the underwriter sees that the score was made before any outside-in scan
    expect(underwriter.get_by_test_id("not-scanned")).to_have_text("未扫描（按平均水平计）")
    # Scenarios, coverages and referral rules by name: no snake_case code is left on the page.
    codes = re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", underwriter.locator("main").inner_text())
    assert codes == [], sorted(set(codes))
    # The insurer's experience of the section, blended by credibility, before the technical
    # premium: prior, experience, Z and the frequency used, in Chinese and in English.
    sheet = underwriter.get_by_test_id("worksheet").first
    expect(sheet.locator("tr[data-part=experience]")).to_contain_text("理赔经验")
    for code in ("experience_prior_frequency", "experience_frequency", "credibility"):
        expect(sheet.locator(f"tr[data-step={code}]")).to_have_count(1)
    # 300 policy-years uploaded, plus what the demo's claims fed for the section (its policy so far)
    assert SECTION_C["exposure"] >= 300
    shown = sheet.locator("tr[data-step=experience_exposure] td.amount").nth(1).inner_text()
    assert float(shown.replace(",", "")) == pytest.approx(SECTION_C["exposure"], abs=0.005)
    claims = sheet.locator("tr[data-step=experience_claims] td.amount").first.inner_text()
    assert int(claims.replace(",", "")) == SECTION_C["claims"]
    frequency = sheet.locator("tr[data-step=experience_frequency] td.amount").nth(1).inner_text()
    assert float(frequency) == pytest.approx(SECTION_C["frequency"], rel=1e-3)
    expect(sheet.locator("tr[data-step=credibility]")).to_contain_text("信度因子")
    expect(sheet.locator("tr[data-step=credible_frequency]")).to_contain_text("采用的出险频率")
    in_english = browser.new_context().new_page()
    sign_in(in_english, site, "underwriter")
    in_english.goto(underwriter.url)
    in_english.click("a[data-lang=en]")
    english = in_english.get_by_test_id("worksheet").first
    expect(english.locator("tr[data-part=experience]")).to_contain_text("Claims experience")
    expect(english.locator("tr[data-step=credibility]")).to_contain_text("Credibility Z")
    expect(english.locator("tr[data-step=credible_frequency]")).to_contain_text(
        "Claim frequency used"
    )
    in_english.context.close()
    # Why the technical premium is what it is: the expected loss by scenario and by coverage,
    # each split adding up to the worksheet's expected insured loss (to the yuan, as shown).
    for split in ("by_scenario", "by_coverage"):
        parts = underwriter.get_by_test_id(f"breakdown-{split}").first.locator("tr[data-part]")
        expect(parts.first).to_be_visible()
        shown = [
            Decimal(t.split("¥")[1].replace(",", ""))
            for t in parts.locator("td:nth-child(2)").all_inner_texts()
        ]
        assert len(shown) >= 2
        expected = underwriter.locator(
            "[data-testid=worksheet] >> nth=0 >> tr:has-text('期望赔付损失') td.amount >> nth=1"
        ).inner_text()
        assert abs(sum(shown) - Decimal(expected.replace(",", "").replace("¥", ""))) <= len(shown)
    # No figure on the worksheet is shown with more than 12 significant digits (the exact values
    # are in each cell's title and in the API): the page is for reading, not for 50-digit decimals.
    cells = underwriter.locator("[data-testid=worksheet] td.amount").all_inner_texts()
    figures = [re.sub(r"[^0-9]", "", cell).lstrip("0") for cell in cells if cell.strip()]
    assert figures
    assert max(len(f) for f in figures) <= 12, max(figures, key=len)
    expect(underwriter.get_by_test_id("quote-status")).to_have_text("待人工核保")
    underwriter.fill("textarea[name=reasons]", "新客户，评分与发现项已核实，同意承保。")
    underwriter.get_by_test_id("decide").click()
    expect(underwriter.get_by_test_id("page-title")).to_contain_text("核保")
    enterprise.reload()

    # The guided bind: price, cover and exclusions, a start date and both declarations.
    enterprise.get_by_test_id("bind").first.click()
    expect(enterprise.get_by_test_id("page-title")).to_have_text("确认投保")
    expect(enterprise.get_by_test_id("bind-premium")).to_contain_text("¥")
    expect(enterprise.get_by_test_id("bind-exclusions")).to_contain_text("战争")
    declared = vocabulary_declarations()
    expect(enterprise.get_by_test_id("bind-form")).to_contain_text(declared["truthful"].zh)
    # Without the declarations (the browser's own check lifted) the platform refuses to bind.
    enterprise.evaluate("document.querySelectorAll('[required]').forEach(e => e.required = false)")
    enterprise.get_by_test_id("confirm-bind").click()
    expect(enterprise.get_by_test_id("flash")).to_contain_text("投保声明")
    expect(enterprise.get_by_test_id("page-title")).to_have_text("确认投保")
    start = shanghai_today() + timedelta(days=7)
    enterprise.get_by_test_id("bind-start").fill(start.isoformat())
    enterprise.get_by_test_id("declare-truthful").check()
    enterprise.get_by_test_id("declare-terms_read").check()
    enterprise.get_by_test_id("confirm-bind").click()
    expect(enterprise.get_by_test_id("policy-number")).to_contain_text("LB")
    expect(enterprise.get_by_test_id("policy")).to_contain_text(start.isoformat())
    expect(enterprise.get_by_test_id("policy-declarations")).to_contain_text("已如实告知")
    premium = enterprise.get_by_test_id("policy-premium").inner_text().strip()
    enterprise.goto(f"{site}/quotes")
    expect(enterprise.get_by_test_id("customer-status").first).to_have_text("已投保")
    expect(enterprise.get_by_test_id("bind")).to_have_count(0)  # the quote is used up
    enterprise.go_back()
    expect(enterprise.get_by_test_id("policy")).to_contain_text("网络安全保险保险单")
    expect(enterprise.get_by_test_id("policy")).to_contain_text("Cyber insurance policy")
    expect(enterprise.get_by_test_id("policy-premium")).to_contain_text("¥")
    expect(enterprise.get_by_test_id("policy-insurer")).to_contain_text(spec.insurer_name.en)
    expect(enterprise.get_by_test_id("policy-status")).to_have_text("有效 In force")
    expect(enterprise.locator("tr[data-kind=issue]")).to_contain_text("签发 Issued")
    assert SME not in enterprise.get_by_test_id("policy").inner_text()
    pdf = enterprise.request.get(enterprise.url + ".pdf")
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    # The premium is due when cover starts; the insurer's underwriter books its receipt (the
    # form offers what is outstanding, received today), and both sides then see it paid.
    expect(enterprise.get_by_test_id("policy-payment")).to_contain_text(f"待缴 Due {premium}")
    expect(enterprise.get_by_test_id("payment-form")).to_have_count(0)
    underwriter.goto(enterprise.url)
    underwriter.get_by_test_id("record-payment").click()
    expect(underwriter.get_by_test_id("policy-payment")).to_contain_text("已缴清 Paid")
    expect(underwriter.get_by_test_id("payment-form")).to_have_count(0)
    expect(underwriter.locator("tr[data-kind=premium_paid]")).to_contain_text(premium)
    enterprise.reload()
    expect(enterprise.get_by_test_id("policy-payment")).to_contain_text("已缴清 Paid")
