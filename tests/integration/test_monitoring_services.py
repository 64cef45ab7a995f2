"""保中服务 on real databases: a bound SME policy's bundled services become tasks over its term
(the dates worked out by hand from the product's services and ``services.yaml``), scheduling
twice creates nothing, the insurer's panel assigns them, the provider works its queue (accept,
report with a scan as evidence, the insurer sends it back, report again, complete), missed SLAs
are flagged, everyone sees only their part, every change is audited, and a cancellation stops
the future tasks."""

from __future__ import annotations

from datetime import date

import pytest

from liubu import monitoring
from liubu.accounts import AuditFilter
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.errors import NotFoundError, PermissionDeniedError, ValidationError
from liubu.monitoring import Breach, MonitoringCode, TaskKind, TaskState
from liubu.underwriting import lifecycle
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import World, build_world, insurer_staff
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
