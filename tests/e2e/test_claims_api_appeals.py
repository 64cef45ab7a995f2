"""Appeals over HTTP: the insured appeals, a second adjuster re-assesses, the decision is
recorded; another insurer and a vendor get 404 on every appeal route; bodies are bounded."""

from __future__ import annotations

from decimal import Decimal

from liubu import claims
from liubu.accounts.model import Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.claims_world import build, insurer_user, notice

ITEM = {"coverage": "forensics", "kind": "invoice", "description": "Forensics", "amount": "60000"}


def test_appeal_routes_over_http(api: Api, platform: Platform) -> None:
    world = build(platform)
    insurer_user(platform, Role.CLAIMS_ADJUSTER, "sf-adjuster-2")
    with platform.uow(world.insured) as uow:
        claim = claims.notify(uow, notice(world.policy)).claim
        position = claims.coverage_of(uow, claim.id)
    rulings = {e.code: {"status": "does_not_apply", "reason": "No."} for e in position.exclusions}
    adjuster = api.headers(world.adjuster.username)
    second = api.headers("sf-adjuster-2")
    insured = api.headers(world.insured.username)
    case = f"/api/claims/{claim.id}"
    assessed = api.client.post(
        f"{case}/assessment", json={"items": [ITEM], "rulings": rulings}, headers=adjuster
    )
    assert assessed.status_code == 200, assessed.text

    too_long = {"lines": ["retention"], "reasons": "x" * 4001}
    assert api.client.post(f"{case}/appeals", json=too_long, headers=insured).status_code == 422
    unknown = api.client.post(
        f"{case}/appeals", json={"lines": ["nope"], "reasons": "x"}, headers=insured
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "claims.appeal.bad_lines"
    lodged = api.client.post(
        f"{case}/appeals",
        json={"lines": ["item:forensics"], "reasons": "A second invoice was left out."},
        headers=insured,
    )
    assert lodged.status_code == 201, lodged.text
    appeal = lodged.json()
    assert appeal["state"] == "open"
    again = api.client.post(
        f"{case}/appeals", json={"lines": ["retention"], "reasons": "x"}, headers=insured
    )
    assert again.status_code == 409
    assert again.json()["code"] == "claims.appeal.already_open"

    base = f"{case}/appeals/{appeal['id']}"
    body = {"items": [ITEM, {**ITEM, "amount": "30000"}], "rulings": rulings}
    same = api.client.post(f"{base}/reassess", json=body, headers=adjuster)
    assert same.status_code == 403
    assert same.json()["code"] == "claims.appeal.same_adjuster"
    for other in (world.other_insurer, world.provider):
        headers = api.headers(other.username)
        assert api.client.get(f"{case}/appeals", headers=headers).status_code == 404
        for url, payload in (
            (f"{case}/appeals", {"lines": ["retention"], "reasons": "x"}),
            (f"{base}/reassess", body),
            (f"{base}/decision", {"outcome": "dismissed", "reasons": "x"}),
        ):
            assert api.client.post(url, json=payload, headers=headers).status_code == 404, url
    reassessed = api.client.post(f"{base}/reassess", json=body, headers=second)
    assert reassessed.status_code == 200, reassessed.text
    new_payable = Decimal(reassessed.json()["new_payable"])
    assert new_payable > Decimal(appeal["original_payable"])
    decided = api.client.post(
        f"{base}/decision",
        json={"outcome": "partly_upheld", "reasons": "The second invoice is accepted."},
        headers=second,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "partly_upheld"
    (listed,) = api.client.get(f"{case}/appeals", headers=insured).json()
    assert listed["state"] == "decided"
    assert Decimal(listed["new_payable"]) == new_payable
