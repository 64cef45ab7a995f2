"""Tenant isolation, driven by the app's route table: every API endpoint is tried by every
tenant against every other tenant's resources and must answer 403 or 404 without leaking them.

New endpoints join automatically. An endpoint with a path parameter this test does not know, or a
write endpoint without a sample body, fails the test until it is taught here: isolation is never
silently skipped.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from liubu import claims
from liubu.accounts.model import SYSTEM, OrgKind, Role, new_id
from liubu.assessment.records import FindingRecord, Scan, ServiceTask
from liubu.bootstrap import Platform
from liubu.core import Money, shanghai_today, uscc_with_check
from liubu.monitoring import Alert, ScheduledService
from liubu.store import tables
from liubu.store.uow import SqlUnitOfWork
from liubu.underwriting import (
    BoundTerms,
    EnterpriseSnapshot,
    OptionStatus,
    PricedOption,
    Submission,
)
from liubu.underwriting.group_records import GroupMember, GroupScheme, SchemeLink
from liubu.underwriting.records import Policy, Quote
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant, product_yaml

TENANTS: list[tuple[str, OrgKind, list[Role]]] = [
    ("insurer-a", OrgKind.INSURER, [Role.ADMIN, Role.UNDERWRITER]),
    ("insurer-b", OrgKind.INSURER, [Role.ADMIN, Role.UNDERWRITER]),
    ("enterprise-a", OrgKind.ENTERPRISE, [Role.ADMIN, Role.ENTERPRISE_USER]),
    ("enterprise-b", OrgKind.ENTERPRISE, [Role.ADMIN, Role.ENTERPRISE_USER]),
    ("provider", OrgKind.SECURITY_PROVIDER, [Role.ADMIN, Role.SECURITY_ANALYST]),
    ("regulator", OrgKind.REGULATOR, [Role.ADMIN, Role.REGULATOR_VIEWER]),
]


@dataclass
class Owned:
    """What one tenant owns, by path parameter name, and strings that must not leak."""

    headers: dict[str, str]
    organisation_id: str
    ids: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    uscc: str = ""


def _enterprise_body(marker: str, serial: int) -> dict[str, Any]:
    return {
        "name": f"{marker} secret enterprise",
        "uscc": str(uscc_with_check(f"91320500MA{serial:07d}")),
        "industry_section": "I",
        "industry_division": "65",
        "region_code": "320500",
        "annual_revenue": "1000000",
        "employees": 10,
        "mlps_level": 2,
    }


def _setup(api: Api, platform: Platform) -> dict[str, Owned]:
    world: dict[str, Owned] = {}
    for serial, (marker, kind, roles) in enumerate(TENANTS, start=1):
        code = marker if kind is OrgKind.INSURER else None
        tenant = make_tenant(platform, kind, marker, roles[0], code=code)
        admin_headers = api.headers(tenant.username)
        owned = Owned(headers=admin_headers, organisation_id=tenant.organisation_id)
        user = api.client.post(
            "/api/users",
            headers=admin_headers,
            json={
                "username": f"{marker}-worker",
                "password": PASSWORD,
                "roles": [str(roles[1])],
            },
        ).json()
        token = api.client.post(
            "/api/tokens", headers=admin_headers, json={"name": f"{marker} robot"}
        ).json()
        owned.ids.update(
            organisation_id=tenant.organisation_id, user_id=user["id"], token_id=token["id"]
        )
        owned.secrets |= {
            tenant.organisation_id,
            user["id"],
            token["id"],
            f"{marker}-worker",
            f"{marker} robot",
        }
        if kind in (OrgKind.INSURER, OrgKind.ENTERPRISE):
            body = _enterprise_body(marker, serial)
            enterprise = api.client.post("/api/enterprises", headers=admin_headers, json=body)
            assert enterprise.status_code == 201, enterprise.text
            owned.ids["enterprise_id"] = enterprise.json()["id"]
            owned.uscc = body["uscc"]
            owned.secrets |= {enterprise.json()["id"], body["name"], body["uscc"]}
            _assessment_records(api, platform, owned, marker)
        if kind is OrgKind.INSURER:
            draft = product_yaml(insurer=marker).replace("测试综合保险", f"{marker} secret product")
            product = api.client.post(
                "/api/products", headers=admin_headers, json={"document": draft}
            )
            assert product.status_code == 201, product.text
            owned.ids["product_id"] = product.json()["id"]
            owned.secrets |= {product.json()["id"], f"{marker} secret product"}
            run_id = new_id()
            with platform.uow(SYSTEM) as uow:
                uow.session.execute(
                    sa.insert(tables.portfolio_runs).values(
                        id=run_id,
                        tenant_id=tenant.organisation_id,
                        source="files",
                        years=1000,
                        seed=1,
                        block_years=1000,
                        workers=0,
                        book_name=f"{marker} secret book.csv",
                        created_at=datetime.now(UTC),
                        created_by="test",
                    )
                )
                uow.commit()
            owned.ids["run_id"] = run_id
            owned.secrets |= {run_id, f"{marker} secret book.csv"}
        world[marker] = owned
    _claim(api, platform, world["enterprise-b"])
    return world


def _claim(api: Api, platform: Platform, claimant: Owned) -> None:
    """``claimant`` claims the credit code of an enterprise outside the world (whose tenant, a
    party to the claim, would rightly see it)."""
    holder = make_tenant(platform, OrgKind.ENTERPRISE, "holder-x", Role.ADMIN)
    body = _enterprise_body("holder-x", 99)
    held = api.client.post("/api/enterprises", headers=api.headers(holder.username), json=body)
    assert held.status_code == 201, held.text
    taken = api.client.post(
        "/api/enterprises", headers=claimant.headers, json={**body, "name": "claimant secret"}
    )
    assert taken.status_code == 409, taken.text
    claimant.ids["claim_id"] = taken.json()["claim_id"]
    claimant.secrets |= {taken.json()["claim_id"], "claimant secret"}


def _assessment_records(api: Api, platform: Platform, owned: Owned, marker: str) -> None:
    """An asset declared through the API; a scan and a finding stored as a scan would."""
    url = f"/api/enterprises/{owned.ids['enterprise_id']}/assets"
    declared = api.client.post(url, headers=owned.headers, json={"name": f"{marker}.example.cn"})
    assert declared.status_code == 201, declared.text
    asset = declared.json()["asset"]
    now = datetime.now(UTC)
    scan = Scan(
        id=new_id(),
        tenant_id=owned.organisation_id,
        enterprise_id=asset["enterprise_id"],
        status="finished",
        targets=[asset["name"]],
        settings={},
        created_at=now,
    )
    finding = FindingRecord(
        id=new_id(),
        tenant_id=owned.organisation_id,
        enterprise_id=asset["enterprise_id"],
        scan_id=scan.id,
        code="service.rdp_exposed",
        severity="critical",
        factor="network_exposure",
        asset=f"{asset['name']}:3389",
        status="open",
        detail={"evidence": {"observed": f"{marker} secret banner"}},
        created_at=now,
        updated_at=now,
    )
    # A task for a provider outside the tenants under test: none of them may see it.
    outsider = make_tenant(
        platform, OrgKind.SECURITY_PROVIDER, f"{marker} outsider", Role.SECURITY_ANALYST
    )
    task = ServiceTask(
        id=new_id(),
        tenant_id=owned.organisation_id,
        enterprise_id=asset["enterprise_id"],
        provider_id=outsider.organisation_id,
        fix_id="fix.rdp",
        title_zh=f"{marker} 秘密任务",
        title_en=f"{marker} secret task",
        status="open",
        created_at=now,
        updated_at=now,
    )
    with platform.uow(SYSTEM) as uow:
        uow.assessment.add(scan)
        uow.flush()
        uow.assessment.add(finding)
        uow.assessment.add(task)
        uow.flush()
        quote, policy = _business(owned, asset["enterprise_id"], marker)
        uow.underwriting.add(quote)
        uow.flush()
        uow.underwriting.add(policy)
        uow.flush()
        # A scheduled bundled service (保中服务) of the policy, assigned to the outsider.
        scheduled = ScheduledService(
            id=new_id(),
            tenant_id=owned.organisation_id,
            client_tenant_id=policy.client_tenant_id,
            enterprise_id=asset["enterprise_id"],
            policy_id=policy.id,
            policy_number=policy.number,
            kind="service",
            service_code="security_training",
            sequence=1,
            due_on=now.date(),
            accept_by=now.date(),
            complete_by=now.date(),
            status="reported",
            created_at=now,
            updated_at=now,
            provider_id=outsider.organisation_id,
            report=f"{marker} secret service report",
        )
        uow.services.add(scheduled)
        alert = Alert(
            id=new_id(),
            tenant_id=owned.organisation_id,
            client_tenant_id=policy.client_tenant_id,
            enterprise_id=asset["enterprise_id"],
            policy_id=policy.id,
            policy_number=policy.number,
            asset_kind="domain",
            asset_value=f"{marker}-secret-asset.example",
            indicator_kind="domain",
            indicator=f"{marker}-secret-indicator.example",
            match_kind="domain",
            severity="high",
            source="stix",
            rule=f"stix:{marker}-secret-rule",
            evidence={"note": f"{marker} secret evidence"},
            first_seen=now,
            last_seen=now,
            count=1,
            status="open",
            created_at=now,
            updated_at=now,
            acknowledge_due=now,
            fix_due=now,
        )
        uow.monitoring.add(alert)
        scheme = GroupScheme(
            id=new_id(),
            tenant_id=owned.organisation_id,
            kind="supply_chain",
            name=f"{marker} secret scheme",
            sponsor_enterprise_id=asset["enterprise_id"],
            product_ref="x/y@1",
            created_at=now,
        )
        uow.groups.add(scheme)
        # An invitation to the owner's own code: held by an enterprise owner, which alone may
        # answer it.
        invitation = GroupMember(
            id=new_id(),
            tenant_id=owned.organisation_id,
            scheme_id=scheme.id,
            enterprise_id=None,
            supplies=f"{marker} secret supplies",
            access="none",
            added_at=now,
            uscc=owned.uscc,
        )
        uow.groups.add(invitation)
        uow.flush()
        # A supplier-of-supplier link of the scheme (both ends its one invitation row: the
        # store does not judge the graph, the use case does).
        link = SchemeLink(
            id=new_id(),
            tenant_id=owned.organisation_id,
            scheme_id=scheme.id,
            source_member_id=invitation.id,
            target_member_id=invitation.id,
            access="remote_access",
            declared_at=now,
        )
        uow.groups.add(link)
        import_id = hashlib.sha256(marker.encode()).hexdigest()
        claim_ids = _insurance_claim(uow, owned, policy, marker, outsider.organisation_id)
        uow.session.execute(
            sa.insert(tables.import_batches).values(
                id=new_id(),
                tenant_id=owned.organisation_id,
                product_ref="x/y@1",
                file_sha256=import_id,
                plan_key="p" * 64,
                file_name=f"{marker} secret people.csv",
                checkpoint={"line": 1, "finished": True},
                issued=0,
                started_at=now,
                updated_at=now,
            )
        )
        uow.commit()
    owned.ids.update(claim_ids)
    owned.secrets |= {
        claim_ids["case_id"],
        f"{marker} secret incident",
        f"{marker} secret appeal",
        "LC-" + marker,
    }
    owned.ids.update(
        service_task_id=scheduled.id,
        alert_id=alert.id,
        quote_id=quote.id,
        option_index="0",
        policy_id=policy.id,
        scheme_id=scheme.id,
        import_id=import_id,
        invitation_id=invitation.id,
        member=invitation.id,
        link_id=link.id,
    )
    owned.secrets |= {
        quote.id,
        policy.id,
        policy.number,
        scheme.id,
        scheme.name,
        invitation.id,
        link.id,
        f"{marker} secret supplies",
        f"{marker} secret service report",
        alert.id,
        f"{marker}-secret-indicator.example",
        f"{marker} secret evidence",
        import_id,
        f"{marker} secret people.csv",
    }
    owned.ids.update(asset_id=asset["id"], scan_id=scan.id, finding_id=finding.id, task_id=task.id)
    owned.secrets |= {
        asset["id"],
        asset["name"],
        asset["token"],
        scan.id,
        finding.id,
        f"{marker} secret banner",
        task.id,
        f"{marker} secret task",
    }


def _insurance_claim(
    uow: SqlUnitOfWork, owned: Owned, policy: Policy, marker: str, vendor_id: str
) -> dict[str, str]:
    """A claim of the owner (insurer and insured at once) with a reserve line, an approval
    request, a dispatch to a vendor outside the tenants under test, evidence and an appeal."""
    now = datetime.now(UTC)
    tenant = owned.organisation_id
    claim = claims.Claim(
        id=new_id(),
        tenant_id=tenant,
        client_tenant_id=tenant,
        policy_id=policy.id,
        policy_number=policy.number,
        enterprise_id=policy.enterprise_id,
        product_ref=policy.product_ref,
        number="LC-" + marker,
        incident_type="ransomware",
        state=claims.ClaimState.OPEN,
        channel=claims.Channel.INSURED,
        reporter_tenant_id=tenant,
        reported_by="test",
        occurred_on=now.date(),
        discovered_at=now,
        notified_at=now,
        description=f"{marker} secret incident",
        affected_assets=(),
        contact_name_masked="张*三",
        contact_phone_masked="138****5678",
        flags=(),
        ir_contact_due=now + timedelta(minutes=30),
        settlement_due=None,
        duplicate_key=hashlib.sha256(marker.encode()).hexdigest(),
        updated_at=now,
    )
    uow.claims.add_claim(claim, claims.Contact("张小三", "13812345678"))
    line = claims.ReserveLine(
        new_id(),
        tenant,
        claim.id,
        "forensics",
        Decimal(1000),
        Decimal(0),
        claims.ReserveSource.ADJUSTER,
    )
    uow.claims.add_reserve_line(line)
    approval = claims.Approval(
        new_id(), tenant, claim.id, claims.ApprovalKind.RESERVE, "forensics", Decimal(10**6),
        "big", 2, claims.ApprovalState.PENDING, "someone-else", now,
    )  # fmt: skip
    uow.claims.add_approval(approval)
    dispatch = claims.Dispatch(
        new_id(), tenant, claim.id, vendor_id, claims.DispatchState.OFFERED, Decimal(0), "x", now
    )
    uow.claims.add_dispatch(dispatch)
    digest = hashlib.sha256(b"secret").hexdigest()
    evidence = claims.Evidence(
        new_id(), tenant, claim.id, "log.txt", "text/plain", 6, digest, "test", tenant, now
    )
    uow.claims.add_evidence(evidence, b"secret")
    appeal = claims.Appeal(
        new_id(), tenant, tenant, claim.id, claims.AppealState.OPEN, ("retention",),
        f"{marker} secret appeal", (), "test", now, now.date(), "someone-else", {}, Decimal(1),
    )  # fmt: skip
    uow.claims.add_appeal(appeal)
    return {
        "appeal_id": appeal.id,
        "case_id": claim.id,
        "approval_id": approval.id,
        "dispatch_id": dispatch.id,
        "evidence_id": evidence.id,
    }


def _secret_submission(marker: str) -> Submission:
    facts = EnterpriseSnapshot(None, f"{marker} secret", "91110000000000000X", "C", "110105")
    return Submission(enterprise=facts, score=50.0, grade="C")


def _business(owned: Owned, enterprise_id: str, marker: str) -> tuple[Quote, Policy]:
    """A quote and a policy of the owner (as insurer and as insured at once)."""
    now = datetime.now(UTC)
    quote = Quote(
        id=new_id(),
        tenant_id=owned.organisation_id,
        client_tenant_id=owned.organisation_id,
        enterprise_id=enterprise_id,
        insurer="x",
        submission=_secret_submission(marker),
        options=(),
        status="offered",
        valid_until=now,
        created_at=now,
        created_by="test",
    )
    policy = Policy(
        id=new_id(),
        tenant_id=owned.organisation_id,
        client_tenant_id=owned.organisation_id,
        number=f"LB{abs(hash(marker)) % 10**12:012d}",
        quote_id=quote.id,
        enterprise_id=enterprise_id,
        product_ref="x/y@1",
        limit=Decimal(1000),
        retention=Decimal(0),
        annual_premium=Decimal(10),
        period_start=now.date(),
        period_end=now.date() + timedelta(days=365),
        status="in_force",
        submission=_secret_submission(marker),
        terms=BoundTerms(
            PricedOption("x/y@1", "x", None, OptionStatus.AUTO, None, filed_premium=Money(10))
        ),
        created_at=now,
    )
    return quote, policy


# Sample bodies for write endpoints, keyed by (method, path template). Each takes the owner
# (whose resources are targeted) and returns a body that would succeed for the owner.
BODIES: dict[tuple[str, str], Callable[[Owned], dict[str, Any]]] = {
    ("PUT", "/api/enterprises/{enterprise_id}"): lambda owner: {
        **_enterprise_body("attacker", 99),
        "version": 1,
    },
    ("PUT", "/api/enterprises/{enterprise_id}/dependencies"): lambda owner: {
        "dependencies": [{"kind": "dns", "provider": "Attacker DNS"}]
    },
    ("POST", "/api/enterprises/{enterprise_id}/assets"): lambda owner: {"name": "intruder.cn"},
    ("POST", "/api/enterprises/{enterprise_id}/answers"): lambda owner: {"answers": {}},
    ("POST", "/api/enterprises/{enterprise_id}/quotes"): lambda owner: {"products": ["x/y@1"]},
    ("POST", "/api/quotes/{quote_id}/decision"): lambda owner: {"approve": True, "reasons": "x"},
    ("POST", "/api/quotes/{quote_id}/bind"): lambda owner: {
        "option_index": 0,
        "version": 1,
        "declarations": {"truthful": True, "terms_read": True},
    },
    ("POST", "/api/policies/{policy_id}/endorse"): lambda owner: {
        "limit": "2000",
        "effective": str(shanghai_today()),
    },
    ("POST", "/api/policies/{policy_id}/cancel"): lambda owner: {
        "effective": str(shanghai_today())
    },
    ("POST", "/api/policies/{policy_id}/payments"): lambda owner: {
        "amount": "1.00",
        "paid_on": str(shanghai_today()),
    },
    ("POST", "/api/policies/{policy_id}/renew"): lambda owner: {"claims_count": 0},
    ("POST", "/api/groups"): lambda owner: {
        "kind": "supply_chain",
        "name": "intruder scheme",
        "sponsor_enterprise_id": owner.ids["enterprise_id"],
        "product": "x/y@1",
    },
    ("POST", "/api/identity-claims/{claim_id}/evidence"): lambda owner: {"note": "mine"},
    ("POST", "/api/identity-claims/{claim_id}/decision"): lambda owner: {"uphold": True},
    ("POST", "/api/groups/{scheme_id}/members"): lambda owner: {
        "members": [{"uscc": str(uscc_with_check("91320500MA9999999")), "supplies": "x"}]
    },
    ("POST", "/api/groups/{scheme_id}/links"): lambda owner: {
        "source": owner.ids["member"],
        "target": owner.ids["member"],
        "access": "none",
    },
    ("POST", "/api/groups/{scheme_id}/quote"): lambda owner: {
        "limit": "1000000",
        "bind": True,
        "declarations": {"truthful": True, "terms_read": True},
    },
    ("POST", "/api/enterprises/{enterprise_id}/tasks"): lambda owner: {
        "provider_id": owner.organisation_id,
        "fix_id": "x",
        "title_zh": "x",
        "title_en": "x",
    },
    ("POST", "/api/tasks/{task_id}/status"): lambda owner: {"status": "done"},
    ("POST", "/api/services/{service_task_id}/report"): lambda owner: {"report": "intruder"},
    ("POST", "/api/monitoring/alerts/{alert_id}/transitions"): lambda owner: {
        "action": "close",
        "expected_version": 1,
    },
    ("POST", "/api/services/{service_task_id}/reject"): lambda owner: {"reason": "wrong_asset"},
    ("POST", "/api/findings/{finding_id}/dispute"): lambda owner: {
        "kind": "not_ours",
        "note": "intruder",
    },
    ("POST", "/api/findings/{finding_id}/waive"): lambda owner: {"reason": "intruder"},
    ("POST", "/api/users/{user_id}/sessions/revoke"): lambda owner: {"api_tokens": True},
    ("POST", "/api/claims"): lambda owner: {
        "policy_id": owner.ids["policy_id"],
        "incident_type": "ransomware",
        "occurred_on": str(shanghai_today()),
        "discovered_at": datetime.now(UTC).isoformat(),
        "description": "intruder",
        "contact": {"name": "x", "phone": "13800000000"},
    },
    ("POST", "/api/claims/{case_id}/reserves"): lambda owner: {
        "coverage": "forensics",
        "amount": "1.00",
        "reason": "x",
    },
    ("POST", "/api/claims/{case_id}/payments"): lambda owner: {
        "coverage": "forensics",
        "amount": "1.00",
        "payee": {"name": "intruder", "bank_account": "62220000"},
        "idempotency_key": "intruder",
    },
    ("POST", "/api/claims/{case_id}/recoveries"): lambda owner: {
        "kind": "salvage",
        "amount": "1.00",
        "counterparty": "x",
    },
    ("POST", "/api/claims/{case_id}/close"): lambda owner: {"reason": "x"},
    ("POST", "/api/claims/{case_id}/coverage"): lambda owner: {"rulings": {}},
    ("POST", "/api/claims/{case_id}/assessment"): lambda owner: {
        "items": [
            {"coverage": "forensics", "kind": "invoice", "description": "x", "amount": "1.00"}
        ]
    },
    ("POST", "/api/claims/{case_id}/reopen"): lambda owner: {"reason": "x"},
    ("POST", "/api/claims/{case_id}/appeals"): lambda owner: {
        "lines": ["retention"],
        "reasons": "x",
    },
    ("POST", "/api/claims/{case_id}/appeals/{appeal_id}/reassess"): lambda owner: {
        "items": [
            {"coverage": "forensics", "kind": "invoice", "description": "x", "amount": "1.00"}
        ]
    },
    ("POST", "/api/claims/{case_id}/appeals/{appeal_id}/decision"): lambda owner: {
        "outcome": "dismissed",
        "reasons": "x",
    },
    ("POST", "/api/claims/{case_id}/dispatches"): lambda owner: {
        "vendor_id": owner.organisation_id
    },
    ("POST", "/api/claims/{case_id}/timeline"): lambda owner: {"phase": "triage", "note": "x"},
    ("POST", "/api/claims/approvals/{approval_id}/decision"): lambda owner: {
        "approve": True,
        "reason": "x",
    },
    ("POST", "/api/claims/dispatches/{dispatch_id}/answer"): lambda owner: {"accept": True},
    ("POST", "/api/claims/dispatches/{dispatch_id}/costs"): lambda owner: {
        "amount": "1.00",
        "note": "x",
    },
    ("POST", "/api/users"): lambda owner: {
        "tenant_id": owner.organisation_id,
        "username": "intruder",
        "password": PASSWORD,
        "roles": ["admin"],
    },
}
# Collection writes that create in the caller's own tenant by construction (nothing to cross).
OWN_TENANT_WRITES = {
    ("POST", "/api/enterprises"),
    ("POST", "/api/tokens"),
    ("POST", "/api/organisations"),  # platform operator only: 403 for every tenant here
    ("POST", "/api/auth/token"),
    ("POST", "/api/risk/quantify"),  # stateless computation: nothing stored, nothing to cross
    ("POST", "/api/reserving"),  # stateless: the caller's own triangle in, nothing stored
    ("POST", "/api/products"),  # a draft of the caller's own insurer code
    ("POST", "/api/experience/imports"),  # stored under the caller's own insurer
    ("POST", "/api/me/password"),  # the caller's own password, named by nothing else
    ("POST", "/api/claims/panel"),  # the caller's own incident-response panel
    ("POST", "/api/services/panel"),  # the caller's own provider panel (保中服务)
    ("POST", "/api/services/panel/remove"),
    ("POST", "/api/services/schedule"),  # the caller's own policies' tasks
    ("POST", "/api/claims/experience"),  # rebuilds the caller's own experience rows
    ("POST", "/api/personal-claims"),  # claims against the caller's own insurer's book
    ("POST", "/api/personal-claims/imports"),  # stored under the caller's own insurer
    ("POST", "/api/portfolio/runs"),  # a run of the caller's own insurer
    ("POST", "/api/portfolio/book"),  # the caller's own insurer's imported book
}
# Multipart bodies (form fields, files) for upload endpoints.
MULTIPART: dict[tuple[str, str], tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]] = {
    ("POST", "/api/enterprises/{enterprise_id}/attachments"): (
        {"question_id": "mfa_email"},
        {"file": ("evidence.txt", b"intruder", "text/plain")},
    ),
    ("POST", "/api/claims/{case_id}/evidence"): (
        {},
        {"file": ("intruder.txt", b"intruder", "text/plain")},
    ),
    # Not a CA: a refusal of the file (422) instead of 403/404 would show the asset was found.
    ("PUT", "/api/assets/{asset_id}/trusted-ca"): (
        {},
        {"file": ("ca.pem", b"intruder", "application/x-pem-file")},
    ),
    ("POST", "/api/personal-policies/imports"): (
        {"product": "x/y@1"},
        {"file": ("people.csv", b"name,resident_id,mobile,limit\n", "text/csv")},
    ),
}
# Query parameters that point at the owner's resources, for endpoints that take ids that way.
QUERIES: dict[tuple[str, str], Callable[[Owned], dict[str, Any]]] = {
    # No tenant here stores experience: each caller's own (empty) experience → 404, or 403.
    ("GET", "/api/experience/indication"): lambda owner: {
        "product": "shifan-pc/sme-cyber-comprehensive@1"
    },
    ("GET", "/api/products/compare"): lambda owner: {
        "ids": [owner.ids["product_id"], owner.ids["product_id"]],
    },
    # Events about another's enterprise: no tenant here serves it (403 before the body is read).
    ("POST", "/api/monitoring/events"): lambda owner: {"enterprise": owner.ids["enterprise_id"]},
}


def _api_routes(api: Api) -> list[tuple[str, str, bool]]:
    """Every (method, path, takes a body) of the API, from the app's own OpenAPI route table."""
    paths = api.client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path, "requestBody" in operation)
        for path, operations in sorted(paths.items())
        if path.startswith("/api")
        for method, operation in sorted(operations.items())
    ]


def _assert_no_leak(text: str, owner: Owned, where: str, *, sent: str) -> None:
    """Nothing of the owner's appears, except what the caller itself sent (its URL, its body)."""
    leaked = [s for s in owner.secrets if s in text and s not in sent]
    assert not leaked, f"{where} leaked {leaked}"


def test_every_endpoint_refuses_other_tenants_resources(api: Api, platform: Platform) -> None:
    world = _setup(api, platform)
    routes = _api_routes(api)
    assert len(routes) >= 12, "the route table looks empty"
    for method, path, needs_body in routes:
        params = re.findall(r"{(\w+)}", path)
        key = (method, path)
        if not params and key in OWN_TENANT_WRITES:
            continue
        assert not needs_body or key in BODIES or key in MULTIPART, (
            f"teach this test a body for {method} {path}"
        )
        for (owner_name, owner), (caller_name, caller) in itertools.permutations(world.items(), 2):
            unknown = [p for p in params if p not in owner.ids and p not in _KNOWN_ABSENT]
            assert not unknown, f"teach this test how to make a {unknown} for {path}"
            if any(p not in owner.ids for p in params):
                continue  # the owner has no such resource (e.g. a regulator's enterprise)
            if key in QUERIES and not _has_all(owner, QUERIES[key]):
                continue
            if key in BODIES and not _has_all(owner, BODIES[key]):
                continue  # the body names a resource this owner lacks
            url = path.format(**{p: owner.ids[p] for p in params})
            body = BODIES[key](owner) if key in BODIES else None
            query = QUERIES[key](owner) if key in QUERIES else None
            form, files = MULTIPART.get(key, (None, None))
            response = api.client.request(
                method,
                url,
                json=body,
                params=query,
                data=form,
                files=files,
                headers=caller.headers,
            )
            where = f"{method} {url} by {caller_name} against {owner_name}"
            if params or key in BODIES or key in QUERIES or key in MULTIPART:
                assert response.status_code in (403, 404), f"{where}: {response.status_code}"
            else:
                assert response.status_code in (200, 403), f"{where}: {response.status_code}"
            _assert_no_leak(response.text, owner, where, sent=f"{url} {body} {query} {form}")


# Parameters some tenants legitimately lack (then that owner is skipped for the route).
_KNOWN_ABSENT = {
    "enterprise_id",
    "product_id",
    "asset_id",
    "scan_id",
    "finding_id",
    "task_id",
    "service_task_id",
    "alert_id",
    "quote_id",
    "option_index",
    "policy_id",
    "scheme_id",
    "import_id",
    "run_id",
    "invitation_id",
    "member",
    "link_id",
    "claim_id",
    "case_id",
    "approval_id",
    "dispatch_id",
    "evidence_id",
    "appeal_id",
}


def _has_all(owner: Owned, build: Callable[[Owned], dict[str, Any]]) -> bool:
    try:
        build(owner)
    except KeyError:
        return False
    return True


def test_cross_tenant_refusals_do_not_change_anything(api: Api, platform: Platform) -> None:
    world = _setup(api, platform)
    victim, attacker = world["insurer-a"], world["insurer-b"]
    url = f"/api/enterprises/{victim.ids['enterprise_id']}"
    before = api.client.get(url, headers=victim.headers).json()
    response = api.client.put(
        url,
        json=BODIES[("PUT", "/api/enterprises/{enterprise_id}")](victim),
        headers=attacker.headers,
    )
    assert response.status_code == 404
    assert api.client.get(url, headers=victim.headers).json() == before
    revoke = api.client.delete(f"/api/tokens/{victim.ids['token_id']}", headers=attacker.headers)
    assert revoke.status_code == 404
    tokens = api.client.get("/api/tokens", headers=victim.headers).json()
    assert [t["revoked_at"] for t in tokens if t["id"] == victim.ids["token_id"]] == [None]


def test_a_quote_lets_that_insurer_read_the_applicant_and_change_nothing(
    api: Api, platform: Platform
) -> None:
    """enterprise-a asks insurer-a for a quote: insurer-a's administrator and underwriter now
    read its assessment (the same answers as the enterprise gets); every write endpoint against
    its resources still refuses them and changes nothing; every other tenant still gets 403/404
    and sees none of it."""
    world = _setup(api, platform)
    applicant, insurer = world["enterprise-a"], world["insurer-a"]
    enterprise_id = applicant.ids["enterprise_id"]
    asked, _policy = _business(applicant, enterprise_id, "consent")
    asked.tenant_id = insurer.organisation_id  # the quote is insurer-a's, for enterprise-a
    with platform.uow(SYSTEM) as uow:
        uow.underwriting.add(asked)
        uow.commit()
    readers = {"insurer-a": insurer.headers, "insurer-a-worker": api.headers("insurer-a-worker")}
    reads = [
        f"/api/enterprises/{enterprise_id}/{part}"
        # (Not the score: this world's finding is no scan's full record; the score is checked
        # against the enterprise's own in tests/integration/test_applicant_visibility.py.)
        for part in ("findings", "scans", "answers")
    ]
    own = {url: api.client.get(url, headers=applicant.headers) for url in reads}
    assert all(r.status_code == 200 for r in own.values()), {u: r.text for u, r in own.items()}
    for who, headers in readers.items():
        for url in reads:
            seen = api.client.get(url, headers=headers)
            assert seen.status_code == 200, f"{url} by {who}: {seen.status_code}"
            assert seen.json() == own[url].json(), f"{url} by {who}"
    for name, outsider in world.items():
        if name in ("enterprise-a", "insurer-a"):
            continue
        for url in reads:
            response = api.client.get(url, headers=outsider.headers)
            assert response.status_code in (403, 404), f"{url} by {name}"
            _assert_no_leak(response.text, applicant, f"{url} by {name}", sent=url)

    watched = [*reads, f"/api/enterprises/{enterprise_id}/assets"]
    before = {url: api.client.get(url, headers=applicant.headers).json() for url in watched}
    tried = 0
    for method, path, _needs_body in _api_routes(api):
        params = re.findall(r"{(\w+)}", path)
        key = (method, path)
        if method == "GET" or not params or any(p not in applicant.ids for p in params):
            continue
        if key in BODIES and not _has_all(applicant, BODIES[key]):
            continue
        url = path.format(**{p: applicant.ids[p] for p in params})
        form, files = MULTIPART.get(key, (None, None))
        for who, headers in readers.items():
            response = api.client.request(
                method,
                url,
                json=BODIES[key](applicant) if key in BODIES else None,
                params=QUERIES[key](applicant) if key in QUERIES else None,
                data=form,
                files=files,
                headers=headers,
            )
            assert response.status_code in (403, 404), f"{method} {url} by {who}"
            tried += 1
    assert tried >= 10, "the applicant's write endpoints were not tried"
    after = {url: api.client.get(url, headers=applicant.headers).json() for url in watched}
    assert after == before
