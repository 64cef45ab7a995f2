"""``POST /api/reserving``: an insurer's actuary posts the Taylor/Ashe triangle (as CSV text and as
JSON cells) and gets Mack (1993)'s published figures; a gap is a problem+json naming origin and
development, a decreasing paid amount names the CSV line; other roles and tenants get 403."""

from __future__ import annotations

from decimal import Decimal

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.unit.test_reserving import MACK_1993_SE, TAYLOR_ASHE, _long_csv


def _units(text: str) -> int:
    return int(Decimal(text).quantize(Decimal(1)))


def test_an_actuary_reserves_the_published_triangle_over_http(api: Api, platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Shifan", Role.ACTUARY, code="shifan-pc")
    headers = api.headers(actuary.username)
    text = _long_csv(TAYLOR_ASHE, 2001)

    by_csv = api.client.post(
        "/api/reserving", headers=headers, json={"method": "mack", "csv": text}
    )
    assert by_csv.status_code == 200, by_csv.text
    result = by_csv.json()
    assert _units(result["ibnr"]) == 18_680_856
    assert _units(result["mack_se"]) == 2_447_095
    assert [_units(o["mack_se"]) for o in result["origins"]][1:] == MACK_1993_SE
    assert [f["age_to_age"][:5] for f in result["factors"]][:2] == ["3.490", "1.747"]
    assert result["triangle"]["developments"][-1] == 120
    assert result["triangle"]["cells"][9][:2] == ["344014", None]
    assert "sigma_interpolation=mack" in result["settings"]

    cells = [
        {"origin": origin, "development": int(development), "value": value}
        for origin, development, value in (line.split(",") for line in text.split()[1:])
    ]
    by_points = api.client.post(
        "/api/reserving", headers=headers, json={"method": "mack", "points": cells}
    )
    assert by_points.status_code == 200, by_points.text
    assert by_points.json()["ibnr"] == result["ibnr"]  # one path, whatever the input form

    bf = api.client.post(
        "/api/reserving",
        headers=headers,
        json={
            "method": "bf",
            "points": cells,
            "apriori": "0.9",
            "premium": [{"origin": str(y), "premium": "6000000"} for y in range(2001, 2011)],
        },
    )
    assert bf.status_code == 200, bf.text
    # 2010: 0.9 × 6,000,000 × (1 − 1/14.446577) = 5,026,209.03 (age-to-ultimate from Mack 1993)
    assert _units(bf.json()["origins"][9]["ibnr"]) == 5_026_209


def test_bad_triangles_are_located_problems(api: Api, platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Shifan", Role.ACTUARY, code="shifan-pc")
    headers = api.headers(actuary.username)
    gap = [
        {"origin": "2020", "development": 12, "value": "1"},
        {"origin": "2020", "development": 24, "value": "2"},
        {"origin": "2020", "development": 36, "value": "3"},
        {"origin": "2021", "development": 12, "value": "1"},
        {"origin": "2022", "development": 12, "value": "1"},
    ]
    refused = api.client.post("/api/reserving", headers=headers, json={"points": gap})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "claims.triangle_gap"
    assert problem["location"] == "origin 2021, development 24"

    falling = "origin,development,value\n2020,12,5\n2020,24,4\n2021,12,1\n"
    refused = api.client.post("/api/reserving", headers=headers, json={"csv": falling})
    assert refused.status_code == 422
    assert refused.json()["code"] == "claims.triangle_decreasing"
    assert refused.json()["location"] == "csv:3"
    allowed = api.client.post(
        "/api/reserving", headers=headers, json={"csv": falling, "basis": "incurred"}
    )
    assert allowed.status_code == 200, allowed.text

    no_premium = api.client.post(
        "/api/reserving",
        headers=headers,
        json={"csv": falling, "basis": "incurred", "method": "bf", "apriori": "0.7"},
    )
    assert no_premium.status_code == 422
    assert no_premium.json()["code"] == "claims.reserving_exposure"

    both = api.client.post("/api/reserving", headers=headers, json={"csv": falling, "points": gap})
    assert both.status_code == 422


def test_only_an_insurers_actuary_or_admin_may_reserve(api: Api, platform: Platform) -> None:
    body = {"csv": "origin,development,value\n2020,12,5\n2020,24,6\n2021,12,1\n"}
    for kind, name, role in (
        (OrgKind.INSURER, "Underwriters", Role.UNDERWRITER),
        (OrgKind.ENTERPRISE, "Client", Role.ENTERPRISE_USER),
        (OrgKind.SECURITY_PROVIDER, "Vendor", Role.ADMIN),
    ):
        user = make_tenant(platform, kind, name, role)
        answer = api.client.post("/api/reserving", headers=api.headers(user.username), json=body)
        assert answer.status_code == 403, (kind, role)
    assert api.client.post("/api/reserving", json=body).status_code == 401
    admin = make_tenant(platform, OrgKind.INSURER, "Insurer", Role.ADMIN)
    answer = api.client.post("/api/reserving", headers=api.headers(admin.username), json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["ibnr"] == "0.20"  # 1 × 6/5 − 1
