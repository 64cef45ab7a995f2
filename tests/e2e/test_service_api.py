"""``/api/services`` over HTTP on both databases: the insurer puts a provider on its panel and
schedules, the provider sees only its queue and works a task, a blank report is a 422, the
provider may not send its own report back, the insurer does, and the insured lists what is late."""

from __future__ import annotations

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import build_world, insurer_staff
from tests.unit.monitoring.realdata import require_shared


def test_panel_schedule_queue_and_send_back(api: Api, platform: Platform) -> None:
    require_shared()
    world = build_world(platform)
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    insurer_staff(platform, Role.UNDERWRITER)
    insurer = api.headers("shifan-pc-underwriter")
    worker = api.headers(provider.username)
    insured = api.headers("insured-1-enterprise_user")
    c = api.client

    added = c.post(
        "/api/services/panel",
        json={"provider_id": provider.organisation_id, "service": "continuous_monitoring"},
        headers=insurer,
    )
    assert added.status_code == 201, added.text
    assert added.json() == {
        "service": "continuous_monitoring",
        "provider_id": provider.organisation_id,
        "rank": 1,
    }
    assert c.post("/api/services/panel", json={}, headers=worker).status_code == 422
    listed = c.get("/api/services/panel", headers=insurer)
    assert listed.status_code == 200, listed.text
    assert listed.json() == [added.json()]
    assert c.get("/api/services/panel", headers=worker).status_code == 403
    scheduled = c.post("/api/services/schedule", params={"on": "2026-02-10"}, headers=insurer)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["created"] == 35
    assert c.post("/api/services/schedule", headers=worker).status_code == 403

    queue = c.get("/api/services", params={"on": "2026-02-10"}, headers=worker).json()
    assert len(queue) == 12
    assert {t["service"] for t in queue} == {"continuous_monitoring"}
    first = queue[0]
    assert (first["due_on"], first["overdue"], first["breach"]) == ("2026-01-31", True, "complete")

    task = queue[1]["id"]
    accepted = c.post(f"/api/services/{task}/accept", headers=worker)
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    blank = c.post(f"/api/services/{task}/report", json={"report": ""}, headers=worker)
    assert blank.status_code == 422
    sent = c.post(f"/api/services/{task}/report", json={"report": "Feb."}, headers=worker)
    assert (sent.status_code, sent.json()["status"]) == (200, "reported")
    own = c.post(f"/api/services/{task}/reject", json={"reason": "wrong_asset"}, headers=worker)
    assert own.status_code == 403
    back = c.post(f"/api/services/{task}/reject", json={"reason": "wrong_asset"}, headers=insurer)
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["reject_reason"]) == ("returned", "wrong_asset")
    assert c.post(f"/api/services/{task}/accept", headers=worker).status_code == 422

    late = c.get(
        "/api/services", params={"overdue": "true", "on": "2026-02-10"}, headers=insured
    ).json()
    assert {(t["service"], t["due_on"]) for t in late} >= {("continuous_monitoring", "2026-01-31")}
    assert all(t["overdue"] for t in late)
    assert c.get("/api/services", headers=insured).status_code == 200
    assert world.policy_number in {t["policy_number"] for t in late}
