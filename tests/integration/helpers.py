"""Building tenants and principals on a real platform for integration and end-to-end tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from liubu.accounts import service as accounts
from liubu.accounts import verify_enterprise
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from liubu.underwriting import Declarations

# The one password of test users: long enough (≥ 12), not a common one, containing no test
# username, so it passes the policy (liubu.accounts.passwords) wherever a test creates a user.
PASSWORD = "correct horse battery"
# Both declarations made, as an insured binding a quote must.
DECLARED = Declarations(truthful=True, terms_read=True)


@dataclass(frozen=True)
class Tenant:
    organisation_id: str
    kind: OrgKind
    username: str
    principal: Principal


def make_tenant(
    platform: Platform, kind: OrgKind, name: str, role: Role, *, code: str | None = None
) -> Tenant:
    with platform.uow(SYSTEM) as uow:
        organisation = accounts.create_organisation(uow, kind=kind, name=name, code=code)
        uow.flush()
        username = f"{name.lower().replace(' ', '-')}-{role}"
        user = accounts.create_user(
            uow, tenant_id=organisation.id, username=username, password=PASSWORD, roles=[role]
        )
        uow.commit()
        principal = accounts.principal_for(user, organisation)
    return Tenant(organisation.id, kind, username, principal)


def facts(serial: int, *, name: str = "示例企业") -> EnterpriseFacts:
    """Valid enterprise facts with a distinct, correctly checked USCC per serial."""
    body = f"91320500MA{serial:07d}"
    return EnterpriseFacts(
        name=f"{name} {serial}",
        uscc=str(uscc_with_check(body)),
        industry_section="I",
        industry_division="65",
        region_code="320500",
        annual_revenue=Decimal("50000000.00"),
        employees=120,
        mlps_level=2,
    )


BASE_PRODUCT = (
    Path(__file__).resolve().parents[1] / "unit" / "products" / "data" / "base_product.yaml"
)


def product_yaml(
    *,
    insurer: str,
    code: str = "base-product",
    version: int = 1,
    status: str = "draft",
    effective_from: str = "2024-02-01",
    effective_to: str = "null",
) -> str:
    """The products suite's small valid product, re-labelled for a test."""
    text = BASE_PRODUCT.read_text("utf-8")
    for old, new in (
        ("insurer: test-pc", f"insurer: {insurer}"),
        ("code: base-product", f"code: {code}"),
        ("\nversion: 1\n", f"\nversion: {version}\n"),
        ("status: filed", f"status: {status}"),
        ("effective_from: 2024-02-01", f"effective_from: {effective_from}"),
        ("effective_to: null", f"effective_to: {effective_to}"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


#: The catalogue's supply-chain product, for group scheme tests.
SUPPLY_CHAIN_PRODUCT = "cankao-pc/supply-chain-cyber@1"


def verified_enterprise(platform: Platform, name: str, serial: int) -> tuple[Principal, str, str]:
    """A manufacturer (C 39) registered by its own tenant and verified: its principal, id and
    credit code."""
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, name, Role.ENTERPRISE_USER)
    record = dataclasses.replace(
        facts(serial, name=name), industry_section="C", industry_division="39"
    )
    with platform.uow(tenant.principal) as uow:
        enterprise = accounts.register_enterprise(uow, record)
        uow.commit()
    verify_enterprise(platform.uow(SYSTEM), enterprise.id)
    return tenant.principal, enterprise.id, enterprise.uscc
