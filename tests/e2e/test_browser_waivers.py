"""In real Chromium on the demo server: the insurer's underwriter scans an enterprise of its book
(a loopback TLS server whose certificate a throw-away private CA issued), waives the untrusted-
chain finding with a reason — the page shows it waived, the reason, who and when, and the score
lists it at 0 points — and attaches the private CA to the asset (subject and expiry shown, then
removed). Refusals appear beside their form, in the page's language. The enterprise sees no
waive form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import Browser, Page, expect

from liubu.accounts import new_id
from liubu.accounts import service as accounts
from liubu.assessment import Evidence, Scan, ScanState, finding_record, make_finding
from liubu.assessment.service import ScanPolicy
from liubu.bootstrap import Platform
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in
from tests.integration.helpers import facts
from tests.integration.scan import pki
from tests.integration.scan.servers import Listener, http_handler, server_context, tls_handler
from tests.integration.scan.servers import Page as WebPage

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)
REASON = "内部接口使用企业私有 CA，核保已认可 / approved private CA"
WELL_KNOWN = "/.well-known/liubu-verification.txt"
ASSET = "intranet.factory.example"  # a CA is attached to a declared asset, verified or not


@dataclass
class Site:
    url: str
    enterprise_id: str
    pages: dict[str, WebPage]
    tls_port: int
    ca: pki.Issued
    folder: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = Path(tmp_path_factory.mktemp("waivers"))
    ca = pki.certificate_authority(folder, "Factory private CA", stem="private-ca")
    leaf = pki.issue(folder, ca, ["127.0.0.1"], stem="leaf")
    pages: dict[str, WebPage] = {}
    web = Listener(http_handler(pages, WebPage()))
    secure = Listener(
        tls_handler(server_context(leaf.cert_file, leaf.key_file), http_handler({}, WebPage()))
    )
    with demo_site(folder) as (platform, base):
        platform.scan_policy_override = ScanPolicy(
            allow_private=True,
            verify_web_ports=(("http", web.port),),
            ports=(secure.port,),
            services={secure.port: "https"},
            deadline=20.0,
            per_probe_timeout=2.0,
        )
        with platform.uow() as uow:  # the insurer's book: an enterprise its underwriter holds
            user = uow.users.find_by_username("underwriter")
            assert user is not None
            underwriter = accounts.principal_for(user, uow.organisations.get(user.tenant_id))
        enterprise = accounts.register_enterprise(platform.uow(underwriter), facts(61))
        _finding_of_the_demo_enterprise(platform)
        yield Site(base, enterprise.id, pages, secure.port, ca, folder)
    web.stop()
    secure.stop()


def _expired_ca(folder: Path) -> Path:
    """A CA certificate that expired on 2025-01-01."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old private CA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2025, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "expired-ca.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def _finding_of_the_demo_enterprise(platform: Platform) -> None:
    """A finished scan of the demo enterprise that found no DMARC record (as the demo's
    suppliers' scans are stored)."""
    with platform.uow() as uow:
        user = uow.users.find_by_username("enterprise")
        assert user is not None
        owner = accounts.principal_for(user, uow.organisations.get(user.tenant_id))
    with platform.uow(owner) as uow:
        (enterprise,) = uow.enterprises.list()
        now = datetime.now(UTC)
        scan = Scan(
            id=new_id(),
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            status=ScanState.FINISHED,
            targets=["factory.example"],
            settings={},
            created_at=now,
            finished_at=now,
        )
        uow.assessment.add(scan)
        uow.flush()
        evidence = Evidence(
            observed="no _dmarc TXT record",
            observed_at=now,
            source="test",
            target="factory.example",
        )
        uow.assessment.add(finding_record(scan, make_finding("email.no_dmarc", evidence), None))
        uow.commit()


def _scan_as_underwriter(page: Page, site: Site) -> None:
    sign_in(page, site.url, "underwriter")
    page.goto(f"{site.url}/diagnosis/{site.enterprise_id}")
    page.fill("[data-testid=declare] input[name=name]", "127.0.0.1")
    page.click("[data-testid=declare] button")
    token = page.locator("tr[data-asset='127.0.0.1']").get_by_test_id("token").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", token), token
    site.pages[WELL_KNOWN] = WebPage(body=token.encode())
    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("verified")).to_be_visible()
    page.get_by_test_id("start-scan").click()
    expect(page.locator("tr[data-code='tls.untrusted_chain']")).to_be_visible()


def test_an_underwriter_waives_a_finding_and_the_score_shows_it_at_zero(
    browser: Browser, site: Site
) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    _scan_as_underwriter(page, site)
    row = page.locator("tr[data-code='tls.untrusted_chain']")
    expect(row).to_contain_text(f"127.0.0.1:{site.tls_port}")
    tls_before = page.locator("tr[data-factor='tls'] td.amount").inner_text()

    # A reason of blanks is refused beside the form, in Chinese (the rule's title).
    row.get_by_test_id("waive-open").click()
    row.locator("textarea[name=reason]").fill("   ")
    row.get_by_test_id("waive-form").locator("button").click()
    row = page.locator("tr[data-code='tls.untrusted_chain']")
    expect(row.get_by_test_id("refusal")).to_contain_text("豁免须说明理由")
    expect(row.get_by_test_id("waived")).to_have_count(0)

    row.locator("textarea[name=reason]").fill(REASON)
    row.get_by_test_id("waive-form").locator("button").click()
    row = page.locator("tr[data-code='tls.untrusted_chain']")
    expect(row.get_by_test_id("waived")).to_have_text("已豁免")
    expect(row.get_by_test_id("waiver-reason")).to_have_text(REASON)
    expect(row.get_by_test_id("waiver-by")).to_contain_text("underwriter")
    expect(row.get_by_test_id("waiver-by")).to_contain_text(
        re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
    )
    expect(row.get_by_test_id("waive-form")).to_have_count(0)
    # The score's breakdown lists it at 0 points, and the TLS factor no longer loses them.
    waived = page.locator("tr[data-factor='tls'] [data-testid=waived-reason]")
    expect(waived).to_have_attribute("data-ref", "tls.untrusted_chain")
    expect(waived).to_contain_text("+0.0")
    # named by the finding's title in the findings vocabulary, not by its code
    findings = Path(__file__).resolve().parents[2] / "src/liubu/assessment/scan/data/findings.yaml"
    title = yaml.safe_load(findings.read_text(encoding="utf-8"))["findings"]["tls.untrusted_chain"]
    expect(waived).to_contain_text(title["title"]["zh"].strip())
    assert "tls.untrusted_chain" not in waived.inner_text()
    expect(page.locator("tr[data-factor='tls'] td.amount")).to_have_text("7.0 / 7")
    assert tls_before != "7.0 / 7"

    page.locator("a[data-lang=en]").click()
    row = page.locator("tr[data-code='tls.untrusted_chain']")
    expect(row.get_by_test_id("waived")).to_have_text("Waived")
    expect(page.locator("tr[data-factor='tls'] [data-testid=waived-reason]")).to_contain_text(
        "Waived"
    )
    page.context.close()


def test_a_private_ca_is_attached_to_the_asset_shown_and_removed(
    browser: Browser, site: Site
) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, site.url, "underwriter")
    page.goto(f"{site.url}/diagnosis/{site.enterprise_id}")
    page.fill("[data-testid=declare] input[name=name]", ASSET)
    page.click("[data-testid=declare] button")
    asset = page.locator(f"tr[data-asset='{ASSET}']")
    expect(asset).to_be_visible()
    junk = site.folder / "junk.pem"
    junk.write_text("not a certificate\n", encoding="ascii")
    asset.locator("summary").click()
    asset.locator("input[type=file]").set_input_files(str(junk))
    asset.get_by_test_id("ca-form").locator("button").click()
    asset = page.locator(f"tr[data-asset='{ASSET}']")
    expect(asset.get_by_test_id("refusal")).to_contain_text("PEM 格式的 CA 证书")
    expect(asset.get_by_test_id("ca-trusted")).to_have_count(0)

    asset.locator("input[type=file]").set_input_files(str(site.ca.cert_file))
    asset.get_by_test_id("ca-form").locator("button").click()
    asset = page.locator(f"tr[data-asset='{ASSET}']")
    expect(asset.get_by_test_id("ca-trusted")).to_have_text("已信任私有 CA")
    expect(asset.get_by_test_id("ca-subject")).to_have_text(
        site.ca.certificate.subject.rfc4514_string()
    )
    expect(asset.get_by_test_id("ca-expiry")).to_have_text(
        site.ca.certificate.not_valid_after_utc.strftime("%Y-%m-%d")
    )
    expect(asset.get_by_test_id("ca-expired")).to_have_count(0)
    asset.get_by_test_id("ca-remove").click()
    asset = page.locator(f"tr[data-asset='{ASSET}']")
    expect(asset.get_by_test_id("ca-trusted")).to_have_count(0)

    # A CA past its expiry is accepted (the owner may renew it later) but flagged.
    asset.locator("summary").click()
    asset.locator("input[type=file]").set_input_files(str(_expired_ca(site.folder)))
    asset.get_by_test_id("ca-form").locator("button").click()
    asset = page.locator(f"tr[data-asset='{ASSET}']")
    expect(asset.get_by_test_id("ca-expiry")).to_have_text("2025-01-01")
    expect(asset.get_by_test_id("ca-expired")).to_contain_text("已过期")
    page.context.close()


def test_the_enterprise_sees_its_finding_but_no_waive_form(browser: Browser, site: Site) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, site.url, "enterprise")
    page.click("[data-slug=diagnosis]")
    row = page.locator("tr[data-code='email.no_dmarc']")
    expect(row).to_be_visible()
    expect(row.locator("details summary").first).to_be_visible()  # it may dispute
    expect(page.get_by_test_id("waive-open")).to_have_count(0)
    expect(page.get_by_test_id("waive-form")).to_have_count(0)
    page.context.close()
