"""Dependencies, the insurer's imported book and the market accumulation over HTTP, on real
databases: the insured declares and reads its dependencies, its insurer reads them, others get
404 or 403; bad rows are refused with their field; the insurer uploads its existing book; the
regulator reads the accumulation by provider, with no insured named."""

from __future__ import annotations

import json
import re

from liubu import assessment
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant
from tests.integration.monitoring_world import IN_TERM, build_world, insurer_staff

CLOUD = {
    "kind": "cloud",
    "provider": "alibaba_cloud",
    "region": "cn-hangzhou",
    "tolerance_hours": 2,
    "revenue_share": 0.8,
}
BOOK = (
    "id,industry,region,revenue,retention,aggregate_limit,bi_sublimit,bi_waiting_hours,"
    "dependencies\n"
    "OLD-1,C27,320500,80000000,20000,2000000,1000000,8,aliyun-cn-hangzhou:2:0.5\n"
)


def test_the_insured_declares_its_insurer_reads_and_others_are_refused(
    platform: Platform, api: Api
) -> None:
    world = build_world(platform)
    url = f"/api/enterprises/{world.enterprise_id}/dependencies"
    insured = api.headers("insured-1-enterprise_user")
    body = {"dependencies": [CLOUD, {"kind": "dns", "provider": "DNSPod"}]}
    saved = api.client.put(url, json=body, headers=insured)
    assert saved.status_code == 200, saved.text
    rows = saved.json()["dependencies"]
    assert [(r["source"], r["kind"], r["provider"]) for r in rows[:2]] == [
        ("declared", "cloud", "alibaba_cloud"),
        ("declared", "dns", "DNSPod"),
    ]
    assert {r["source"] for r in rows[2:]} == {"scan"}
    assert api.client.get(url, headers=insured).json()["dependencies"] == rows
    # the insurer that insures it reads, but may not declare
    insurer_staff(platform, Role.UNDERWRITER)
    underwriter = api.headers("shifan-pc-underwriter")
    assert api.client.get(url, headers=underwriter).json()["dependencies"] == rows
    assert api.client.put(url, json=body, headers=underwriter).status_code == 403
    # another enterprise and a provider that does not serve it see nothing
    make_tenant(platform, OrgKind.ENTERPRISE, "Stranger", Role.ENTERPRISE_USER)
    make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    for username in ("stranger-enterprise_user", "guard-security_analyst"):
        assert api.client.get(url, headers=api.headers(username)).status_code == 404
    # a bad row is refused with its index and field; too many rows are refused
    bad = api.client.put(
        url,
        json={"dependencies": [CLOUD, {**CLOUD, "region": "Hang Zhou"}]},
        headers=insured,
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "dependencies[1].region"
    many = [{"kind": "dns", "provider": f"p{i}"} for i in range(51)]
    assert api.client.put(url, json={"dependencies": many}, headers=insured).status_code == 422
    share = api.client.put(
        url, json={"dependencies": [{**CLOUD, "revenue_share": 2}]}, headers=insured
    )
    assert share.status_code == 422
    assert "revenue_share" in share.json()["field"]
    # nothing of the refused bodies was stored
    assert api.client.get(url, headers=insured).json()["dependencies"] == rows


def test_the_insurer_uploads_its_book_and_the_regulator_reads_the_accumulation(
    platform: Platform, api: Api
) -> None:
    worlds = [build_world(platform, serial=serial) for serial in (1, 2, 3)]
    for serial, world in enumerate(worlds, start=1):
        response = api.client.put(
            f"/api/enterprises/{world.enterprise_id}/dependencies",
            json={"dependencies": [CLOUD]},
            headers=api.headers(f"insured-{serial}-enterprise_user"),
        )
        assert response.status_code == 200, response.text
    insurer_staff(platform, Role.ACTUARY)
    actuary = api.headers("shifan-pc-actuary")
    bad = api.client.post(
        "/api/portfolio/book",
        files={"file": ("old.csv", BOOK.replace("aliyun-cn-hangzhou", "nowhere"), "text/csv")},
        headers=actuary,
    )
    assert bad.status_code == 422
    assert (bad.json()["location"], bad.json()["field"]) == ("old.csv:2", "dependencies")
    uploaded = api.client.post(
        "/api/portfolio/book", files={"file": ("old.csv", BOOK, "text/csv")}, headers=actuary
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["rows"] == 1
    book = api.client.get("/api/portfolio/book", headers=actuary).json()
    assert (book["from_store"], book["imported"]) == (3, 1)
    # an enterprise has no book
    refused = api.client.get(
        "/api/portfolio/book", headers=api.headers("insured-1-enterprise_user")
    )
    assert refused.status_code == 403

    make_tenant(platform, OrgKind.REGULATOR, "Bureau", Role.REGULATOR_VIEWER)
    regulator = api.headers("bureau-regulator_viewer")
    on = IN_TERM.date().isoformat()
    response = api.client.get(f"/api/statistics/dependencies?on={on}&lang=en", headers=regulator)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["totals"]["insureds"] == 3
    rows = {row["key"]: row for row in data["by"]["provider"]}
    # the three insureds on Alibaba Cloud Hangzhou, each insured for its bound limit (500,000)
    assert rows["cloud:alibaba_cloud"]["insureds"] == 3
    assert rows["cloud:alibaba_cloud"]["sum_insured"] == "1500000.00"
    (region,) = data["by"]["cloud_region"]
    assert (region["name"], region["insureds"]) == ("Alibaba Cloud cn-hangzhou", 3)
    # the scans' software (Apache and nginx on all three) groups by vendor
    assert rows["software:apache"]["insureds"] == 3
    text = json.dumps(data, ensure_ascii=False)
    with platform.uow(SYSTEM) as uow:
        for world in worlds:
            enterprise = uow.enterprises.get(world.enterprise_id)
            for secret in (enterprise.name, enterprise.uscc, world.policy_number, world.policy_id):
                assert secret not in text
        assert "Shifan" not in text
        assert "示范" not in text
    # only a regulator or the platform
    assert api.client.get("/api/statistics/dependencies", headers=actuary).status_code == 403


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_diagnosis_page_form_declares_and_refuses_a_bad_row_beside_it(
    platform: Platform, api: Api
) -> None:
    world = build_world(platform)
    login = _csrf(api.client.get("/login").text)
    signed = api.client.post(
        "/login",
        data={"username": "insured-1-enterprise_user", "password": PASSWORD, "csrf_token": login},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    page = api.client.get(f"/diagnosis/{world.enterprise_id}")
    assert 'data-testid="declare-dependencies"' in page.text
    token = _csrf(page.text)
    form = {
        "csrf_token": token,
        "kind": ["cloud", "dns", ""],
        "provider": ["alibaba_cloud", "DNSPod", "ignored"],
        "region": ["cn-hangzhou", "", ""],
        "cpe": ["", "", ""],
        "tolerance_hours": ["2", "1", ""],
        "revenue_share": ["0.8", "", ""],
    }
    saved = api.client.post(f"/diagnosis/{world.enterprise_id}/dependencies", data=form)
    assert saved.status_code == 200  # followed back to the page
    rows = assessment.enterprise_dependencies(platform.uow(world.buyer), world.enterprise_id)
    assert [(d.kind, d.provider, d.revenue_share) for d in rows if d.source == "declared"] == [
        ("cloud", "alibaba_cloud", 0.8),
        ("dns", "DNSPod", 1.0),
    ]
    assert 'data-dependency="cloud:alibaba_cloud"' in saved.text
    bad = {**form, "csrf_token": _csrf(saved.text), "revenue_share": ["3", "", ""]}
    refused = api.client.post(f"/diagnosis/{world.enterprise_id}/dependencies", data=bad)
    assert 'data-testid="refusal"' in refused.text
    after = assessment.enterprise_dependencies(platform.uow(world.buyer), world.enterprise_id)
    assert after == rows  # nothing stored
