"""Demo tenants and logins, one per role, and the reference product catalogue, for `make demo`
and the browser tests."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from liubu import accounts, products
from liubu.accounts import SYSTEM, Enterprise, EnterpriseFacts, OrgKind, Role, acting_in, new_id
from liubu.assessment import DEMO_PROOF, Evidence, Scan, ScanState, finding_record, make_finding
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from liubu.products import catalogue_sources

if TYPE_CHECKING:
    from liubu.claims import ClaimsImportSummary
    from liubu.experience import ExperienceData

DEMO_PASSWORD = "six-steps-to-cover"  # noqa: S105 - printed by `liubu demo`; refused in production


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
    # The tenants and their users are one transaction of the loader's own: the "admin" check
    # below must see all of them or none.
    with platform.uow(SYSTEM) as uow:
        if uow.users.find_by_username("admin") is not None:
            uow.rollback()
            load_reference_products(platform)
            return logins
        for org in _ORGANISATIONS:
            organisation = accounts.add_organisation(
                uow, kind=org.kind, name=org.name, code=org.code
            )
            uow.flush()
            for username, role in org.users:
                accounts.add_user(
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
    owner = _register_demo_enterprise(platform, enterprise_id)
    load_reference_products(platform)
    _load_demo_chain(platform, owner)
    load_demo_experience(platform)
    load_demo_claims(platform)
    # the insured's verified assets and alerts first, so the services' schedule includes the
    # monthly rescans of those assets
    load_demo_monitoring(platform)
    load_demo_services(platform)
    load_demo_antifraud(platform)
    load_demo_book(platform)
    return logins


#: What the demo enterprise declares it relies on (依赖申报); the security provider serving it is
#: added by the platform's own records.
DEMO_DEPENDENCIES = (
    {
        "kind": "cloud",
        "provider": "alibaba_cloud",
        "region": "cn-hangzhou",
        "tolerance_hours": 2,
        "revenue_share": 0.8,
    },
    {"kind": "dns", "provider": "DNSPod", "tolerance_hours": 1, "revenue_share": 0.3},
    {"kind": "cdn", "provider": "Example CDN A", "tolerance_hours": 1, "revenue_share": 0.4},
    {
        "kind": "software",
        "provider": "Yonyou",
        "cpe": "cpe:2.3:a:yonyou:u8:*:*:*:*:*:*:*:*",
        "tolerance_hours": 8,
        "revenue_share": 0.2,
    },
)


def load_demo_book(platform: Platform) -> int:
    """The demo enterprise declares its dependencies and the demo insurer imports the shipped
    demo book (``portfolio/data/demo_book.csv``) as its existing book (存量业务), so the insurer's
    book spreads over providers and shows a concentration. Returns the imported rows."""
    from liubu import assessment, portfolio
    from liubu.datafiles import packaged_text

    people, enterprise = _demo_enterprise(platform)
    rows = assessment.parse_declarations(list(DEMO_DEPENDENCIES))
    assessment.declare_dependencies(platform.uow(people["enterprise"]), enterprise.id, rows)
    insurer = people["insurer-admin"]
    content = packaged_text("liubu.portfolio", "data", "demo_book.csv").encode("utf-8")
    record = portfolio.import_book(
        platform.uow(insurer),
        insurer.tenant_id,
        content,
        filename="demo_book.csv",
        catalogue=portfolio.demo_catalogue(),
    )
    return record.rows


def queue_demo_simulation(platform: Platform) -> str | None:
    """Queue a simulation of the demo insurer's own book (its policy in force and the imported
    demo book; 100,000 years, a few seconds) unless one is there already, so the portfolio page
    of a served demo shows the book's curves and what drives them; its actuary queues it.
    Served demos only (``liubu demo --serve``): the run also stores the book's capital, which
    moves the demo's technical premiums. Returns the run id, or None when one exists."""
    from liubu import portfolio

    actuary = _demo_principals(platform)["actuary"]
    if portfolio.list_runs(platform.uow(actuary), limit=1):
        return None
    run = platform.queue_portfolio_run(
        actuary,
        source="store",
        years=portfolio.DEFAULT_RUN_YEARS,
        seed=portfolio.DEFAULT_RUN_SEED,
    )
    return run.id


def load_reference_products(platform: Platform) -> int:
    """Store the reference catalogue (idempotent); returns how many versions changed."""
    loaded = products.load_products(platform.uow(SYSTEM), catalogue_sources())
    return sum(changed for _record, changed in loaded)


def _register_demo_enterprise(platform: Platform, tenant_id: str) -> Enterprise:
    principal = acting_in(tenant_id, OrgKind.ENTERPRISE)
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
    enterprise = accounts.register_enterprise(platform.uow(principal), facts)
    return accounts.verify_enterprise(platform.uow(SYSTEM), enterprise.id)


# The demo enterprise's supply chain (供应链): name, USCC body, what it supplies, its access,
# and what an outside-in scan of it found (so that the members' scores, and shares, differ).
_SUPPLIERS = (
    ("苏州示例精密零部件有限公司", "精密零部件", "none", ()),
    ("无锡示例工业软件有限公司", "MES 软件", "software_supply", ("email.no_dmarc",)),
    ("昆山示例自动化设备有限公司", "产线设备远程运维", "remote_access", ("service.rdp_exposed",)),
    (
        "常州示例物流有限公司",
        "仓储物流数据",
        "data_processing",
        ("tls.certificate_expired", "email.no_dmarc"),
    ),
    ("南通示例电子有限公司", "电子元器件", "none", ("email.no_dmarc",)),
    ("苏州示例包装材料有限公司", "包装材料", "none", ()),
    (
        "太仓示例网络工程有限公司",
        "工厂网络互联",
        "network_connection",
        ("tls.certificate_expired",),
    ),
    ("张家港示例金属制品有限公司", "金属结构件", "none", ("service.rdp_exposed",)),
    ("嘉兴示例云服务有限公司", "ERP 云托管", "data_processing", ()),
    (
        "湖州示例检测技术有限公司",
        "质量检测数据",
        "remote_access",
        ("service.rdp_exposed", "email.no_dmarc"),
    ),
)

# Supplier-of-supplier links the demo owner declares (indexes into _SUPPLIERS): the metal-parts
# maker sits on the automation firm's maintenance network; the electronics maker's lines are
# connected through the network engineering firm's plant interconnect.
_DEMO_LINKS = ((7, 2, "network_connection"), (4, 6, "network_connection"))

DEMO_CHAIN_PRODUCT = "cankao-pc/supply-chain-cyber@1"


def register_scanned_supplier(
    platform: Platform, name: str, serial: int, codes: tuple[str, ...]
) -> str:
    """A supplier tenant with its enterprise record and one finished outside-in scan."""
    organisation = accounts.create_organisation(
        platform.uow(SYSTEM), kind=OrgKind.ENTERPRISE, name=name
    )
    facts = EnterpriseFacts(
        name=name,
        uscc=str(uscc_with_check(f"91320500MA1GL{serial:04d}")),
        industry_section="C",
        industry_division="39",
        region_code="320500",
        annual_revenue=Decimal("60000000"),
        employees=150,
        mlps_level=2,
    )
    now = datetime.now(UTC)
    # The supplier's record and its scan are one transaction of the loader's own.
    with platform.uow(acting_in(organisation.id, OrgKind.ENTERPRISE)) as uow:
        enterprise = accounts.add_enterprise(uow, facts)
        uow.flush()
        scan = Scan(
            id=new_id(),
            tenant_id=organisation.id,
            enterprise_id=enterprise.id,
            status=str(ScanState.FINISHED),
            targets=[f"supplier{serial:02d}.example"],
            settings={"demo": True},
            created_at=now,
            started_at=now,
            finished_at=now,
            result={"targets": [], "demo": True},
        )
        uow.assessment.add(scan)
        uow.flush()
        for code in codes:
            port = 3389 if code == "service.rdp_exposed" else None
            finding = make_finding(
                code,
                Evidence(
                    observed="demo data (示例数据)",
                    observed_at=now,
                    source="demo",
                    target=scan.targets[0],
                    port=port,
                ),
            )
            uow.assessment.add(finding_record(scan, finding, previous=None))
        uow.commit()
    # The platform operator's check that the supplier's tenant controls it (see docs/groups.md).
    accounts.verify_enterprise(platform.uow(SYSTEM), enterprise.id)
    return enterprise.uscc


def accept_invitations(platform: Platform, uscc: str) -> int:
    """The holder of ``uscc`` accepts every invitation still open to it, as its own user would;
    returns how many."""
    from liubu import underwriting

    with platform.uow(SYSTEM) as uow:
        holder = uow.enterprises.find_identity_holder(uscc)
    assert holder is not None, f"{uscc} is registered by an enterprise tenant first"
    member = acting_in(holder.tenant_id, OrgKind.ENTERPRISE, Role.ENTERPRISE_USER, name="demo")
    waiting = [
        i
        for i in underwriting.my_invitations(platform.uow(member))
        if i.state == underwriting.MemberState.INVITED
    ]
    for invitation in waiting:
        underwriting.accept_invitation(platform.uow(member), invitation.id)
    return len(waiting)


def _load_demo_chain(platform: Platform, owner: Enterprise) -> None:
    """The demo enterprise's supply-chain scheme with ten scanned, verified suppliers that
    accepted their invitations, not yet bound."""
    from liubu import underwriting

    members = [
        underwriting.MemberEntry(
            uscc=register_scanned_supplier(platform, name, serial, codes),
            supplies=supplies,
            access=access,
        )
        for serial, (name, supplies, access, codes) in enumerate(_SUPPLIERS, start=1)
    ]
    owner_uow = platform.uow(acting_in(owner.tenant_id, OrgKind.ENTERPRISE))
    scheme = underwriting.create_scheme(
        owner_uow,
        kind="supply_chain",
        name="苏州示例智能制造供应链 Suzhou Example supply chain",
        sponsor_enterprise_id=owner.id,
        product_ref=DEMO_CHAIN_PRODUCT,
    )
    underwriting.add_members(owner_uow, scheme.id, members)
    # The chain is built through consent: each supplier accepts its invitation.
    for entry in members:
        accept_invitations(platform, entry.uscc)
    # What the owner knows of its suppliers' own suppliers: two reach it through another member.
    for source, through, access in _DEMO_LINKS:
        underwriting.declare_link(
            owner_uow,
            scheme.id,
            source=members[source].uscc,
            target=members[through].uscc,
            access=access,
        )


DEMO_EXPERIENCE_PRODUCT = "shifan-pc/sme-cyber-comprehensive@1"


def demo_experience_data() -> ExperienceData:
    """The demo insurer's synthetic book before its policy numbers are set (seed 2023): 2,000
    policies over three years, grade and MLPS relativities as :func:`load_demo_experience` says."""
    import numpy as np

    from liubu.experience import synthetic_experience

    return synthetic_experience(
        n_policies=2_000,
        relativities={
            "security_grade": {"A": 0.5, "B": 0.75, "C": 1.0, "D": 1.4, "E": 2.0},
            "mlps_level": {"none": 1.2, "2": 1.0, "3": 0.8},
        },
        base_frequency=0.08,
        severity_mean=120_000,
        severity_shape=2.0,
        rng=np.random.default_rng(2023),
        segment_sd=0.15,
    )


def load_demo_experience(platform: Platform) -> int:
    """Three years of synthetic claims experience for the demo insurer (2,000 SME policies, tagged
    with its comprehensive product), so the actuary's page has a rate indication to show: grade E
    claims twice as often as grade C, steeper than the filed score curve. Returns rows stored."""
    import numpy as np

    from liubu.experience import import_experience

    data = demo_experience_data()
    # Policy numbers of their own, so files imported later with P0000001… do not collide.
    data = dataclasses.replace(data, policy_id=np.char.add("DEMO-", data.policy_id))
    with platform.uow(SYSTEM) as uow:
        insurer = uow.organisations.find_by_code("shifan-pc")
    assert insurer is not None, "the demo insurer is created first"
    actuary = acting_in(insurer.id, OrgKind.INSURER, Role.ACTUARY, name="demo")
    summary = import_experience(platform.uow(actuary), data, product_ref=DEMO_EXPERIENCE_PRODUCT)
    return summary.stored


DEMO_CLAIMS_PRODUCT = "shifan-pc/sme-cyber-comprehensive@2"


def _demo_principals(platform: Platform) -> dict[str, accounts.Principal]:
    """The demo's own users (by login name) as principals, so the trail names who acted."""
    with platform.uow(SYSTEM) as uow:
        found = {}
        for username in (
            "enterprise",
            "underwriter",
            "actuary",
            "adjuster",
            "insurer-admin",
            "analyst",
        ):
            user = uow.users.find_by_username(username)
            assert user is not None, "the demo users are created first"
            found[username] = accounts.load_principal(uow, user.id)
        return found


def _demo_policy(platform: Platform, people: dict[str, accounts.Principal]) -> str:
    """The demo enterprise's SME policy, bound 90 days ago from a quote the underwriter accepted
    (the filed rates sit below the technical price, so the quote is referred first)."""
    from datetime import timedelta

    from liubu import underwriting

    insured = people["enterprise"]
    with platform.uow(insured) as uow:
        enterprise = next(iter(uow.enterprises.list()))
        quote, *_ = underwriting.request_quotes(
            uow, enterprise.id, products_wanted=[DEMO_CLAIMS_PRODUCT]
        )
    if quote.status == "referred":
        with platform.uow(people["underwriter"]) as uow:
            underwriting.decide_referral(
                uow, quote.id, approve=True, reasons="演示：评分与发现项已核实。 Demo: verified."
            )
    # Bound 90 days ago on the paper application (投保单), both declarations made there; the
    # underwriter enters it (only the insurer's staff may date a policy back).
    with platform.uow(people["underwriter"]) as uow:
        quote = uow.underwriting.quote(quote.id)
        index = next(i for i, o in enumerate(quote.options) if o.status.offered)
        start = datetime.now(UTC).date() - timedelta(days=90)
        policy = underwriting.bind(
            uow,
            quote.id,
            option_index=index,
            expected_version=quote.version,
            declarations=underwriting.Declarations(truthful=True, terms_read=True),
            start=start,
        )
        # and its premium, paid when cover began
        underwriting.record_premium_payment(
            uow, policy.id, amount=policy.annual_premium, paid_on=start
        )
    return policy.id


def load_demo_services(platform: Platform) -> int:
    """保中服务: the demo security provider is on the demo insurer's panel for the bundled
    services of the demo policy's product but training, so the schedule leaves that one
    unassigned (flagged to the insurer); the provider has accepted, reported and completed some
    of what fell due since cover began, and the insurer sent one report back. Returns how many
    tasks were scheduled."""
    from liubu import monitoring
    from liubu.core import shanghai_today

    people = _demo_principals(platform)
    insurer, provider = people["insurer-admin"], people["analyst"]
    with platform.uow(SYSTEM) as uow:
        record = products.find_product(uow, DEMO_CLAIMS_PRODUCT)
    spec = products.parse_product(record.document, source=record.product_ref)
    codes = [s.code for s in spec.services]
    for code in codes:
        if code != "security_training":
            monitoring.add_to_panel(platform.uow(insurer), provider.tenant_id, code)
    today = shanghai_today()
    created = monitoring.schedule_services(platform.uow(SYSTEM), today).created
    due = [
        v.task
        for v in monitoring.list_services(platform.uow(provider), on=today)
        if v.task.due_on <= today
    ]
    for n, task in enumerate(due):
        if n % 4 == 3:
            continue  # left waiting: past its acceptance date, flagged
        monitoring.accept_service(platform.uow(provider), task.id)
        if n % 4 == 2:
            continue  # accepted, work under way
        monitoring.report_service(
            platform.uow(provider),
            task.id,
            report="已完成并附报告。 Done; the report is attached to the provider's file.",
        )
        if n % 4 == 0:
            monitoring.complete_service(platform.uow(provider), task.id)
    reported = [t for n, t in enumerate(due) if n % 4 == 1]
    if reported:
        monitoring.reject_report(platform.uow(insurer), reported[0].id, reason="scope_incomplete")
    return created


def load_demo_claims(platform: Platform) -> list[str]:
    """Claims in several states, made through the claims use cases, so the adjuster, the insured
    and the incident-response vendor each have work: a ransomware claim with the demo security
    provider dispatched (it is on the insurer's panel), its response logged, evidence kept, and
    business interruption paid; and an open data-breach claim with reserves the adjuster set.
    Returns the claim numbers."""
    from datetime import timedelta

    from liubu import claims

    people = _demo_principals(platform)
    policy_id = _demo_policy(platform, people)
    adjuster, vendor = people["adjuster"], people["analyst"]
    with platform.uow(people["insurer-admin"]) as uow:
        claims.add_to_panel(uow, vendor.tenant_id)
    now = datetime.now(UTC)
    ransomware = claims.notify(
        platform.uow(people["enterprise"]),
        claims.Notice(
            policy_id=policy_id,
            incident_type="ransomware",
            occurred_on=(now - timedelta(days=12)).date(),
            discovered_at=now - timedelta(days=12, hours=-3),
            description="生产排程服务器被加密，发现勒索信；产线停工。"
            " Production scheduling servers encrypted, ransom note found; the line stopped.",
            contact=claims.Contact("王小明", "13912345678"),
            affected_assets=("mes01.example.cn", "fs01.example.cn"),
        ),
    ).claim
    sent = claims.dispatch(platform.uow(adjuster), ransomware.id, vendor_tenant_id=vendor.tenant_id)
    claims.answer_dispatch(platform.uow(vendor), sent.id, accept=True)
    for hours, phase, note in (
        (
            -285,
            "triage",
            "远程接入，确认 LockBit 变种；隔离受影响网段。 Remote triage: LockBit variant.",
        ),
        (-280, "containment", "封禁 C2 地址，重置域管理员口令。 C2 blocked, domain admin reset."),
        (-260, "eradication", "清除持久化后门，修补 VPN 漏洞。 Persistence removed, VPN patched."),
        (-230, "recovery", "自离线备份恢复 MES，产线恢复。 MES restored from offline backup."),
    ):
        claims.log_timeline(
            platform.uow(vendor), ransomware.id, phase=phase, note=note,
            at=now + timedelta(hours=hours),
        )  # fmt: skip
    claims.upload_evidence(
        platform.uow(vendor),
        ransomware.id,
        filename="ransom-note.txt",
        content_type="text/plain",
        content=b"Your files are encrypted. (demo evidence)\n",
    )
    _demo_pay(platform, adjuster, ransomware.id)
    breach = claims.notify(
        platform.uow(people["enterprise"]),
        claims.Notice(
            policy_id=policy_id,
            incident_type="data_breach",
            occurred_on=(now - timedelta(days=3)).date(),
            discovered_at=now - timedelta(days=2),
            description="客户订单数据库疑似外泄，约 1.2 万条记录。"
            " Customer order database suspected leaked, about 12,000 records.",
            contact=claims.Contact("王小明", "13912345678"),
            affected_assets=("crm.example.cn",),
        ),
    ).claim
    _demo_reserve(platform, adjuster, breach.id)
    return [ransomware.number, breach.number]


def _demo_pay(platform: Platform, adjuster: accounts.Principal, claim_id: str) -> None:
    """The ransomware claim assessed — 48 hours down at ¥2,400 gross profit an hour, the ransom
    not paid — then what the worksheet makes payable on business interruption reserved, paid
    (within the adjuster's authority) and sent by the payment run."""
    from liubu import claims
    from liubu.core import Money

    sheet = claims.assess_claim(
        platform.uow(adjuster),
        claim_id,
        items=[
            claims.LossItem(
                coverage="forensics",
                kind=claims.LossKind.INVOICE,
                description="取证调查发票 Forensic investigation invoice",
                amount=Money("18000.00"),
            )
        ],
        business_interruption=[
            claims.BusinessInterruption(
                outage_hours=Decimal(48), hourly_gross_profit=Money("2400.00")
            )
        ],
    )
    amount = sheet.payable_for("business_interruption").amount
    claims.set_reserve(
        platform.uow(adjuster), claim_id, coverage="business_interruption", amount=amount,
        reason="按理算表：停工 48 小时 × 每小时毛利 2,400 元，扣除等待期与免赔额。"
        " Per the worksheet: 48 h × ¥2,400 an hour, less the waiting period and retention.",
    )  # fmt: skip
    claims.pay(
        platform.uow(adjuster), claim_id, coverage="business_interruption", amount=amount,
        payee=claims.Payee("苏州示例智能制造有限公司", "6222021001122334455"),
        idempotency_key=f"demo-bi-{claim_id}",
    )  # fmt: skip
    claims.run_payments(platform.uow(adjuster))


def _demo_reserve(platform: Platform, adjuster: accounts.Principal, claim_id: str) -> None:
    """The adjuster's case reserves on the open data-breach claim, each with its reason."""
    from liubu import claims

    with platform.uow(adjuster) as uow:
        lines = {line.coverage for line in claims.claim_view(uow, claim_id).reserves}
    for coverage, amount, reason in (
        ("notification", "60000.00", "约 1.2 万名客户的通知与呼叫中心。 Notifying about 12,000."),
        ("forensics", "45000.00", "取证调查报价。 Forensic investigation quote."),
    ):
        if coverage in lines:
            claims.set_reserve(
                platform.uow(adjuster), claim_id, coverage=coverage, amount=Decimal(amount),
                reason=reason,
            )  # fmt: skip


DEMO_ANTIFRAUD_PRODUCT = "yangben-pc/anti-fraud@1"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Three monthly files of a small pilot (residents, days before today the policies began), so the
# regulator's personal charts have months and provinces to draw.
_DEMO_BOOK = ((150, 150), (120, 90), (100, 40))


@dataclass(frozen=True)
class DemoAntifraud:
    """What :func:`load_demo_antifraud` stored: residents insured, and the claims batch's
    outcome (its error file holds the lines refused before assessment)."""

    residents: int
    claims: ClaimsImportSummary


def load_demo_antifraud(platform: Platform) -> DemoAntifraud | None:
    """A small anti-fraud (反诈险) book of the reference product — 370 synthetic residents issued
    in three monthly files by the bulk import — and one claims batch from the insurer through
    the bulk claims import: 20 lines, most accepted (one capped at the per-person limit), one
    refused for late notice and one for an excluded cause (both stored with their reasons), and
    two refused into the error file (a receipt number whose month is not the report's, and a
    resident the insurer has not insured). Idempotent: a second call adds nothing (None)."""
    import tempfile
    from pathlib import Path

    from liubu.claims import antifraud_claims, import_antifraud_claims
    from liubu.core import PersonalDataCipher
    from liubu.massissue import ImportPlan, run_import, write_synthetic_csv
    from liubu.products import parse_product
    from liubu.store.personal import SqlIssueStore

    with platform.uow(SYSTEM) as uow:
        record = products.find_product(uow, DEMO_ANTIFRAUD_PRODUCT)
    adjuster = acting_in(record.tenant_id, OrgKind.INSURER, Role.CLAIMS_ADJUSTER, name="demo")
    if antifraud_claims(platform.uow(adjuster), limit=1):
        return None
    spec = parse_product(record.document, source=record.product_ref)
    cipher = PersonalDataCipher(platform.settings.personal_data_key)
    today = datetime.now(SHANGHAI).date()
    folder = platform.settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    residents: list[tuple[str, int, date]] = []  # resident ID, limit, inception
    with tempfile.TemporaryDirectory() as work:
        for serial, (count, days_ago) in enumerate(_DEMO_BOOK):
            inception = today - timedelta(days=days_ago)
            path = Path(work) / f"demo-residents-{serial + 1}.csv"
            write_synthetic_csv(path, count, seed=1400 + serial, inception=inception)
            store = SqlIssueStore(
                platform.uow,
                tenant_id=record.tenant_id,
                product_ref=spec.product_id,
                inception=inception.isoformat(),
                file_name=path.name,
            )
            run_import(
                store, path, plan=ImportPlan(spec, inception), cipher=cipher,
                error_path=path.with_name(path.name + ".errors.csv"),
            )  # fmt: skip
            for line in path.read_text("utf-8").splitlines()[1:]:
                _name, number, _mobile, limit = line.split(",")[:4]
                residents.append((number, int(limit), inception))
        path = Path(work) / "demo-antifraud-claims.csv"
        path.write_text(_demo_claims_file(residents, today), encoding="utf-8")
        summary = import_antifraud_claims(
            lambda: platform.uow(adjuster),
            path,
            cipher=cipher,
            error_path=folder / "antifraud-claims.errors.csv",
            today=today,
        )
    return DemoAntifraud(len(residents), summary)


def _demo_claims_file(residents: list[tuple[str, int, date]], today: date) -> str:
    """The insurer's claims file: 20 lines over the two older files' residents (past the 7-day
    waiting period), a fixed draw so the demo is the same every day but its dates."""
    import random

    from liubu.core import resident_id_check_character

    draw = random.Random(14)
    insured = {number for number, _limit, _inception in residents}
    covered = [r for r in residents if (today - r[2]).days > 60]
    small = next(r for r in covered if r[1] == 10_000)  # its claim is capped at the limit
    chosen = [small, *draw.sample([r for r in covered if r is not small], 17)]
    lines = [
        "receipt_number,resident_id,loss_amount,loss_date,police_report_date,notified_on,"
        "recovered_amount,cause\n"
    ]

    def receipt(number: str, reported: date, serial: int, month: date | None = None) -> str:
        # A + the receiving organ (in the resident's own county) + the report's month + serial
        return f"A{number[:6]}010000{(month or reported):%Y%m}{serial:04d}"

    for serial, (number, _limit, inception) in enumerate(chosen, start=1):
        loss_on = inception + timedelta(days=draw.randint(10, (today - inception).days - 6))
        reported = loss_on + timedelta(days=draw.randint(0, 1))
        notified = reported + timedelta(days=draw.randint(0, 2))
        amount = draw.choice((2_800, 4_500, 6_000, 8_000, 12_000, 15_500, 23_000, 36_800))
        recovered, cause = "", ""
        if serial == 1:  # more than a ¥10,000 limit can pay: capped at the limit
            amount = 48_000
        elif serial == 2:  # told the insurer ten days after the police report: refused
            loss_on = reported = today - timedelta(days=30)
            notified = reported + timedelta(days=10)
        elif serial == 3:  # a cause the product excludes: refused
            cause = "online_romance"
        elif serial in (4, 5):
            recovered = str(amount // 4)
        # the last line's receipt names the month before the report's: to the error file
        month = reported - timedelta(days=40) if serial == 18 else None
        lines.append(
            f"{receipt(number, reported, serial, month)},{number},{amount},{loss_on},{reported},"
            f"{notified},{recovered},{cause}\n"
        )
    body = 51010719880808456  # a valid ID of nobody the insurer has insured: no policy
    while (stranger := f"{body}{resident_id_check_character(str(body))}") in insured:
        body += 1
    reported = today - timedelta(days=4)
    lines.append(
        f"{receipt(stranger, reported, 19)},{stranger},5000,{reported},{reported},{reported},,\n"
    )
    number, _limit, _inception = chosen[5]  # a second loss of one resident, later in the year
    loss_on, notified = today - timedelta(days=5), today - timedelta(days=4)
    lines.append(f"{receipt(number, loss_on, 20)},{number},9000,{loss_on},{loss_on},{notified},,\n")
    return "".join(lines)


# The demo enterprise's watched assets: a web portal by name and its documentation address
# (RFC 5737); and the web server a monitoring scan may identify on them (load_demo_scan).
DEMO_HOSTS = ("portal.example.cn", "203.0.113.24")
DEMO_SOFTWARE = "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"
DEMO_CVE = "CVE-2024-38475"  # Apache HTTP Server ≤ 2.4.59 (mod_rewrite), in CISA's KEV


def _demo_enterprise(platform: Platform) -> tuple[dict[str, accounts.Principal], Enterprise]:
    people = _demo_principals(platform)
    with platform.uow(people["enterprise"]) as uow:
        return people, next(iter(uow.enterprises.list()))


def load_demo_monitoring(platform: Platform) -> int:
    """保中监控 for the demo enterprise, under its SME policy in force (:func:`_demo_policy`): its
    portal and address declared through the assessment use case and verified, the demo
    security provider assigned to it, and two small inputs recorded through the real ingest
    path — a Feodo Tracker line naming its address (a platform feed) and a Suricata alert from
    that address sent by the provider — each raising one open alert. Returns the alerts raised.

    No scan is stored: the demo enterprise's pre-bind diagnosis starts unscanned (its journey
    scans it), so its software is watched only once a scan identifies some;
    :func:`load_demo_scan` stores one and records a KEV listing of what it found."""
    from io import BytesIO

    from liubu import assessment, monitoring

    people, enterprise = _demo_enterprise(platform)
    insured, analyst = people["enterprise"], people["analyst"]
    assets = [assessment.declare_asset(platform.uow(insured), enterprise.id, h) for h in DEMO_HOSTS]
    now = datetime.now(UTC)
    with platform.uow(SYSTEM) as uow:
        # A demo has no DNS zone or web server to publish the tokens on: the platform records
        # the proof of control (the fields verify_asset sets), marked as the demo's.
        for declared in assets:
            asset = uow.assessment.asset(declared.id)
            asset.verified_at, asset.verified_by = now - timedelta(days=85), DEMO_PROOF
        uow.commit()
    assessment.assign_task(
        platform.uow(insured),
        enterprise.id,
        provider_id=analyst.tenant_id,
        fix_id="monitoring",
        title_zh="保中监控与应急响应",
        title_en="In-term monitoring and incident response",
    )
    address = DEMO_HOSTS[1]
    feeds = monitoring.read_events(BytesIO(_demo_feodo(address, now).encode()), "feodo")
    events = monitoring.read_events(BytesIO(_demo_eve(address, now).encode()), "suricata")
    alerted = 0
    for who, items in ((SYSTEM, feeds), (analyst, events)):
        observations = [o for o in items if isinstance(o, monitoring.Observation)]
        result = monitoring.record_observations(platform.uow(who), observations, now=now)
        alerted += result.alerted
    _work_demo_alerts(platform, analyst)
    return alerted


def _work_demo_alerts(platform: Platform, analyst: accounts.Principal) -> None:
    """Alerts in several states, worked through the lifecycle as the provider would: the Feodo
    listing taken into remediation with a fix reported (the insurer's to accept), the beacon
    acknowledged, the inbound scan left open."""
    from liubu import monitoring

    for alert in monitoring.list_alerts(platform.uow(analyst)):
        if alert.source == "feodo":
            steps: tuple[tuple[str, str | None], ...] = (
                ("acknowledge", None),
                ("remediate", None),
                ("report_fix", "已清除主机上的僵尸程序并重装系统 / bot removed, host rebuilt"),
            )
        elif alert.rule == "suricata:1000001":
            steps = (("acknowledge", None),)
        else:
            continue
        version = alert.version
        for action, note in steps:
            version = monitoring.transition(
                platform.uow(analyst), alert.id, action, expected_version=version, note=note
            ).version


def load_demo_scan(platform: Platform) -> int:
    """An in-term monitoring scan of the demo enterprise that identified Apache HTTP Server
    2.4.49 on its portal, then CISA's KEV entry of CVE-2024-38475 (its CVE record loaded as
    intel first, as ``liubu intel load`` does) recorded through the real ingest: one open alert
    on that software, and the regulator's view counts the enterprise as KEV-exposed. Not part
    of :func:`load_demo` (the demo's pre-bind diagnosis starts unscanned); run after it.
    Returns the alerts raised."""
    import tempfile
    from importlib import resources
    from pathlib import Path

    from liubu import assessment, monitoring

    _people, enterprise = _demo_enterprise(platform)
    now = datetime.now(UTC)
    scanned = now - timedelta(days=20)
    software = {
        "cpe": DEMO_SOFTWARE,
        "evidence": {"observed": "Server: Apache/2.4.49 (Unix)", "source": "demo"},
        "distribution": None,
        "confidence": "confirmed",
    }
    with platform.uow(SYSTEM) as uow:
        uow.assessment.add(
            Scan(
                id=new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=enterprise.id,
                status=str(ScanState.FINISHED),
                targets=list(DEMO_HOSTS),
                settings={"demo": True},
                created_at=scanned,
                started_at=scanned,
                finished_at=scanned,
                result={"targets": [{"target": DEMO_HOSTS[0], "software": [software]}]},
            )
        )
        uow.commit()
    data = resources.files("liubu").joinpath("demo_data")
    listed = (now - timedelta(days=6)).date()  # listed in the catalogue after the scan
    kev = json.loads(data.joinpath(f"kev-{DEMO_CVE}.json").read_text("utf-8"))
    for entry in kev["vulnerabilities"]:
        entry["dateAdded"], entry["dueDate"] = f"{listed}", f"{listed + timedelta(days=21)}"
    with tempfile.TemporaryDirectory(prefix="liubu-demo-") as work:
        kev_path = Path(work) / "known_exploited_vulnerabilities.json"
        kev_path.write_text(json.dumps(kev, ensure_ascii=False), encoding="utf-8")
        record_path = Path(work) / f"{DEMO_CVE}.json"
        record_path.write_bytes(data.joinpath(f"{DEMO_CVE}.json").read_bytes())
        assessment.load_intel_files(platform.uow(SYSTEM), [kev_path, record_path])
        observations = [
            o
            for o in monitoring.read_events(kev_path, "kev")
            if isinstance(o, monitoring.Observation)
        ]
    result = monitoring.record_observations(
        platform.uow(SYSTEM), observations, intel=platform.index_cache, now=now
    )
    return result.alerted


def _demo_feodo(address: str, now: datetime) -> str:
    """Feodo Tracker's CSV layout (banner, quoted columns, footer) with one line: the address."""
    seen = now - timedelta(days=2)
    return (
        "################################################################\n"
        "# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #\n"
        f"# Last updated: {now:%Y-%m-%d %H:%M:%S} UTC                        #\n"
        "################################################################\n"
        "#\n"
        '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n'
        f'"{seen:%Y-%m-%d %H:%M:%S}","{address}","443","online","{now:%Y-%m-%d}","Pikabot"\n'
        "# END 1 entries\n"
    )


def _demo_eve(address: str, now: datetime) -> str:
    """One Suricata EVE ``alert`` event (priority 1) of a beacon from the address."""
    at = (now - timedelta(days=1)).isoformat(timespec="microseconds")
    event = {
        "timestamp": at,
        "flow_id": 1834172663719841,
        "event_type": "alert",
        "src_ip": address,
        "src_port": 49731,
        "dest_ip": "198.51.100.77",
        "dest_port": 443,
        "proto": "TCP",
        "pkt_src": "wire/pcap",
        "alert": {
            "action": "allowed",
            "gid": 1,
            "signature_id": 1000001,
            "rev": 1,
            "signature": "LIUBU DEMO Pikabot C2 beacon from an insured host",
            "category": "A Network Trojan was detected",
            "severity": 1,
        },
        "app_proto": "tls",
        "direction": "to_server",
    }
    # and, hours later, a scan of the insured's web port from outside (priority 2)
    scan = {
        **event,
        "timestamp": (now - timedelta(hours=6)).isoformat(timespec="microseconds"),
        "flow_id": 1834172663719977,
        "src_ip": "198.51.100.23",
        "src_port": 51544,
        "dest_ip": address,
        "dest_port": 80,
        "alert": {
            "action": "allowed",
            "gid": 1,
            "signature_id": 2010937,
            "rev": 3,
            "signature": "ET SCAN Suspicious inbound to insured web server",
            "category": "Attempted Information Leak",
            "severity": 2,
        },
        "app_proto": "http",
    }
    return json.dumps(event) + "\n" + json.dumps(scan) + "\n"
