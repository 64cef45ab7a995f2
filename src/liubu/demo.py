"""Demo tenants and logins, one per role, and the reference product catalogue, for `make demo`
and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from liubu.accounts import service as accounts
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from liubu.products import service as products
from liubu.products.catalogue import catalogue_sources

DEMO_PASSWORD = "liubu-demo"  # noqa: S105 - printed by `liubu demo`; refused in production


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    organisation: str


@dataclass(frozen=True)
class DemoOrganisation:
    kind: OrgKind
    name: str
    users: tuple[tuple[str, Role], ...]
    code: str | None = None


# The demo insurer carries the code of the reference catalogue's "shifan-pc" products, so its
# underwriters may file and withdraw them.
_ORGANISATIONS = (
    DemoOrganisation(OrgKind.PLATFORM, "六步平台运营 liubu Platform", (("admin", Role.ADMIN),)),
    DemoOrganisation(
        OrgKind.INSURER,
        "示范财产保险股份有限公司（虚构） Shifan P&C Insurance (fictitious)",
        (
            ("underwriter", Role.UNDERWRITER),
            ("actuary", Role.ACTUARY),
            ("adjuster", Role.CLAIMS_ADJUSTER),
            ("insurer-admin", Role.ADMIN),
        ),
        code="shifan-pc",
    ),
    DemoOrganisation(
        OrgKind.SECURITY_PROVIDER,
        "示例网络安全服务有限公司 Example Security Services",
        (("analyst", Role.SECURITY_ANALYST),),
    ),
    DemoOrganisation(
        OrgKind.ENTERPRISE,
        "苏州示例智能制造有限公司 Suzhou Example Smart Manufacturing",
        (("enterprise", Role.ENTERPRISE_USER),),
    ),
    DemoOrganisation(
        OrgKind.REGULATOR,
        "网络安全保险监管示例 Example Regulator",
        (("regulator", Role.REGULATOR_VIEWER),),
    ),
)


def load_demo(platform: Platform) -> list[DemoLogin]:
    """Create the demo tenants once and (re)load the catalogue; returns the logins."""
    logins = [
        DemoLogin(username, role, org.name)
        for org in _ORGANISATIONS
        for username, role in org.users
    ]
    with platform.uow(SYSTEM) as uow:
        if uow.users.find_by_username("admin") is not None:
            uow.rollback()
            load_reference_products(platform)
            return logins
        for org in _ORGANISATIONS:
            organisation = accounts.create_organisation(
                uow, kind=org.kind, name=org.name, code=org.code
            )
            uow.flush()
            for username, role in org.users:
                accounts.create_user(
                    uow,
                    tenant_id=organisation.id,
                    username=username,
                    password=DEMO_PASSWORD,
                    roles=[role],
                    display_name=username,
                )
            if org.kind is OrgKind.ENTERPRISE:
                enterprise_id = organisation.id
        uow.commit()
    _register_demo_enterprise(platform, enterprise_id)
    load_reference_products(platform)
    return logins


def load_reference_products(platform: Platform) -> int:
    """Store the reference catalogue (idempotent); returns how many versions changed."""
    with platform.uow(SYSTEM) as uow:
        loaded = products.load_products(uow, catalogue_sources())
        uow.commit()
    return sum(changed for _record, changed in loaded)


def _register_demo_enterprise(platform: Platform, tenant_id: str) -> None:
    principal = Principal(
        user_id="system",
        username="system",
        tenant_id=tenant_id,
        org_kind=OrgKind.ENTERPRISE,
        roles=frozenset({Role.ADMIN}),
    )
    facts = EnterpriseFacts(
        name="苏州示例智能制造有限公司",
        uscc=str(uscc_with_check("91320594MA1MX8T7H")),
        industry_section="C",
        industry_division="39",
        region_code="320500",
        annual_revenue=Decimal("180000000"),
        employees=420,
        mlps_level=2,
    )
    with platform.uow(principal) as uow:
        accounts.register_enterprise(uow, facts)
        uow.commit()
