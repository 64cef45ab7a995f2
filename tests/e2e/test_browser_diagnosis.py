"""An enterprise in real Chromium: questionnaire (with evidence) → declare and verify an asset →
scan real local servers → findings → treatment plan, in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.assessment.service import ScanPolicy
from liubu.assessment.vulnerabilities import load_intel
from liubu.bootstrap import Platform, bootstrap
from liubu.demo import load_demo
from tests.conftest import test_settings
from tests.e2e.browser import require_chromium, running_server
from tests.e2e.test_browser_shell import sign_in
from tests.integration.scan.servers import Listener, http_handler, rdp_handler
from tests.integration.scan.servers import Page as WebPage

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class Site:
    url: str
    pages: dict[str, WebPage]
    rdp_port: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_chromium()
    data = Path(tmp_path_factory.mktemp("diagnosis"))
    platform: Platform = bootstrap(
        test_settings(f"sqlite:///{(data / 'liubu.db').as_posix()}", data), upgrade_schema=True
    )
    load_demo(platform)
    with platform.uow() as uow:
        load_intel(
            uow.intel,
            [
                SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json",
                SHARED / "cve5_vulnrichment" / "kev_subset" / "CVE-2024-38475.json",
            ],
        )
        uow.commit()
    pages: dict[str, WebPage] = {}
    web = Listener(http_handler(pages, WebPage(headers=(("Server", "Apache/2.4.49"),))))
    rdp = Listener(rdp_handler)
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=(("http", web.port),),
        ports=(web.port, rdp.port),
        services={web.port: "http", rdp.port: "rdp"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    with running_server(platform) as base:
        yield Site(base, pages, rdp.port)
    web.stop()
    rdp.stop()
    platform.dispose()


def test_an_enterprise_goes_from_questionnaire_to_treatment_plan(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    page: Page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, site.url, "enterprise")
    page.click("[data-slug=diagnosis]")
    expect(page.get_by_test_id("page-title")).to_contain_text("保前诊断")
    expect(page.get_by_test_id("grade")).to_be_visible()
    check_unscanned_factors_say_so(browser, page, site.url)

    # Questionnaire: a conditional question appears only when its condition holds.
    page.click("text=问卷")
    remote_mfa = page.locator("[data-question='mfa.remote_access']")
    page.check("input[name='q_ctx.remote_access'][value='no']")
    expect(remote_mfa).to_be_hidden()
    page.check("input[name='q_ctx.remote_access'][value='yes']")
    expect(remote_mfa).to_be_visible()
    page.check("input[name='q_mfa.remote_access'][value='yes']")
    page.check("input[name='q_mfa.email'][value='yes']")
    evidence = tmp_path / "mfa-policy.txt"
    evidence.write_text("MFA enforced for all mailboxes since 2026-01-01\n", encoding="utf-8")
    page.set_input_files("input[name='f_mfa.email']", str(evidence))
    page.get_by_test_id("save-answers").click()
    expect(page.get_by_test_id("flash").first).to_contain_text("第 1 版")

    # Declare and verify an asset, then scan it.
    page.fill("[data-testid=declare] input[name=name]", "127.0.0.1")
    page.click("[data-testid=declare] button")
    token = page.locator("tr[data-asset='127.0.0.1']").get_by_test_id("token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", token), token
    site.pages["/.well-known/liubu-verification.txt"] = WebPage(body=token.encode())
    page.get_by_test_id("verify").click()
    # (the demo's portal and address, watched in term, are verified already)
    expect(page.locator("tr[data-asset='127.0.0.1']").get_by_test_id("verified")).to_be_visible()
    page.get_by_test_id("start-scan").click()
    findings = page.locator("[data-testid=findings] tr[data-code]")
    expect(findings.first).to_be_visible()
    expect(page.locator("tr[data-code='service.rdp_exposed']")).to_contain_text(
        f"127.0.0.1:{site.rdp_port}"
    )
    expect(page.locator("tr[data-code='vuln.known_exploited']")).to_contain_text("CVE-2024-38475")
    expect(page.get_by_test_id("grade")).to_have_text(re.compile("^[DE]$"))
    # Scanned: the factors now show what the scan found, no longer the average.
    expect(page.locator("tr[data-factor][data-unscanned]")).to_have_count(0)
    expect(page.get_by_test_id("not-scanned-note")).to_have_count(0)

    # The treatment plan, ranked by money; the headline names only fixes worth doing and its
    # figure is the sum of the net savings their rows show.
    page.click("[data-slug=treatment]")
    headline = page.get_by_test_id("headline")
    expect(headline).to_be_visible()
    named = (headline.get_attribute("data-fixes") or "").split()
    shown = {
        row.get_attribute("data-fix"): row
        for row in page.locator("[data-testid=fixes] tr[data-fix]").all()
    }
    total = 0
    for fix_id in named:
        row = shown[fix_id]
        assert row.get_attribute("data-status") == "worth_it"
        figure = row.locator("td.amount strong").inner_text()
        assert figure.startswith("¥")
        total += int(figure[1:].replace(",", ""))
        expect(row.get_by_test_id("status")).to_have_text("值得做：省下的多于成本")
    assert int(headline.get_attribute("data-amount") or "") == total
    if named:
        expect(headline).to_contain_text(
            f"每年合计净省 ¥{total:,}" if len(named) > 1 else f"¥{total:,}"
        )
    else:
        expect(headline).to_contain_text("没有一项整改")
    for row in shown.values():
        status = row.get_attribute("data-status")
        if status == "no_modelled_effect":
            expect(row.locator("td").first).to_have_text("—")
            expect(row.get_by_test_id("status")).to_have_text("模型中对预期损失无影响")
    first_fix = page.locator("[data-testid=fixes] tr[data-fix]").first
    expect(first_fix).to_be_visible()
    assert page.locator("[data-testid=fixes] tr[data-fix]").count() >= 3


OUTSIDE_IN = ("network_exposure", "vulnerabilities", "tls", "email", "web")


def check_unscanned_factors_say_so(browser: Browser, page: Page, base: str) -> None:
    """Before any scan the outside-in factors are unknown: each counts 80 % of its points (the
    average insured's share, score_model.yaml) and says so in words on the page and in the
    report, in Chinese and in English — never the raw reason code."""
    rows = page.locator("tr[data-factor][data-unscanned]")
    expect(rows).to_have_count(len(OUTSIDE_IN))
    for factor in OUTSIDE_IN:
        expect(
            page.locator(f"tr[data-factor='{factor}']").get_by_test_id("not-scanned")
        ).to_have_text("未扫描（按平均水平计）")
    expect(page.locator("tr[data-factor='network_exposure'] td.amount")).to_have_text("16.0 / 20")
    expect(page.locator("tr[data-factor='controls']").get_by_test_id("not-scanned")).to_have_count(
        0
    )
    expect(page.get_by_test_id("not-scanned-note")).to_contain_text("80 %")
    expect(page.get_by_test_id("score")).not_to_contain_text("scan.not_run")
    path = page.url.removeprefix(base)
    english = browser.new_context(locale="en").new_page()
    sign_in(english, base, "enterprise")
    english.goto(f"{base}/lang/en?next={path}")
    expect(english.locator("tr[data-factor='tls']").get_by_test_id("not-scanned")).to_have_text(
        "Not scanned (counted at the average)"
    )
    expect(english.get_by_test_id("not-scanned-note")).to_contain_text("80 %")
    report = english.request.get(f"{base}{path}/report")
    assert report.ok
    body = report.text()
    assert body.count("未扫描（按平均水平计）") == len(OUTSIDE_IN)
    assert body.count("Not scanned (counted at the average)") == len(OUTSIDE_IN)
    assert "scan.not_run" not in body
    english.context.close()
