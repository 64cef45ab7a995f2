"""Demo tenants and logins, one per role, for `make demo` and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from liubu.accounts import service as accounts
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check

DEMO_PASSWORD = "liubu-demo"  # noqa: S105 - printed by `liubu demo`; demo data is refused in production


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    organisation: str


_ORGANISATIONS: list[tuple[OrgKind, str, list[tuple[str, Role]]]] = [
    (OrgKind.PLATFORM, "六步平台运营 liubu Platform", [("admin", Role.ADMIN)]),
    (
        OrgKind.INSURER,
        "示例财产保险股份有限公司 Example P&C Insurance",
        [
            ("underwriter", Role.UNDERWRITER),
            ("actuary", Role.ACTUARY),
            ("adjuster", Role.CLAIMS_ADJUSTER),
            ("insurer-admin", Role.ADMIN),
        ],
    ),
    (
        OrgKind.SECURITY_PROVIDER,
        "示例网络安全服务有限公司 Example Security Services",
        [
            ("analyst", Role.SECURITY_ANALYST),
        ],
    ),
    (
        OrgKind.ENTERPRISE,
        "苏州示例智能制造有限公司 Suzhou Example Smart Manufacturing",
        [
            ("enterprise", Role.ENTERPRISE_USER),
        ],
    ),
    (
        OrgKind.REGULATOR,
        "网络安全保险监管示例 Example Regulator",
        [
            ("regulator", Role.REGULATOR_VIEWER),
        ],
    ),
]


def load_demo(platform: Platform) -> list[DemoLogin]:
    """Create the demo tenants once; a second run changes nothing and returns the logins."""
    logins = [
        DemoLogin(username, role, name)
        for _kind, name, users in _ORGANISATIONS
        for username, role in users
    ]
    with platform.uow(SYSTEM) as uow:
        if uow.users.find_by_username("admin") is not None:
            return logins
        for kind, name, users in _ORGANISATIONS:
            organisation = accounts.create_organisation(uow, kind=kind, name=name)
            uow.flush()
            for username, role in users:
                accounts.create_user(
                    uow,
                    tenant_id=organisation.id,
                    username=username,
                    password=DEMO_PASSWORD,
                    roles=[role],
                    display_name=username,
                )
            if kind is OrgKind.ENTERPRISE:
                enterprise_id = organisation.id
        uow.commit()
    _register_demo_enterprise(platform, enterprise_id)
    return logins


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
