"""The whole alert lifecycle on real databases: a real KEV listing on the insured's scanned Apache
raises an alert that the assigned provider acknowledges, takes into remediation and reports
fixed; a rescan of a real local HTTP server still answering as Apache 2.4.49 keeps it in
remediation, the same server upgraded to 2.4.62 verifies the fix, and the insurer closes it. A
blocklisted address cannot be rescanned, is escalated once per breached level when overdue,
and marked a false positive counts against its rule's precision."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest

from liubu import assessment, monitoring, notify
from liubu.accounts import AuditFilter
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.assessment import Scan, ScanPolicy, ScanState
from liubu.bootstrap import MONITORING_ESCALATE, Platform
from liubu.errors import (
    ConcurrencyError,
    ConflictError,
    PermissionDeniedError,
    ValidationError,
)
from liubu.jobs import Job, JobState
from liubu.monitoring import Alert, MonitoringCode, RulePrecision
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import APACHE, IN_TERM, World, build_world
from tests.integration.scan.servers import Listener, Page, http_handler
from tests.unit.monitoring.realdata import (
    APACHE_CVE,
    feodo_observation,
    feodo_rows,
    kev_entry,
    kev_observation,
    require_shared,
)

LOOPBACK = "127.0.0.1"


class Server:
    """A loopback HTTP server whose ``Server`` header can be changed between requests (the
    insured's web server before and after the upgrade)."""

    def __init__(self, banner: str) -> None:
        self.banner = banner
        self.listener = Listener(self._handle)

    def _handle(self, sock: socket.socket) -> None:
        http_handler({}, Page(headers=(("Server", self.banner),)))(sock)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server("Apache/2.4.49 (Unix)")
    yield running
    running.listener.stop()


def _insure_loopback(platform: Platform, world: World) -> None:
    """The insured's web server on the loopback address: a verified asset, and the latest scan
    (shaped as the scanner stores it) identified Apache 2.4.49 on it."""
    asset = assessment.declare_asset(platform.uow(world.buyer), world.enterprise_id, LOOPBACK)
    at = IN_TERM.replace(month=2)
    software = {"cpe": APACHE, "evidence": {}, "distribution": None, "confidence": "confirmed"}
    with platform.uow(SYSTEM) as uow:
        stored = uow.assessment.asset(asset.id)
        stored.verified_at, stored.verified_by = at, "http_file"
        enterprise = uow.enterprises.get(world.enterprise_id)
        uow.assessment.add(
            Scan(
                id=accounts.new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=world.enterprise_id,
                status=ScanState.FINISHED,
                targets=[LOOPBACK],
                settings={},
                created_at=at,
                started_at=at,
                finished_at=at,
                result={"targets": [{"target": LOOPBACK, "software": [software]}]},
            )
        )
        uow.commit()


def _alert(platform: Platform, principal: Principal, indicator: str) -> Alert:
    (found,) = [
        a for a in monitoring.list_alerts(platform.uow(principal)) if a.indicator == indicator
    ]
    return found


def test_an_alert_flows_from_a_kev_listing_through_remediation_to_a_fix_verified_by_rescan(
    platform: Platform, server: Server
) -> None:
    require_shared()
    world = build_world(platform)
    _insure_loopback(platform, world)
    guard = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    rival = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Rival", Role.SECURITY_ANALYST)
    for provider in (guard, rival):
        assessment.assign_task(
            platform.uow(world.buyer),
            world.enterprise_id,
            provider_id=provider.organisation_id,
            fix_id="monitor",
            title_zh="监控",
            title_en="Monitoring",
        )
    analyst, underwriter = guard.principal, world.underwriter
    result = monitoring.record_observations(
        platform.uow(SYSTEM), [kev_observation(kev_entry(APACHE_CVE))], now=IN_TERM
    )
    assert result.alerted == 1
    alert = _alert(platform, analyst, APACHE_CVE)
    assert (alert.status, alert.asset_value, alert.severity) == ("open", APACHE, "critical")
    assert (alert.acknowledge_due, alert.fix_due) == monitoring.due_times("critical", IN_TERM)

    def act(who: Principal, action: str, version: int, **extra: str) -> Alert:
        return monitoring.transition(
            platform.uow(who), alert.id, action, expected_version=version, now=IN_TERM, **extra
        )

    with pytest.raises(PermissionDeniedError):  # the insured sees, and does not act
        act(world.buyer, "acknowledge", alert.version)
    with pytest.raises(PermissionDeniedError):  # acknowledging is the provider's
        act(underwriter, "acknowledge", alert.version)
    acknowledged = act(analyst, "acknowledge", alert.version)
    assert acknowledged.status == "acknowledged"
    with pytest.raises(ConcurrencyError):  # what the analyst saw before is stale now
        act(analyst, "remediate", alert.version)
    with pytest.raises(ConflictError) as illegal:
        act(analyst, "report_fix", acknowledged.version, note="Upgraded.")
    assert illegal.value.code == MonitoringCode.ILLEGAL_TRANSITION
    remediation = act(analyst, "remediate", acknowledged.version)
    assert remediation.assigned_provider_id == guard.organisation_id
    with pytest.raises(PermissionDeniedError) as other:  # assigned: the rival may not act
        act(rival.principal, "report_fix", remediation.version, note="Mine.")
    assert other.value.code == MonitoringCode.NOT_ASSIGNED
    with pytest.raises(ValidationError) as bare:
        act(analyst, "report_fix", remediation.version)
    assert bare.value.code == MonitoringCode.EVIDENCE_REQUIRED
    reported = act(analyst, "report_fix", remediation.version, note="Apache upgraded to 2.4.62.")
    assert reported.status == "fix_reported"

    port = server.listener.port
    policy = ScanPolicy(allow_private=True, ports=(port,), services={port: "http"}, deadline=20.0)

    def verify(who: Principal, version: int) -> monitoring.Verification:
        return monitoring.verify_fix(
            lambda: platform.uow(who),
            alert.id,
            expected_version=version,
            policy=policy,
            intel=platform.index_cache,
            now=IN_TERM,
        )

    # The server still answers as Apache 2.4.49: the rescan sees the CVE, back to remediation.
    still = verify(analyst, reported.version)
    assert not still.fixed
    assert [r.target for r in still.rescans] == [LOOPBACK]
    assert APACHE in still.rescans[0].software
    assert still.alert.status == "remediation"
    assert still.alert.history[-1]["rescan"]["still_seen"] is True
    # Upgraded: the rescan identifies 2.4.62, to which CVE-2024-38475 does not apply.
    server.banner = "Apache/2.4.62 (Unix)"
    again = act(analyst, "report_fix", still.alert.version, note="Upgraded again, restarted.")
    verified = verify(analyst, again.version)
    assert verified.fixed, verified.rescans
    assert verified.rescans[0].complete
    assert verified.rescans[0].software == ("cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*",)
    assert verified.alert.status == "fixed"
    with pytest.raises(PermissionDeniedError):  # closing is the insurer's
        act(analyst, "close", verified.alert.version)
    closed = act(underwriter, "close", verified.alert.version)
    assert closed.status == "closed"
    history = [(h["action"], h["from"], h["to"]) for h in closed.history]
    assert history == [
        ("acknowledge", "open", "acknowledged"),
        ("remediate", "acknowledged", "remediation"),
        ("report_fix", "remediation", "fix_reported"),
        ("verify", "fix_reported", "remediation"),
        ("report_fix", "remediation", "fix_reported"),
        ("verify", "fix_reported", "fixed"),
        ("close", "fixed", "closed"),
    ]
    with platform.uow(SYSTEM) as uow:
        audited = uow.audit.search(AuditFilter(entity_type="alerts", entity_id=alert.id))
    changes = [e for e in audited if e.action != "alerts.created"]
    assert len(changes) == len(history)  # every transition audited
    # Repeated after the fix, the same listing opens a new alert rather than reviving this one.
    repeat = kev_observation(kev_entry(APACHE_CVE))
    monitoring.record_observations(platform.uow(SYSTEM), [repeat], now=IN_TERM)
    assert _alert(platform, underwriter, APACHE_CVE).status == "closed"


def test_a_blocklisted_address_is_escalated_per_level_and_its_false_positive_counts_on_its_rule(
    platform: Platform,
) -> None:
    require_shared()
    world = build_world(platform)
    row = feodo_rows()[0]
    observation = feodo_observation(row)
    monitoring.record_observations(
        platform.uow(SYSTEM),
        [observation, kev_observation(kev_entry(APACHE_CVE))],
        now=IN_TERM,
    )
    alert = _alert(platform, world.underwriter, world.insured_ip)
    with pytest.raises(ValidationError) as blind:  # a rescan cannot see a blocklist
        monitoring.verify_fix(
            lambda: platform.uow(SYSTEM),
            alert.id,
            expected_version=alert.version,
            policy=ScanPolicy(allow_private=True),
        )
    assert blind.value.code == MonitoringCode.NOT_RESCANNABLE

    def escalate(hours: float) -> monitoring.EscalationResult:
        return monitoring.escalate_overdue(platform.uow(SYSTEM), IN_TERM + timedelta(hours=hours))

    acknowledge_hours = monitoring.service_levels()[monitoring.AlertSeverity.HIGH].acknowledge
    critical = monitoring.service_levels()[monitoring.AlertSeverity.CRITICAL].acknowledge
    assert critical < acknowledge_hours  # the KEV alert breaches first
    on_time = escalate(critical.total_seconds() / 3600)
    assert on_time == monitoring.EscalationResult(overdue=0, escalated=0)
    late = acknowledge_hours.total_seconds() / 3600 + 1
    # the recurring job's handler runs the same use case
    moment = (IN_TERM + timedelta(hours=late)).isoformat()
    job = Job(
        id="j1",
        tenant_id="platform",
        kind=MONITORING_ESCALATE,
        subject="escalate",
        state=JobState.RUNNING,
        created_at=IN_TERM,
        updated_at=IN_TERM,
        payload={"at": moment},
    )
    ran = platform.job_handlers()[MONITORING_ESCALATE](job, lambda done, total: None)
    assert json.loads(ran or "") == {"overdue": 2, "escalated": 2}
    assert escalate(late) == monitoring.EscalationResult(overdue=2, escalated=0)  # idempotent
    escalated = _alert(platform, world.underwriter, world.insured_ip)
    assert escalated.escalation_level == 1
    assert escalated.escalated_at is not None
    fix_hours = monitoring.service_levels()[monitoring.AlertSeverity.HIGH].fix
    assert escalate(fix_hours.total_seconds() / 3600 + 1).escalated == 2
    assert _alert(platform, world.underwriter, world.insured_ip).escalation_level == 2
    # each escalation, once per level, is told to the insurer and to the insured (in-app)
    for who in (world.underwriter, world.buyer):
        told = sorted(
            item.notification.subject_id
            for item in notify.inbox(platform.uow(who))
            if item.notification.event_kind == "monitoring.alert_escalated"
            and item.notification.subject_id.startswith(escalated.id)
        )
        assert told == [f"{escalated.id}:1", f"{escalated.id}:2"]
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.ADMIN)
    assert monitoring.escalate_overdue(platform.uow(other.principal), IN_TERM).overdue == 0

    with pytest.raises(ValidationError) as unbounded:
        monitoring.transition(
            platform.uow(world.underwriter),
            escalated.id,
            "false-positive",
            expected_version=escalated.version + 1,
            reason="looks fine",
        )
    assert unbounded.value.code == MonitoringCode.FALSE_POSITIVE_REASON
    current = _alert(platform, world.underwriter, world.insured_ip)
    marked = monitoring.transition(
        platform.uow(world.underwriter),
        current.id,
        "false-positive",
        expected_version=current.version,
        reason="indicator_wrong",
        note="The address was reassigned to the insured after the listing.",
    )
    assert (marked.status, marked.resolution) == ("false_positive", "indicator_wrong")
    precision = monitoring.rule_precision(platform.uow(world.underwriter))
    assert precision == [
        RulePrecision(source="feodo", rule=observation.rule, alerts=1, false_positives=1),
        RulePrecision(source="kev", rule="kev.listed", alerts=1, false_positives=0),
    ]
    assert [r.precision for r in precision] == [0.0, 1.0]
    assert monitoring.rule_precision(platform.uow(other.principal)) == []
    with pytest.raises(PermissionDeniedError):
        monitoring.rule_precision(platform.uow(world.buyer))
