"""The API's contract for bad input: located 422s, 409 on duplicates, 404 across tenants,
400 on malformed JSON, 401 on expired or forged tokens, 429 after repeated failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from liubu.accounts.credentials import issue_access_token
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant

PROBLEM = "application/problem+json"


def _enterprise(serial: int = 1, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": f"示例企业 {serial}",
        "uscc": str(uscc_with_check(f"91320500MA{serial:07d}")),
        "industry_section": "I",
        "industry_division": "65",
        "region_code": "320500",
        "annual_revenue": "50000000",
        "employees": 120,
        "mlps_level": 2,
    }
    body.update(changes)
    return body


def test_probes_report_process_and_database(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json()["database"] == "ok"


def test_a_wrong_uscc_check_character_is_a_422_naming_the_field(
    api: Api, platform: Platform
) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    good = str(_enterprise()["uscc"])
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = api.client.post(
        "/api/enterprises",
        json=_enterprise(uscc=wrong),
        headers=api.headers("insurer-a-underwriter"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["field"] == "uscc"
    assert problem["code"] == "uscc.check_character"
    assert "check character" in problem["detail"]


def test_an_industry_division_outside_its_section_is_a_422(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    response = api.client.post(
        "/api/enterprises",
        json=_enterprise(industry_section="C"),
        headers=api.headers("insurer-a-underwriter"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "industry_division"


def test_a_duplicate_enterprise_is_a_409_and_writes_nothing(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    headers = api.headers("insurer-a-underwriter")
    assert (
        api.client.post("/api/enterprises", json=_enterprise(), headers=headers).status_code == 201
    )
    response = api.client.post("/api/enterprises", json=_enterprise(), headers=headers)
    assert response.status_code == 409
    assert response.json()["reason"] == "duplicate"
    assert len(api.client.get("/api/enterprises", headers=headers).json()) == 1


def test_malformed_json_is_a_400_problem(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    response = api.client.post(
        "/api/enterprises",
        content=b'{"name": ',
        headers={**api.headers("insurer-a-underwriter"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["reason"] == "malformed_request"


def test_an_expired_token_is_a_401(api: Api, platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    expired = issue_access_token(
        tenant.principal,
        secret=platform.settings.signing_secret,
        minutes=5,
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    response = api.client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["reason"] == "token_expired"


def test_a_forged_token_is_a_401(api: Api, platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    forged = issue_access_token(tenant.principal, secret=b"not the platform secret" * 2, minutes=5)
    response = api.client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["reason"] == "token_invalid"
    unsigned = jwt.encode(
        {"sub": tenant.principal.user_id, "tid": "x", "exp": 9999999999}, key="", algorithm="none"
    )
    response = api.client.get("/api/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert response.status_code == 401


def test_no_credentials_is_a_401_with_a_bearer_challenge(api: Api) -> None:
    response = api.client.get("/api/enterprises")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_repeated_failed_sign_ins_are_rate_limited(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    limit = platform.settings.login_max_failures
    for _ in range(limit):
        response = api.client.post(
            "/api/auth/token", data={"username": "insurer-a-underwriter", "password": "wrong!!!"}
        )
        assert response.status_code == 401
    response = api.client.post(
        "/api/auth/token",
        data={"username": "insurer-a-underwriter", "password": PASSWORD},
    )
    assert response.status_code == 429
    # The first wait after the free failures, counted from the last failure (docs/security.md).
    first = platform.settings.login_first_delay_seconds
    assert 0 < int(response.headers["retry-after"]) <= first


def test_an_api_token_works_until_it_is_revoked(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    headers = api.headers("insurer-a-underwriter")
    issued = api.client.post("/api/tokens", json={"name": "pricing robot"}, headers=headers)
    assert issued.status_code == 201
    plaintext = issued.json()["token"]
    machine = {"Authorization": f"Bearer {plaintext}"}
    assert api.client.get("/api/me", headers=machine).json()["username"] == "insurer-a-underwriter"
    listed = api.client.get("/api/tokens", headers=headers).json()
    assert plaintext not in str(listed)  # only the hash is stored and nothing shows the secret
    revoked = api.client.delete(f"/api/tokens/{issued.json()['id']}", headers=headers)
    assert revoked.status_code == 204
    assert api.client.get("/api/me", headers=machine).status_code == 401
    tampered = plaintext[:-2] + ("AA" if not plaintext.endswith("AA") else "BB")
    assert (
        api.client.get("/api/me", headers={"Authorization": f"Bearer {tampered}"}).status_code
        == 401
    )


def test_an_update_with_a_stale_version_is_a_409(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    headers = api.headers("insurer-a-underwriter")
    created = api.client.post("/api/enterprises", json=_enterprise(), headers=headers).json()
    url = f"/api/enterprises/{created['id']}"
    first = api.client.put(url, json={**_enterprise(employees=130), "version": 1}, headers=headers)
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.client.put(url, json={**_enterprise(employees=140), "version": 1}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["reason"] == "stale_version"
    assert api.client.get(url, headers=headers).json()["employees"] == 130


def test_roles_that_may_not_register_enterprises_get_403(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    response = api.client.post(
        "/api/enterprises", json=_enterprise(), headers=api.headers("regulator-regulator_viewer")
    )
    assert response.status_code == 403
    assert response.json()["reason"] == "forbidden"
