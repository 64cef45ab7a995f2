"""In real Chromium: the enterprise asks the demo insurer for a quote; the insurer's underwriter
opens the quote, follows its links to the applicant's diagnosis, answers, report and treatment
plan, and reads them without a form to change them; another insurer's underwriter gets 404."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from liubu import assessment
from liubu.accounts import AuditFilter, OrgKind, Role
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM
from liubu.assessment import Scan, ScanState, finding_record
from liubu.assessment.scan import Evidence, make_finding
from liubu.bootstrap import Platform
from liubu.demo import DEMO_PASSWORD
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
SME = "shifan-pc/sme-cyber-comprehensive@2"
OTHER = "other-underwriter"  # an underwriter of a second insurer, made here


@dataclass(frozen=True)
class Site:
    base: str
    platform: Platform
    enterprise_id: str
    enterprise_name: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with demo_site(Path(tmp_path_factory.mktemp("applicant"))) as (platform, base):
        enterprise_id, name = _demo_enterprise_with_a_finding(platform)
        _other_insurer(platform)
        yield Site(base, platform, enterprise_id, name)


def _demo_enterprise_with_a_finding(platform: Platform) -> tuple[str, str]:
    """The demo enterprise (never scanned) gets one finding of a finished scan, recorded as its
    own, so the underwriter has something to read."""
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("enterprise")
        assert user is not None
        owner = accounts.load_principal(uow, user.id)
    with platform.uow(owner) as uow:
        (enterprise,) = uow.enterprises.list()
        scan = Scan(
            id=f"scan-{datetime.now(UTC).timestamp()}",
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            status=ScanState.FINISHED,
            targets=["www.example.cn"],
            settings={},
            created_at=datetime.now(UTC),
            finished_at=datetime.now(UTC),
        )
        uow.assessment.add(scan)
        uow.flush()
        evidence = Evidence(
            observed="Chain verification failed: unable to get local issuer certificate.",
            observed_at=datetime.now(UTC),
            source="192.0.2.10",
            target="www.example.cn",
            port=443,
            probe="tls",
        )
        uow.assessment.add(
            finding_record(scan, make_finding("tls.untrusted_chain", evidence), None)
        )
        uow.commit()
        return enterprise.id, enterprise.name


def _other_insurer(platform: Platform) -> None:
    with platform.uow(SYSTEM) as uow:
        organisation = accounts.create_organisation(
            uow, kind=OrgKind.INSURER, name="另一保险公司 Other Insurer", code="other-pc"
        )
        uow.flush()
        accounts.create_user(
            uow,
            tenant_id=organisation.id,
            username=OTHER,
            password=DEMO_PASSWORD,
            roles=[Role.UNDERWRITER],
        )
        uow.commit()


def _truth(site: Site) -> tuple[int, str]:
    """The enterprise's own view, read from the store as the enterprise: (open findings, score)."""
    with site.platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username("enterprise")
        assert user is not None
        owner = accounts.load_principal(uow, user.id)
    with site.platform.uow(owner) as uow:
        summary = assessment.assessment_summary(uow, site.enterprise_id)
    return len(summary["findings"]), f"{summary['score']['value']:.1f}"


def _no_post_forms(page: Page) -> None:
    """Nothing on the page the reader could send to change the applicant (sign-out aside)."""
    forms = page.locator("main form[method=post]")
    expect(forms).to_have_count(0)


def test_the_underwriter_reads_the_applicant_and_another_insurer_gets_404(
    browser: Browser, site: Site
) -> None:
    enterprise = browser.new_context(locale="zh-CN").new_page()
    sign_in(enterprise, site.base, "enterprise")
    enterprise.click("[data-slug=quotes]")
    before = set(
        enterprise.locator("[data-testid=quotes] tr[data-quote]").evaluate_all(
            "rows => rows.map(r => r.dataset.quote)"
        )
    )
    enterprise.check(f"input[name=products][value='{SME}']")
    enterprise.get_by_test_id("ask").click()
    fresh = "".join(f":not([data-quote='{q}'])" for q in before)
    rows = enterprise.locator(f"[data-testid=quotes] tr[data-quote]{fresh}")
    expect(rows).to_have_count(3)
    quote_id = rows.first.get_attribute("data-quote")
    assert quote_id
    count, score = _truth(site)
    assert count == 1  # the finding recorded above

    underwriter = browser.new_context(locale="zh-CN").new_page()
    sign_in(underwriter, site.base, "underwriter")
    underwriter.click("[data-slug=underwriting]")
    underwriter.locator(f"tr[data-quote='{quote_id}'] [data-testid=open-quote]").click()
    quote_url = underwriter.url
    # The real count of open findings, not "—", with the list and the score as the store has it.
    expect(underwriter.get_by_test_id("findings-count")).to_have_text(str(count))
    expect(underwriter.get_by_test_id("applicant-findings")).to_have_text(str(count))
    expect(underwriter.get_by_test_id("applicant-score")).to_have_text(score)
    listed = underwriter.locator("[data-testid=applicant-finding-list] li[data-code]")
    expect(listed).to_have_count(count)
    expect(listed.first).to_have_attribute("data-code", "tls.untrusted_chain")

    underwriter.get_by_test_id("applicant-diagnosis").click()
    expect(underwriter).to_have_url(f"{site.base}/diagnosis/{site.enterprise_id}")
    expect(underwriter.get_by_test_id("page-title")).to_contain_text(site.enterprise_name)
    expect(underwriter.get_by_test_id("read-only")).to_be_visible()
    expect(underwriter.get_by_test_id("score-value")).to_have_text(score)
    expect(underwriter.locator("[data-testid=findings] tr[data-code]")).to_have_count(count)
    expect(underwriter.locator("tr[data-code='tls.untrusted_chain']")).to_have_count(1)
    for hidden in ("declare", "start-scan", "verify", "waive-form", "ca-form"):
        expect(underwriter.get_by_test_id(hidden)).to_have_count(0)
    _no_post_forms(underwriter)

    underwriter.goto(quote_url)
    underwriter.get_by_test_id("applicant-questionnaire").click()
    expect(underwriter.get_by_test_id("read-only")).to_be_visible()
    expect(underwriter.get_by_test_id("save-answers")).to_have_count(0)
    expect(underwriter.locator("main input:not([disabled])")).to_have_count(0)
    _no_post_forms(underwriter)

    underwriter.goto(quote_url)
    underwriter.get_by_test_id("applicant-report").click()
    expect(underwriter).to_have_url(f"{site.base}/diagnosis/{site.enterprise_id}/report")
    expect(underwriter.locator("body")).to_contain_text(site.enterprise_name)
    expect(underwriter.locator("body")).to_contain_text("tls.untrusted_chain")

    underwriter.goto(quote_url)
    underwriter.get_by_test_id("applicant-treatment").click()
    expect(underwriter).to_have_url(f"{site.base}/treatment/{site.enterprise_id}")
    expect(underwriter.get_by_test_id("read-only")).to_be_visible()
    expect(underwriter.get_by_test_id("baseline")).to_contain_text(score)
    _no_post_forms(underwriter)

    # The staff's 保前诊断 entry lands on the applicant, not on an empty picker.
    underwriter.goto(f"{site.base}/steps/diagnosis")
    expect(underwriter).to_have_url(f"{site.base}/diagnosis/{site.enterprise_id}")

    # Each reading is in the enterprise's audit log, under the underwriter's name: the
    # diagnosis twice (its link and the 保前诊断 entry), the answers, the report, the plan.
    with site.platform.uow(SYSTEM) as uow:
        reader = uow.users.find_by_username("underwriter")
        owner_user = uow.users.find_by_username("enterprise")
        assert reader is not None
        assert owner_user is not None
        owner = accounts.load_principal(uow, owner_user.id)
    with site.platform.uow(owner) as uow:
        events = uow.audit.search(AuditFilter(action="assessment.read_by_insurer"))
    assert [(e.actor_id, e.entity_id) for e in events] == [(reader.id, site.enterprise_id)] * 5

    stranger = browser.new_context(locale="zh-CN").new_page()
    sign_in(stranger, site.base, OTHER)
    for path in (
        f"/diagnosis/{site.enterprise_id}",
        f"/diagnosis/{site.enterprise_id}/questionnaire",
        f"/diagnosis/{site.enterprise_id}/report",
        f"/treatment/{site.enterprise_id}",
        f"/underwriting/quotes/{quote_id}",
    ):
        response = stranger.goto(f"{site.base}{path}")
        assert response is not None
        assert response.status == 404, path
        assert site.enterprise_name not in stranger.locator("body").inner_text(), path
    # Its picker is empty, and says why.
    stranger.goto(f"{site.base}/steps/diagnosis")
    expect(stranger.locator("ul.choices li.empty")).to_contain_text("尚无企业向贵公司询价")
    for page in (enterprise, underwriter, stranger):
        page.context.close()


QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "src/liubu/assessment/data/questionnaire.yaml"
QUESTION_IDS = [
    q["id"] for q in yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))["questions"]
]


def test_the_report_leads_back_to_the_diagnosis_and_fits_a_phone(
    browser: Browser, site: Site
) -> None:
    """The HTML report has a way back (for the enterprise and for the insurer's underwriter
    reading an applicant), tells its method without repository paths, and at 375 px scrolls
    only inside its tables."""
    report = f"{site.base}/diagnosis/{site.enterprise_id}/report"
    diagnosis = f"{site.base}/diagnosis/{site.enterprise_id}"
    for username in ("enterprise", "underwriter"):
        page = browser.new_context(
            locale="zh-CN", viewport={"width": 375, "height": 800}
        ).new_page()
        sign_in(page, site.base, username)
        for language, chart in (("zh_CN", "损失超越概率曲线"), ("en", "Loss exceedance curve")):
            page.goto(f"{site.base}/lang/{language}?next=/diagnosis/{site.enterprise_id}/report")
            expect(page).to_have_url(report)
            expect(page.get_by_test_id("loss-chart")).to_have_attribute("alt", chart)
            expect(page.get_by_test_id("method")).to_be_visible()
            body = page.locator("body").inner_text()
            assert "docs/" not in body
            # what moved the score is named by the question asked, never by the question's id
            assert [q for q in QUESTION_IDS if q in body] == []
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (username, language, width)
            chart_box = page.get_by_test_id("loss-chart").bounding_box()
            assert chart_box is not None
            assert chart_box["x"] >= 0
            assert chart_box["x"] + chart_box["width"] <= 375
        page.get_by_test_id("back-to-diagnosis").click()
        expect(page).to_have_url(diagnosis)
        expect(page.get_by_test_id("page-title")).to_contain_text(site.enterprise_name)
        page.context.close()
