"""The chain owner's page and the regulator's dashboard in real Chromium.

The demo's supply chain has ten suppliers scanned with different findings: the page must draw
the supply graph, list every supplier's score and premium shares, and — independently of the
page — those shares must be the ones the pricing use case gives, with worse-scored suppliers
paying more. Binding issues the master policy; the regulator then sees it counted."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from liubu.accounts.model import SYSTEM, OrgKind, Role, acting_in
from liubu.bootstrap import Platform
from liubu.core import industry_sections, provinces, shanghai_today
from liubu.products import load_vocabulary, summarise
from liubu.store import tables
from liubu.underwriting import groups
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in
from tests.integration.helpers import DECLARED

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("groups"))) as running:
        yield running


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, base, username)
    return page


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", "").strip())


def test_chain_owner_sees_the_supply_graph_and_binds(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    with platform.uow(SYSTEM) as uow:
        (scheme,) = uow.groups.schemes()
        owner = uow.enterprises.get(scheme.sponsor_enterprise_id)
    page = _sign_in(browser, base, "enterprise")
    page.goto(f"{base}/groups")
    page.get_by_test_id("open-scheme").click()
    expect(page.get_by_test_id("page-title")).to_have_text(scheme.name)
    graph = page.get_by_test_id("supply-graph")
    expect(graph.locator("canvas")).to_have_count(1)  # ECharts drew the graph
    rows = page.locator("[data-testid=shares] tr[data-member]")
    expect(rows).to_have_count(10)

    shown = {
        rows.nth(i).get_attribute("data-member"): (
            float(rows.nth(i).get_by_test_id("member-score").inner_text().split()[0]),
            _yuan(rows.nth(i).get_by_test_id("member-share").inner_text()),
        )
        for i in range(10)
    }
    # The figures on screen are the pricing use case's at the quoted limit, computed here.
    limit = Decimal(str(page.locator("[data-testid=bind-form] input[name=limit]").input_value()))
    with platform.uow(acting_in(owner.tenant_id, OrgKind.ENTERPRISE)) as uow:
        priced = groups.quote_group(uow, scheme.id, limit=limit).price
    expected = {m.uscc: (round(m.score.score), m.member_share) for m in priced.members}
    assert {k: (round(v[0]), v[1]) for k, v in shown.items()} == expected
    # Worse scores pay more: order the suppliers by score, their shares fall.
    ordered = sorted(shown.values())
    assert ordered[0][1] > ordered[-1][1]
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(ordered))
    total = _yuan(page.get_by_test_id("total-premium").inner_text())
    assert total == priced.total_premium == priced.sponsor_premium + priced.members_premium

    # The guided bind: the group premium, each member's share, the limits, the retention and the
    # main exclusions, then the start date and the sponsor's two declarations.
    page.get_by_test_id("bind-form").locator("button").click()
    expect(page.get_by_test_id("page-title")).to_have_text("确认投保并出具主保单")
    assert _yuan(page.get_by_test_id("bind-premium").inner_text()) == priced.total_premium
    assert _yuan(page.get_by_test_id("bind-limit").inner_text()) == priced.limit
    assert _yuan(page.get_by_test_id("bind-retention").inner_text()) == priced.retention
    confirm_rows = page.locator("[data-testid=shares] tr[data-member]")
    expect(confirm_rows).to_have_count(10)
    for share in priced.members:
        row = page.locator(f"[data-testid=shares] tr[data-member='{share.uscc}']")
        assert _yuan(row.get_by_test_id("member-share").inner_text()) == share.member_share
    with platform.uow(SYSTEM) as uow:
        spec, _insurer = groups.group_spec(uow, scheme.product_ref)
    summary = summarise(spec, load_vocabulary())
    expect(page.get_by_test_id("bind-exclusions")).to_have_text(summary.not_covered.zh)
    expect(page.get_by_test_id("declare-truthful")).not_to_be_checked()
    start = shanghai_today() + timedelta(days=14)
    page.get_by_test_id("bind-start").fill(start.isoformat())
    page.get_by_test_id("declare-truthful").check()
    page.get_by_test_id("declare-terms_read").check()
    page.get_by_test_id("confirm-bind").click()
    expect(page.get_by_test_id("master-number")).to_have_count(1)
    number = page.get_by_test_id("master-number").inner_text()
    with platform.uow(SYSTEM) as uow:
        (master,) = uow.groups.master_policies(scheme.id)
        certificates = uow.groups.certificates(master.id)
    assert master.number == number
    assert (master.period_start, master.status) == (start, "in_force")
    assert master.declarations is not None
    assert (master.declarations["truthful"], master.declarations["terms_read"]) == (True, True)
    expect(page.get_by_test_id("master-period")).to_contain_text(start.isoformat())
    assert len(certificates) == 10
    assert sum(c.member_premium for c in certificates) == master.total_premium == total
    # The master policy is the sponsor's policy too: listed under 保单 with the scheme's name.
    page.goto(f"{base}/quotes")
    listed = page.get_by_test_id("group-policy")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(number)
    expect(listed).to_contain_text(scheme.name)


def _bound_master(platform: Platform) -> None:
    """Bind the demo chain's master policy through the use case unless a test already did:
    under xdist each test of this module may get its own site."""
    with platform.uow(SYSTEM) as uow:
        (scheme,) = uow.groups.schemes()
        if uow.groups.master_policies(scheme.id):
            return
        owner = uow.enterprises.get(scheme.sponsor_enterprise_id)
    with platform.uow(acting_in(owner.tenant_id, OrgKind.ENTERPRISE)) as uow:
        quote = groups.quote_group(uow, scheme.id, limit=Decimal("1000000"))
        groups.bind_group(uow, scheme.id, quote, declarations=DECLARED)


def test_regulator_dashboard_draws_its_charts_and_counts(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    platform, base = site
    _bound_master(platform)  # the counts need the chain's ten insureds, whatever ran first
    page = _sign_in(browser, base, "regulator")
    page.goto(f"{base}/statistics")
    from liubu.statistics import market_statistics

    with platform.uow(SYSTEM) as uow:
        stats = market_statistics(uow)
    assert stats.enterprise is not None  # the demo book has more than three insureds
    assert stats.personal is not None  # and the anti-fraud pilot, 370 residents
    sources = {
        "enterprise_type": stats.enterprise_by["product_type"],
        "enterprise_month": stats.enterprise_by["month"],
        "personal_month": stats.personal_by["month"],
        "personal_province": stats.personal_by["province"],
    }
    for chart, rows in sources.items():
        assert rows, chart  # every chart has bars: ECharts drew it, no empty state
        expect(page.get_by_test_id(f"chart-{chart}").locator("canvas")).to_have_count(1)
        expect(page.get_by_test_id(f"chart-{chart}-empty")).to_have_count(0)
    shown = int(page.get_by_test_id("enterprise-policies").inner_text().replace(",", ""))
    assert shown == stats.enterprise.policies
    # The pilot's claims batch on the personal line: claims stored and what the accepted pay.
    people = int(page.get_by_test_id("personal-policies").inner_text().replace(",", ""))
    assert people == stats.personal.policies
    claimed = int(page.get_by_test_id("personal-claims").inner_text().replace(",", ""))
    assert claimed == stats.personal.claims == 18
    # Names, not codes: provinces (GB/T 2260), sections (GB/T 4754), product types; the policy
    # counts step by whole numbers.
    names = {p.code: p.zh for p in provinces()}
    regions = page.locator(
        "[data-testid=table-region] tr:not([data-testid=row-other]) td:first-child"
    )
    shown_regions = [regions.nth(i).inner_text() for i in range(regions.count())]
    assert shown_regions == [names[r.key] for r in stats.enterprise_by["region"] if not r.merged]
    sections = page.locator(
        "[data-testid=table-industry_section] tr:not([data-testid=row-other]) td:first-child"
    )
    for i in range(sections.count()):
        code, name = sections.nth(i).inner_text().split(" ", 1)
        assert name == {s.code: s.zh for s in industry_sections()}[code]
    types = json.loads(page.get_by_test_id("chart-enterprise_type").get_attribute("data-echarts"))
    vocabulary = load_vocabulary()
    assert types["xAxis"]["data"] == [
        vocabulary.product_type(r.key).name.zh if not r.merged else "其他（合并）"
        for r in stats.enterprise_by["product_type"]
    ]
    months = json.loads(page.get_by_test_id("chart-enterprise_month").get_attribute("data-echarts"))
    assert months["yAxis"]["minInterval"] == 1
    # The exports download with the browser's own session (no API token in a browser).
    with page.expect_download() as csv_download:
        page.get_by_test_id("export-csv").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    # In the page's language (Chinese here), each name with its code beside it.
    assert text.splitlines()[1] == (
        f"企业险,enterprise,合计,total,,,{stats.enterprise.policies},{stats.enterprise.insureds},"
        f"{stats.enterprise.premium},{stats.enterprise.sum_insured},0,,"
    )  # merged 0; claims and claims paid empty: the enterprise line reports no claim figures
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("export-xlsx").click()
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))["企业险"]
    assert sheet.cell(2, 5).value == stats.enterprise.policies
    # The industry risk view (行业风险) on the day the chain's cover starts (a test may have bound
    # it from a later day): the demo enterprise and its ten suppliers are insured, in one section
    # and one province; the demo enterprise has open high alerts (the demo's Feodo line and
    # Suricata alert), and no scan of any of them identified software in KEV.
    from liubu.statistics import industry_risk

    with platform.uow(SYSTEM) as uow:
        (scheme,) = uow.groups.schemes()
        (master,) = uow.groups.master_policies(scheme.id)
        on = master.period_start
        risk = industry_risk(uow, on=on, lang="zh", intel=platform.index_cache)
    page.goto(f"{base}/statistics?on={on.isoformat()}")
    assert risk.totals is not None
    assert (risk.totals.insureds, risk.totals.alerted, risk.totals.kev_exposed) == (11, 1, 0)
    expect(page.get_by_test_id("risk-insureds")).to_have_text("11")
    expect(page.get_by_test_id("risk-alert-share")).to_have_text("9%")
    for dimension in ("industry_section", "region"):
        chart = page.get_by_test_id(f"risk-chart-{dimension}").locator("svg")
        expect(chart).to_have_count(1)
        expect(chart.locator("rect")).to_have_count(2 + 2 * len(risk.by[dimension]))
        rows = page.locator(f"[data-testid=risk-table-{dimension}] tr[data-key]")
        expect(rows).to_have_count(len(risk.by[dimension]))
    expect(page.locator("[data-testid=risk-table-region] tr[data-key='32'] td").first).to_have_text(
        "江苏省"
    )


def _member_with_login(platform: Platform, username: str) -> tuple[str, str]:
    """A new, verified enterprise tenant with one scan and a user who signs in with the demo
    password; returns its record id and credit code."""
    from liubu import accounts
    from liubu.accounts import EnterpriseFacts
    from liubu.assessment import Scan, ScanState
    from liubu.core import uscc_with_check
    from liubu.demo import DEMO_PASSWORD

    with platform.uow(SYSTEM) as uow:
        organisation = accounts.create_organisation(
            uow, kind=OrgKind.ENTERPRISE, name="昆山示例新材料有限公司"
        )
        accounts.create_user(
            uow,
            tenant_id=organisation.id,
            username=username,
            password=DEMO_PASSWORD,
            roles=[Role.ENTERPRISE_USER],
        )
    facts = EnterpriseFacts(
        name="昆山示例新材料有限公司",
        uscc=str(uscc_with_check("91320583MA1NEW001")),
        industry_section="C",
        industry_division="39",
        region_code="320500",
        annual_revenue=Decimal("40000000"),
        employees=90,
        mlps_level=2,
    )
    member = acting_in(organisation.id, OrgKind.ENTERPRISE, Role.ENTERPRISE_USER)
    enterprise = accounts.register_enterprise(platform.uow(member), facts)
    accounts.verify_enterprise(platform.uow(SYSTEM), enterprise.id)
    now = datetime.now(UTC)
    with platform.uow(member) as uow:
        uow.assessment.add(
            Scan(
                id=accounts.new_id(),
                tenant_id=organisation.id,
                enterprise_id=enterprise.id,
                status=str(ScanState.FINISHED),
                targets=["new-materials.example"],
                settings={},
                created_at=now,
                started_at=now,
                finished_at=now,
                result={"targets": []},
            )
        )
        uow.commit()
    return enterprise.id, enterprise.uscc


def test_a_member_accepts_its_invitation_in_chinese_and_the_sponsor_then_sees_its_score(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    from liubu.demo import accept_invitations

    platform, base = site
    with platform.uow(SYSTEM) as uow:
        (demo_chain,) = uow.groups.schemes()
        owner = uow.enterprises.get(demo_chain.sponsor_enterprise_id)
        suppliers = [str(m.uscc) for m in uow.groups.members(demo_chain.id)][:9]
    sponsor = acting_in(owner.tenant_id, OrgKind.ENTERPRISE)
    scheme = groups.create_scheme(
        platform.uow(sponsor),
        kind="supply_chain",
        name="新一期供应链 Second chain",
        sponsor_enterprise_id=owner.id,
        product_ref="cankao-pc/supply-chain-cyber@1",
    )
    member_id, member_uscc = _member_with_login(platform, "new-member")

    # The sponsor invites ten codes on its scheme's page: it sees codes and states, no names.
    page = _sign_in(browser, base, "enterprise")
    page.goto(f"{base}/groups/{scheme.id}")
    expect(page.get_by_test_id("page-title")).to_have_text(scheme.name)
    page.get_by_test_id("invite-usccs").fill("\n".join([*suppliers, member_uscc]))
    page.get_by_test_id("invite-supplies").fill("新材料")
    page.get_by_test_id("invite").click()
    members = page.locator("[data-testid=members] tr[data-uscc]")
    expect(members).to_have_count(10)
    expect(page.locator("[data-testid=members] [data-state=invited]")).to_have_count(10)
    assert "昆山示例新材料" not in page.content()
    expect(page.get_by_test_id("no-consent")).to_have_count(1)
    for uscc in suppliers:  # the demo suppliers' own users accept
        assert accept_invitations(platform, uscc) == 1

    # The member signs in, sees the invitation in Chinese and accepts.
    member_page = _sign_in(browser, base, "new-member")
    member_page.goto(f"{base}/groups")
    invitation = member_page.locator("[data-testid=invitations] tr[data-invitation]")
    expect(invitation).to_have_count(1)
    expect(invitation).to_contain_text("新一期供应链")
    expect(invitation).to_contain_text("苏州示例智能制造有限公司")
    expect(invitation.get_by_test_id("invitation-state")).to_have_text("已邀请")
    expect(member_page.get_by_role("heading", name="邀请贵企业加入的团体方案")).to_be_visible()
    invitation.get_by_test_id("accept").click()
    expect(invitation.get_by_test_id("invitation-state")).to_have_text("已接受")

    # The sponsor now sees the member's name and the score the pricing use case gives it.
    page.goto(f"{base}/groups/{scheme.id}")
    row = page.locator(f"[data-testid=shares] tr[data-member='{member_uscc}']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("昆山示例新材料有限公司")
    shown = float(row.get_by_test_id("member-score").inner_text().split()[0])
    limit = Decimal(page.locator("[data-testid=bind-form] input[name=limit]").input_value())
    with platform.uow(sponsor) as uow:
        priced = groups.quote_group(uow, scheme.id, limit=limit).price
    assert shown == round(priced.member(member_id).score.score)


def test_the_sponsor_starts_a_scheme_on_the_web_and_a_refusal_keeps_what_was_typed(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    from liubu.datafiles import any_reason_title

    platform, base = site
    with platform.uow(SYSTEM) as uow:
        demo_chain = next(s for s in uow.groups.schemes() if s.name.startswith("苏州示例"))
        owner = uow.enterprises.get(demo_chain.sponsor_enterprise_id)
    park, chain = "shifan-pc/park-group-cyber@1", "cankao-pc/supply-chain-cyber@1"
    page = _sign_in(browser, base, "enterprise")
    page.goto(f"{base}/groups")
    form = page.get_by_test_id("scheme-form")
    # Products by name and insurer, never by reference code; only group products are offered.
    offered = form.get_by_test_id("scheme-product").locator("option[value]:not([value=''])")
    assert sorted(o.get_attribute("value") or "" for o in offered.all()) == [chain, park]
    expect(form.get_by_test_id("scheme-product")).not_to_contain_text("cankao-pc")
    # Grouped by the kind of scheme each fits, each named with its insurer.
    expect(form.locator("optgroup[data-kind=supply_chain] option")).to_contain_text(
        ["参考财产保险股份有限公司"]
    )

    # A park product cannot insure a supply chain: refused beside the form, in Chinese, with
    # everything typed still there.
    name = "二期园区供应链 Phase two"
    form.get_by_test_id("scheme-kind").select_option("supply_chain")
    form.get_by_test_id("scheme-name").fill(name)
    form.get_by_test_id("scheme-product").select_option(park)
    form.get_by_test_id("start-scheme").click()
    error = page.get_by_test_id("scheme-error")
    expect(error).to_contain_text(any_reason_title("group.product_kind_mismatch", "zh") or "?")
    assert not any(word in error.inner_text() for word in ("held by", "needs", "scheme"))
    form = page.get_by_test_id("scheme-form")
    expect(form.get_by_test_id("scheme-name")).to_have_value(name)
    expect(form.get_by_test_id("scheme-kind")).to_have_value("supply_chain")
    expect(form.get_by_test_id("scheme-product")).to_have_value(park)
    expect(form.get_by_test_id("scheme-sponsor")).to_have_value(owner.id)

    # An empty name (only blanks) is refused the same way.
    form.get_by_test_id("scheme-name").fill("   ")
    form.get_by_test_id("scheme-product").select_option(chain)
    form.get_by_test_id("start-scheme").click()
    expect(page.get_by_test_id("scheme-error")).to_contain_text("名称不能为空")
    expect(page.get_by_test_id("scheme-product")).to_have_value(chain)
    with platform.uow(SYSTEM) as uow:
        assert [s.name for s in uow.groups.schemes() if s.name.strip() in ("", name)] == []

    page.get_by_test_id("scheme-name").fill(name)
    page.get_by_test_id("start-scheme").click()
    expect(page.get_by_test_id("page-title")).to_have_text(name)
    with platform.uow(SYSTEM) as uow:
        (started,) = [s for s in uow.groups.schemes() if s.name == name]
    assert (started.kind, started.product_ref, started.sponsor_enterprise_id) == (
        "supply_chain",
        chain,
        owner.id,
    )
    assert started.tenant_id == owner.tenant_id
    # Audited: the creation is in the chain, by the user who signed in.
    with platform.engine.connect() as connection:
        (actor,) = connection.execute(
            sa.select(tables.audit_events.c.actor_id).where(
                tables.audit_events.c.entity_id == started.id,
                tables.audit_events.c.action == "group_schemes.created",
            )
        ).one()
    with platform.uow(SYSTEM) as uow:
        signed_in = uow.users.find_by_username("enterprise")
    assert signed_in is not None
    assert actor == signed_in.id
    assert page.url.endswith(f"/groups/{started.id}")
    expect(page.get_by_test_id("invite-form")).to_be_visible()  # it goes on to invite members
    page.goto(f"{base}/groups")
    expect(page.get_by_test_id("schemes")).to_contain_text(name)
