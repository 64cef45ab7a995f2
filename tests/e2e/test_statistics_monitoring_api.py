"""The regulator's industry risk view over HTTP, on real databases: three enterprises insured
through the real use cases, two running Apache HTTP Server 2.4.49 (in CISA's KEV through
CVE-2024-38475, the real files), the third rescanned clean; one with an address of the real
Feodo blocklist, alerted through the real ingest. The API's counts are those, no insured is
named, and only a regulator (or the platform) may read it."""

from __future__ import annotations

import json
from datetime import timedelta

from liubu import assessment, monitoring
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from liubu.statistics import OTHER
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import DOMAIN, IN_TERM, World, build_world, insurer_staff
from tests.unit.monitoring.realdata import feodo_observation, feodo_rows, require_shared


def _insure_three(platform: Platform) -> list[World]:
    worlds = [build_world(platform, serial=serial) for serial in (1, 2, 3)]
    flagged = feodo_rows()[1]
    asset = assessment.declare_asset(
        platform.uow(worlds[0].buyer), worlds[0].enterprise_id, flagged["dst_ip"]
    )
    with platform.uow(SYSTEM) as uow:
        stored = uow.assessment.asset(asset.id)
        stored.verified_at, stored.verified_by = IN_TERM - timedelta(days=30), "dns_txt"
        # the third insured was rescanned after patching: its latest scan finds no software
        third = uow.enterprises.get(worlds[2].enterprise_id)
        later = IN_TERM - timedelta(days=10)
        uow.assessment.add(
            Scan(
                id=accounts.new_id(),
                tenant_id=third.tenant_id,
                enterprise_id=third.id,
                status=ScanState.FINISHED,
                targets=[DOMAIN],
                settings={},
                created_at=later,
                started_at=later,
                finished_at=later,
                result={"targets": [{"target": DOMAIN, "software": []}]},
            )
        )
        uow.commit()
    result = monitoring.record_observations(
        platform.uow(SYSTEM), [feodo_observation(flagged)], now=IN_TERM
    )
    assert result.alerted == 1
    return worlds


def test_the_industry_risk_view_counts_insureds_exposed_and_alerted(
    platform: Platform, api: Api
) -> None:
    require_shared()
    worlds = _insure_three(platform)
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Bureau", Role.REGULATOR_VIEWER)
    headers = api.headers(regulator.username)
    on = IN_TERM.date().isoformat()
    response = api.client.get(f"/api/statistics/monitoring?on={on}&lang=en", headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["on"] == on
    assert data["withheld"] is False
    assert data["minimum_insureds"] == 3
    assert data["totals"]["insureds"] == 3
    assert data["totals"]["kev_exposed"] == 2
    assert data["totals"]["open_high_alerts"] == 1
    # the three insureds share one industry section and one province: one group each
    (section,) = data["by"]["industry_section"]
    (region,) = data["by"]["region"]
    assert (section["key"], section["insureds"], section["kev_exposed"]) == ("I", 3, 2)
    assert (region["key"], region["name"], region["open_high_alerts"]) == ("32", "Jiangsu", 1)
    assert region["kev_exposed_share"] == round(2 / 3, 4)
    assert OTHER not in {row["key"] for row in data["by"]["region"]}
    # nobody is named: no enterprise, credit code, policy number or id in either language
    chinese = api.client.get(f"/api/statistics/monitoring?on={on}&lang=zh", headers=headers)
    assert chinese.json()["by"]["region"][0]["name"] == "江苏省"
    text = json.dumps([data, chinese.json()], ensure_ascii=False)
    with platform.uow(SYSTEM) as uow:
        for world in worlds:
            enterprise = uow.enterprises.get(world.enterprise_id)
            for secret in (
                enterprise.name,
                enterprise.uscc,
                world.enterprise_id,
                world.policy_id,
                world.policy_number,
                world.insured_ip,
            ):
                assert secret not in text
    # before the period starts, nobody is insured: zeros, nothing withheld
    before = api.client.get("/api/statistics/monitoring?on=2025-12-31", headers=headers).json()
    assert before["totals"]["insureds"] == 0
    assert before["by"]["region"] == []
    # an insurer's underwriter is refused; a malformed day is refused with its field
    insurer_staff(platform, Role.UNDERWRITER)  # the SME product's insurer's underwriter
    refused = api.client.get(
        "/api/statistics/monitoring", headers=api.headers("shifan-pc-underwriter")
    )
    assert refused.status_code == 403
    bad = api.client.get("/api/statistics/monitoring?on=June", headers=headers)
    assert bad.status_code == 422
    assert "on" in bad.text
