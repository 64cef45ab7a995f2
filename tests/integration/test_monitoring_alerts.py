"""The watch list and alerts on real databases: exactly the insured's verified assets and scanned
software are watched while its policy is in force; a real KEV listing on its software and its
address in the real Feodo blocklist each raise one alert, recorded again nothing changes;
repeats fold into an alert within the window and open a new one after it; other insurers see
nothing."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest

from liubu import assessment, monitoring
from liubu.accounts import AuditFilter
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.errors import PermissionDeniedError
from liubu.monitoring import AlertSeverity, IndicatorKind, Observation
from liubu.underwriting import lifecycle
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import (
    APACHE,
    DOMAIN,
    IN_TERM,
    World,
    build_world,
)
from tests.unit.monitoring.realdata import (
    APACHE_CVE,
    feodo_observation,
    feodo_rows,
    kev_entry,
    kev_observation,
    require_shared,
)


@pytest.fixture
def world(platform: Platform) -> World:
    require_shared()
    return build_world(platform)


def _watched(platform: Platform, principal: object, on: date) -> set[tuple[str, str, str]]:
    assets = monitoring.watchlist(platform.uow(principal), on=on)  # type: ignore[arg-type]
    return {(a.policy_number, str(a.kind), a.value) for a in assets}


def test_the_watch_list_holds_exactly_the_insured_assets_while_the_policy_is_in_force(
    platform: Platform, world: World
) -> None:
    on = IN_TERM.date()
    expected = {
        (world.policy_number, "ipv4", world.insured_ip),
        (world.policy_number, "domain", DOMAIN),  # the unverified domain is not watched
        (world.policy_number, "cpe", APACHE),  # the unversioned nginx name is not
    }
    assert _watched(platform, world.underwriter, on) == expected
    assert _watched(platform, world.buyer, on) == expected
    assert _watched(platform, SYSTEM, on) == expected
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    assert _watched(platform, other.principal, on) == set()
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    assert _watched(platform, provider.principal, on) == set()
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=provider.organisation_id,
        fix_id="patch",
        title_zh="修补",
        title_en="Patch",
    )
    assert _watched(platform, provider.principal, on) == expected
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Bureau", Role.REGULATOR_VIEWER)
    with pytest.raises(PermissionDeniedError):
        monitoring.watchlist(platform.uow(regulator.principal), on=on)
    # before the period starts and after it ends, nothing is watched
    assert _watched(platform, SYSTEM, date(2025, 12, 31)) == set()
    assert _watched(platform, SYSTEM, date(2027, 1, 1)) == set()
    # an endorsement changes the limit, not what is watched
    with platform.uow(world.buyer) as uow:
        lifecycle.endorse_limit(uow, world.policy_id, new_limit=Decimal(2_000_000), effective=on)
        uow.commit()
    assert _watched(platform, SYSTEM, on) == expected
    with platform.uow(world.buyer) as uow:
        lifecycle.cancel(uow, world.policy_id, cancelled_on=on)
        uow.commit()
    assert _watched(platform, SYSTEM, on) == set()


def _subdomain_hit(at_hours: int = 0, fingerprint: str = "dns-1") -> Observation:
    return Observation(
        kind=IndicatorKind.DOMAIN,
        value=f"login.{DOMAIN}",
        source="stix",
        rule="indicator--phishing",
        severity=AlertSeverity.MEDIUM,
        seen_at=IN_TERM + timedelta(hours=at_hours),
        fingerprint=fingerprint,
    )


def test_a_kev_listing_and_a_blocklisted_address_raise_one_alert_each_and_again_nothing(
    platform: Platform, world: World
) -> None:
    rows = feodo_rows()
    batch = [
        kev_observation(kev_entry(APACHE_CVE)),
        kev_observation(kev_entry("CVE-2021-44228")),  # log4j: not the insured's software
        *(feodo_observation(row) for row in rows),
        _subdomain_hit(),
    ]
    first = monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)
    insured_rows = [r for r in rows if r["dst_ip"] == world.insured_ip]
    assert first == monitoring.IngestResult(
        read=len(batch), matched=2 + len(insured_rows), alerted=3, duplicates=0,
        repeated=len(insured_rows) - 1,
    )  # fmt: skip
    again = monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)
    assert again == monitoring.IngestResult(
        read=len(batch), matched=0, alerted=0, duplicates=len(batch)
    )
    alerts = monitoring.list_alerts(platform.uow(world.underwriter))
    by_kind = {a.match_kind: a for a in alerts}
    assert sorted(by_kind) == ["cve", "ip", "subdomain"]
    cve, ip, sub = by_kind["cve"], by_kind["ip"], by_kind["subdomain"]
    assert (cve.asset_value, cve.indicator, cve.severity) == (APACHE, APACHE_CVE, "critical")
    assert cve.evidence["matched"] == APACHE
    assert cve.count == 1
    assert (ip.asset_value, ip.source, ip.count) == (world.insured_ip, "feodo", len(insured_rows))
    assert (sub.asset_value, sub.indicator) == (DOMAIN, f"login.{DOMAIN}")
    assert {a.status for a in alerts} == {"open"}
    assert {a.policy_number for a in alerts} == {world.policy_number}
    # the insured sees its alerts; another insurer and an unassigned provider see none
    assert len(monitoring.list_alerts(platform.uow(world.buyer))) == 3
    assert len(monitoring.list_alerts(platform.uow(world.buyer), enterprise_id="nope")) == 0
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    assert monitoring.list_alerts(platform.uow(other.principal)) == []
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    assert monitoring.list_alerts(platform.uow(provider.principal)) == []
    # every alert's creation is in the audit chain, as is each batch
    with platform.uow(SYSTEM) as uow:
        events = uow.audit.search(AuditFilter(entity_type="alerts"))
        batches = uow.audit.search(AuditFilter(action="monitoring.observations_recorded"))
    assert sorted(e.entity_id for e in events if e.action == "alerts.created") == sorted(
        a.id for a in alerts
    )
    assert len(batches) == 2


def test_a_repeat_within_the_window_counts_and_after_it_opens_a_new_alert(
    platform: Platform, world: World
) -> None:
    record = monitoring.record_observations
    record(platform.uow(SYSTEM), [_subdomain_hit(0, "a")], now=IN_TERM)
    inside = record(platform.uow(SYSTEM), [_subdomain_hit(23, "b")], now=IN_TERM)
    assert (inside.alerted, inside.repeated) == (0, 1)
    (alert,) = monitoring.list_alerts(platform.uow(world.underwriter))
    assert alert.count == 2
    assert (alert.first_seen, alert.last_seen) == (IN_TERM, IN_TERM + timedelta(hours=23))
    # 25 hours after the last sighting: outside the 24-hour window
    outside = record(platform.uow(SYSTEM), [_subdomain_hit(48, "c")], now=IN_TERM)
    assert (outside.alerted, outside.repeated) == (1, 0)
    alerts = monitoring.list_alerts(platform.uow(world.underwriter))
    assert sorted(a.count for a in alerts) == [1, 2]
    assert timedelta(hours=24) == monitoring.DEDUP_WINDOW


def test_a_provider_records_only_on_enterprises_assigned_to_it(
    platform: Platform, world: World
) -> None:
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    hit = [_subdomain_hit(0, "p1")]
    nothing = monitoring.record_observations(platform.uow(provider.principal), hit, now=IN_TERM)
    assert (nothing.matched, nothing.alerted) == (0, 0)
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=provider.organisation_id,
        fix_id="watch",
        title_zh="监测",
        title_en="Watch",
    )
    hit = [_subdomain_hit(1, "p2")]
    one = monitoring.record_observations(platform.uow(provider.principal), hit, now=IN_TERM)
    assert (one.matched, one.alerted) == (1, 1)
    assert len(monitoring.list_alerts(platform.uow(provider.principal))) == 1
    with pytest.raises(PermissionDeniedError):
        monitoring.record_observations(platform.uow(world.buyer), hit, now=IN_TERM)


def test_the_same_batch_recorded_twice_at_once_raises_one_alert(
    platform: Platform, world: World
) -> None:
    """Two recorders race with the same observation: whichever commits second either finds its
    key remembered or loses on it (a conflict, nothing of it kept) — never a second alert."""
    batch = [feodo_observation(r) for r in feodo_rows() if r["dst_ip"] == world.insured_ip]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def record() -> None:
        barrier.wait()
        try:
            outcomes.append(
                monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)
            )
        except Exception as error:
            print("RACE", type(error), error)
            outcomes.append(error)

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    results = [o for o in outcomes if isinstance(o, monitoring.IngestResult)]
    assert len(outcomes) == 2
    assert sum(r.alerted for r in results) == 1
    (alert,) = monitoring.list_alerts(platform.uow(SYSTEM))
    assert alert.count == len(batch)
    # whoever lost the race finds everything recorded when it tries again
    again = monitoring.record_observations(platform.uow(SYSTEM), batch, now=IN_TERM)
    assert (again.duplicates, again.alerted) == (len(batch), 0)
