"""Over HTTP: the chain owner declares a supplier-of-supplier link (API and its page's form, with
located refusals), binds, and the insurer of the master policy then sees the chain's contagion —
its page in Chinese and English and ``GET /api/groups/{id}/contagion``, the same figures as the
owner's; another insurer and a supplier get 404 for both."""

from __future__ import annotations

import re

from liubu import accounts
from liubu.accounts.model import SYSTEM, Role
from liubu.bootstrap import Platform
from liubu.demo import accept_invitations, load_reference_products, register_scanned_supplier
from tests.e2e.conftest import Api
from tests.e2e.test_statistics_page import _sign_in
from tests.integration.helpers import PASSWORD, SUPPLY_CHAIN_PRODUCT, verified_enterprise

ACCESS = ("remote_access", "software_supply", *("none",) * 8)


def _user(platform: Platform, *, tenant_id: str, username: str, role: Role) -> str:
    with platform.uow(SYSTEM) as uow:
        accounts.create_user(
            uow, tenant_id=tenant_id, username=username, password=PASSWORD, roles=[role]
        )
        uow.commit()
    return username


def _insurer_user(platform: Platform, code: str) -> str:
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code(code)
        assert organisation is not None
    return _user(platform, tenant_id=organisation.id, username=f"{code}-uw", role=Role.UNDERWRITER)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_insurer_of_the_chain_sees_its_contagion_and_no_one_else_does(
    api: Api, platform: Platform
) -> None:
    load_reference_products(platform)
    _owner, owner_id, _uscc = verified_enterprise(platform, "Owner", 1)
    codes = [register_scanned_supplier(platform, f"供应商 {i}", i, ()) for i in range(10)]
    owner_headers = api.headers("owner-enterprise_user")
    created = api.client.post(
        "/api/groups",
        json={
            "kind": "supply_chain",
            "name": "示例供应链",
            "sponsor_enterprise_id": owner_id,
            "product": SUPPLY_CHAIN_PRODUCT,
        },
        headers=owner_headers,
    )
    assert created.status_code == 201, created.text
    scheme_id = created.json()["id"]
    invited = api.client.post(
        f"/api/groups/{scheme_id}/members",
        json={
            "members": [
                {"uscc": uscc, "supplies": "零件", "access": access}
                for uscc, access in zip(codes, ACCESS, strict=True)
            ]
        },
        headers=owner_headers,
    )
    assert invited.status_code == 201, invited.text
    for uscc in codes:
        accept_invitations(platform, uscc)
    with platform.uow(SYSTEM) as uow:
        holders = [uow.enterprises.find_identity_holder(uscc) for uscc in codes]
    ids = [h.id for h in holders if h is not None]

    # the owner declares over the API that supplier 5 reaches it through supplier 0
    link = {"source": ids[5], "target": ids[0], "access": "network_connection"}
    declared = api.client.post(f"/api/groups/{scheme_id}/links", json=link, headers=owner_headers)
    assert declared.status_code == 201, declared.text
    assert (declared.json()["source_name"], declared.json()["target_name"]) == (
        "供应商 5",
        "供应商 0",
    )
    for wrong, status, field, code in (
        ({"target": "nobody"}, 422, "target", "group.link_unknown_member"),
        ({"target": ids[5]}, 422, "target", "group.link_self"),
        ({}, 409, None, "group.link_duplicate"),
    ):
        answer = api.client.post(
            f"/api/groups/{scheme_id}/links", json={**link, **wrong}, headers=owner_headers
        )
        assert answer.status_code == status, answer.text
        assert answer.json()["code"] == code
        assert answer.json().get("field") == field
    bad_access = api.client.post(
        f"/api/groups/{scheme_id}/links", json={**link, "access": "x"}, headers=owner_headers
    )
    assert (bad_access.status_code, bad_access.json()["field"]) == (422, "access")

    # and a second through its page's form
    _sign_in(api, "owner-enterprise_user")
    page = api.client.get(f"/groups/{scheme_id}").text
    assert 'data-testid="link-form"' in page
    posted = api.client.post(
        f"/groups/{scheme_id}/links",
        data={
            "source": ids[6],
            "target": ids[1],
            "access": "remote_access",
            "csrf_token": _csrf(page),
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    listed = api.client.get(f"/api/groups/{scheme_id}/links", headers=owner_headers).json()
    assert [(x["source"], x["target"]) for x in listed] == [(ids[5], ids[0]), (ids[6], ids[1])]
    page = api.client.get(f"/groups/{scheme_id}").text
    assert len(re.findall(r'<tr data-link="', page)) == 2
    # withdrawn from the page, and a refused link is told beside the form, not stored
    withdrawn = api.client.post(
        f"/groups/{scheme_id}/links/{listed[1]['id']}/remove",
        data={"csrf_token": _csrf(page)},
        follow_redirects=True,
    )
    assert len(re.findall(r'<tr data-link="', withdrawn.text)) == 1
    refused = api.client.post(
        f"/groups/{scheme_id}/links",
        data={"source": ids[6], "target": ids[6], "access": "none", "csrf_token": _csrf(page)},
        follow_redirects=True,
    )
    assert 'class="error"' in refused.text
    assert len(re.findall(r'<tr data-link="', refused.text)) == 1
    again = api.client.post(
        f"/groups/{scheme_id}/links",
        data={
            "source": ids[6],
            "target": ids[1],
            "access": "remote_access",
            "csrf_token": _csrf(page),
        },
        follow_redirects=True,
    )
    assert len(re.findall(r'<tr data-link="', again.text)) == 2
    api.client.cookies.clear()

    bound = api.client.post(
        f"/api/groups/{scheme_id}/quote",
        json={
            "limit": "1000000",
            "bind": True,
            "declarations": {"truthful": True, "terms_read": True},
        },
        headers=owner_headers,
    )
    assert bound.status_code == 200, bound.text
    number = bound.json()["master_policy"]["number"]

    insurer = _insurer_user(platform, "cankao-pc")
    other = _insurer_user(platform, "shifan-pc")
    supplier = _user(
        platform,
        tenant_id=holders[0].tenant_id,
        username="supplier-user",
        role=Role.ENTERPRISE_USER,
    )  # type: ignore[union-attr]

    query = f"/api/groups/{scheme_id}/contagion?trials=5000&seed=11"
    by_insurer = api.client.get(query, headers=api.headers(insurer))
    assert by_insurer.status_code == 200, by_insurer.text
    by_owner = api.client.get(query, headers=owner_headers).json()
    assert by_insurer.json() == by_owner  # the same chain, links and figures
    assert {(e["from"], e["to"]) for e in by_owner["edges"]} >= {(ids[5], ids[0]), (ids[6], ids[1])}
    assert abs(sum(c["share"] for c in by_owner["contributions"]) - 1) < 1e-9
    too_many = api.client.get(
        f"/api/groups/{scheme_id}/contagion?trials=10000000", headers=api.headers(insurer)
    )
    assert (too_many.status_code, too_many.json()["field"]) == (422, "trials")

    _sign_in(api, insurer)
    api.client.get("/lang/zh_CN", follow_redirects=False)
    listing = api.client.get("/groups").text
    assert f'href="/groups/{scheme_id}"' in listing
    assert number in listing
    chinese = api.client.get(f"/groups/{scheme_id}")
    assert chinese.status_code == 200, chinese.text
    html = chinese.text
    assert "供应链风险传导" in html
    assert number in html
    assert 'data-testid="critical-chart"' in html
    assert 'data-testid="chain-loss-chart"' in html
    assert len(re.findall(r'<tr data-supplier="', html)) == 10
    assert len(re.findall(r'<tr data-link="', html)) == 2
    assert 'data-testid="link-form"' not in html  # the insurer reads; the owner declares
    assert 'data-testid="invite-form"' not in html
    api.client.get("/lang/en", follow_redirects=False)
    english = api.client.get(f"/groups/{scheme_id}").text
    assert "Supply-chain contagion" in english
    assert "reaches the chain owner" in english
    assert "Premium shares by contribution" in english
    assert "供应链风险传导" not in english
    api.client.cookies.clear()

    for stranger in (other, supplier):
        seen = api.client.get(query, headers=api.headers(stranger))
        assert seen.status_code == 404, (stranger, seen.text)
        _sign_in(api, stranger)
        page_seen = api.client.get(f"/groups/{scheme_id}")
        assert page_seen.status_code == 404, stranger
        assert "供应商 5" not in page_seen.text
        api.client.cookies.clear()
