"""The demo's in-term world (SQLite): the demo enterprise insured under a policy in force with
its verified assets watched and the demo's alerts open; an in-term scan that finds Apache HTTP
Server 2.4.49 and CISA's KEV entry of CVE-2024-38475 raise one alert more, recorded again
nothing; and once the demo chain is bound the regulator's industry risk view counts the eleven
insureds, the one exposed and the one alerted, naming none of them."""

from __future__ import annotations

import json
from decimal import Decimal

from liubu import monitoring
from liubu.accounts import SYSTEM, OrgKind, acting_in
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.demo import DEMO_CVE, DEMO_HOSTS, DEMO_SOFTWARE, load_demo, load_demo_scan
from liubu.statistics import industry_risk
from liubu.underwriting import PolicyState, groups
from tests.integration.helpers import DECLARED


def test_the_demo_enterprise_is_watched_alerted_and_counted(sqlite_platform: Platform) -> None:
    platform = sqlite_platform
    load_demo(platform)
    watched = monitoring.watchlist(platform.uow(SYSTEM))
    assert {(str(a.kind), a.value) for a in watched} == {
        ("domain", DEMO_HOSTS[0]),
        ("ipv4", DEMO_HOSTS[1]),
    }
    (policy_id,) = {a.policy_id for a in watched}
    with platform.uow(SYSTEM) as uow:
        policy = uow.underwriting.policy(policy_id)
        assert policy.status == PolicyState.IN_FORCE
        enterprise = uow.enterprises.get(policy.enterprise_id)
        assets = uow.assessment.assets(enterprise.id)
    assert {a.name for a in assets if a.verified_at} == set(DEMO_HOSTS)
    # …but no server stands behind them: the scanner never probes them, so the monthly rescans
    # already due in the demo queue no scan (a test touches loopback addresses only)
    assert not any(a.scannable for a in assets)
    with platform.uow(SYSTEM) as uow:
        due = [
            t
            for t in uow.services.tasks(enterprise_id=enterprise.id)
            if t.kind == "rescan" and t.due_on <= shanghai_today()
        ]
    assert due, "the demo's policy started months ago: rescans have fallen due"
    assert monitoring.run_due_rescans(platform.uow(SYSTEM)) == []
    alerts = monitoring.list_alerts(platform.uow(SYSTEM), enterprise_id=enterprise.id)
    # worked through the lifecycle by the demo's provider: several states for every role to see
    assert sorted((a.source, a.indicator, a.severity, a.status) for a in alerts) == [
        ("feodo", DEMO_HOSTS[1], "high", "fix_reported"),
        ("suricata", DEMO_HOSTS[1], "high", "acknowledged"),
        ("suricata", DEMO_HOSTS[1], "medium", "open"),
    ]

    assert load_demo_scan(platform) == 1
    kev = [a for a in monitoring.list_alerts(platform.uow(SYSTEM)) if a.source == "kev"]
    assert [(a.asset_value, a.indicator, a.policy_id) for a in kev] == [
        (DEMO_SOFTWARE, DEMO_CVE, policy_id)
    ]
    assert load_demo_scan(platform) == 0  # the same listing recorded again: still one alert

    # One insured is below the small-cell minimum: withheld until the chain's ten are insured.
    assert industry_risk(platform.uow(SYSTEM), intel=platform.index_cache).totals is None
    with platform.uow(SYSTEM) as uow:
        (scheme,) = uow.groups.schemes()
    with platform.uow(acting_in(enterprise.tenant_id, OrgKind.ENTERPRISE)) as uow:
        quote = groups.quote_group(uow, scheme.id, limit=Decimal("1000000"))
        groups.bind_group(uow, scheme.id, quote, declarations=DECLARED)
    risk = industry_risk(platform.uow(SYSTEM), lang="en", intel=platform.index_cache)
    assert risk.totals is not None
    assert (risk.totals.insureds, risk.totals.kev_exposed, risk.totals.alerted) == (11, 1, 1)
    (section,) = risk.by["industry_section"]
    assert (section.key, section.name, section.insureds) == ("C", "Manufacturing", 11)
    text = json.dumps(risk.to_dict(), ensure_ascii=False)
    for secret in (enterprise.name, enterprise.uscc, enterprise.id, policy.number, *DEMO_HOSTS):
        assert secret not in text
