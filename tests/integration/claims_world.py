"""A small world for claims tests, built through the real use cases: the catalogue insurer with
an adjuster and a claims manager, an enterprise with a policy bound from a real quote, an
unrelated insurer and a security provider."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.claims import Contact, Notice
from liubu.core import shanghai_today
from liubu.demo import load_reference_products
from liubu.underwriting import Policy, lifecycle
from tests.integration.helpers import DECLARED, PASSWORD, facts, make_tenant

SME = "shifan-pc/sme-cyber-comprehensive@2"  # claims-made, retro = inception, ERP 60 d,
# notice within 48 h, settlement within 10 days, incident-response hotline answers in 30 min


@dataclass(frozen=True)
class World:
    insured: Principal
    adjuster: Principal
    manager: Principal
    other_insurer: Principal
    provider: Principal
    policy: Policy


def insurer_user(platform: Platform, role: Role, username: str) -> Principal:
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code("shifan-pc")
        assert organisation is not None
        user = uow.users.find_by_username(username) or accounts.create_user(
            uow, tenant_id=organisation.id, username=username, password=PASSWORD, roles=[role]
        )
        uow.commit()
        return accounts.principal_for(user, organisation)


def bound_policy(
    platform: Platform, insured: Principal, underwriter: Principal, *, start: date, serial: int
) -> Policy:
    with platform.uow(insured) as uow:
        enterprise = accounts.register_enterprise(uow, dataclasses.replace(facts(serial)))
        uow.commit()
    with platform.uow(insured) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
    if quote.status == "referred":
        with platform.uow(underwriter) as uow:
            lifecycle.decide_referral(uow, quote.id, approve=True, reasons="Accepted for tests.")
    # The policy may start in the past: the insurer's underwriter enters it (only staff may date
    # a policy back), with the declarations the insured made on the application.
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote.id)
        index = next(i for i, o in enumerate(quote.options) if o.status.offered)
        return lifecycle.bind(
            uow,
            quote.id,
            option_index=index,
            declarations=DECLARED,
            expected_version=quote.version,
            start=start,
        )


def build(platform: Platform, *, start: date | None = None, serial: int = 1) -> World:
    load_reference_products(platform)
    insured = make_tenant(platform, OrgKind.ENTERPRISE, f"Insured {serial}", Role.ENTERPRISE_USER)
    underwriter = insurer_user(platform, Role.UNDERWRITER, "sf-underwriter")
    policy = bound_policy(
        platform,
        insured.principal,
        underwriter,
        start=start or shanghai_today() - timedelta(days=30),
        serial=serial,
    )
    return World(
        insured=insured.principal,
        adjuster=insurer_user(platform, Role.CLAIMS_ADJUSTER, "sf-adjuster"),
        manager=insurer_user(platform, Role.ADMIN, "sf-claims-manager"),
        other_insurer=make_tenant(
            platform, OrgKind.INSURER, f"Other insurer {serial}", Role.CLAIMS_ADJUSTER
        ).principal,
        provider=make_tenant(
            platform, OrgKind.SECURITY_PROVIDER, f"Provider {serial}", Role.SECURITY_ANALYST
        ).principal,
        policy=policy,
    )


def notice(
    policy: Policy,
    *,
    incident: str = "ransomware",
    occurred_days_ago: int = 2,
    discovered_hours_ago: float = 5,
    description: str = "Files encrypted on the file server; ransom note found.",
) -> Notice:
    now = datetime.now(UTC)
    return Notice(
        policy_id=policy.id,
        incident_type=incident,
        occurred_on=(now - timedelta(days=occurred_days_ago)).date(),
        discovered_at=now - timedelta(hours=discovered_hours_ago),
        description=description,
        contact=Contact("张小三", "13812345678"),
        affected_assets=("fs01.example.cn",),
    )
