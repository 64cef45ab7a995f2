"""保中服务 on real databases: a bound SME policy's bundled services become tasks over its term
(the dates worked out by hand from the product's services and ``services.yaml``), scheduling
twice creates nothing, the insurer's panel assigns them, the provider works its queue (accept,
report with a scan as evidence, the insurer sends it back, report again, complete), missed SLAs
are flagged, everyone sees only their part, every change is audited, and a cancellation stops
the future tasks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from liubu import assessment, monitoring
from liubu.accounts import AuditFilter
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.assessment.service import ScanPolicy
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.demo import load_reference_products
from liubu.errors import NotFoundError, PermissionDeniedError, ValidationError
from liubu.jobs import JobState
from liubu.monitoring import Breach, MonitoringCode, TaskKind, TaskState
from liubu.underwriting import lifecycle
from tests.integration.helpers import DECLARED, facts, make_tenant
from tests.integration.monitoring_world import SME, World, build_world, insurer_staff
from tests.integration.scan.servers import Listener, Page, http_handler
from tests.unit.monitoring.realdata import require_shared

ON = date(2026, 2, 10)
MONTH_ENDS = [
    date(2026, 1, 31),
    date(2026, 2, 28),
    date(2026, 3, 31),
    date(2026, 4, 30),
    date(2026, 5, 31),
    date(2026, 6, 30),
    date(2026, 7, 31),
    date(2026, 8, 31),
    date(2026, 9, 30),
    date(2026, 10, 31),
    date(2026, 11, 30),
    date(2026, 12, 31),
]
QUARTERS = [date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)]
# The SME product (v2) bundles these; policy from 2026-01-01 to 2027-01-01.
EXPECTED = {
    "pre_bind_assessment": [date(2026, 1, 1)],
    "incident_response_hotline": [date(2026, 1, 1)],
    "security_training": [date(2026, 3, 2)],
    "vulnerability_scanning": QUARTERS,
    "backup_service": QUARTERS,
    "continuous_monitoring": MONTH_ENDS,
    "monitoring_rescan": MONTH_ENDS,  # the insured has verified assets
}


@pytest.fixture
def world(platform: Platform) -> World:
    require_shared()
    return build_world(platform)


def test_schedule_queue_sla_scope_audit_and_cancellation(platform: Platform, world: World) -> None:
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    other = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Other", Role.SECURITY_ANALYST)
    insurer = world.underwriter
    for code in ("vulnerability_scanning", "continuous_monitoring"):
        monitoring.add_to_panel(platform.uow(insurer), provider.organisation_id, code)
    with pytest.raises(ValidationError) as refused:
        monitoring.add_to_panel(platform.uow(insurer), world.enterprise_id, "backup_service")
    assert refused.value.code == MonitoringCode.NOT_A_PROVIDER

    first = monitoring.schedule_services(platform.uow(SYSTEM), ON)
    assert first.as_dict() == {"created": 35, "assigned": 0, "cancelled": 0, "unassigned": 7}
    again = monitoring.schedule_services(platform.uow(insurer), ON)
    assert (again.created, again.unassigned) == (0, 7)  # idempotent

    seen = monitoring.list_services(platform.uow(world.buyer), on=ON)
    by_code: dict[str, list[date]] = {}
    for view in seen:
        by_code.setdefault(view.task.service_code, []).append(view.task.due_on)
    assert {code: sorted(days) for code, days in by_code.items()} == EXPECTED
    rescans = [v for v in seen if v.task.kind == TaskKind.RESCAN]
    assert all(v.task.provider_id is None and not v.unassigned for v in rescans)

    # A provider added later to the panel gets the tasks still open for its service.
    monitoring.add_to_panel(platform.uow(insurer), provider.organisation_id, "security_training")
    third = monitoring.schedule_services(platform.uow(SYSTEM), ON)
    assert (third.created, third.assigned, third.unassigned) == (0, 1, 6)

    queue = monitoring.list_services(platform.uow(provider.principal), on=ON)
    assert len(queue) == 4 + 12 + 1
    assert {v.task.provider_id for v in queue} == {provider.organisation_id}
    assert monitoring.list_services(platform.uow(other.principal), on=ON) == []
    # Assigned in-term services, with no treatment task, are enough to serve the enterprise:
    # its provider watches it (and so sees its alerts and score history); another does not.
    watched = monitoring.watchlist(platform.uow(provider.principal), on=ON)
    assert {w.enterprise_id for w in watched} == {world.enterprise_id}
    assert monitoring.watchlist(platform.uow(other.principal), on=ON) == ()
    rival = insurer_staff(platform, Role.UNDERWRITER, code="yangben-pc")
    assert monitoring.list_services(platform.uow(rival), on=ON) == []

    breaches = {
        (v.task.service_code, v.task.due_on, v.breach)
        for v in monitoring.list_breaches(platform.uow(insurer), on=ON)
    }
    assert breaches == {
        ("pre_bind_assessment", date(2026, 1, 1), Breach.COMPLETE),
        ("incident_response_hotline", date(2026, 1, 1), Breach.COMPLETE),
        ("continuous_monitoring", date(2026, 1, 31), Breach.COMPLETE),
        ("monitoring_rescan", date(2026, 1, 31), Breach.COMPLETE),
        ("vulnerability_scanning", date(2026, 1, 31), Breach.ACCEPT),
        ("backup_service", date(2026, 1, 31), Breach.ACCEPT),
    }

    task = next(
        v.task
        for v in queue
        if v.task.service_code == "continuous_monitoring" and v.task.sequence == 2
    )
    with pytest.raises(NotFoundError):
        monitoring.accept_service(platform.uow(other.principal), task.id)
    with pytest.raises(PermissionDeniedError):
        monitoring.accept_service(platform.uow(world.buyer), task.id)
    with pytest.raises(ValidationError) as refused:
        monitoring.complete_service(platform.uow(provider.principal), task.id)
    assert refused.value.code == MonitoringCode.SERVICE_TRANSITION

    monitoring.accept_service(platform.uow(provider.principal), task.id)
    with platform.uow(SYSTEM) as uow:
        scan_id = uow.assessment.scans(world.enterprise_id)[0].id
    with pytest.raises(ValidationError) as refused:
        monitoring.report_service(platform.uow(provider.principal), task.id, report="x" * 4001)
    assert refused.value.code == MonitoringCode.EVIDENCE_TOO_LONG
    with pytest.raises(ValidationError) as refused:
        monitoring.report_service(
            platform.uow(provider.principal), task.id, report="Done.", scan_id="nope"
        )
    assert refused.value.code == MonitoringCode.EVIDENCE_SCAN
    reported = monitoring.report_service(
        platform.uow(provider.principal), task.id, report="February's report.", scan_id=scan_id
    )
    assert (reported.status, reported.scan_id) == (TaskState.REPORTED, scan_id)
    with pytest.raises(ValidationError) as refused:
        monitoring.reject_report(platform.uow(insurer), task.id, reason="lazy")
    assert refused.value.code == MonitoringCode.REJECT_REASON
    with pytest.raises(PermissionDeniedError):
        monitoring.reject_report(
            platform.uow(provider.principal), task.id, reason="scope_incomplete"
        )
    returned = monitoring.reject_report(platform.uow(insurer), task.id, reason="scope_incomplete")
    assert (returned.status, returned.reject_reason) == (TaskState.RETURNED, "scope_incomplete")
    monitoring.report_service(platform.uow(provider.principal), task.id, report="All of it now.")
    done = monitoring.complete_service(platform.uow(provider.principal), task.id)
    assert (done.status, done.reject_reason, done.report) == (
        TaskState.COMPLETED,
        None,
        "All of it now.",
    )

    with platform.uow(SYSTEM) as uow:
        events = uow.audit.search(AuditFilter(entity_id=task.id, limit=50))
    moves = [(e.action, e.actor_id) for e in sorted(events, key=lambda e: e.seq)]
    worker, reviewer = provider.principal.user_id, insurer.user_id
    updated = "scheduled_services.updated"
    assert moves == [  # created, then accepted, reported, returned, reported, completed
        ("scheduled_services.created", SYSTEM.user_id),
        *((updated, actor) for actor in (worker, worker, reviewer, worker, worker)),
    ]

    # Cancelled on 15 March: every pending task due from then on is cancelled, the rest stay.
    with platform.uow(world.buyer) as uow:
        lifecycle.cancel(uow, world.policy_id, cancelled_on=date(2026, 3, 15))
    stop = monitoring.schedule_services(platform.uow(SYSTEM), date(2026, 3, 15))
    assert (stop.created, stop.cancelled) == (0, 10 + 3 + 3 + 10)
    after = monitoring.list_services(platform.uow(insurer), on=date(2026, 3, 15))
    cancelled = [v.task for v in after if v.task.status == TaskState.CANCELLED]
    assert min(t.due_on for t in cancelled) == date(2026, 3, 31)
    assert all(
        v.task.status != TaskState.CANCELLED for v in after if v.task.due_on < date(2026, 3, 15)
    )
    assert monitoring.schedule_services(platform.uow(SYSTEM), date(2026, 3, 15)).cancelled == 0


WELL_KNOWN = "/.well-known/liubu-verification.txt"


@pytest.fixture
def web() -> Iterator[tuple[Listener, dict[str, Page]]]:
    """A real web server on loopback: the insured's only verified asset."""
    pages: dict[str, Page] = {}
    listener = Listener(http_handler(pages, Page(headers=(("Server", "Apache/2.4.49"),))))
    yield listener, pages
    listener.stop()


def test_a_due_rescan_is_run_by_the_job_worker_and_completed_with_its_scan(
    platform: Platform, web: tuple[Listener, dict[str, Page]]
) -> None:
    listener, pages = web
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=(("http", listener.port),),
        ports=(listener.port,),
        services={listener.port: "http"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    load_reference_products(platform)
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, "Loopback", Role.ENTERPRISE_USER).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(uow, facts(7))
        uow.commit()
    asset = assessment.declare_asset(platform.uow(buyer), enterprise.id, "127.0.0.1")
    pages[WELL_KNOWN] = Page(body=asset.token.encode())
    assessment.verify_asset(platform.uow(buyer), asset.id, platform.scan_policy())
    underwriter = insurer_staff(platform, Role.UNDERWRITER)
    # Started 45 days ago: the first monthly rescan fell due 15 days ago, the next is to come.
    start = shanghai_today() - timedelta(days=45)
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote.id)
        if quote.status == "referred":
            lifecycle.decide_referral(uow, quote.id, approve=True, reasons="Accepted for a test.")
            uow.commit()
            quote = uow.underwriting.quote(quote.id)
        lifecycle.bind(
            uow,
            quote.id,
            option_index=0,
            declarations=DECLARED,
            expected_version=quote.version,
            start=start,
        )
        uow.commit()

    # The bind's entry points queue this job; here it is queued and run as they would have it.
    job = platform.queue_service_schedule(tenant_id=underwriter.tenant_id)
    assert job.kind == monitoring.SCHEDULE_JOB
    ran = platform.worker().run_once()
    assert ran is not None
    assert ran.state == JobState.SUCCEEDED
    summary = json.loads(ran.result or "{}")
    assert summary["rescans_queued"] == 1
    with platform.uow(SYSTEM) as uow:
        rescans = [
            t for t in uow.services.tasks(enterprise_id=enterprise.id) if t.kind == TaskKind.RESCAN
        ]
    assert len(rescans) == 12
    running = [t for t in rescans if t.scan_id]
    assert [(t.sequence, t.due_on, t.status) for t in running] == [
        (1, start + timedelta(days=30), TaskState.ACCEPTED)
    ]
    scan_id = running[0].scan_id
    assert monitoring.run_due_rescans(platform.uow(SYSTEM)) == []  # its scan is on its way

    scanned = platform.worker().run_once()
    assert scanned is not None
    assert (scanned.kind, scanned.subject, scanned.state) == ("scan", scan_id, JobState.SUCCEEDED)
    views = monitoring.list_services(platform.uow(buyer))
    done = [v.task for v in views if v.task.scan_id == scan_id]
    assert len(done) == len(running)
    assert all(t.status == TaskState.COMPLETED and t.completed_at for t in done)
    assert all(not v.breach for v in views if v.task.scan_id == scan_id)
    with platform.uow(SYSTEM) as uow:
        scan = uow.assessment.scan(scan_id)
    assert scan.status == "finished"
    assert scan.targets == ["127.0.0.1"]

    # The enterprise's first finished scan: every finding it made is new, and each raised one
    # alert on the insured address (rule rescan:<code>), as stored findings say — once, however
    # often the scan's findings are recorded again.
    with platform.uow(SYSTEM) as uow:
        codes = {f.code for f in uow.assessment.findings(enterprise.id) if f.scan_id == scan_id}
    assert codes, "the loopback server gives the scanner something to find"
    raised = [
        a
        for a in monitoring.list_alerts(platform.uow(underwriter), enterprise_id=enterprise.id)
        if a.source == monitoring.RESCAN_SOURCE
    ]
    assert {a.rule for a in raised} == {f"rescan:{code}" for code in codes}
    assert {(a.asset_value, a.indicator, a.status) for a in raised} == {
        ("127.0.0.1", "127.0.0.1", "open")
    }
    again = monitoring.alert_new_findings(platform.uow(SYSTEM), scan_id)
    assert again is not None
    assert (again.alerted, again.duplicates) == (0, again.read)
