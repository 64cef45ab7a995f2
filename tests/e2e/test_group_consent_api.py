"""Consent and identity over HTTP, against the demo's data.

The probe of issue 13: a second enterprise tenant put ten demo suppliers into its own scheme by
their public credit codes, read their names, scores and premiums, and bound a master policy with
certificates naming them. Now the reply names nobody, an unknown code gets the same reply as a
registered one, the quote prices nobody who did not accept, and nothing is bound."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from liubu import assessment
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role, new_id
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from liubu.demo import DEMO_PASSWORD, accept_invitations, load_demo
from liubu.store import tables
from tests.e2e.conftest import Api
from tests.integration.helpers import facts, make_tenant

CHAIN = "cankao-pc/supply-chain-cyber@1"


def _scanned(platform: Platform, member: Principal, enterprise_id: str) -> None:
    """One finished outside-in scan that found nothing."""
    now = datetime.now(UTC)
    with platform.uow(member) as uow:
        uow.assessment.add(
            Scan(
                id=new_id(),
                tenant_id=member.tenant_id,
                enterprise_id=enterprise_id,
                status=str(ScanState.FINISHED),
                targets=["member.example"],
                settings={},
                created_at=now,
                started_at=now,
                finished_at=now,
                result={"targets": []},
            )
        )
        uow.commit()


def _demo(api: Api, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token(username, DEMO_PASSWORD)}"}


def _body(serial: int, name: str) -> dict[str, Any]:
    body = dataclasses.asdict(
        dataclasses.replace(facts(serial, name=name), industry_section="C", industry_division="39")
    )
    body["annual_revenue"] = str(body["annual_revenue"])
    return body


def _sponsor(api: Api, platform: Platform, name: str, serial: int) -> tuple[dict[str, str], str]:
    """A new enterprise tenant with its own record and supply-chain scheme."""
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, name, Role.ENTERPRISE_USER)
    headers = api.headers(tenant.username)
    created = api.client.post("/api/enterprises", headers=headers, json=_body(serial, name))
    assert created.status_code == 201, created.text
    scheme = api.client.post(
        "/api/groups",
        headers=headers,
        json={
            "kind": "supply_chain",
            "name": f"{name} chain",
            "sponsor_enterprise_id": created.json()["id"],
            "product": CHAIN,
        },
    )
    assert scheme.status_code == 201, scheme.text
    return headers, f"/api/groups/{scheme.json()['id']}"


def _demo_suppliers(platform: Platform) -> list[tuple[str, str, str]]:
    """(record id, name, credit code) of the demo chain's ten suppliers."""
    with platform.uow(SYSTEM) as uow:
        (scheme,) = uow.groups.schemes()
        members = uow.groups.members(scheme.id)
        assert {m.state for m in members} == {"accepted"}  # the demo chain is built by consent
        records = [uow.enterprises.get(str(m.enterprise_id)) for m in members]
    return [(e.id, e.name, e.uscc) for e in records]


def _shape(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """The members of a reply without what differs by nature (ids, codes, times)."""
    drop = {"id", "uscc", "invited_at"}
    return [{k: v for k, v in m.items() if k not in drop} for m in reply["members"]]


def test_another_tenant_cannot_enrol_price_or_bind_the_demo_suppliers(
    api: Api, platform: Platform
) -> None:
    load_demo(platform)
    suppliers = _demo_suppliers(platform)
    secrets = {text for record_id, name, _uscc in suppliers for text in (record_id, name)}
    headers, url = _sponsor(api, platform, "Probe", 90)

    invited = api.client.post(
        f"{url}/members",
        headers=headers,
        json={"members": [{"uscc": u, "supplies": "零件"} for _i, _n, u in suppliers]},
    )
    assert invited.status_code == 201, invited.text
    assert not [s for s in secrets if s in invited.text]
    assert {(m["state"], m["name"], m["enterprise_id"]) for m in invited.json()["members"]} == {
        ("invited", None, None)
    }

    declared = {"truthful": True, "terms_read": True}
    quote = api.client.post(
        f"{url}/quote",
        headers=headers,
        json={"limit": 1000000, "bind": True, "declarations": declared},
    )
    assert quote.status_code == 409
    assert quote.json()["code"] == "group.no_accepted_members"
    assert "10 invited" in quote.json()["detail"]
    assert not [s for s in secrets if s in quote.text]
    view = api.client.get(url, headers=headers)
    assert not [s for s in secrets if s in view.text]
    with platform.engine.connect() as connection:
        policies = connection.execute(sa.select(sa.func.count()).select_from(tables.group_policies))
        certificates = connection.execute(
            sa.select(tables.certificates.c.enterprise_id).where(
                tables.certificates.c.enterprise_id.in_([i for i, _n, _u in suppliers])
            )
        ).all()
    assert policies.scalar_one() == 0
    assert certificates == []

    # A registered code and a code nobody holds get the same reply.
    unknown = str(uscc_with_check("91320500MA1GL0999"))
    replies = []
    for serial, code in ((91, suppliers[0][2]), (92, unknown)):
        other_headers, other_url = _sponsor(api, platform, f"Probe {serial}", serial)
        reply = api.client.post(
            f"{other_url}/members",
            headers=other_headers,
            json={"members": [{"uscc": code, "supplies": "零件"}]},
        )
        replies.append((reply.status_code, sorted(reply.json()), _shape(reply.json())))
    assert replies[0] == replies[1]


def test_a_member_accepts_over_http_and_its_sponsor_then_sees_its_score(
    api: Api, platform: Platform
) -> None:
    load_demo(platform)
    suppliers = _demo_suppliers(platform)
    headers, url = _sponsor(api, platform, "Sponsor", 80)
    member = make_tenant(platform, OrgKind.ENTERPRISE, "Member", Role.ENTERPRISE_USER)
    member_headers = api.headers(member.username)
    registered = api.client.post("/api/enterprises", headers=member_headers, json=_body(81, "M"))
    member_id, member_uscc = registered.json()["id"], registered.json()["uscc"]
    _scanned(platform, member.principal, member_id)
    codes = [u for _i, _n, u in suppliers[:9]] + [member_uscc]
    api.client.post(
        f"{url}/members",
        headers=headers,
        json={"members": [{"uscc": u, "supplies": "零件"} for u in codes]},
    )
    (invitation,) = api.client.get("/api/group-invitations", headers=member_headers).json()
    assert (invitation["sponsor_name"], invitation["state"]) == ("Sponsor 80", "invited")

    unverified = api.client.post(
        f"/api/group-invitations/{invitation['id']}/accept", headers=member_headers
    )
    assert unverified.status_code == 409
    assert unverified.json()["code"] == "group.member_unverified"
    admin = _demo(api, "admin")
    refused = api.client.post(f"/api/enterprises/{member_id}/verification", headers=member_headers)
    assert refused.status_code == 403
    verified = api.client.post(f"/api/enterprises/{member_id}/verification", headers=admin)
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified_at"] is not None

    accepted = api.client.post(
        f"/api/group-invitations/{invitation['id']}/accept", headers=member_headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    # Only the member and the platform know... until now: the sponsor sees name and score.
    view = api.client.get(url, headers=headers).json()
    row = next(m for m in view["members"] if m["uscc"] == member_uscc)
    assert (row["state"], row["name"], row["enterprise_id"]) == ("accepted", "M 81", member_id)

    for _record, _name, uscc in suppliers[:9]:  # the demo suppliers' own users accept too
        assert accept_invitations(platform, uscc) == 1
    quote = api.client.post(f"{url}/quote", headers=headers, json={"limit": "1000000"})
    assert quote.status_code == 200, quote.text
    line = next(m for m in quote.json()["members"] if m["enterprise_id"] == member_id)
    with platform.uow(member.principal) as uow:  # the member's own view of its score
        own = assessment.security_score(uow, member_id)
    assert (line["source"], line["score"], line["grade"]) == (
        "assessment",
        float(own.value),
        own.grade,
    )
    assert len(quote.json()["members"]) == 10

    left = api.client.post(
        f"/api/group-invitations/{invitation['id']}/leave", headers=member_headers
    )
    assert left.json()["state"] == "left"
    view = api.client.get(url, headers=headers).json()
    row = next(m for m in view["members"] if m["uscc"] == member_uscc)
    assert (row["state"], row["name"], row["enterprise_id"]) == ("left", None, None)
    declined = api.client.post(
        f"/api/group-invitations/{invitation['id']}/decline", headers=member_headers
    )
    assert declined.status_code == 409  # only an open invitation is declined


def test_a_second_registration_is_409_with_a_claim_the_operator_decides(
    api: Api, platform: Platform
) -> None:
    load_demo(platform)
    _record, _name, uscc = _demo_suppliers(platform)[0]
    squatter = make_tenant(platform, OrgKind.ENTERPRISE, "Squatter", Role.ENTERPRISE_USER)
    headers = api.headers(squatter.username)
    body = {**_body(70, "Squatter"), "uscc": uscc}
    taken = api.client.post("/api/enterprises", headers=headers, json=body)
    assert taken.status_code == 409
    problem = taken.json()
    assert problem["code"] == "identity.uscc_taken"
    claim_id = problem["claim_id"]
    evidence = api.client.post(
        f"/api/identity-claims/{claim_id}/evidence", headers=headers, json={"note": "执照 x"}
    )
    assert evidence.status_code == 200, evidence.text
    admin = _demo(api, "admin")
    (claim,) = api.client.get("/api/identity-claims", headers=admin).json()
    assert (claim["id"], claim["state"], claim["claimant_evidence"]) == (claim_id, "open", "执照 x")
    decided = api.client.post(
        f"/api/identity-claims/{claim_id}/decision",
        headers=admin,
        json={"uphold": False, "note": "the licence names the holder"},
    )
    assert decided.json()["state"] == "rejected"
    assert api.client.post("/api/enterprises", headers=headers, json=body).status_code == 409


def test_names_with_nul_or_a_right_to_left_override_are_422_at_the_name(
    api: Api, platform: Platform
) -> None:
    load_demo(platform)
    headers = _demo(api, "enterprise")
    for bad in ("示例\x00公司", "示例\u202e公司"):
        response = api.client.post(
            "/api/enterprises", headers=headers, json={**_body(60, "x"), "name": bad}
        )
        assert response.status_code == 422
        assert (response.json()["field"], response.json()["code"]) == (
            "name",
            "name.forbidden_characters",
        )
        enterprise_id = api.client.get("/api/enterprises", headers=headers).json()[0]["id"]
        scheme = api.client.post(
            "/api/groups",
            headers=headers,
            json={
                "kind": "supply_chain",
                "name": bad,
                "sponsor_enterprise_id": enterprise_id,
                "product": CHAIN,
            },
        )
        assert scheme.status_code == 422
        assert scheme.json()["field"] == "name"
