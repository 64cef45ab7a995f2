"""The alert lifecycle over HTTP: the provider's analyst sees the alert with the actions it may
take and acknowledges it; a stale version and an illegal move are refused with their codes; a
blocklisted address cannot be verified by a rescan; the insured sees and may not act; the insurer
marks a false positive with a bounded reason."""

from __future__ import annotations

from liubu import assessment, monitoring
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import IN_TERM, build_world
from tests.unit.monitoring.realdata import feodo_observation, feodo_rows, require_shared


def test_the_alert_lifecycle_over_http(platform: Platform, api: Api) -> None:
    require_shared()
    world = build_world(platform)
    guard = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=guard.organisation_id,
        fix_id="monitor",
        title_zh="监控",
        title_en="Monitoring",
    )
    monitoring.record_observations(
        platform.uow(SYSTEM), [feodo_observation(feodo_rows()[0])], now=IN_TERM
    )
    analyst = api.headers(guard.username)
    listed = api.client.get("/api/monitoring/alerts", headers=analyst)
    assert listed.status_code == 200, listed.text
    (alert,) = listed.json()
    assert (alert["asset"], alert["status"], alert["version"]) == (world.insured_ip, "open", 1)
    assert alert["rescannable"] is False
    detail = api.client.get(f"/api/monitoring/alerts/{alert['id']}", headers=analyst).json()
    assert detail["actions"] == ["acknowledge"]
    assert detail["history"] == []

    url = f"/api/monitoring/alerts/{alert['id']}/transitions"
    done = api.client.post(
        url, json={"action": "acknowledge", "expected_version": 1}, headers=analyst
    )
    assert done.status_code == 200, done.text
    assert done.json()["alert"]["status"] == "acknowledged"
    assert done.json()["alert"]["actions"] == ["remediate"]
    stale = api.client.post(
        url, json={"action": "remediate", "expected_version": 1}, headers=analyst
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_version")
    illegal = api.client.post(
        url,
        json={"action": "close", "expected_version": 2},
        headers=api.headers("shifan-pc-underwriter"),
    )
    assert (illegal.status_code, illegal.json()["code"]) == (409, "monitoring.illegal_transition")
    blind = api.client.post(url, json={"action": "verify", "expected_version": 2}, headers=analyst)
    assert (blind.status_code, blind.json()["code"]) == (422, "monitoring.not_rescannable")

    insured = api.headers(world.buyer.username)
    seen = api.client.get(f"/api/monitoring/alerts/{alert['id']}", headers=insured)
    assert seen.status_code == 200
    assert seen.json()["actions"] == []
    refused = api.client.post(
        url, json={"action": "remediate", "expected_version": 2}, headers=insured
    )
    assert refused.status_code == 403

    underwriter = api.headers("shifan-pc-underwriter")
    vague = api.client.post(
        url,
        json={"action": "false_positive", "expected_version": 2, "reason": "meh"},
        headers=underwriter,
    )
    assert vague.status_code == 422
    marked = api.client.post(
        url,
        json={"action": "false_positive", "expected_version": 2, "reason": "indicator_wrong"},
        headers=underwriter,
    )
    assert marked.status_code == 200, marked.text
    assert (marked.json()["alert"]["status"], marked.json()["alert"]["resolution"]) == (
        "false_positive",
        "indicator_wrong",
    )
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    hidden = api.client.get(
        f"/api/monitoring/alerts/{alert['id']}", headers=api.headers(other.username)
    )
    assert hidden.status_code == 404
