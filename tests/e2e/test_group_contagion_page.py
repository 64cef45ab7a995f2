"""The chain owner's group page shows supply-chain contagion: its most critical suppliers (table
and chart), the chain's loss curve and the premium shares by contribution beside today's, in
Chinese and English; a supplier does not reach the page, so it never sees another supplier's
contribution."""

from __future__ import annotations

import re
from decimal import Decimal

from liubu import accounts
from liubu.accounts.model import SYSTEM, Role
from liubu.bootstrap import Platform
from liubu.demo import accept_invitations, load_reference_products, register_scanned_supplier
from liubu.underwriting import groups
from tests.e2e.conftest import Api
from tests.e2e.test_statistics_page import _sign_in
from tests.integration.helpers import PASSWORD, SUPPLY_CHAIN_PRODUCT, verified_enterprise

# the product insures ten members at least; two have technical access to the owner
ACCESS = ("remote_access", "software_supply", *("none",) * 8)


def _username(name: str) -> str:
    return f"{name.lower().replace(' ', '-')}-{Role.ENTERPRISE_USER}"


def _supplier_user(platform: Platform, uscc: str) -> str:
    """A user of the supplier's own tenant."""
    with platform.uow(SYSTEM) as uow:
        holder = uow.enterprises.find_identity_holder(uscc)
        assert holder is not None
        accounts.create_user(
            uow,
            tenant_id=holder.tenant_id,
            username="supplier-user",
            password=PASSWORD,
            roles=[Role.ENTERPRISE_USER],
        )
        uow.commit()
    return "supplier-user"


def _amounts(html: str, testid: str) -> list[Decimal]:
    found = re.findall(rf'data-testid="{testid}"[^>]*>¥([0-9,.]+)<', html)
    return [Decimal(x.replace(",", "")) for x in found]


def test_the_chain_owner_sees_its_critical_suppliers_and_a_supplier_does_not(
    api: Api, platform: Platform
) -> None:
    load_reference_products(platform)
    owner, owner_id, _uscc = verified_enterprise(platform, "Owner", 1)
    # ten suppliers with the same clean scan, so that only their access sets them apart
    suppliers = [register_scanned_supplier(platform, f"供应商 {i}", i, ()) for i in range(10)]
    with platform.uow(owner) as uow:
        scheme = groups.create_scheme(
            uow,
            kind="supply_chain",
            name="示例供应链",
            sponsor_enterprise_id=owner_id,
            product_ref=SUPPLY_CHAIN_PRODUCT,
        )
        groups.add_members(
            uow,
            scheme.id,
            [
                groups.MemberEntry(uscc=uscc, supplies="零件", access=access)
                for uscc, access in zip(suppliers, ACCESS, strict=True)
            ],
        )
        uow.commit()
    for uscc in suppliers:
        accept_invitations(platform, uscc)
    with platform.uow(SYSTEM) as uow:
        ids = [uow.enterprises.find_identity_holder(uscc).id for uscc in suppliers]  # type: ignore[union-attr]

    _sign_in(api, _username("Owner"))
    api.client.get("/lang/zh_CN", follow_redirects=False)
    page = api.client.get(f"/groups/{scheme.id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "供应链风险传导" in html
    assert "风险最高的供应商" in html
    assert 'data-testid="critical-chart"' in html
    assert 'data-testid="chain-loss-chart"' in html
    # every supplier is unassessed (score 0): the order follows the access each has
    ranked = re.findall(r'<tr data-supplier="([^"]+)">', html)
    assert ranked[:2] == ids[:2]
    assert len(ranked) == 10
    shares = [float(x) for x in re.findall(r'data-testid="contribution-share">([0-9.]+)%<', html)]
    assert abs(sum(shares) - 100) < 0.2
    # today's premium and the premium by contribution add up to the same group premium
    (total,) = _amounts(html, "total-premium")
    assert sum(_amounts(html, "premium-by-contribution")) == total

    api.client.get("/lang/en", follow_redirects=False)
    english = api.client.get(f"/groups/{scheme.id}").text
    assert "Supply-chain contagion" in english
    assert "Most critical suppliers" in english
    assert "Premium shares by contribution" in english
    assert "供应链风险传导" not in english

    api.client.cookies.clear()
    _sign_in(api, _supplier_user(platform, suppliers[0]))
    seen = api.client.get(f"/groups/{scheme.id}")
    assert seen.status_code == 404
    assert "供应商 1" not in seen.text
