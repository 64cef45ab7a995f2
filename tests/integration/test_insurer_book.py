"""Dependencies of insureds and the insurer's book from the store, on real databases.

Insureds are built through the real use cases (quote, referral, bind: tests/integration/
monitoring_world.py); each declares what it relies on, its scan adds software and a security
provider given a task adds itself. The insurer's book is then compared with independent truths:
the terms pricing built for the same product, limit and retention
(:func:`liubu.underwriting.option_terms`), the dependencies declared, a closed form for the AAL.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from decimal import Decimal

import pytest

from liubu import assessment, portfolio, products, underwriting
from liubu.accounts import AuditFilter
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.errors import NotFoundError, PermissionDeniedError, ValidationError
from liubu.portfolio import Catalogue, Dependency, EventFamily, run_book
from liubu.risk import Bernoulli, Component, Constant, Model, Scenario, quantify
from liubu.underwriting import lifecycle
from tests.integration.helpers import DECLARED, facts, make_tenant
from tests.integration.monitoring_world import (
    IN_TERM,
    World,
    build_world,
    insurer_staff,
)

ON = IN_TERM.date()
HOURS_PER_YEAR = 8760.0


def _declare(platform: Platform, world: World, *rows: dict[str, object]) -> None:
    parsed = assessment.parse_declarations(list(rows))
    assessment.declare_dependencies(platform.uow(world.buyer), world.enterprise_id, parsed)


CLOUD = {
    "kind": "cloud",
    "provider": "alibaba_cloud",
    "region": "cn-hangzhou",
    "tolerance_hours": 0,
    "revenue_share": 1.0,
}
DNS = {"kind": "dns", "provider": "DNSPod", "tolerance_hours": 1, "revenue_share": 0.3}


def _actions(platform: Platform, prefix: str) -> list[str]:
    with platform.uow(SYSTEM) as uow:
        events = uow.audit.search(AuditFilter(action=prefix, limit=100))
    return [e.action for e in events]


def test_declared_dependencies_round_trip_with_scan_and_platform_rows(platform: Platform) -> None:
    world = build_world(platform)
    _declare(platform, world, CLOUD, DNS)
    rows = assessment.enterprise_dependencies(platform.uow(world.buyer), world.enterprise_id)
    assert [(d.source, d.kind, d.provider, d.region) for d in rows[:2]] == [
        ("declared", "cloud", "alibaba_cloud", "cn-hangzhou"),
        ("declared", "dns", "DNSPod", None),
    ]
    assert (rows[1].tolerance_hours, rows[1].revenue_share) == (1.0, 0.3)
    # the world's scan identified Apache HTTP Server 2.4.49 and nginx: software, product level
    scanned = [d for d in rows if d.source == "scan"]
    assert {d.cpe for d in scanned} == {
        "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
        "cpe:2.3:a:nginx:nginx:*:*:*:*:*:*:*:*",
    }
    assert {(d.tolerance_hours, d.revenue_share) for d in scanned} == {
        (assessment.SCAN_TOLERANCE_HOURS, assessment.SCAN_REVENUE_SHARE)
    }
    assert not [d for d in rows if d.source == "platform"]
    # a security provider given a task serves the enterprise: it becomes an msp dependency
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard Co", Role.SECURITY_ANALYST)
    outsider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Other Guard", Role.ADMIN)
    with pytest.raises(NotFoundError):
        assessment.enterprise_dependencies(platform.uow(provider.principal), world.enterprise_id)
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=provider.organisation_id,
        fix_id="patch",
        title_zh="修补",
        title_en="Patch",
    )
    seen = assessment.enterprise_dependencies(platform.uow(provider.principal), world.enterprise_id)
    (msp,) = [d for d in seen if d.source == "platform"]
    assert (msp.kind, msp.provider) == ("msp", "Guard Co")
    with pytest.raises(NotFoundError):
        assessment.enterprise_dependencies(platform.uow(outsider.principal), world.enterprise_id)
    # the insurer that insures it reads; it may not declare; another enterprise sees nothing
    read = assessment.enterprise_dependencies(platform.uow(world.underwriter), world.enterprise_id)
    assert read == seen
    with pytest.raises(PermissionDeniedError):
        assessment.declare_dependencies(
            platform.uow(world.underwriter), world.enterprise_id, rows[:1]
        )
    stranger = make_tenant(platform, OrgKind.ENTERPRISE, "Stranger", Role.ENTERPRISE_USER)
    with pytest.raises(NotFoundError):
        assessment.enterprise_dependencies(platform.uow(stranger.principal), world.enterprise_id)
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        assessment.declare_dependencies(
            platform.uow(stranger.principal), world.enterprise_id, rows[:1]
        )
    # replacing the list: one kept with a new share, one removed, one added — each audited
    before = len(_actions(platform, "insured_dependencies."))
    _declare(
        platform,
        world,
        {**CLOUD, "revenue_share": 0.5},
        {"kind": "cdn", "provider": "Example CDN A", "tolerance_hours": 2},
    )
    after = assessment.enterprise_dependencies(platform.uow(world.buyer), world.enterprise_id)
    declared = [(d.kind, d.revenue_share) for d in after if d.source == "declared"]
    assert declared == [("cloud", 0.5), ("cdn", 1.0)]
    actions = _actions(platform, "insured_dependencies.")
    assert len(actions) - before == 3
    assert sorted(actions[: len(actions) - before]) == sorted(
        [
            "insured_dependencies.updated",
            "insured_dependencies.deleted",
            "insured_dependencies.created",
        ]
    )
    assert actions.count("insured_dependencies.created") == 3  # two, then one more


def _bind(
    platform: Platform, *, serial: int, product: str, insurer: str, revenue: str
) -> tuple[Principal, str, str]:
    """An enterprise of ``revenue`` insured by ``insurer`` on ``product`` from 2026-01-01."""
    buyer = make_tenant(
        platform, OrgKind.ENTERPRISE, f"Buyer {serial}", Role.ENTERPRISE_USER
    ).principal
    underwriter = insurer_staff(platform, Role.UNDERWRITER, code=insurer)
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(
            uow, dataclasses.replace(facts(serial), annual_revenue=Decimal(revenue))
        )
        uow.commit()
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[product])
        uow.commit()
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote.id)
        if quote.status == "referred":
            lifecycle.decide_referral(uow, quote.id, approve=True, reasons="Accepted for a test.")
            uow.commit()
            quote = uow.underwriting.quote(quote.id)
        policy = lifecycle.bind(
            uow,
            quote.id,
            option_index=0,
            declarations=DECLARED,
            expected_version=quote.version,
            start=date(2026, 1, 1),
        )
        uow.commit()
    return buyer, enterprise.id, policy.number


IMPORTED = (
    "id,industry,region,revenue,retention,aggregate_limit,bi_sublimit,bi_waiting_hours,"
    "dependencies\n"
    "OLD-1,C27,320500,80000000,20000,2000000,1000000,8,aliyun-cn-hangzhou:2:0.5\n"
    "OLD-2,G54,440100,30000000,10000,1000000,,4,dnspod:1:0.3;not-in-test-catalogue:1:0.1\n"
)


def _catalogue() -> Catalogue:
    return Catalogue(
        (
            Dependency("aliyun-cn-hangzhou", "cloud", "alibaba_cloud", region="cn-hangzhou"),
            Dependency("dnspod", "dns", "DNSPod"),
        ),
        (
            EventFamily(
                "hz_down",
                "provider_outage",
                0.2,
                target="aliyun-cn-hangzhou",
                outage_hours=Constant(20.0),
            ),
        ),
    )


def test_the_insurers_book_holds_its_policies_with_pricings_terms_and_its_import(
    platform: Platform,
) -> None:
    worlds = [build_world(platform, serial=serial) for serial in (1, 2)]
    _declare(platform, worlds[0], CLOUD, DNS)
    _declare(platform, worlds[1], {**CLOUD, "region": "cn-shanghai"})
    # another insurer's insured, on the same provider: never in this insurer's book
    _buyer, _other_enterprise, other_number = _bind(
        platform,
        serial=9,
        product="cankao-pc/mss-bundle@1",
        insurer="cankao-pc",
        revenue="50000000.00",
    )
    actuary = insurer_staff(platform, Role.ACTUARY)
    catalogue = _catalogue()
    # the import: a row naming a dependency the catalogue lacks is refused, line and column
    bad = IMPORTED.encode()
    with pytest.raises(ValidationError) as refused:
        portfolio.import_book(
            platform.uow(actuary), actuary.tenant_id, bad, filename="old.csv", catalogue=catalogue
        )
    assert refused.value.code == "portfolio.unknown_dependency"
    assert refused.value.detail["location"] == "old.csv:3"
    assert refused.value.field == "dependencies"
    no_terms = IMPORTED.replace(
        "OLD-1,C27,320500,80000000,20000,2000000", "OLD-1,C27,320500,80000000,,"
    )
    with pytest.raises(ValidationError) as refused:
        portfolio.import_book(
            platform.uow(actuary),
            actuary.tenant_id,
            no_terms.encode(),
            filename="old.csv",
            catalogue=catalogue,
        )
    assert refused.value.code == "portfolio.no_terms"
    assert refused.value.detail["location"] == "old.csv:2"
    assert portfolio.book_import(platform.uow(actuary), actuary.tenant_id) is None  # nothing
    good = IMPORTED.replace(";not-in-test-catalogue:1:0.1", "")
    first = portfolio.import_book(
        platform.uow(actuary),
        actuary.tenant_id,
        (good + good.splitlines()[1].replace("OLD-1", "OLD-3") + "\n").encode(),
        filename="old.csv",
        catalogue=catalogue,
    )
    assert first.rows == 3
    record = portfolio.import_book(
        platform.uow(actuary),
        actuary.tenant_id,
        good.encode(),
        filename="old.csv",
        catalogue=catalogue,
    )
    assert record.rows == 2  # replaced, not added
    assert _actions(platform, "portfolio.book_imported").count("portfolio.book_imported") == 2
    # another insurer may not import into or read this one's book
    other = insurer_staff(platform, Role.ACTUARY, code="cankao-pc")
    with pytest.raises(PermissionDeniedError):
        portfolio.insurer_book(platform.uow(other), actuary.tenant_id, catalogue)
    with pytest.raises(PermissionDeniedError):
        portfolio.import_book(
            platform.uow(other),
            actuary.tenant_id,
            good.encode(),
            filename="x.csv",
            catalogue=catalogue,
        )

    built = portfolio.insurer_book(platform.uow(actuary), actuary.tenant_id, catalogue, on=ON)
    assert built.book is not None
    ids = [p.id for p in built.book.policies]
    assert ids == [*sorted(w.policy_number for w in worlds), "OLD-1", "OLD-2"]
    assert other_number not in ids
    assert (built.from_store, built.imported, built.skipped) == (2, 2, ())
    by_id = {p.id: p for p in built.book.policies}
    with platform.uow(SYSTEM) as uow:
        for world in worlds:
            policy = uow.underwriting.policy(world.policy_id)
            spec = products.find_spec(uow, policy.product_ref)
            # the independent truth: the option as pricing maps it, at the bound limit/retention
            priced = underwriting.option_terms(
                spec,
                limit=policy.terms.option.limit.amount,
                retention=policy.terms.option.retention.amount,
            )
            book_policy = by_id[world.policy_number]
            assert book_policy.terms == priced.terms
            enterprise = uow.enterprises.get(world.enterprise_id)
            assert book_policy.revenue == float(enterprise.annual_revenue)
            assert (book_policy.industry.section, str(book_policy.region.code)) == ("I", "320500")
    first_policy = by_id[worlds[0].policy_number]
    assert [(r.dependency, r.tolerance_hours, r.revenue_share) for r in first_policy.reliances] == [
        ("aliyun-cn-hangzhou", 0.0, 1.0),
        ("dnspod", 1.0, 0.3),
    ]
    # the second insured's region is not in the catalogue; the scans' software is not either
    assert by_id[worlds[1].policy_number].reliances == ()
    unmatched = {(u.policy, u.source, u.kind, u.region or u.cpe) for u in built.unmatched}
    assert (worlds[1].policy_number, "declared", "cloud", "cn-shanghai") in unmatched
    assert (
        worlds[0].policy_number,
        "scan",
        "software",
        "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
    ) in unmatched
    assert {u.policy for u in built.unmatched} == {w.policy_number for w in worlds}
    # the imported rows as the file says
    assert by_id["OLD-1"].reliances[0].dependency == "aliyun-cn-hangzhou"
    assert by_id["OLD-2"].terms.retention == 10_000.0


def test_a_closed_form_through_the_store(platform: Platform, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """N identical bound policies, all wholly on one cloud region, one Poisson(λ) outage family
    of fixed duration h: AAL = λ · x · N, x the insured loss of one outage for one policy."""
    n, lam, hours = 3, 0.2, 20.0
    worlds = [build_world(platform, serial=serial) for serial in range(1, n + 1)]
    for world in worlds:
        _declare(platform, world, CLOUD)
    actuary = insurer_staff(platform, Role.ACTUARY)
    built = portfolio.insurer_book(platform.uow(actuary), actuary.tenant_id, _catalogue(), on=ON)
    assert built.book is not None
    assert len(built.book.policies) == n
    # x by hand from the SME product (v2): business interruption waits 8 h (time deductible),
    # retention 5,000 per event, sublimit 500,000 at the 500,000 limit; revenue 50,000,000
    hourly = 50_000_000.0 / HOURS_PER_YEAR
    x = (hours - 8.0) * hourly - 5_000.0
    # and by the risk engine on the terms pricing built, one outage in a year
    terms = built.book.policies[0].terms
    component = Component(
        "business_interruption", outage_hours=Constant(hours), loss_per_hour=hourly
    )
    model = Model((Scenario("one", Bernoulli(1.0), (component,)),), terms=terms)
    assert quantify(model, engine="mc", years=4, seed=1).mean == pytest.approx(x, rel=1e-12)
    years = 100_000
    result = run_book(
        built.book, _catalogue(), years=years, seed=5, workers=0, ylt_dir=str(tmp_path)
    )
    single = float(result.annual[result.annual > 0].min())
    assert single == pytest.approx(n * x, rel=1e-9)  # a year of one outage
    expected = lam * n * x
    sd = math.sqrt(lam) * n * x
    assert abs(result.aal - expected) < 4 * sd / math.sqrt(years)
