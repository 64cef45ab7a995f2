"""An insured enterprise for monitoring tests, built through the real use cases: a quote for the
SME product, bound by the insurer's underwriter from 2026-01-01, a verified IP address (one of
the real Feodo blocklist's), a verified domain, an unverified one, and a finished scan that
identified Apache HTTP Server 2.4.49; the real KEV catalogue and CVE record loaded as intel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from liubu import assessment
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.underwriting import lifecycle
from tests.integration.helpers import DECLARED, PASSWORD, facts, make_tenant
from tests.unit.monitoring.realdata import APACHE_CVE5, KEV_JSON, feodo_rows

SME = "shifan-pc/sme-cyber-comprehensive@2"
START = date(2026, 1, 1)
IN_TERM = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
APACHE = "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"
DOMAIN = "insured-example.cn"
UNVERIFIED = "unproven-example.cn"


@dataclass(frozen=True)
class World:
    buyer: Principal
    underwriter: Principal
    enterprise_id: str
    policy_id: str
    policy_number: str
    insured_ip: str


def insurer_staff(platform: Platform, role: Role, *, code: str = "shifan-pc") -> Principal:
    """A user of a catalogue insurer (the SME product's, by default)."""
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code(code)
        assert organisation is not None
        username = f"{code}-{role}"
        user = uow.users.find_by_username(username) or accounts.create_user(
            uow, tenant_id=organisation.id, username=username, password=PASSWORD, roles=[role]
        )
        uow.commit()
        return accounts.principal_for(user, organisation)


def build_world(platform: Platform, *, serial: int = 1, start: date = START) -> World:
    load_reference_products(platform)
    buyer = make_tenant(
        platform, OrgKind.ENTERPRISE, f"Insured {serial}", Role.ENTERPRISE_USER
    ).principal
    underwriter = insurer_staff(platform, Role.UNDERWRITER)
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(uow, facts(serial))
        uow.commit()
    insured_ip = feodo_rows()[0]["dst_ip"]
    names = (insured_ip, DOMAIN, UNVERIFIED)
    ids = [assessment.declare_asset(platform.uow(buyer), enterprise.id, n).id for n in names]
    with platform.uow(SYSTEM) as uow:
        # Proof of control needs DNS or the insured's web server; the record is what matters here.
        for asset_id in ids[:2]:
            asset = uow.assessment.asset(asset_id)
            asset.verified_at, asset.verified_by = IN_TERM.replace(month=1), "dns_txt"
        uow.assessment.add(_scan(enterprise.tenant_id, enterprise.id))
        uow.commit()
    assessment.load_intel_files(platform.uow(SYSTEM), [KEV_JSON, APACHE_CVE5])
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote.id)
        if quote.status == "referred":
            lifecycle.decide_referral(uow, quote.id, approve=True, reasons="Accepted for a test.")
            uow.commit()
            quote = uow.underwriting.quote(quote.id)
        policy = lifecycle.bind(
            uow,
            quote.id,
            option_index=0,
            declarations=DECLARED,
            expected_version=quote.version,
            start=start,
        )
        uow.commit()
    return World(buyer, underwriter, enterprise.id, policy.id, policy.number, insured_ip)


def _scan(tenant_id: str, enterprise_id: str) -> Scan:
    """A finished scan's stored record, shaped as the scanner stores it."""
    at = IN_TERM.replace(month=1)
    software = {"cpe": APACHE, "evidence": {}, "distribution": None, "confidence": "confirmed"}
    unversioned = {**software, "cpe": "cpe:2.3:a:nginx:nginx:*:*:*:*:*:*:*:*"}
    return Scan(
        id=accounts.new_id(),
        tenant_id=tenant_id,
        enterprise_id=enterprise_id,
        status=ScanState.FINISHED,
        targets=[DOMAIN],
        settings={},
        created_at=at,
        started_at=at,
        finished_at=at,
        result={"targets": [{"target": DOMAIN, "software": [software, unversioned]}]},
    )
