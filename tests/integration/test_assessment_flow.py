"""The pre-bind diagnosis end to end on a real database and real local servers: declare an
asset, prove control, scan it, match its software against real KEV data, dispute a finding and
see a rescan resolve it."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Role
from liubu.assessment import service
from liubu.assessment.service import ScanPolicy
from liubu.assessment.vulnerabilities import load_intel
from liubu.bootstrap import Platform
from liubu.errors import PermissionDeniedError, ValidationError
from liubu.jobs import JobState, claim_next
from tests.integration.helpers import Tenant, facts, make_tenant
from tests.integration.scan.servers import Listener, Page, http_handler, rdp_handler

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
WELL_KNOWN = "/.well-known/liubu-verification.txt"


@dataclass
class Site:
    web: Listener
    rdp: Listener
    pages: dict[str, Page]


@pytest.fixture
def site() -> Iterator[Site]:
    """A web server announcing Apache 2.4.49 without security headers, and an RDP listener."""
    pages: dict[str, Page] = {}
    web = Listener(http_handler(pages, Page(headers=(("Server", "Apache/2.4.49"),))))
    rdp = Listener(rdp_handler)
    yield Site(web, rdp, pages)
    web.stop()
    rdp.stop()


def _wait_until_closed(port: int) -> None:
    """A listener's socket closes once its accept loop wakes (≤ 0.2 s); wait for that."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"port {port} still accepts connections")


def _prepare(platform: Platform, site: Site) -> tuple[Tenant, str]:
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=(("http", site.web.port),),
        ports=(site.web.port, site.rdp.port),
        services={site.web.port: "http", site.rdp.port: "rdp"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    with platform.uow() as uow:
        load_intel(
            uow.intel,
            [
                SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json",
                SHARED / "cve5_vulnrichment" / "kev_subset" / "CVE-2024-38475.json",
            ],
        )
        uow.commit()
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    with platform.uow(tenant.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(1))
        uow.commit()
    return tenant, enterprise.id


def test_an_unverified_asset_is_never_scanned(platform: Platform, site: Site) -> None:
    tenant, enterprise_id = _prepare(platform, site)
    with platform.uow(tenant.principal) as uow:
        asset = service.declare_asset(uow, enterprise_id, "127.0.0.1")
        uow.commit()
    with platform.uow(tenant.principal) as uow, pytest.raises(ValidationError) as caught:
        service.verify_asset(uow, asset.id, platform.scan_policy())
    assert caught.value.code == "asset.unverified"
    with platform.uow(tenant.principal) as uow, pytest.raises(ValidationError) as refused:
        service.request_scan(uow, enterprise_id)
    assert refused.value.code == "scan.no_verified_assets"
    assert site.rdp.accepted_at == []  # nothing touched the services


def test_private_addresses_are_refused_unless_enabled_for_testing(
    platform: Platform, site: Site
) -> None:
    tenant, enterprise_id = _prepare(platform, site)
    with platform.uow(tenant.principal) as uow:
        asset = service.declare_asset(uow, enterprise_id, "127.0.0.1")
        uow.commit()
    production_like = ScanPolicy(verify_web_ports=(("http", site.web.port),))
    site.pages[WELL_KNOWN] = Page(body=asset.token.encode())
    with platform.uow(tenant.principal) as uow, pytest.raises(PermissionDeniedError):
        service.verify_asset(uow, asset.id, production_like)


def test_scan_findings_disputes_and_a_rescan(platform: Platform, site: Site) -> None:
    tenant, enterprise_id = _prepare(platform, site)
    with platform.uow(tenant.principal) as uow:
        asset = service.declare_asset(uow, enterprise_id, "127.0.0.1")
        uow.commit()
    site.pages[WELL_KNOWN] = Page(body=asset.token.encode() + b"\n")
    with platform.uow(tenant.principal) as uow:
        verified = service.verify_asset(uow, asset.id, platform.scan_policy())
        uow.commit()
    assert verified.verified_by is not None
    with platform.uow(tenant.principal) as uow:
        first = service.request_scan(uow, enterprise_id)
        uow.commit()
    platform.run_scan(first.id)
    with platform.uow(tenant.principal) as uow:
        record = uow.assessment.scan(first.id)
        findings = {f.code: f for f in service.current_findings(uow, enterprise_id)}
    assert record.status == "finished", record.error
    assert record.progress_done == record.progress_total > 0  # counted in probes
    assert {"service.rdp_exposed", "http.missing_csp", "vuln.known_exploited"} <= set(findings)
    kev = findings["vuln.known_exploited"]
    assert "CVE-2024-38475" in kev.detail["evidence"]["observed"]
    assert findings["service.rdp_exposed"].asset == f"127.0.0.1:{site.rdp.port}"

    with platform.uow(tenant.principal) as uow:
        service.dispute_finding(
            uow,
            findings["service.rdp_exposed"].id,
            kind="fixed_pending_rescan",
            note="RDP closed at the firewall",
        )
        rescan = service.request_scan(uow, enterprise_id)
        uow.commit()
    site.rdp.stop()  # the enterprise really closed it
    _wait_until_closed(site.rdp.port)
    platform.run_scan(rescan.id)
    with platform.uow(tenant.principal) as uow:
        after = {f.code for f in service.current_findings(uow, enterprise_id)}
        history = [
            f for f in uow.assessment.findings(enterprise_id) if f.code == "service.rdp_exposed"
        ]
    with platform.uow(tenant.principal) as uow:
        second = uow.assessment.scan(rescan.id)
    assert second.status == "finished", second.error
    assert "service.rdp_exposed" not in after
    assert {"http.missing_csp", "vuln.known_exploited"} <= after
    assert [f.status for f in history] == ["resolved"]
    assert platform.verify_audit_chain().intact


def test_a_dispute_needs_a_reason_and_evidence_for_a_compensating_control(
    platform: Platform, site: Site
) -> None:
    tenant, enterprise_id = _prepare(platform, site)
    with platform.uow(tenant.principal) as uow:
        asset = service.declare_asset(uow, enterprise_id, "127.0.0.1")
        uow.commit()
    site.pages[WELL_KNOWN] = Page(body=asset.token.encode())
    with platform.uow(tenant.principal) as uow:
        service.verify_asset(uow, asset.id, platform.scan_policy())
        scan = service.request_scan(uow, enterprise_id)
        uow.commit()
    platform.run_scan(scan.id)
    with platform.uow(tenant.principal) as uow:
        finding = service.current_findings(uow, enterprise_id)[0]
        with pytest.raises(ValidationError, match="evidence"):
            service.dispute_finding(uow, finding.id, kind="compensating_control", note="WAF")
        with pytest.raises(ValidationError):
            service.dispute_finding(uow, finding.id, kind="not_a_kind", note="x")


def test_a_queued_scan_is_run_by_a_worker_and_not_probed_again_once_it_has_ended(
    platform: Platform, site: Site
) -> None:
    tenant, enterprise_id = _prepare(platform, site)
    with platform.uow(tenant.principal) as uow:
        asset = service.declare_asset(uow, enterprise_id, "127.0.0.1")
        uow.commit()
    site.pages[WELL_KNOWN] = Page(body=asset.token.encode())
    with platform.uow(tenant.principal) as uow:
        service.verify_asset(uow, asset.id, platform.scan_policy())
        first = service.request_scan(uow, enterprise_id)
        uow.commit()
    queued = platform.run_scan_later(first.id, tenant_id=first.tenant_id)
    assert (queued.kind, queued.subject, queued.tenant_id) == (
        "scan",
        first.id,
        tenant.organisation_id,
    )

    ran = platform.worker().run_once()
    assert ran is not None
    assert ran.id == queued.id
    assert (ran.state, ran.attempts) == (JobState.SUCCEEDED, 1)
    assert ran.result == json.dumps({"scan_id": first.id, "status": "finished"})
    with platform.uow(tenant.principal) as uow:
        scanned = uow.assessment.scan(first.id)
    assert ran.progress_done == ran.progress_total == scanned.progress_total > 0

    # A worker that scanned and died before recording the job's end: the next one does not
    # probe the enterprise again (its services see no new connection), it records the end.
    with platform.uow(tenant.principal) as uow:
        second = service.request_scan(uow, enterprise_id)
        uow.commit()
    job = platform.run_scan_later(second.id, tenant_id=second.tenant_id)
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    dead = claim_next(platform.uow(), owner="dead", kinds=("scan",), lease_seconds=1, now=long_ago)
    assert dead is not None
    assert dead.id == job.id
    platform.run_scan(second.id)
    probes = len(site.rdp.accepted_at)
    resumed = platform.worker().run_once()
    assert resumed is not None
    assert (resumed.id, resumed.state, resumed.attempts) == (job.id, JobState.SUCCEEDED, 2)
    assert len(site.rdp.accepted_at) == probes
