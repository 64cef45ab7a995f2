"""Group cover over HTTP, as a chain owner's system would drive it: create the scheme, invite
suppliers by credit code (a batch with a duplicate is refused whole), the suppliers accept, quote —
each party's premium adding up to the insurer's — and bind: one certificate per supplier."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.demo import accept_invitations, load_reference_products, register_scanned_supplier
from liubu.store import tables
from tests.e2e.conftest import Api
from tests.integration.helpers import facts, make_tenant

PRODUCT = "cankao-pc/supply-chain-cyber@1"


def _supplier(platform: Platform, serial: int) -> str:
    """A supplier with one finished outside-in scan: serial 0 clean, the others with an exposed
    remote desktop or a missing DMARC record, so that their scores differ."""
    codes = [(), ("service.rdp_exposed",), ("email.no_dmarc",)][serial % 3]
    return register_scanned_supplier(platform, f"供应商 {serial}", serial, codes)


def test_a_chain_is_created_filled_quoted_and_bound_over_http(api: Api, platform: Platform) -> None:
    load_reference_products(platform)
    owner = make_tenant(platform, OrgKind.ENTERPRISE, "Chain owner", Role.ENTERPRISE_USER)
    headers = api.headers(owner.username)
    body = dataclasses.asdict(
        dataclasses.replace(facts(1, name="链主"), industry_section="C", industry_division="39")
    )
    body["annual_revenue"] = str(body["annual_revenue"])
    created = api.client.post("/api/enterprises", headers=headers, json=body)
    assert created.status_code == 201, created.text
    owner_id = created.json()["id"]
    suppliers = [_supplier(platform, i) for i in range(10)]

    scheme = api.client.post(
        "/api/groups",
        headers=headers,
        json={
            "kind": "supply_chain",
            "name": "示例供应链",
            "sponsor_enterprise_id": owner_id,
            "product": PRODUCT,
        },
    )
    assert scheme.status_code == 201, scheme.text
    url = f"/api/groups/{scheme.json()['id']}"

    bad = suppliers[0][:-1] + ("0" if suppliers[0][-1] != "0" else "1")
    refused = api.client.post(
        f"{url}/members",
        headers=headers,
        json={
            "members": [
                {"uscc": suppliers[0], "supplies": "芯片"},
                {"uscc": bad, "supplies": "芯片"},
            ]
        },
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "uscc"
    twice = api.client.post(
        f"{url}/members",
        headers=headers,
        json={
            "members": [
                {"uscc": suppliers[0], "supplies": "芯片"},
                {"uscc": suppliers[0], "supplies": "芯片"},
            ]
        },
    )
    assert twice.status_code == 409
    assert suppliers[0] in twice.json()["detail"]
    assert api.client.get(url, headers=headers).json()["members"] == []

    added = api.client.post(
        f"{url}/members",
        headers=headers,
        json={
            "members": [
                {"uscc": u, "supplies": "电子元器件", "access": "remote_access"} for u in suppliers
            ]
        },
    )
    assert added.status_code == 201, added.text
    graph = api.client.get(url, headers=headers).json()
    assert sorted(m["uscc"] for m in graph["members"]) == sorted(suppliers)
    assert {m["access"] for m in graph["members"]} == {"remote_access"}
    assert {m["state"] for m in graph["members"]} == {"invited"}
    for uscc in suppliers:  # each supplier's own user accepts
        assert accept_invitations(platform, uscc) == 1
    graph = api.client.get(url, headers=headers).json()
    assert {m["state"] for m in graph["members"]} == {"accepted"}
    assert all(m["name"].startswith("供应商") for m in graph["members"])

    response = api.client.post(f"{url}/quote", headers=headers, json={"limit": "1000000"})
    assert response.status_code == 200, response.text
    quoted = response.json()
    members = quoted["members"]
    assert len(members) == 10
    assert {m["source"] for m in members} == {"assessment"}
    by_code = {m["uscc"]: m for m in members}
    clean, exposed = by_code[suppliers[0]], by_code[suppliers[1]]
    assert clean["score"] > exposed["score"]
    assert Decimal(clean["member_share"]) < Decimal(exposed["member_share"])
    sponsor, total = Decimal(quoted["sponsor_premium"]), Decimal(quoted["total_premium"])
    shares = [Decimal(m["member_share"]) for m in members]
    assert sponsor + sum(shares) == total
    assert all(
        Decimal(m["premium"]) == Decimal(m["member_share"]) + Decimal(m["sponsor_share"])
        for m in members
    )

    # Binding needs the sponsor's two declarations and a start within the allowed window, as
    # binding one enterprise's policy does; a refusal binds nothing.
    bind = {"limit": "1000000", "bind": True}
    undeclared = api.client.post(f"{url}/quote", headers=headers, json=bind)
    assert undeclared.status_code == 422, undeclared.text
    assert undeclared.json()["code"] == "bind.declarations_required"
    half = {**bind, "declarations": {"truthful": True, "terms_read": False}}
    half_declared = api.client.post(f"{url}/quote", headers=headers, json=half)
    assert half_declared.status_code == 422
    assert half_declared.json()["code"] == "bind.declarations_required"
    assert half_declared.json()["field"] == "terms_read"
    declared = {**bind, "declarations": {"truthful": True, "terms_read": True}}
    too_late = shanghai_today() + timedelta(days=91)
    late = api.client.post(
        f"{url}/quote", headers=headers, json={**declared, "start": too_late.isoformat()}
    )
    assert late.status_code == 422
    assert late.json()["code"] == "bind.start_out_of_range"
    with platform.engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(tables.group_policies))
        assert stored.scalar_one() == 0

    start = shanghai_today() + timedelta(days=10)
    bound = api.client.post(
        f"{url}/quote", headers=headers, json={**declared, "start": start.isoformat()}
    )
    assert bound.status_code == 200, bound.text
    master = bound.json()["master_policy"]
    assert master["number"]
    assert master["status"] == "in_force"
    assert date.fromisoformat(master["period_start"]) == start
    with platform.engine.connect() as connection:
        row = connection.execute(sa.select(tables.group_policies)).one()
    assert row.period_start == start  # in force from the day the sponsor chose
    assert (row.declarations["truthful"], row.declarations["terms_read"]) == (True, True)
    assert row.declarations["by_name"] == owner.username
    again = api.client.post(
        f"{url}/members",
        headers=headers,
        json={"members": [{"uscc": suppliers[1], "supplies": "芯片"}]},
    )
    assert again.status_code == 409  # a bound scheme's membership is frozen
