"""An insurer waives a finding for one asset with a reason: it stays listed, costs no point, is
shown as waived in the score, is audited and survives a rescan; nobody else may waive."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Role
from liubu.assessment import (
    FindingRecord,
    Scan,
    ScanState,
    finding_record,
    security_score,
    waive_finding,
)
from liubu.assessment.scan import Evidence, make_finding
from liubu.bootstrap import Platform
from liubu.errors import PermissionDeniedError, ValidationError
from tests.integration.helpers import Tenant, facts, make_tenant

REASON = "Internal API behind our approved private CA; accepted by underwriting 2026-12."


def _scan(tenant_id: str, enterprise_id: str) -> Scan:
    return Scan(
        id=f"scan-{datetime.now(UTC).timestamp()}",
        tenant_id=tenant_id,
        enterprise_id=enterprise_id,
        status=ScanState.FINISHED,
        targets=["api.example.cn"],
        settings={},
        created_at=datetime.now(UTC),
    )


def _untrusted(scan: Scan, previous: FindingRecord | None = None) -> FindingRecord:
    evidence = Evidence(
        observed="Chain verification failed: unable to get local issuer certificate.",
        observed_at=datetime.now(UTC),
        source="192.0.2.10",
        target="api.example.cn",
        port=443,
        probe="tls",
    )
    return finding_record(scan, make_finding("tls.untrusted_chain", evidence), previous)


def _book(platform: Platform, tenant: Tenant) -> tuple[str, str]:
    """An enterprise in ``tenant``'s book with one untrusted-chain finding; (enterprise, id)."""
    with platform.uow(tenant.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(7))
        uow.commit()
    with platform.uow(tenant.principal) as uow:
        scan = _scan(enterprise.tenant_id, enterprise.id)
        uow.assessment.add(scan)
        uow.flush()  # the scan row first: the finding refers to it
        record = _untrusted(scan)
        uow.assessment.add(record)
        uow.commit()
        return enterprise.id, record.id


def test_an_underwriters_waiver_costs_no_point_is_shown_audited_and_survives_a_rescan(
    platform: Platform,
) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer", Role.UNDERWRITER)
    enterprise_id, finding_id = _book(platform, insurer)
    with platform.uow(insurer.principal) as uow:
        before = security_score(uow, enterprise_id)
    # tls.untrusted_chain is high: 0.4 of the TLS factor's 7 points = 2.8.
    assert before.factor("tls").points == Decimal("4.2")

    waived = waive_finding(platform.uow(insurer.principal), finding_id, reason=f"  {REASON}  ")
    assert waived.status == "waived"
    assert waived.detail["waiver"]["reason"] == REASON
    assert waived.detail["waiver"]["by"] == insurer.principal.user_id

    with platform.uow(insurer.principal) as uow:
        after = security_score(uow, enterprise_id)
        events = [e for e in uow.audit.recent(limit=50) if e.entity_id == finding_id]
    tls = after.factor("tls")
    assert tls.points == 7
    assert [(r.kind, r.ref, r.points, r.assets) for r in tls.reasons] == [
        ("waived", "tls.untrusted_chain", 0, ("api.example.cn:443",))
    ]
    assert after.value == before.value + Decimal("2.8")
    assert any(e.actor_id == insurer.principal.user_id for e in events)

    with platform.uow(insurer.principal) as uow:  # the next scan sees it again
        previous = uow.assessment.finding(finding_id)
        scan = _scan(previous.tenant_id, enterprise_id)
        carried = _untrusted(scan, previous)
    assert carried.status == "waived"
    assert carried.detail["waiver"]["reason"] == REASON
    assert platform.verify_audit_chain().intact


def test_only_an_insurer_waives_and_only_with_a_reason(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer", Role.UNDERWRITER)
    _, finding_id = _book(platform, insurer)
    with pytest.raises(ValidationError) as empty:
        waive_finding(platform.uow(insurer.principal), finding_id, reason="   ")
    assert (empty.value.code, empty.value.field) == ("waiver.reason", "reason")
    with pytest.raises(ValidationError):
        waive_finding(platform.uow(insurer.principal), finding_id, reason="x" * 2001)

    enterprise = make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    _, own_finding = _book(platform, enterprise)
    with pytest.raises(PermissionDeniedError):
        waive_finding(platform.uow(enterprise.principal), own_finding, reason=REASON)
    with platform.uow(enterprise.principal) as uow:
        assert uow.assessment.finding(own_finding).status == "open"
